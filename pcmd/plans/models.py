"""Plans (kế hoạch): targets (chỉ tiêu), tasks (nhiệm vụ) with lead and partner agencies, reporting duties.

A plan keeps the original document and its extracted text forever; the structured items keep
the line range of the text they came from, so the review screen can show their source.
Targets, tasks and duties are scoped through their plan (`plan__unit`).
"""

from django.conf import settings
from django.db import models

from pcmd.core.models import Searchable, TrackedModel, UnitScopedModel
from pcmd.indicators.catalogue import CHOICES as INDICATOR_CHOICES


class PlanKind(models.TextChoices):
    ANNUAL = "annual", "Kế hoạch năm"
    PHASE = "phase", "Kế hoạch giai đoạn"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"
    SUPERSEDED = "superseded", "Đã thay thế"

    @property
    def colour(self) -> str:
        """The badge colour (Bootstrap `text-bg-…`) of the status: the one map every page uses."""
        return {"issued": "success", "draft": "warning"}.get(self.value, "secondary")


class DocKind(models.TextChoices):
    """What the imported document is: a plan, or a reference text (văn bản tham khảo) that states targets."""

    PLAN = "plan", "Kế hoạch"
    DECISION = "decision", "Quyết định phê duyệt chương trình"
    PROGRAM = "program", "Chương trình"
    DISPATCH = "dispatch", "Công văn"
    GUIDANCE = "guidance", "Hướng dẫn"
    NOTICE = "notice", "Thông báo, tin bài"


class SourceMethod(models.TextChoices):
    DOCX = "docx", "Word (.docx)"
    CONVERTED = "converted", "Chuyển đổi từ .doc/.odt/.rtf"
    PDF = "pdf", "PDF có lớp chữ"
    OCR = "ocr", "Đọc bằng OCR (bản quét/ảnh)"
    TXT = "txt", "Văn bản (.txt)"


class Plan(Searchable, UnitScopedModel):
    number = models.CharField("Số, ký hiệu", max_length=60, blank=True, help_text="Ví dụ: 07/KH-UBND")
    title = models.CharField("Trích yếu", max_length=500)
    issuer = models.CharField("Cơ quan ban hành", max_length=255, blank=True)
    issue_date = models.DateField("Ngày ban hành", null=True, blank=True)
    place = models.CharField("Địa danh", max_length=100, blank=True)
    signer_name = models.CharField("Người ký", max_length=120, blank=True)
    signer_title = models.CharField("Chức vụ người ký", max_length=120, blank=True,
                                    help_text="Ví dụ: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    kind = models.CharField("Loại kế hoạch", max_length=10, choices=PlanKind.choices, default=PlanKind.ANNUAL)
    period = models.CharField("Kỳ kế hoạch", max_length=9, blank=True, help_text="2026 hoặc 2026-2030")
    parent = models.ForeignKey("self", verbose_name="Kế hoạch cấp trên", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="children")
    status = models.CharField("Trạng thái", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    recipients = models.TextField("Nơi nhận", blank=True)
    # The original document: kept as uploaded, never altered (stored outside the web root).
    source_file = models.FileField("Tệp gốc", upload_to="plans/%Y/", blank=True, editable=False)
    source_name = models.CharField("Tên tệp gốc", max_length=255, blank=True, editable=False)
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    source_text = models.TextField("Văn bản trích xuất", blank=True, editable=False)
    doc_kind = models.CharField("Loại văn bản", max_length=10, choices=DocKind.choices, default=DocKind.PLAN,
                                help_text="Văn bản không phải kế hoạch được nhập làm văn bản tham khảo.")
    source_method = models.CharField("Cách đọc văn bản", max_length=10, choices=SourceMethod.choices, blank=True,
                                     editable=False)
    ocr_confidence = models.JSONField("Độ tin cậy OCR từng dòng", default=list, blank=True, editable=False)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    reviewed_at = models.DateTimeField("Đã rà soát lúc", null=True, blank=True, editable=False,
                                       help_text="Khi người dùng xác nhận các mục trích xuất từ văn bản.")

    module = "plans"
    search_source = ("number", "title", "issuer")

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        ordering = ["-issue_date", "-pk"]
        indexes = [models.Index(fields=["unit", "period"]), models.Index(fields=["province", "status"])]

    def __str__(self):
        return f"{self.number} {self.title}".strip() if self.number else self.title

    @property
    def status_colour(self) -> str:
        return PlanStatus(self.status).colour

    @property
    def is_reference(self) -> bool:
        """A reference text (văn bản tham khảo): a decision, dispatch, guidance or notice that states targets."""
        return self.doc_kind != DocKind.PLAN

    @property
    def read_by_ocr(self) -> bool:
        return self.source_method == SourceMethod.OCR

    @property
    def years(self) -> range:
        """The calendar years the plan covers ("2026-2030" -> 2026..2030)."""
        if not self.period:
            return range(0)
        first, _, last = self.period.partition("-")
        return range(int(first), int(last or first) + 1)


class PlanItem(TrackedModel):
    """Common part of targets, tasks, duties and legal bases: the plan, the order and the source lines."""

    plan = models.ForeignKey(Plan, verbose_name="Kế hoạch", on_delete=models.CASCADE)
    order = models.PositiveIntegerField("Thứ tự", default=0)
    line_start = models.PositiveIntegerField("Từ dòng", null=True, blank=True)
    line_end = models.PositiveIntegerField("Đến dòng", null=True, blank=True)

    module = "plans"
    scope_unit_field = "plan__unit"
    scope_province_field = "plan__province"

    class Meta:
        abstract = True
        ordering = ["plan", "order", "pk"]

    def get_additional_data(self):
        return {"unit": self.plan.unit_id, "province": self.plan.province_id}


class LegalBasis(PlanItem):
    text = models.TextField("Căn cứ")
    number = models.CharField("Số hiệu văn bản", max_length=60, blank=True)
    date = models.DateField("Ngày văn bản", null=True, blank=True)
    issuer = models.CharField("Cơ quan ban hành", max_length=255, blank=True)
    title = models.CharField("Trích yếu", max_length=500, blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = "căn cứ"
        verbose_name_plural = "căn cứ"
        default_related_name = "legal_bases"

    def __str__(self):
        return self.number or self.text[:80]


class Metric(models.TextChoices):
    PERCENT = "percent", "Tỷ lệ (%)"
    COUNT = "count", "Số lượng"
    QUALITATIVE = "qualitative", "Định tính"


class Comparator(models.TextChoices):
    EQ = "eq", "bằng"
    GTE = "gte", "ít nhất"
    GT = "gt", "trên"
    LTE = "lte", "không quá"
    LT = "lt", "dưới"
    RANGE = "range", "trong khoảng"


class Target(PlanItem):
    section = models.CharField("Mục", max_length=40, blank=True)
    text = models.TextField("Chỉ tiêu (nguyên văn)")
    metric = models.CharField("Loại", max_length=12, choices=Metric.choices)
    comparator = models.CharField("So sánh", max_length=5, choices=Comparator.choices, blank=True)
    value = models.DecimalField("Giá trị", max_digits=14, decimal_places=2, null=True, blank=True)
    value_max = models.DecimalField("Giá trị tối đa", max_digits=14, decimal_places=2, null=True, blank=True)
    year = models.PositiveSmallIntegerField("Năm", null=True, blank=True)
    population = models.CharField("Đối tượng tính", max_length=500, blank=True)
    scope = models.CharField("Phạm vi cấp", max_length=120, blank=True,
                             help_text="Khi chỉ tiêu tách theo cấp, ví dụ: cấp xã, phường")
    indicator = models.CharField("Chỉ số liên kết", max_length=40, choices=INDICATOR_CHOICES, blank=True)
    derived_from = models.ForeignKey("self", verbose_name="Từ chỉ tiêu cấp trên", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="derived")

    class Meta(PlanItem.Meta):
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        default_related_name = "targets"
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self):
        return self.text[:120]


class Frequency(models.TextChoices):
    MONTH = "M", "Hằng tháng"
    QUARTER = "Q", "Hằng quý"
    SIX_MONTHS = "S", "6 tháng"
    YEAR = "Y", "Hằng năm"
    AD_HOC = "adhoc", "Đột xuất"


class Task(PlanItem):
    ref = models.CharField("Mục", max_length=40, blank=True, help_text="Ví dụ: II.3.1.a")
    title = models.CharField("Nhiệm vụ", max_length=500)
    text = models.TextField("Nội dung", blank=True)
    lead_names = models.JSONField("Cơ quan chủ trì (như văn bản)", default=list, blank=True)
    partner_names = models.JSONField("Cơ quan phối hợp (như văn bản)", default=list, blank=True)
    lead_agencies = models.ManyToManyField("org.Agency", verbose_name="Cơ quan chủ trì", blank=True,
                                           related_name="led_tasks")
    partner_agencies = models.ManyToManyField("org.Agency", verbose_name="Cơ quan phối hợp", blank=True,
                                              related_name="partner_tasks")
    due_date = models.DateField("Thời hạn", null=True, blank=True)
    frequency = models.CharField("Tần suất", max_length=5, choices=Frequency.choices, blank=True)
    timing = models.CharField("Thời gian thực hiện (như văn bản)", max_length=255, blank=True)
    derived_from = models.ForeignKey("self", verbose_name="Từ nhiệm vụ cấp trên", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="derived")

    class Meta(PlanItem.Meta):
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        default_related_name = "tasks"

    def __str__(self):
        return f"{self.ref} {self.title}".strip()


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa triển khai"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Đã hoàn thành"
    BLOCKED = "blocked", "Gặp vướng mắc"

    @property
    def colour(self) -> str:
        """The badge colour (Bootstrap `text-bg-…`) of the status: the one map every page uses."""
        return {"done": "success", "blocked": "danger", "in_progress": "primary"}.get(self.value, "secondary")


class TaskProgress(TrackedModel):
    task = models.ForeignKey(Task, verbose_name="Nhiệm vụ", on_delete=models.CASCADE, related_name="progress")
    date = models.DateField("Ngày")
    status = models.CharField("Tình trạng", max_length=12, choices=ProgressStatus.choices)
    note = models.TextField("Kết quả, ghi chú", blank=True)
    attachment = models.FileField("Tệp đính kèm", upload_to="plans/progress/%Y/", blank=True)
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan báo cáo", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người cập nhật", null=True,
                               on_delete=models.SET_NULL, related_name="+")

    module = "plans"
    scope_unit_field = "task__plan__unit"
    scope_province_field = "task__plan__province"

    class Meta:
        verbose_name = "cập nhật tiến độ"
        verbose_name_plural = "cập nhật tiến độ"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.task} — {self.get_status_display()} ({self.date:%d/%m/%Y})"

    @property
    def status_colour(self) -> str:
        return ProgressStatus(self.status).colour

    def get_additional_data(self):
        return {"unit": self.task.plan.unit_id, "province": self.task.plan.province_id}


class ReportingDuty(PlanItem):
    text = models.TextField("Nội dung (nguyên văn)", blank=True)
    reporter = models.CharField("Đơn vị báo cáo", max_length=255, blank=True)
    recipient = models.CharField("Gửi đến", max_length=255, blank=True)
    via = models.CharField("Qua", max_length=255, blank=True)
    frequency = models.CharField("Kỳ báo cáo", max_length=5, choices=Frequency.choices)
    deadline_day = models.PositiveSmallIntegerField("Hạn (ngày)", null=True, blank=True)
    deadline_month = models.PositiveSmallIntegerField("Hạn (tháng)", null=True, blank=True)

    class Meta(PlanItem.Meta):
        verbose_name = "chế độ báo cáo"
        verbose_name_plural = "chế độ báo cáo"
        default_related_name = "reporting_duties"

    def __str__(self):
        deadline = f" trước {self.deadline_day:02d}/{self.deadline_month:02d}" if self.deadline_day else ""
        return f"{self.get_frequency_display()}{deadline}"
