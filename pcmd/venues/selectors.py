"""Reads for establishments."""

from django.db.models import Q

from .models import Establishment


def establishment_duplicates(instance: Establishment, limit: int = 10) -> list[Establishment]:
    """Other establishments of the same commune with the same registration number or the same name + address."""
    match = Q(name_key=Establishment.make_name_key(instance.name, instance.address))
    if instance.registration_number.strip():
        match |= Q(registration_number__iexact=instance.registration_number.strip())
    qs = Establishment.objects.filter(match, unit_id=instance.unit_id).select_related("type")
    if instance.pk:
        qs = qs.exclude(pk=instance.pk)
    return list(qs.order_by("pk")[:limit])
