from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "pcmd.inspections"
    label = "inspections"
    verbose_name = "Kiểm tra liên ngành (Đội 178)"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        for model in (models.Team, models.TeamMember, models.InspectionRound, models.Visit, models.ViolationType,
                      models.Violation, models.Sanction, models.RiskWeights):
            auditlog.register(model, exclude_fields=DERIVED_FIELDS)
