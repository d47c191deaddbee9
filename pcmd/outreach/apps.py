from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "pcmd.outreach"
    label = "outreach"
    verbose_name = "Tuyên truyền, tập huấn, cam kết, kinh phí"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.ActivityKind, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Activity, exclude_fields=DERIVED_FIELDS, m2m_fields={"hamlets"})
        auditlog.register(models.RegularityRule, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Denominator, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.StaffMember, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Course, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Integration, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Commitment, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Commendation, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.BudgetLine, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Spending, exclude_fields=DERIVED_FIELDS)
