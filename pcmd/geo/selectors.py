"""Reads of the administrative-unit tree."""

from pcmd.core.scoping import scoped, unit_choices
from pcmd.core.search import search

from .models import AdminUnit, Level


def units_search(query: str, membership, *, limit: int = 30):
    """Units whose name contains every word of the query, ignoring diacritics and case.

    Provinces, districts and communes are public reference data, searchable by every user;
    hamlets are the communes' own records and only appear inside the user's scope.
    """
    hamlets_in_scope = scoped(AdminUnit.objects.filter(level=Level.HAMLET), membership, "view")
    qs = AdminUnit.objects.exclude(level=Level.HAMLET) | hamlets_in_scope
    return search(qs, query).select_related("province", "parent").order_by("level", "search_text")[:limit]


PICK_LIMIT = 20


def unit_picks(membership, query: str, levels, *, under=None, active: bool = True, limit: int = PICK_LIMIT):
    """What a unit search box suggests: `unit_choices` (the one door for what a picker may offer) whose name has
    every word of the query (no diacritics needed), or whose code is the query. Returns (units, more)."""
    choices = unit_choices(membership, levels, under=under, active=active)
    query = query.strip()
    found = search(choices, query)
    if query.isascii() and query.isdigit():
        found = found | choices.filter(code=query)
    units = list(found.select_related("province").order_by("level", "search_text", "code")[:limit + 1])
    return units[:limit], len(units) > limit
