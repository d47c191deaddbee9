"""Single-row writes (services, CRUD, admin) keep the aggregates fresh in the write's transaction.

pre_save / pre_delete read the cells the row counted in before the write; post_save / post_delete
recompute those and the row's cells after it (services.refresh_cells). Bulk writes skip signals: they call
services.refresh_for / services.track themselves (core.imports.Importer.write does).
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from . import services

_PENDING = "_aggregates_before"


def _before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    counted = services.COUNTED_FIELDS.get(sender._meta.label)
    if update_fields and counted is not None and not counted & set(update_fields):
        return  # a save of fields no count reads (a file's status): nothing to recount
    pk = instance.pk
    before = services.cells_for(sender, [pk]) if pk is not None and not instance._state.adding else set()
    setattr(instance, _PENDING, before)


def _after_save(sender, instance, raw=False, **kwargs):
    if raw or _PENDING not in instance.__dict__:
        return
    before = instance.__dict__.pop(_PENDING)
    services.refresh_cells(before | services.cells_for(sender, [instance.pk]))


def _after_delete(sender, instance, **kwargs):
    services.refresh_cells(instance.__dict__.pop(_PENDING, set()))


def connect() -> None:
    for label in sorted(services.source_labels()):
        model = apps.get_model(label)
        uid = f"aggregates:{label}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}:pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post_save")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"{uid}:pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:post_delete")
