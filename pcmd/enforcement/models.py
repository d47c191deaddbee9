"""Vụ án hình sự liên quan đến mại dâm and administrative sanction decisions outside inspections.

Only police (full), coordinators and leaders (read-only) see this module (org.permissions).
The rules (date order, counts) live in services.py.
"""

from django.db import models

from pcmd.core.models import Searchable, UnitScopedModel


class Offence(models.TextChoices):
    HARBOURING = "327", "Điều 327 BLHS – Tội chứa mại dâm"
    BROKERING = "328", "Điều 328 BLHS – Tội môi giới mại dâm"
    BUYING_MINOR = "329", "Điều 329 BLHS – Tội mua dâm người dưới 18 tuổi"
    TRAFFICKING = "150", "Điều 150 BLHS – Tội mua bán người"
    TRAFFICKING_CHILD = "151", "Điều 151 BLHS – Tội mua bán người dưới 16 tuổi"
    OTHER = "other", "Tội danh khác"


class CriminalCase(Searchable, UnitScopedModel):
    """A criminal case; `unit` is the detecting unit (commune or province)."""

    number = models.CharField("Số hiệu vụ án", max_length=60, blank=True)
    name = models.CharField("Tên vụ án", max_length=255)
    offence = models.CharField("Tội danh", max_length=8, choices=Offence.choices)
    offence_other = models.CharField("Tội danh khác (ghi rõ)", max_length=255, blank=True)
    detecting_agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan phát hiện", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    detected_on = models.DateField("Ngày phát hiện")
    initiated_on = models.DateField("Ngày khởi tố", null=True, blank=True)
    indicted_on = models.DateField("Ngày truy tố", null=True, blank=True)
    tried_on = models.DateField("Ngày xét xử", null=True, blank=True)
    verdict = models.TextField("Kết quả xét xử (bản án)", blank=True)
    defendants = models.PositiveIntegerField("Số bị can, bị cáo", default=0)
    victims = models.PositiveIntegerField("Số bị hại", default=0)
    minor_victims = models.PositiveIntegerField("Trong đó bị hại dưới 18 tuổi", default=0)
    hotspots = models.ManyToManyField("hotspots.Hotspot", verbose_name="Điểm, tụ điểm liên quan", blank=True,
                                      related_name="cases")
    establishments = models.ManyToManyField("venues.Establishment", verbose_name="Cơ sở kinh doanh liên quan",
                                            blank=True, related_name="criminal_cases")
    notes = models.TextField("Ghi chú", blank=True)

    module = "enforcement"
    search_source = ("number", "name", "offence_other")

    class Meta:
        verbose_name = "vụ án"
        verbose_name_plural = "vụ án hình sự về mại dâm"
        ordering = ["-detected_on", "pk"]
        indexes = [
            models.Index(fields=["province", "detected_on"]),
            models.Index(fields=["unit", "detected_on"]),
        ]

    def __str__(self):
        return f"{self.number} – {self.name}" if self.number else self.name

    @property
    def linked_hotspots(self) -> str:
        return "; ".join(str(h) for h in self.hotspots.all())

    @property
    def linked_establishments(self) -> str:
        return "; ".join(f"{e} ({e.address})" for e in self.establishments.all())

    @property
    def stage(self) -> str:
        if self.tried_on:
            return "Đã xét xử"
        if self.indicted_on:
            return "Đã truy tố"
        if self.initiated_on:
            return "Đã khởi tố"
        return "Đang xác minh"


class ViolatorCategory(models.TextChoices):
    BUYER = "buyer", "Người mua dâm"
    SELLER = "seller", "Người bán dâm"
    BROKER = "broker", "Người môi giới"
    HARBOURER = "harbourer", "Người chứa chấp"
    ESTABLISHMENT = "establishment", "Cơ sở kinh doanh"


class SanctionRecord(Searchable, UnitScopedModel):
    """An administrative sanction decision made outside the 178-team inspections (those live with the visit)."""

    decided_on = models.DateField("Ngày quyết định")
    decision_number = models.CharField("Số quyết định", max_length=60)
    category = models.CharField("Đối tượng vi phạm", max_length=16, choices=ViolatorCategory.choices)
    people = models.PositiveIntegerField("Số người (cơ sở) bị xử phạt", default=1)
    fine_total = models.PositiveBigIntegerField("Tổng tiền phạt (đồng)", default=0)
    issuing_agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan ra quyết định", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField("Căn cứ xử phạt", max_length=255, blank=True,
                                   help_text="Ví dụ: Điều 25 Nghị định 282/2025/NĐ-CP.")
    notes = models.TextField("Ghi chú", blank=True)

    module = "enforcement"
    search_source = ("decision_number", "legal_basis")

    class Meta:
        verbose_name = "quyết định xử phạt hành chính"
        verbose_name_plural = "quyết định xử phạt hành chính (ngoài kiểm tra)"
        ordering = ["-decided_on", "pk"]
        indexes = [models.Index(fields=["province", "decided_on"]), models.Index(fields=["unit", "decided_on"])]

    def __str__(self):
        return f"QĐ {self.decision_number}"
