from django.contrib import admin

from .models import InboxPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(InboxPreference)
class InboxPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_kinds")
