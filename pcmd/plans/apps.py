from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "pcmd.plans"
    label = "plans"
    verbose_name = "Kế hoạch, chỉ tiêu, nhiệm vụ"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.Plan, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.LegalBasis, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Target, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Task, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.TaskProgress, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.ReportingDuty, exclude_fields=DERIVED_FIELDS)
