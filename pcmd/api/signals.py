"""Tombstones: every deletion of a record the API exposes is kept (model, id, unit, time) in the same transaction,
whatever deleted it (a page, a service, a cascade), so a client polling `/api/v1/<resource>/deleted/` sees it."""

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from .models import Tombstone

# model labels (app_label.model) the API exposes: filled by api.resources at start-up
TRACKED: set[str] = set()


def _where(instance) -> tuple:
    data = {}
    if hasattr(instance, "get_additional_data"):
        try:
            data = instance.get_additional_data() or {}
        except Exception:  # a parent already gone: fall back to the record's own columns
            data = {}
    unit = data.get("unit", getattr(instance, "unit_id", None))
    province = data.get("province", getattr(instance, "province_id", None))
    if unit == getattr(instance, "pk", None) and instance._meta.label_lower == "geo.adminunit":
        unit = instance.parent_id  # a deleted unit (a hamlet) is filed under its parent, which remains
    if province == getattr(instance, "pk", None) and instance._meta.label_lower == "geo.adminunit":
        province = None  # a deleted province: the national feed only
    return unit, province


@receiver(pre_delete)
def _note_place(sender, instance, **kwargs):
    if sender._meta.label_lower in TRACKED:
        instance._tombstone_place = _where(instance)


@receiver(post_delete)
def _tombstone(sender, instance, **kwargs):
    if sender._meta.label_lower not in TRACKED:
        return
    unit, province = getattr(instance, "_tombstone_place", None) or _where(instance)
    agency_field = getattr(sender, "scope_agency_view_field", "")
    agency = getattr(instance, f"{agency_field}_id", None) if agency_field else None
    Tombstone.objects.create(model=sender._meta.label_lower, object_id=str(instance.pk), unit_id=unit,
                             province_id=province, agency_id=agency)
