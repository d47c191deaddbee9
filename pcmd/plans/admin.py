from django.contrib import admin

from .models import LegalBasis, Plan, ReportingDuty, Target, Task, TaskProgress


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["order", "section", "text", "metric", "comparator", "value", "value_max", "year", "indicator"]
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    fields = ["order", "ref", "title", "due_date"]
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "unit", "period", "status", "issue_date"]
    list_filter = ["status", "kind"]
    search_fields = ["search_text"]
    raw_id_fields = ["unit", "parent"]
    readonly_fields = ["source_name", "source_sha256", "reviewed_at"]
    inlines = [TargetInline, TaskInline]


@admin.register(TaskProgress)
class TaskProgressAdmin(admin.ModelAdmin):
    list_display = ["task", "date", "status", "agency"]
    list_filter = ["status"]
    raw_id_fields = ["task", "agency", "author"]


admin.site.register([LegalBasis, ReportingDuty])
