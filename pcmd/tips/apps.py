from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "pcmd.tips"
    label = "tips"
    verbose_name = "Tin báo, tố giác, khiếu nại, phản ánh"

    def ready(self):
        from auditlog.registry import auditlog

        from pcmd.core.models import DERIVED_FIELDS

        from . import models

        # The reporter's identity and the receipt hashes never go into the change history (clear text there).
        secret = ["reporter_name", "reporter_contact", "reporter_identity", "receipt_lookup", "receipt_hash"]
        auditlog.register(models.Tip, exclude_fields=[*DERIVED_FIELDS, *secret])
        auditlog.register(models.DeadlineRule)
