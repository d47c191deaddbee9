from django.contrib import admin

from .models import DataApproval, DataValue


@admin.register(DataValue)
class DataValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "unit", "period", "numerator", "denominator", "entered_by", "entered_at")
    list_filter = ("indicator", "period_kind")
    search_fields = ("unit__name", "unit__code", "period")
    raw_id_fields = ("unit", "agency", "entered_by")
    readonly_fields = ("version",)


@admin.register(DataApproval)
class DataApprovalAdmin(admin.ModelAdmin):
    list_display = ("unit", "period", "approved_by", "approved_at", "reopened_at", "reopen_reason")
    search_fields = ("unit__name", "unit__code", "period")
    raw_id_fields = ("unit", "approved_by", "reopened_by")
