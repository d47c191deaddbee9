"""Administrative units: province > [district, legacy] > commune > hamlet."""

from django.db import models

from pcmd.core.models import Searchable, TrackedModel


class Level(models.TextChoices):
    PROVINCE = "province", "Tỉnh/thành phố"
    DISTRICT = "district", "Quận/huyện (trước 7/2025)"
    COMMUNE = "commune", "Xã/phường/đặc khu"
    HAMLET = "hamlet", "Thôn/tổ dân phố"


class AdminUnit(Searchable, TrackedModel):
    code = models.CharField("Mã", max_length=32, unique=True)
    name = models.CharField("Tên", max_length=200)
    division_type = models.CharField("Loại đơn vị", max_length=40)
    level = models.CharField("Cấp", max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="Trực thuộc", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Denormalised: the province a unit lies in (itself for a province), for scoping and roll-up.
    province = models.ForeignKey(
        "self", verbose_name="Tỉnh/thành phố", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # Materialised path of codes ending in "/", e.g. "31/11311/": descendants share the prefix.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    is_active = models.BooleanField("Đang hoạt động", default=True, db_index=True)
    note = models.TextField("Ghi chú", blank=True)

    scope_unit_field = ""  # the unit is the record itself
    scope_province_field = "province"
    module = "geo"

    class Meta:
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"
        ordering = ["path"]
        indexes = [models.Index(fields=["province", "level"])]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """Name with its province, to tell apart units of the same name."""
        if self.level == Level.PROVINCE or not self.province_id:
            return self.name
        return f"{self.name}, {self.province.name}"

    @property
    def lower_name(self) -> str:
        """'phường Bạch Đằng', as it follows an agency name ('Công an phường Bạch Đằng')."""
        return self.name[:1].lower() + self.name[1:]

    def get_additional_data(self):
        return {"unit": self.pk, "province": self.province_id}
