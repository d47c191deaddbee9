"""Webhook subscriptions, the outbox of events and the deliveries (one per subscription and event, with its
attempts). A subscription belongs to a unit (its events are those of the unit and the units under it) or, for a
national seat, to the whole country (no unit)."""

import uuid

from django.conf import settings
from django.db import models

from pcmd.core.crypto import EncryptedTextField

EVENTS = {
    "report.submitted": "Báo cáo được gửi lên",
    "report.returned": "Báo cáo bị trả lại",
    "report.approved": "Báo cáo được phê duyệt",
    "tip.deadline_near": "Tin báo sắp đến hạn xử lý",
    "tip.deadline_passed": "Tin báo quá hạn (thụ lý hoặc xử lý)",
    "tip.transferred": "Tin báo được chuyển sang đơn vị khác",
    "referral.overdue": "Giới thiệu dịch vụ quá hạn trả lời (không có thông tin nhận diện người được hỗ trợ)",
}


class Subscription(models.Model):
    name = models.CharField("Tên", max_length=120)
    url = models.URLField("Địa chỉ nhận (URL)", max_length=500)
    secret = EncryptedTextField("Khóa ký")
    events = models.CharField("Sự kiện", max_length=400, help_text="Các mã sự kiện, cách nhau bởi dấu phẩy")
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    province = models.ForeignKey("geo.AdminUnit", verbose_name="Tỉnh/thành phố", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", editable=False)
    is_active = models.BooleanField("Đang hoạt động", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người tạo", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Cập nhật lần cuối", auto_now=True)
    version = models.PositiveIntegerField("Phiên bản", default=1, editable=False)

    module = "integrations"
    scope_unit_field = "unit"
    scope_province_field = "province"

    class Meta:
        verbose_name = "đăng ký webhook"
        verbose_name_plural = "đăng ký webhook"
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.province_id = self.unit.province_id if self.unit_id else None
        super().save(*args, **kwargs)

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]

    @property
    def event_labels(self) -> list[str]:
        return [EVENTS.get(e, e) for e in self.event_list]

    def get_additional_data(self):
        return {"unit": self.unit_id, "province": self.province_id}


class OutboxEvent(models.Model):
    """An event as it happened, written in the transaction that caused it; the body every delivery sends."""

    uid = models.UUIDField("Mã sự kiện", default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField("Sự kiện", max_length=40, choices=list(EVENTS.items()))
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("geo.AdminUnit", verbose_name="Tỉnh/thành phố", on_delete=models.PROTECT,
                                 related_name="+", editable=False)
    payload = models.JSONField("Nội dung")
    key = models.CharField("Khóa chống trùng", max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)

    module = "integrations"
    scope_unit_field = "unit"
    scope_province_field = "province"

    class Meta:
        verbose_name = "sự kiện (outbox)"
        verbose_name_plural = "sự kiện (outbox)"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} · {self.unit}"

    def save(self, *args, **kwargs):
        self.province_id = self.unit.province_id
        super().save(*args, **kwargs)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    DELIVERED = "delivered", "Đã nhận"
    RETRYING = "retrying", "Lỗi, sẽ gửi lại"
    GAVE_UP = "gave_up", "Ngừng gửi (quá số lần)"


class Delivery(models.Model):
    subscription = models.ForeignKey(Subscription, verbose_name="Đăng ký", on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, verbose_name="Sự kiện", on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField("Tình trạng", max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveIntegerField("Số lần gửi", default=0)
    last_status_code = models.PositiveIntegerField("Mã trả về gần nhất", null=True, blank=True)
    last_error = models.CharField("Lỗi gần nhất", max_length=300, blank=True)
    next_attempt_at = models.DateTimeField("Lần gửi tới", null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField("Thời điểm nhận", null=True, blank=True)
    replay_of = models.ForeignKey("self", verbose_name="Gửi lại của", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người yêu cầu gửi lại", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lượt gửi webhook"
        verbose_name_plural = "lượt gửi webhook"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subscription} · {self.event}"


class Attempt(models.Model):
    """One HTTP attempt of a delivery: what the receiver answered (the delivery log)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField("Lúc")
    status_code = models.PositiveIntegerField("Mã trả về", null=True, blank=True)
    error = models.CharField("Lỗi", max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField("Thời gian (ms)", default=0)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.delivery_id} · {self.status_code or self.error}"
