from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "pcmd.enforcement"
    label = "enforcement"
    verbose_name = "Vụ án, thống kê xử lý"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.CriminalCase, exclude_fields=DERIVED_FIELDS, m2m_fields={"hotspots", "establishments"})
        auditlog.register(models.SanctionRecord, exclude_fields=DERIVED_FIELDS)
