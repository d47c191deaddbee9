"""The access log (reads of sensitive records) is read-only in the admin: nobody edits or deletes it there."""

from django.contrib import admin

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "role", "target", "object_id", "unit", "action", "count", "query", "detail"]
    list_filter = ["target", "action", "role"]
    search_fields = ["object_id", "user__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
