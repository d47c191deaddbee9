"""Tin báo, tố giác, khiếu nại, tố cáo, phản ánh: tips and their handling.

A tip belongs to the commune it concerns (unit). It moves received → verifying → classified →
assigned → handled → closed only through `services` (one TipEvent per step, with who, when and why).
Its due date comes from a `DeadlineRule` (data, editable by the admin) for its kind and complexity,
counted in calendar or Vietnamese working days (`deadlines.py`), and moves only by a recorded extension.

Reporter identity is encrypted (`core.crypto.EncryptedTextField`) and shown only to coordinators and
police; an agency officer sees only the tips assigned to his agency (`scope_agency_view_field`).
Receipt codes given to the public are never stored: `receipt_lookup` is an HMAC-SHA256 of the code
(finds the row) and `receipt_hash` a slow password hash of it (verifies it) — see `receipts.py`.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models

from pcmd.core.crypto import EncryptedTextField
from pcmd.core.models import Searchable, TrackedModel, UnitScopedModel


class TipKind(models.TextChoices):
    CRIMINAL = "criminal", "Tin báo, tố giác về tội phạm"
    COMPLAINT = "complaint", "Khiếu nại"
    DENUNCIATION = "denunciation", "Tố cáo"
    FEEDBACK = "feedback", "Phản ánh, kiến nghị"


class TipCategory(models.TextChoices):
    ESTABLISHMENT = "establishment", "Tại cơ sở kinh doanh"
    PUBLIC_PLACE = "public_place", "Nơi công cộng"
    ONLINE = "online", "Trên mạng (trang web, mạng xã hội)"
    BROKERING = "brokering", "Môi giới mại dâm"
    TRAFFICKING = "trafficking", "Mua bán người"
    MINOR = "minor", "Liên quan đến người dưới 18 tuổi"
    OTHER = "other", "Khác"


class TipChannel(models.TextChoices):
    WEB = "web", "Cổng tiếp nhận trực tuyến"
    HOTLINE = "hotline", "Đường dây nóng"
    MAILBOX = "mailbox", "Hòm thư"
    IN_PERSON = "in_person", "Trực tiếp"
    TRANSFER = "transfer", "Cơ quan khác chuyển đến"
    PRESS = "press", "Báo chí, mạng xã hội"


class TipStatus(models.TextChoices):
    RECEIVED = "received", "Mới tiếp nhận"
    VERIFYING = "verifying", "Đang xác minh"
    CLASSIFIED = "classified", "Đã phân loại"
    ASSIGNED = "assigned", "Đã giao xử lý"
    HANDLED = "handled", "Đã xử lý"
    CLOSED = "closed", "Đã đóng"

    @property
    def colour(self) -> str:
        """The badge colour (Bootstrap `text-bg-…`) of the status: the one map every page uses."""
        return {"closed": "secondary", "handled": "success"}.get(self.value, "primary")


# What the public status page may say: no internal step names, no agency.
PUBLIC_STATUS = {
    TipStatus.RECEIVED: "Đã tiếp nhận",
    TipStatus.VERIFYING: "Đang xác minh",
    TipStatus.CLASSIFIED: "Đang xử lý",
    TipStatus.ASSIGNED: "Đang xử lý",
    TipStatus.HANDLED: "Đã xử lý, đang hoàn tất",
    TipStatus.CLOSED: "Đã kết thúc",
}


class TipOutcome(models.TextChoices):
    INSPECTION = "inspection", "Đã tổ chức kiểm tra cơ sở"
    CRIMINAL_CASE = "criminal_case", "Chuyển thành vụ án hình sự"
    HOTSPOT = "hotspot", "Xác định điểm, tụ điểm phức tạp"
    NOT_SUBSTANTIATED = "not_substantiated", "Không có căn cứ"
    DUPLICATE = "duplicate", "Trùng với tin báo khác (đã gộp)"
    SPAM = "spam", "Tin rác, quấy rối"


class DeadlineRule(TrackedModel):
    """The legal time limit for one kind of tip (DOMAIN.md §5); the admin edits the figures."""

    kind = models.CharField("Loại tin", max_length=16, choices=TipKind.choices)
    is_complex = models.BooleanField("Vụ việc phức tạp", default=False)
    accept_days = models.PositiveSmallIntegerField("Thời hạn thụ lý (ngày)", null=True, blank=True,
                                                   help_text="Khiếu nại: thụ lý trong 10 ngày. Để trống nếu không có.")
    days = models.PositiveSmallIntegerField("Thời hạn giải quyết (ngày)")
    working_days = models.BooleanField("Tính theo ngày làm việc", default=False,
                                       help_text="Bỏ qua thứ Bảy, Chủ nhật và ngày lễ, Tết.")
    max_extensions = models.PositiveSmallIntegerField("Số lần gia hạn tối đa", default=0)
    extension_days = models.PositiveSmallIntegerField("Mỗi lần gia hạn tối đa (ngày)", default=0)
    warn_days = models.PositiveSmallIntegerField("Nhắc trước hạn (ngày)", default=3)
    legal_basis = models.CharField("Căn cứ pháp lý", max_length=255, blank=True)

    class Meta:
        verbose_name = "thời hạn xử lý"
        verbose_name_plural = "thời hạn xử lý tin báo"
        ordering = ["kind", "is_complex"]
        constraints = [models.UniqueConstraint(fields=["kind", "is_complex"], name="tips_rule_kind_complex")]

    def __str__(self):
        unit = "ngày làm việc" if self.working_days else "ngày"
        suffix = " (phức tạp)" if self.is_complex else ""
        return f"{self.get_kind_display()}{suffix}: {self.days} {unit}"


class Tip(Searchable, UnitScopedModel):
    code = models.CharField("Số tin", max_length=24, unique=True, editable=False)
    channel = models.CharField("Nguồn tiếp nhận", max_length=12, choices=TipChannel.choices)
    received_at = models.DateTimeField("Thời điểm tiếp nhận", db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người tiếp nhận", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    # What, where, when.
    category = models.CharField("Nội dung liên quan", max_length=16, choices=TipCategory.choices,
                                default=TipCategory.OTHER)
    summary = models.CharField("Tóm tắt", max_length=255)
    description = models.TextField("Nội dung tin báo")
    location = models.CharField("Địa điểm", max_length=255, blank=True)
    occurred_on = models.DateField("Ngày xảy ra", null=True, blank=True)
    occurred_when = models.CharField("Thời gian xảy ra (mô tả)", max_length=120, blank=True)
    venue_name = models.CharField("Tên cơ sở (theo người báo)", max_length=255, blank=True)
    establishment = models.ForeignKey("venues.Establishment", verbose_name="Cơ sở kinh doanh", null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="tips")
    online_link = models.URLField("Đường dẫn trên mạng", max_length=500, blank=True)
    # Who reported: encrypted; shown only to coordinators and police.
    is_anonymous = models.BooleanField("Tin báo nặc danh", default=True)
    reporter_name = EncryptedTextField("Họ tên người báo", blank=True)
    reporter_contact = EncryptedTextField("Liên hệ người báo (điện thoại, e-mail, địa chỉ)", blank=True)
    reporter_identity = EncryptedTextField("Giấy tờ tùy thân người báo", blank=True)
    # Public follow-up by receipt code (see receipts.py): HMAC to find the row, slow hash to verify.
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    receipt_hash = models.CharField(max_length=255, blank=True, editable=False)
    # Classification.
    kind = models.CharField("Phân loại", max_length=16, choices=TipKind.choices, blank=True)
    is_complex = models.BooleanField("Vụ việc phức tạp", default=False)
    is_urgent = models.BooleanField("Khẩn cấp", default=False)
    involves_minor = models.BooleanField("Liên quan người dưới 18 tuổi", default=False)
    involves_trafficking = models.BooleanField("Có dấu hiệu mua bán người", default=False)
    # Workflow.
    status = models.CharField("Trạng thái", max_length=12, choices=TipStatus.choices, default=TipStatus.RECEIVED,
                              editable=False, db_index=True)
    status_changed_at = models.DateTimeField("Chuyển trạng thái lúc", null=True, editable=False)
    assigned_agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan được giao", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="assigned_tips", editable=False)
    transfer_to = models.ForeignKey("geo.AdminUnit", verbose_name="Đang chuyển đến đơn vị", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    transfer_reason = models.TextField("Lý do chuyển", blank=True, editable=False)
    # Deadline.
    deadline_rule = models.ForeignKey(DeadlineRule, verbose_name="Thời hạn áp dụng", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", editable=False)
    accept_due_date = models.DateField("Hạn thụ lý", null=True, blank=True, editable=False)
    due_date = models.DateField("Hạn xử lý", null=True, blank=True, editable=False, db_index=True)
    extensions = models.PositiveSmallIntegerField("Số lần gia hạn", default=0, editable=False)
    # Outcome.
    handled_on = models.DateField("Ngày xử lý xong", null=True, blank=True, editable=False)
    outcome = models.CharField("Kết quả xử lý", max_length=20, choices=TipOutcome.choices, blank=True,
                               editable=False)
    outcome_note = models.TextField("Nội dung kết quả", blank=True, editable=False)
    visit = models.ForeignKey("inspections.Visit", verbose_name="Lượt kiểm tra", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="tips", editable=False)
    criminal_case = models.ForeignKey("enforcement.CriminalCase", verbose_name="Vụ án", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="tips", editable=False)
    hotspot = models.ForeignKey("hotspots.Hotspot", verbose_name="Điểm, tụ điểm", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tips", editable=False)
    duplicate_of = models.ForeignKey("self", verbose_name="Trùng với tin", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates", editable=False)
    closed_at = models.DateTimeField("Đóng lúc", null=True, blank=True, editable=False)

    module = "tips"
    # Agency officers act on, and see, only the tips assigned to their agency.
    scope_agency_field = "assigned_agency"
    scope_agency_view_field = "assigned_agency"
    # A tip being transferred is also in scope for the receiving unit: scoped(…, "incoming").
    scope_incoming_field = "transfer_to"
    search_source = ("code", "summary", "location", "venue_name")

    class Meta:
        verbose_name = "tin báo"
        verbose_name_plural = "tin báo, tố giác, khiếu nại, phản ánh"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "due_date"]),
            models.Index(fields=["province", "status", "due_date"]),
            models.Index(fields=["unit", "handled_on"]),
            models.Index(fields=["assigned_agency", "status"]),
        ]

    def __str__(self):
        return f"{self.code} — {self.summary}"

    @property
    def status_colour(self) -> str:
        return TipStatus(self.status).colour

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[TipStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status not in (TipStatus.HANDLED, TipStatus.CLOSED)


class TipEventAction(models.TextChoices):
    RECEIVE = "receive", "Tiếp nhận"
    VERIFY = "verify", "Bắt đầu xác minh"
    CLASSIFY = "classify", "Phân loại"
    ASSIGN = "assign", "Giao xử lý"
    TRANSFER = "transfer", "Chuyển đơn vị khác"
    TRANSFER_ACCEPT = "transfer_accept", "Nhận tin chuyển đến"
    TRANSFER_RETURN = "transfer_return", "Trả lại tin chuyển đến"
    EXTEND = "extend", "Gia hạn"
    HANDLE = "handle", "Xử lý xong"
    CLOSE = "close", "Đóng tin"
    MERGE = "merge", "Gộp tin trùng"
    MESSAGE = "message", "Trao đổi với người báo"
    RECEIPT = "receipt", "Cấp mã tra cứu cho người báo"


class TipEvent(models.Model):
    """One step of a tip's handling: the timeline on its page."""

    tip = models.ForeignKey(Tip, verbose_name="Tin báo", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("Thời điểm")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("Thao tác", max_length=16, choices=TipEventAction.choices)
    from_status = models.CharField("Từ trạng thái", max_length=12, choices=TipStatus.choices, blank=True)
    to_status = models.CharField("Sang trạng thái", max_length=12, choices=TipStatus.choices, blank=True)
    reason = models.TextField("Lý do, nội dung", blank=True)
    # Extension: who approved it and the new due date; transfer: the units; merge: the other tip.
    approver = models.CharField("Người phê duyệt", max_length=255, blank=True)
    new_due_date = models.DateField("Hạn mới", null=True, blank=True)
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị liên quan", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan liên quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    other_tip = models.ForeignKey(Tip, verbose_name="Tin liên quan", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "bước xử lý tin báo"
        verbose_name_plural = "diễn biến xử lý tin báo"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.tip_id} {self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


class MessageDirection(models.TextChoices):
    TO_REPORTER = "out", "Cơ quan gửi người báo"
    FROM_REPORTER = "in", "Người báo gửi cơ quan"


class TipMessage(models.Model):
    """A message between the officers and the (possibly anonymous) reporter, read with the receipt code."""

    tip = models.ForeignKey(Tip, verbose_name="Tin báo", on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField("Chiều", max_length=3, choices=MessageDirection.choices)
    text = models.TextField("Nội dung")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ gửi", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "tin nhắn"
        verbose_name_plural = "trao đổi với người báo"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.tip_id} {self.direction} {self.created_at:%d/%m/%Y %H:%M}"


def attachment_path(instance, filename: str) -> str:
    """A random name under MEDIA_ROOT/tips/: the original name (kept in the row) never reaches the disk."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"tips/{uuid.uuid4().hex}{suffix}"


class TipAttachment(models.Model):
    """A file sent with a tip or a message. MEDIA_ROOT is not served: files go out through a scoped view."""

    tip = models.ForeignKey(Tip, verbose_name="Tin báo", on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(TipMessage, verbose_name="Tin nhắn", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("Tệp", upload_to=attachment_path, max_length=255)
    original_name = models.CharField("Tên tệp gốc", max_length=255)
    content_type = models.CharField("Loại tệp", max_length=100)
    size = models.PositiveIntegerField("Dung lượng (byte)")
    created_at = models.DateTimeField("Thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm tin báo"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


class NoticeThreshold(models.TextChoices):
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"
    ACCEPT_LATE = "accept", "Quá hạn thụ lý"


class DeadlineNotice(models.Model):
    """One deadline notice sent for one tip, threshold and due date: makes the notify command idempotent."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="deadline_notices")
    threshold = models.CharField(max_length=10, choices=NoticeThreshold.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lần nhắc hạn"
        verbose_name_plural = "các lần nhắc hạn"
        constraints = [
            models.UniqueConstraint(fields=["tip", "threshold", "due_date"], name="tips_notice_once"),
        ]

    def __str__(self):
        return f"{self.tip_id} {self.threshold} {self.due_date}"
