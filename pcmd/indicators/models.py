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
