from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "pcmd.venues"
    label = "venues"
    verbose_name = "Cơ sở kinh doanh dịch vụ"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.EstablishmentType, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Establishment, exclude_fields=DERIVED_FIELDS)
