from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "pcmd.webhooks"
    label = "webhooks"
    verbose_name = "Webhook"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.Subscription, exclude_fields=[*DERIVED_FIELDS, "secret"])
