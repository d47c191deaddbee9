"""Only the deadline rules are edited in the admin: tips change through the scoped pages and services."""

from django.contrib import admin

from .models import DeadlineRule


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "is_complex", "accept_days", "days", "working_days", "max_extensions", "extension_days",
                    "warn_days", "legal_basis"]
    list_filter = ["kind", "working_days"]
