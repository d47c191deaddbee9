from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pcmd.reports"
    label = "reports"
    verbose_name = "Báo cáo định kỳ"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        # The frozen snapshots are large and never edited: the history records the steps, not the figures.
        frozen = ["snapshot", "previous_snapshot"]
        auditlog.register(models.ReportType, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Report, exclude_fields=[*DERIVED_FIELDS, *frozen])
        auditlog.register(models.ReportSection, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.ReportComment)
