from django.contrib import admin

from .models import ActivityKind


@admin.register(ActivityKind)
class ActivityKindAdmin(admin.ModelAdmin):
    """The catalogue of communication forms: names, order, in use."""

    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]
    exclude = ["version"]
