from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "pcmd.hotspots"
    label = "hotspots"
    verbose_name = "Điểm, tụ điểm phức tạp"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.Hotspot, exclude_fields=DERIVED_FIELDS, m2m_fields={"establishments", "visits"})
        auditlog.register(models.HotspotEvent)
