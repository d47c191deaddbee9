from django.contrib import admin

from .models import Report, ReportType


@admin.register(ReportType)
class ReportTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "frequency", "province", "rule_text", "is_active")
    list_filter = ("level", "frequency", "is_active")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "due_date", "status")
    list_filter = ("status", "year")
    raw_id_fields = ("unit",)
