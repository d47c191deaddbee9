"""`pcmd rotate-field-keys`: re-encrypt every encrypted column with the first key of PCMD_FIELD_KEYS.

Rotation: put a new key first in PCMD_FIELD_KEYS (keep the old ones after it), run this command,
then remove the old keys. Rows are rewritten in batches, each in its own transaction.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from pcmd.core.crypto import EncryptedTextField


class Command(BaseCommand):
    help = "Mã hóa lại các trường được mã hóa bằng khóa mới nhất (khóa đầu tiên của PCMD_FIELD_KEYS)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        for model in apps.get_models():
            names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not names:
                continue
            done, last = 0, None
            while True:
                rows = model._default_manager.order_by("pk")
                if last is not None:
                    rows = rows.filter(pk__gt=last)
                batch = list(rows.values_list("pk", *names)[:batch_size])  # decrypted with any known key
                if not batch:
                    break
                with transaction.atomic():
                    for pk, *values in batch:
                        # update() encrypts again, with the newest key
                        model._default_manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
                done += len(batch)
                last = batch[-1][0]
            self.stdout.write(f"{model._meta.label}: {done} dòng đã mã hóa lại ({', '.join(names)}).")
