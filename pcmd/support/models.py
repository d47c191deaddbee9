"""Hỗ trợ (bảo mật): confidential support for people who sell sex. The intake for now: counselling requests.

A counselling request comes from the public page `/tu-van/`. It is never a tip: it belongs to the support
module of the permission matrix, so only the case workers and support supervisors of its commune (and of its
province, for supervision) see it — through `core.scoping.scoped()` like every record. What the person wrote
and how to reach them are encrypted (`core.crypto`), every read is in `core.AccessLog`, and the app is kept
out of django-auditlog (see apps.py): its own event list is the history. The person follows it with the
receipt code of the public look-up page (`pcmd.tips.receipts`: only hashes of the code are stored).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from pcmd.core.crypto import EncryptedTextField
from pcmd.core.models import UnitScopedModel


class CounsellingNeed(models.TextChoices):
    HEALTH = "health", "Sức khỏe, xét nghiệm, điều trị"
    PSYCHOLOGICAL = "psychological", "Tâm lý, tinh thần"
    LEGAL = "legal", "Pháp lý, giấy tờ"
    JOB = "job", "Học nghề, việc làm, vay vốn"
    SAFETY = "safety", "An toàn, chỗ ở tạm thời"
    OTHER = "other", "Khác"


class CounsellingStatus(models.TextChoices):
    NEW = "new", "Mới"
    IN_PROGRESS = "in_progress", "Đang hỗ trợ"
    ANSWERED = "answered", "Đã trả lời"
    CLOSED = "closed", "Đã kết thúc"


# The badge colour of each status on the staff pages (one map, not a chain of ifs in the templates).
STATUS_BADGE = {
    CounsellingStatus.NEW: "text-bg-danger",
    CounsellingStatus.IN_PROGRESS: "text-bg-primary",
    CounsellingStatus.ANSWERED: "text-bg-success",
    CounsellingStatus.CLOSED: "text-bg-secondary",
}

# What the public status page says.
PUBLIC_STATUS = {
    CounsellingStatus.NEW: "Đã tiếp nhận",
    CounsellingStatus.IN_PROGRESS: "Đang được hỗ trợ",
    CounsellingStatus.ANSWERED: "Đã có trả lời",
    CounsellingStatus.CLOSED: "Đã kết thúc",
}


class CounsellingRequest(UnitScopedModel):
    """A request for counselling or help sent from the public page; `unit` is the commune the person chose."""

    received_at = models.DateTimeField("Ngày gửi", default=timezone.now, db_index=True)
    needs = models.JSONField("Cần hỗ trợ về", default=list, help_text="Mã các nhu cầu (CounsellingNeed).")
    message = EncryptedTextField("Nội dung", blank=True)
    contact = EncryptedTextField("Cách liên hệ", blank=True)
    status = models.CharField("Tình trạng", max_length=12, choices=CounsellingStatus.choices,
                              default=CounsellingStatus.NEW, db_index=True, editable=False)
    status_changed_at = models.DateTimeField("Chuyển tình trạng lúc", null=True, blank=True, editable=False)
    # Public follow-up by receipt code (pcmd.tips.receipts): HMAC to find the row, slow hash to verify.
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    receipt_hash = models.CharField(max_length=255, blank=True, editable=False)

    module = "support"

    class Meta:
        verbose_name = "đề nghị tư vấn, hỗ trợ"
        verbose_name_plural = "đề nghị tư vấn, hỗ trợ"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["province", "status"])]

    def __str__(self):
        return f"Đề nghị tư vấn, hỗ trợ gửi ngày {timezone.localtime(self.received_at):%d/%m/%Y}"

    @property
    def need_labels(self) -> list[str]:
        labels = dict(CounsellingNeed.choices)
        return [labels.get(code, code) for code in self.needs]

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[CounsellingStatus(self.status)]

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE[CounsellingStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status != CounsellingStatus.CLOSED


class CounsellingEventAction(models.TextChoices):
    RECEIVE = "receive", "Tiếp nhận từ cổng công khai"
    START = "start", "Bắt đầu hỗ trợ"
    REPLY = "reply", "Trả lời người đề nghị"
    REQUESTER_MESSAGE = "requester", "Người đề nghị gửi thêm"
    CLOSE = "close", "Kết thúc"
    REOPEN = "reopen", "Mở lại"
    MOVED = "moved", "Chuyển từ danh sách tin báo sang hộp đề nghị tư vấn (bảo mật)"


class CounsellingEvent(models.Model):
    """One step of a request's handling: its history (in place of the audit log, which admins read)."""

    request = models.ForeignKey(CounsellingRequest, verbose_name="Đề nghị", on_delete=models.CASCADE,
                                related_name="events")
    at = models.DateTimeField("Thời điểm", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("Thao tác", max_length=12, choices=CounsellingEventAction.choices)
    from_status = models.CharField("Từ tình trạng", max_length=12, choices=CounsellingStatus.choices, blank=True)
    to_status = models.CharField("Sang tình trạng", max_length=12, choices=CounsellingStatus.choices, blank=True)
    note = EncryptedTextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "bước xử lý đề nghị tư vấn"
        verbose_name_plural = "diễn biến xử lý đề nghị tư vấn"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


class CounsellingDirection(models.TextChoices):
    TO_REQUESTER = "out", "Cán bộ gửi người đề nghị"
    FROM_REQUESTER = "in", "Người đề nghị gửi cán bộ"


class CounsellingMessage(models.Model):
    """A message between the support staff and the (anonymous) requester, read on the public status page."""

    request = models.ForeignKey(CounsellingRequest, verbose_name="Đề nghị", on_delete=models.CASCADE,
                                related_name="messages")
    direction = models.CharField("Chiều", max_length=3, choices=CounsellingDirection.choices)
    text = EncryptedTextField("Nội dung")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ gửi", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Thời điểm", default=timezone.now)

    class Meta:
        verbose_name = "tin nhắn"
        verbose_name_plural = "trao đổi với người đề nghị"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.direction} {self.created_at:%d/%m/%Y %H:%M}"
