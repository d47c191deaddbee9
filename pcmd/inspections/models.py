"""Đội kiểm tra liên ngành 178: teams, inspection rounds, visits, violations, sanctions, risk weights.

A visit belongs to the commune of the establishment it inspects. Violations and sanctions are
scoped through their visit (`visit__unit`). People found at a visit are counted, never named.
"""

from django.conf import settings
from django.db import models

from pcmd.core.models import Searchable, TrackedModel, UnitScopedModel


class Team(Searchable, UnitScopedModel):
    name = models.CharField("Tên đội", max_length=255)
    decision_number = models.CharField("Số quyết định thành lập", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    is_active = models.BooleanField("Đang hoạt động", default=True)
    notes = models.TextField("Ghi chú", blank=True)

    module = "inspections"
    search_source = ("name", "decision_number")

    class Meta:
        verbose_name = "đội kiểm tra liên ngành"
        verbose_name_plural = "đội kiểm tra liên ngành"
        ordering = ["unit__path", "name", "pk"]

    def __str__(self):
        return self.name


class TeamMember(Searchable, TrackedModel):
    team = models.ForeignKey(Team, verbose_name="Đội", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Tài khoản", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    full_name = models.CharField("Họ và tên", max_length=120, blank=True)
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    position = models.CharField("Chức vụ trong đội", max_length=120, blank=True)
    is_leader = models.BooleanField("Đội trưởng", default=False)

    module = "inspections"
    scope_unit_field = "team__unit"
    scope_province_field = "team__province"
    search_source = ("full_name", "position")

    class Meta:
        verbose_name = "thành viên đội"
        verbose_name_plural = "thành viên đội"
        ordering = ["team", "-is_leader", "full_name", "pk"]

    def __str__(self):
        if self.full_name:
            return self.full_name
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return "—"

    def get_additional_data(self):
        return {"unit": self.team.unit_id, "province": self.team.province_id}


class InspectionRound(Searchable, UnitScopedModel):
    name = models.CharField("Tên đợt kiểm tra", max_length=255)
    decision_number = models.CharField("Số quyết định kiểm tra", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    start_date = models.DateField("Từ ngày")
    end_date = models.DateField("Đến ngày")
    team = models.ForeignKey(Team, verbose_name="Đội thực hiện", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="rounds")
    notes = models.TextField("Ghi chú", blank=True)

    module = "inspections"
    search_source = ("name", "decision_number")

    class Meta:
        verbose_name = "đợt kiểm tra"
        verbose_name_plural = "đợt kiểm tra"
        ordering = ["-start_date", "-pk"]

    def __str__(self):
        return self.name


class VisitKind(models.TextChoices):
    PLANNED = "planned", "Theo kế hoạch"
    UNANNOUNCED = "unannounced", "Đột xuất"
    FOLLOW_UP = "follow_up", "Kiểm tra lại"


class VisitResult(models.TextChoices):
    COMPLIANT = "compliant", "Không phát hiện vi phạm"
    VIOLATIONS = "violations", "Phát hiện vi phạm"


class Visit(UnitScopedModel):
    """One inspection of one establishment (unit = the establishment's commune)."""

    establishment = models.ForeignKey("venues.Establishment", verbose_name="Cơ sở được kiểm tra",
                                      on_delete=models.PROTECT, related_name="visits")
    date = models.DateField("Ngày kiểm tra")
    time = models.TimeField("Giờ kiểm tra", null=True, blank=True)
    kind = models.CharField("Hình thức", max_length=12, choices=VisitKind.choices, default=VisitKind.PLANNED)
    team = models.ForeignKey(Team, verbose_name="Đội kiểm tra", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="visits")
    round = models.ForeignKey(InspectionRound, verbose_name="Đợt kiểm tra", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="visits")
    result = models.CharField("Kết quả", max_length=12, choices=VisitResult.choices, default=VisitResult.COMPLIANT)
    # Counts only, never names (personal data law 91/2025/QH15).
    found_selling = models.PositiveIntegerField("Số người bán dâm phát hiện", default=0)
    found_buying = models.PositiveIntegerField("Số người mua dâm phát hiện", default=0)
    found_brokering = models.PositiveIntegerField("Số người môi giới phát hiện", default=0)
    found_staff_no_papers = models.PositiveIntegerField("Số nhân viên không có giấy tờ", default=0)
    follow_up_due = models.DateField("Hạn kiểm tra lại / khắc phục", null=True, blank=True)
    follow_up_outcome = models.TextField("Kết quả khắc phục", blank=True)
    notes = models.TextField("Ghi chú", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhập", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    module = "inspections"

    class Meta:
        verbose_name = "lượt kiểm tra"
        verbose_name_plural = "lượt kiểm tra"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["establishment", "date"]),
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["province", "date"]),
        ]

    def __str__(self):
        return f"{self.establishment} — {self.date:%d/%m/%Y}"


class ViolationType(TrackedModel):
    """Catalogue of violations with their legal basis; edited by administrators (Django admin)."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Hành vi vi phạm", max_length=255)
    decree = models.CharField("Văn bản quy định", max_length=120, blank=True,
                              default="Nghị định 282/2025/NĐ-CP")
    article = models.CharField("Điều, khoản, điểm", max_length=120, blank=True,
                               help_text="Để trống khi chưa đối chiếu văn bản; quản trị viên bổ sung.")
    fine_min = models.PositiveBigIntegerField("Mức phạt tối thiểu (đồng)", null=True, blank=True)
    fine_max = models.PositiveBigIntegerField("Mức phạt tối đa (đồng)", null=True, blank=True)
    order = models.PositiveSmallIntegerField("Thứ tự", default=100)
    is_active = models.BooleanField("Đang dùng", default=True)

    class Meta:
        verbose_name = "loại vi phạm"
        verbose_name_plural = "danh mục hành vi vi phạm"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def legal_basis(self) -> str:
        return ", ".join(p for p in (self.article, self.decree) if p)


class Violation(TrackedModel):
    visit = models.ForeignKey(Visit, verbose_name="Lượt kiểm tra", on_delete=models.CASCADE,
                              related_name="violations")
    type = models.ForeignKey(ViolationType, verbose_name="Hành vi vi phạm", on_delete=models.PROTECT,
                             related_name="violations")
    note = models.CharField("Mô tả", max_length=500, blank=True)

    module = "inspections"
    scope_unit_field = "visit__unit"
    scope_province_field = "visit__province"

    class Meta:
        verbose_name = "vi phạm"
        verbose_name_plural = "vi phạm"
        ordering = ["visit", "pk"]

    def __str__(self):
        return str(self.type)

    def get_additional_data(self):
        return {"unit": self.visit.unit_id, "province": self.visit.province_id}


class SanctionKind(models.TextChoices):
    WARNING = "warning", "Cảnh cáo"
    FINE = "fine", "Phạt tiền"
    SUSPENSION = "suspension", "Đình chỉ hoạt động"
    LICENCE = "licence", "Tước giấy phép"


class SanctionTarget(models.TextChoices):
    ORGANISATION = "organisation", "Tổ chức (cơ sở)"
    INDIVIDUAL = "individual", "Cá nhân"


class Sanction(TrackedModel):
    visit = models.ForeignKey(Visit, verbose_name="Lượt kiểm tra", on_delete=models.CASCADE,
                              related_name="sanctions")
    decision_number = models.CharField("Số quyết định xử phạt", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)
    kind = models.CharField("Hình thức xử phạt", max_length=12, choices=SanctionKind.choices)
    amount = models.BigIntegerField("Số tiền phạt (đồng)", null=True, blank=True)
    suspension_months = models.PositiveSmallIntegerField("Số tháng đình chỉ/tước", null=True, blank=True)
    target = models.CharField("Đối tượng bị xử phạt", max_length=12, choices=SanctionTarget.choices,
                              default=SanctionTarget.ORGANISATION)
    individuals = models.PositiveIntegerField("Số cá nhân bị xử phạt", default=0)

    module = "inspections"
    scope_unit_field = "visit__unit"
    scope_province_field = "visit__province"

    class Meta:
        verbose_name = "quyết định xử phạt"
        verbose_name_plural = "quyết định xử phạt"
        ordering = ["visit", "pk"]

    def __str__(self):
        label = self.get_kind_display()
        return f"{self.decision_number} — {label}" if self.decision_number else label

    def get_additional_data(self):
        return {"unit": self.visit.unit_id, "province": self.visit.province_id}


class RiskWeights(UnitScopedModel):
    """Weights of the risk score, one row per province (unit = the province); defaults when absent."""

    type_weight = models.DecimalField("Trọng số loại hình", max_digits=6, decimal_places=2, default=10)
    violations_weight = models.DecimalField("Trọng số mỗi vi phạm trong 24 tháng", max_digits=6, decimal_places=2,
                                            default=15)
    tips_weight = models.DecimalField("Trọng số mỗi tin báo liên quan", max_digits=6, decimal_places=2, default=10)
    hotspot_weight = models.DecimalField("Trọng số tụ điểm đang hoạt động trong xã", max_digits=6,
                                         decimal_places=2, default=20)
    months_weight = models.DecimalField("Trọng số mỗi tháng chưa kiểm tra", max_digits=6, decimal_places=2,
                                        default=1)
    months_cap = models.PositiveSmallIntegerField("Số tháng tối đa tính điểm (chưa từng kiểm tra = mức này)",
                                                  default=36)
    workers_weight = models.DecimalField("Trọng số mỗi 10 lao động", max_digits=6, decimal_places=2, default=2)

    module = "inspections"

    class Meta:
        verbose_name = "trọng số điểm rủi ro"
        verbose_name_plural = "trọng số điểm rủi ro"
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="inspections_riskweights_one_per_unit")]

    def __str__(self):
        return f"Trọng số rủi ro — {self.unit}"
