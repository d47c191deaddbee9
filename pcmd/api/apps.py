from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pcmd.api"
    label = "api"
    verbose_name = "Giao diện lập trình (API)"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, schema, signals  # noqa: F401  (tombstones on delete; the key in the schema)

        auditlog.register(models.ApiToken, exclude_fields=["digest", "last_used_at"])
