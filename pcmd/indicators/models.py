"""Figures agencies enter (DHIS2's data values) and the approvals that lock them.

A `DataValue` is one indicator for one unit and one reporting period (DHIS2 period code, with its
start and end dates stored so the engine selects "values inside the query period" with plain date
comparisons). A `DataApproval` of a unit (or of its province) for a period locks every value whose
period lies inside it; reopening keeps the approval row with who reopened it and why (the log).
"""

from django.conf import settings
from django.db import models

from pcmd.core.models import UnitScopedModel

from .catalogue import CHOICES


class DataValue(UnitScopedModel):
    indicator = models.CharField("Chỉ số", max_length=40, choices=CHOICES, db_index=True)
    period = models.CharField("Kỳ báo cáo", max_length=12)
    period_kind = models.CharField("Loại kỳ", max_length=8, editable=False)
    period_start = models.DateField("Từ ngày", db_index=True)
    period_end = models.DateField("Đến ngày", db_index=True)
    numerator = models.FloatField("Tử số (hoặc số lượng)")
    denominator = models.FloatField("Mẫu số", null=True, blank=True)
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan báo cáo", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhập", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField("Thời điểm nhập", null=True, blank=True)
    comment = models.CharField("Ghi chú", max_length=500, blank=True)

    module = "indicators"

    class Meta:
        verbose_name = "số liệu nhập"
        verbose_name_plural = "số liệu nhập"
        ordering = ["-period_start", "indicator", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "period"], name="datavalue_unique")]
        indexes = [models.Index(fields=["indicator", "period_start", "period_end"])]

    def __str__(self):
        return f"{self.indicator} · {self.unit} · {self.period}"


class DataApproval(UnitScopedModel):
    period = models.CharField("Kỳ báo cáo", max_length=12)
    period_start = models.DateField("Từ ngày", db_index=True)
    period_end = models.DateField("Đến ngày", db_index=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người phê duyệt", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField("Thời điểm phê duyệt")
    note = models.CharField("Ghi chú", max_length=500, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người mở lại", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reopened_at = models.DateTimeField("Thời điểm mở lại", null=True, blank=True)
    reopen_reason = models.CharField("Lý do mở lại", max_length=500, blank=True)

    module = "indicators"

    class Meta:
        verbose_name = "phê duyệt số liệu"
        verbose_name_plural = "phê duyệt số liệu"
        ordering = ["-approved_at"]

    def __str__(self):
        return f"{self.unit} · {self.period}"

    @property
    def is_active(self) -> bool:
        return self.reopened_at is None


# --- DHIS2 mapping (docs/dhis2.md "Mapping") -------------------------------------------------------

class Dhis2Kind(models.TextChoices):
    ELEMENT = "element", "Phần tử dữ liệu (dataElement)"
    ORGUNIT = "orgunit", "Đơn vị (organisationUnit)"
    COC = "coc", "Tổ hợp phân tổ (categoryOptionCombo)"
    DATASET = "dataset", "Bộ dữ liệu (dataSet)"


class MatchedBy(models.TextChoices):
    CODE = "code", "Theo mã"
    NAME = "name", "Theo tên"
    MANUAL = "manual", "Ghép tay"


class Dhis2Object(models.Model):
    """A metadata object of the DHIS2 instance, as read from its metadata JSON (id, code, name)."""

    kind = models.CharField("Loại", max_length=10, choices=Dhis2Kind.choices)
    uid = models.CharField("UID", max_length=11)
    code = models.CharField("Mã", max_length=100, blank=True)
    name = models.CharField("Tên", max_length=230, blank=True)
    imported_at = models.DateTimeField("Thời điểm nhập")

    class Meta:
        verbose_name = "đối tượng DHIS2"
        verbose_name_plural = "đối tượng DHIS2"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "uid"], name="dhis2object_unique")]

    def __str__(self):
        return f"{self.name or self.code} ({self.uid})"


class Dhis2ElementMap(models.Model):
    """A PCMD data element (an indicator code, or CODE_NUM / CODE_DEN of a percent) paired with a DHIS2 UID.
    National: data elements are the same for every province."""

    element = models.CharField("Phần tử dữ liệu PCMD", max_length=50, unique=True)
    uid = models.CharField("UID DHIS2", max_length=11)
    matched_by = models.CharField("Cách ghép", max_length=8, choices=MatchedBy.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người ghép", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("Thời điểm ghép", auto_now=True)

    class Meta:
        verbose_name = "ghép phần tử dữ liệu DHIS2"
        verbose_name_plural = "ghép phần tử dữ liệu DHIS2"
        ordering = ["element"]

    def __str__(self):
        return f"{self.element} → {self.uid}"


class Dhis2UnitMap(UnitScopedModel):
    """A province or commune paired with a DHIS2 organisation unit UID (province admins map their units)."""

    uid = models.CharField("UID DHIS2", max_length=11)
    matched_by = models.CharField("Cách ghép", max_length=8, choices=MatchedBy.choices)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người ghép", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    module = "integrations"

    class Meta:
        verbose_name = "ghép đơn vị DHIS2"
        verbose_name_plural = "ghép đơn vị DHIS2"
        ordering = ["unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="dhis2unitmap_unique_unit")]

    def __str__(self):
        return f"{self.unit} → {self.uid}"
