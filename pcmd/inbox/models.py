"""One inbox: every notice for a person (tips, plans and tasks, reports, support) is a `Notification`.

A notice is created by the service that causes it (`pcmd.inbox.services.notify`), never by a template or a view.
The recipient is an account: a notice addressed to a seat (a unit's coordinators, an agency's officers) reaches
whoever holds that seat when it is created. Support notices are shown only in a support seat (see `selectors`).
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    TIP_DEADLINE = "tip_deadline", "Hạn xử lý tin báo"
    TIP_NEW = "tip_new", "Tin báo mới, người báo bổ sung"
    TIP_TRANSFER = "tip_transfer", "Tin báo chuyển đến đơn vị"
    TIP_ASSIGNED = "tip_assigned", "Tin báo giao cho cơ quan"
    TASK_DEADLINE = "task_deadline", "Hạn nhiệm vụ kế hoạch"
    TASK_ASSIGNED = "task_assigned", "Nhiệm vụ giao cho cơ quan"
    PLAN_ISSUED = "plan_issued", "Kế hoạch cấp trên ban hành"
    REPORT_DUE = "report_due", "Báo cáo sắp đến hạn gửi"
    REPORT_OVERDUE = "report_overdue", "Báo cáo quá hạn gửi"
    REPORT_RETURNED = "report_returned", "Báo cáo bị trả lại"
    REPORT_APPROVED = "report_approved", "Báo cáo được phê duyệt"
    SUPPORT_COUNSELLING = "support_counselling", "Đề nghị tư vấn, hỗ trợ mới"
    SUPPORT_REFERRAL = "support_referral", "Giới thiệu dịch vụ quá hạn trả lời"


# Notices about the confidential support work: only to case workers and support supervisors, shown only in such
# a seat, never naming a client.
SUPPORT_KINDS = frozenset({Kind.SUPPORT_COUNSELLING, Kind.SUPPORT_REFERRAL})
# Kinds that come by e-mail until the person chooses otherwise: the deadlines (as the old reminders did).
DEFAULT_EMAIL_KINDS = [Kind.TIP_DEADLINE, Kind.TASK_DEADLINE, Kind.REPORT_DUE, Kind.REPORT_OVERDUE]


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhận", on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField("Loại", max_length=24, choices=Kind.choices)
    title = models.CharField("Nội dung", max_length=500)
    url = models.CharField("Đường dẫn", max_length=300, blank=True)
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("Đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("Đã gửi e-mail lúc", null=True, blank=True)
    # A scan's notice names its cause ("tip:12:overdue:2026-05-01"): a second run adds nothing.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, editable=False)  # noqa: DJ001 (NULL: none)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "kind"])]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="inbox_notice_once")]

    def __str__(self):
        return self.title



class InboxPreference(models.Model):
    """Which kinds of notice also come by e-mail, in one daily digest."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_preference")
    email_kinds = models.JSONField("Nhận qua e-mail", default=list, blank=True)

    class Meta:
        verbose_name = "cài đặt thông báo"
        verbose_name_plural = "cài đặt thông báo"

    def __str__(self):
        return str(self.user)
