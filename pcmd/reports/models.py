"""Periodic reports (báo cáo định kỳ): types as data, each unit's reports, their sections, history and comments.

A `ReportType` says who reports (commune or province), how often, the data window (cut-off dates, "ngày chốt
số liệu", e.g. 15/12–14/6), the deadline to the level above, the recipient and the outline of sections.
The calendar (`services.create_due_reports`) makes one `Report` per unit, type and year. A report moves
draft → submitted → returned → submitted … → approved only through `services` (one `ReportEvent` per step);
at submission its figures are frozen into `snapshot` (the indicator engine's numbers, with the time and the
engine's definitions version), so a submitted report never shows live numbers.
"""

import datetime

from django.conf import settings
from django.db import models

from pcmd.core.models import TrackedModel, UnitScopedModel


class ReportLevel(models.TextChoices):
    COMMUNE = "commune", "Xã, phường, đặc khu"
    PROVINCE = "province", "Tỉnh, thành phố"


class Frequency(models.TextChoices):
    SIX_MONTHS = "S", "6 tháng"
    YEAR = "Y", "Năm"
    MID_TERM = "mid", "Sơ kết giai đoạn"
    FINAL = "final", "Tổng kết giai đoạn"
    AD_HOC = "adhoc", "Đột xuất"


class SectionKind(models.TextChoices):
    NARRATIVE = "narrative", "Nội dung viết"
    FIGURES = "figures", "Bảng số liệu"


class ReportType(TrackedModel):
    """A kind of periodic report, as data (editable in the admin; a province may have its own)."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên loại báo cáo", max_length=200)
    level = models.CharField("Cấp báo cáo", max_length=10, choices=ReportLevel.choices)
    frequency = models.CharField("Kỳ báo cáo", max_length=5, choices=Frequency.choices)
    province = models.ForeignKey("geo.AdminUnit", verbose_name="Áp dụng cho tỉnh, thành phố", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text="Để trống: áp dụng cho mọi tỉnh, thành phố chưa có loại riêng.")
    # The data window: from start day/month to end day/month; a start after the end lies in the previous year.
    start_day = models.PositiveSmallIntegerField("Số liệu từ ngày")
    start_month = models.PositiveSmallIntegerField("Số liệu từ tháng")
    end_day = models.PositiveSmallIntegerField("Chốt số liệu ngày")
    end_month = models.PositiveSmallIntegerField("Chốt số liệu tháng")
    due_day = models.PositiveSmallIntegerField("Hạn gửi (ngày)")
    due_month = models.PositiveSmallIntegerField("Hạn gửi (tháng)")
    recipient = models.CharField("Gửi đến", max_length=255)
    # [{"key": "ket-qua", "title": "…", "kind": "narrative" | "figures", "required": true}, …]
    outline = models.JSONField("Đề cương báo cáo", default=list)
    source_type = models.ForeignKey("self", verbose_name="Tổng hợp từ báo cáo của", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    help_text="Loại báo cáo cấp dưới được cộng vào báo cáo này.")
    duty_text = models.TextField("Căn cứ (chế độ báo cáo trong kế hoạch)", blank=True)
    is_active = models.BooleanField("Đang áp dụng", default=True)
    # An ad hoc request (báo cáo đột xuất): who asked (a province's office, or the national level when empty)
    requested_unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị yêu cầu", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+", editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người yêu cầu", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = "loại báo cáo"
        verbose_name_plural = "loại báo cáo"
        ordering = ["level", "end_month", "code"]

    def __str__(self):
        return self.name

    def window(self, year: int) -> tuple[datetime.date, datetime.date]:
        """The data window of the report for `year` (the year its window ends)."""
        end = datetime.date(year, self.end_month, self.end_day)
        start_year = year if (self.start_month, self.start_day) <= (self.end_month, self.end_day) else year - 1
        return datetime.date(start_year, self.start_month, self.start_day), end

    def due_date(self, year: int) -> datetime.date:
        due = datetime.date(year, self.due_month, self.due_day)
        _start, end = self.window(year)
        return due if due >= end else datetime.date(year + 1, self.due_month, self.due_day)

    @property
    def rule_text(self) -> str:
        return (f"Số liệu từ {self.start_day:02d}/{self.start_month:02d} đến {self.end_day:02d}/{self.end_month:02d}; "
                f"gửi trước ngày {self.due_day:02d}/{self.due_month:02d}")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi, chờ duyệt"
    RETURNED = "returned", "Bị trả lại, cần sửa"
    APPROVED = "approved", "Đã phê duyệt"

    @property
    def colour(self) -> str:
        return {"draft": "secondary", "submitted": "primary", "returned": "warning", "approved": "success"}[self.value]


class Report(UnitScopedModel):
    type = models.ForeignKey(ReportType, verbose_name="Loại báo cáo", on_delete=models.PROTECT,
                             related_name="reports")
    year = models.PositiveSmallIntegerField("Năm")
    window_start = models.DateField("Số liệu từ ngày")
    window_end = models.DateField("Chốt số liệu ngày")
    due_date = models.DateField("Hạn gửi", db_index=True)
    status = models.CharField("Trạng thái", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    locked = models.BooleanField("Đã khóa", default=False)
    revision = models.PositiveSmallIntegerField("Lần gửi", default=0, editable=False)
    first_submitted_at = models.DateTimeField("Gửi lần đầu", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("Gửi lần gần nhất", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người gửi", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+", editable=False)
    approved_at = models.DateTimeField("Phê duyệt lúc", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người phê duyệt", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    data_approval = models.ForeignKey("indicators.DataApproval", verbose_name="Khóa số liệu nhập", null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    # The figures and texts as they were sent: {"figures": [...], "sections": {key: text}, "frozen_at": iso,
    # "definitions_version": "..."}; the one before the last return is kept for the reviewer's diff.
    snapshot = models.JSONField("Số liệu đã chốt", null=True, blank=True, editable=False)
    previous_snapshot = models.JSONField("Bản gửi trước", null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField("Chốt số liệu lúc", null=True, blank=True, editable=False)
    definitions_version = models.CharField("Phiên bản định nghĩa chỉ số", max_length=20, blank=True, editable=False)

    module = "reports"

    class Meta:
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo định kỳ"
        ordering = ["-year", "due_date", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["unit", "type", "year"], name="report_unique_per_year")]

    def __str__(self):
        return f"{self.title} — {self.unit.name}"

    @property
    def title(self) -> str:
        return f"{self.type.name} năm {self.year}"

    @property
    def window_text(self) -> str:
        return f"từ {self.window_start:%d/%m/%Y} đến {self.window_end:%d/%m/%Y}"

    @property
    def status_colour(self) -> str:
        return ReportStatus(self.status).colour

    @property
    def is_frozen(self) -> bool:
        return self.snapshot is not None and self.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED)

    @property
    def version_text(self) -> str:
        """What an export says it is: the submission, the record's version and when the figures were frozen."""
        if self.revision == 0:
            return f"Bản dự thảo (phiên bản {self.version}), số liệu tính đến thời điểm xuất"
        frozen = self.frozen_at.astimezone().strftime("%d/%m/%Y %H:%M") if self.frozen_at else ""
        return f"Bản gửi lần {self.revision} (phiên bản {self.version}), số liệu chốt lúc {frozen}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("report_detail", args=[self.pk])


class ReportSection(TrackedModel):
    report = models.ForeignKey(Report, verbose_name="Báo cáo", on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField("Mã mục", max_length=40)
    order = models.PositiveSmallIntegerField("Thứ tự", default=0)
    title = models.CharField("Tiêu đề", max_length=255)
    kind = models.CharField("Loại", max_length=10, choices=SectionKind.choices, default=SectionKind.NARRATIVE)
    required = models.BooleanField("Bắt buộc", default=False)
    text = models.TextField("Nội dung", blank=True)

    class Meta:
        verbose_name = "mục báo cáo"
        verbose_name_plural = "mục báo cáo"
        ordering = ["report", "order"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="report_section_unique_key")]

    def __str__(self):
        return self.title

    def get_additional_data(self):
        return {"unit": self.report.unit_id, "province": self.report.province_id}


class Step(models.TextChoices):
    CREATED = "created", "Tạo báo cáo"
    SAVED = "saved", "Cập nhật nội dung"
    SUBMITTED = "submitted", "Gửi báo cáo"
    RESUBMITTED = "resubmitted", "Gửi lại sau khi sửa"
    RETURNED = "returned", "Trả lại để sửa"
    APPROVED = "approved", "Phê duyệt"
    REOPENED = "reopened", "Mở lại báo cáo đã duyệt"
    ATTACHED = "attached", "Đính kèm tệp"
    REQUESTED = "requested", "Yêu cầu báo cáo đột xuất"


class ReportEvent(models.Model):
    report = models.ForeignKey(Report, verbose_name="Báo cáo", on_delete=models.CASCADE, related_name="events")
    step = models.CharField("Bước", max_length=12, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị người thực hiện", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("Thời điểm", db_index=True)
    reason = models.TextField("Lý do, ghi chú", blank=True)
    revision = models.PositiveSmallIntegerField("Lần gửi", default=0)

    class Meta:
        verbose_name = "diễn biến báo cáo"
        verbose_name_plural = "diễn biến báo cáo"
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return f"{self.get_step_display()} · {self.at:%d/%m/%Y %H:%M}"


class ReportComment(models.Model):
    """A reviewer's remark on one section or one figure, written with a return."""

    report = models.ForeignKey(Report, verbose_name="Báo cáo", on_delete=models.CASCADE, related_name="comments")
    event = models.ForeignKey(ReportEvent, verbose_name="Lượt trả lại", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(ReportSection, verbose_name="Mục", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="comments")
    indicator = models.CharField("Chỉ số", max_length=40, blank=True)
    text = models.TextField("Nhận xét")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhận xét", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("Thời điểm")

    class Meta:
        verbose_name = "nhận xét báo cáo"
        verbose_name_plural = "nhận xét báo cáo"
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def indicator_name(self) -> str:
        from pcmd.indicators.catalogue import BY_CODE

        return BY_CODE[self.indicator].name if self.indicator in BY_CODE else ""

    def get_additional_data(self):
        return {"unit": self.report.unit_id, "province": self.report.province_id}


class AttachmentKind(models.TextChoices):
    SCAN = "scan", "Bản chụp văn bản"
    PHOTO = "photo", "Ảnh"
    SIGNED = "signed", "Bản đã ký (PDF)"


class SignatureCheck(models.TextChoices):
    """What is known of a signed PDF's digital signature. Verifying it (PAdES, pyHanko) is not built: pyHanko needs
    a newer `cryptography` than the project pins, so the page says honestly that it was not checked."""

    UNCHECKED = "", "Chưa kiểm tra chữ ký số"
    NONE = "none", "Không thấy chữ ký số trong tệp"
    PRESENT = "present", "Có chữ ký số — chưa kiểm tra tính hợp lệ"


def attachment_path(instance, filename: str) -> str:
    return f"reports/{instance.report.year}/{instance.report_id}/{filename}"


class ReportAttachment(TrackedModel):
    """A file kept with a report: scans of the signed paper, photos, and the signed PDF uploaded back.

    Stored outside the web root and served only by a scoped view (`report_attachment`)."""

    report = models.ForeignKey(Report, verbose_name="Báo cáo", on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("Loại tệp", max_length=10, choices=AttachmentKind.choices)
    file = models.FileField("Tệp", upload_to=attachment_path, max_length=255)
    original_name = models.CharField("Tên tệp", max_length=255)
    size = models.PositiveIntegerField("Dung lượng (byte)", default=0)
    caption = models.CharField("Ghi chú", max_length=255, blank=True)
    revision = models.PositiveSmallIntegerField("Thuộc lần gửi", default=0)
    signature = models.CharField("Chữ ký số", max_length=10, choices=SignatureCheck.choices, blank=True, default="")
    signer = models.CharField("Người ký (theo chữ ký số)", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người tải lên", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    module = "reports"
    scope_unit_field = "report__unit"
    scope_province_field = "report__province"

    class Meta:
        verbose_name = "tệp đính kèm báo cáo"
        verbose_name_plural = "tệp đính kèm báo cáo"
        ordering = ["report", "-kind", "pk"]

    def __str__(self):
        return self.original_name

    def get_additional_data(self):
        return {"unit": self.report.unit_id, "province": self.report.province_id}


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Sắp đến hạn gửi"
    OVERDUE = "overdue", "Quá hạn gửi (báo cấp trên)"


class ReportReminder(models.Model):
    """One reminder sent for one report, kind and due date: makes the reminder command idempotent."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lần nhắc báo cáo"
        verbose_name_plural = "các lần nhắc báo cáo"
        constraints = [models.UniqueConstraint(fields=["report", "kind", "due_date"], name="report_reminder_once")]

    def __str__(self):
        return f"{self.report_id} {self.kind} {self.due_date}"
