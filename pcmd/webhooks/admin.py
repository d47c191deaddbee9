from django.contrib import admin

from .models import Delivery, OutboxEvent, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "unit", "is_active", "created_at")
    exclude = ("secret",)
    raw_id_fields = ("unit", "created_by")


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("event", "unit", "created_at")
    list_filter = ("event",)
    raw_id_fields = ("unit",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("subscription", "event", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status",)
    raw_id_fields = ("subscription", "event", "replay_of", "requested_by")
