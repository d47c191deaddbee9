"""A row per background job (pcmd.ops.jobs.Job): what the admin sees of the queue, and what makes a job run once."""

from django.db import models


class JobState(models.TextChoices):
    RUNNING = "running", "Đang chạy"
    RETRYING = "retrying", "Lỗi, sẽ chạy lại"
    DONE = "done", "Xong"
    FAILED = "failed", "Thất bại"


class JobRun(models.Model):
    # Scoped like any record (core.scoping): a province's admin sees its province's jobs, the national admin all.
    module = "audit"
    scope_unit_field = "unit"
    scope_province_field = "province"

    task_id = models.CharField(max_length=64, unique=True)
    name = models.CharField("Tác vụ", max_length=200)
    label = models.CharField("Nội dung", max_length=300, blank=True)
    args = models.JSONField("Tham số", default=dict, blank=True)  # ids and names only, never personal data
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    province = models.ForeignKey("geo.AdminUnit", verbose_name="Tỉnh/thành phố", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    state = models.CharField("Trạng thái", max_length=10, choices=JobState.choices, default=JobState.RUNNING)
    attempts = models.PositiveIntegerField("Số lần chạy", default=0)
    error = models.TextField("Lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)
    started_at = models.DateTimeField("Bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("Kết thúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "tác vụ nền"
        verbose_name_plural = "tác vụ nền"
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return self.label or self.name
