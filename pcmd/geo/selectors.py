"""Reads of the administrative-unit tree."""

from pcmd.core.scoping import scoped
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
