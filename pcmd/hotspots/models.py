"""Điểm, tụ điểm phức tạp: hotspots and the dated history of their status.

A hotspot is identified (active), suppressed (triệt xóa), monitored for some months, then closed.
When it comes back it is re-opened as active and the transition is flagged as a re-emergence
(tái hoạt động). The status only changes through `services.hotspot_transition`, which writes one
HotspotEvent per change: the timeline on the detail page and the source of the period counts.
"""

from django.conf import settings
from django.db import models

from pcmd.core.models import Searchable, UnitScopedModel


class HotspotKind(models.TextChoices):
    PUBLIC = "public", "Nơi công cộng"
    ESTABLISHMENT = "establishment", "Tại cơ sở kinh doanh"
    ONLINE = "online", "Trên không gian mạng"


class HotspotStatus(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    SUPPRESSED = "suppressed", "Đã triệt xóa"
    MONITORED = "monitored", "Đang theo dõi sau triệt xóa"
    CLOSED = "closed", "Đã kết thúc theo dõi"

    @property
    def colour(self) -> str:
        """The badge colour (Bootstrap `text-bg-…`) of the status: the one map every page uses."""
        return {"active": "danger", "closed": "secondary"}.get(self.value, "success")


class Hotspot(Searchable, UnitScopedModel):
    name = models.CharField("Tên điểm, tụ điểm", max_length=255)
    hamlet = models.ForeignKey("geo.AdminUnit", verbose_name="Thôn, tổ dân phố", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("Loại", max_length=16, choices=HotspotKind.choices, default=HotspotKind.PUBLIC)
    location = models.CharField("Địa điểm", max_length=255, blank=True,
                                help_text="Địa chỉ, khu vực hoặc mô tả vị trí.")
    url = models.URLField("Đường dẫn (điểm trên mạng)", max_length=500, blank=True)
    description = models.TextField("Mô tả", blank=True)
    first_identified = models.DateField("Ngày phát hiện")
    status = models.CharField("Trạng thái", max_length=12, choices=HotspotStatus.choices,
                              default=HotspotStatus.ACTIVE, editable=False, db_index=True)
    status_since = models.DateField("Trạng thái từ ngày", null=True, editable=False)
    # The last suppression (triệt xóa): when, how, by which agency.
    suppressed_on = models.DateField("Ngày triệt xóa", null=True, editable=False)
    suppression_method = models.TextField("Biện pháp triệt xóa", blank=True, editable=False)
    suppressed_by = models.ForeignKey("org.Agency", verbose_name="Cơ quan triệt xóa", null=True, editable=False,
                                      on_delete=models.PROTECT, related_name="+")
    monitor_months = models.PositiveSmallIntegerField("Số tháng theo dõi", null=True, editable=False)
    monitor_until = models.DateField("Theo dõi đến ngày", null=True, editable=False)
    reemergence_count = models.PositiveSmallIntegerField("Số lần tái hoạt động", default=0, editable=False)
    establishments = models.ManyToManyField("venues.Establishment", verbose_name="Cơ sở kinh doanh liên quan",
                                            blank=True, related_name="hotspots")
    visits = models.ManyToManyField("inspections.Visit", verbose_name="Lượt kiểm tra liên quan", blank=True,
                                    related_name="hotspots")
    # Criminal cases link here from enforcement.CriminalCase.hotspots, tips from tips.Tip.hotspot.

    module = "hotspots"
    search_source = ("name", "location", "url")

    class Meta:
        verbose_name = "điểm, tụ điểm phức tạp"
        verbose_name_plural = "điểm, tụ điểm phức tạp"
        ordering = ["unit__path", "name", "pk"]
        indexes = [
            models.Index(fields=["province", "status"]),
            models.Index(fields=["unit", "first_identified"]),
        ]

    def __str__(self):
        return self.name

    @property
    def status_colour(self) -> str:
        return HotspotStatus(self.status).colour


class HotspotEvent(models.Model):
    """One dated change of a hotspot's status (the first one, from nothing to active, is its identification)."""

    hotspot = models.ForeignKey(Hotspot, verbose_name="Điểm, tụ điểm", on_delete=models.CASCADE,
                                related_name="events")
    date = models.DateField("Ngày")
    from_status = models.CharField("Từ trạng thái", max_length=12, choices=HotspotStatus.choices, blank=True)
    to_status = models.CharField("Sang trạng thái", max_length=12, choices=HotspotStatus.choices)
    is_reemergence = models.BooleanField("Tái hoạt động", default=False)
    method = models.TextField("Biện pháp triệt xóa", blank=True)
    monitor_months = models.PositiveSmallIntegerField("Số tháng theo dõi", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người ghi nhận", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("Ngày ghi", auto_now_add=True)

    module = "hotspots"
    scope_unit_field = "hotspot__unit"
    scope_province_field = "hotspot__province"

    class Meta:
        verbose_name = "diễn biến điểm, tụ điểm"
        verbose_name_plural = "diễn biến điểm, tụ điểm"
        ordering = ["hotspot", "date", "pk"]
        indexes = [models.Index(fields=["to_status", "date"]), models.Index(fields=["hotspot", "date"])]

    def __str__(self):
        return f"{self.hotspot}: {self.get_to_status_display()} ({self.date:%d/%m/%Y})"

    def get_additional_data(self):
        return {"unit": self.hotspot.unit_id, "province": self.hotspot.province_id}

    @property
    def label(self) -> str:
        if not self.from_status:
            return "Phát hiện"
        if self.is_reemergence:
            return "Tái hoạt động"
        return {
            HotspotStatus.SUPPRESSED: "Triệt xóa",
            HotspotStatus.MONITORED: "Đưa vào theo dõi",
            HotspotStatus.CLOSED: "Kết thúc theo dõi",
        }.get(self.to_status, self.get_to_status_display())
