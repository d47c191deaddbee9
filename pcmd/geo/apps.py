from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "pcmd.geo"
    label = "geo"
    verbose_name = "Đơn vị hành chính"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.AdminUnit, exclude_fields=DERIVED_FIELDS)
