from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pcmd.accounts"
    label = "accounts"
    verbose_name = "Quản lý tài khoản"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import actions, importers, models  # noqa: F401  (actions and the importer register themselves)

        auditlog.register(models.AccountProposal, exclude_fields=DERIVED_FIELDS)
        auditlog.register(models.AccountProfile)
