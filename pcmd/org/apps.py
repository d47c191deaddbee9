from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "pcmd.org"
    label = "org"
    verbose_name = "Tổ chức và người dùng"

    def ready(self):
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        auditlog.register(models.AgencyKind)
        auditlog.register(models.Agency, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.Membership)
        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
