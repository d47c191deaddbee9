from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "pcmd.indicators"
    label = "indicators"
    verbose_name = "Chỉ số"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        # Entered figures and approvals keep their change history (who changed which figure, reopened which period).
        for model in (models.DataValue, models.DataApproval):
            auditlog.register(model, exclude_fields=[*DERIVED_FIELDS, "period_kind"])
