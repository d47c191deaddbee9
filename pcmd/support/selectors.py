"""Reads of the support app. Every queryset passes through `core.scoping.scoped()` (module "support")."""

from django.db.models import QuerySet

from pcmd.core.scoping import scoped

from .models import CounsellingRequest, CounsellingStatus


def visible(membership) -> QuerySet:
    """The counselling requests the seat may read: support roles of the commune (or province) only."""
    return scoped(CounsellingRequest.objects.select_related("unit"), membership, "view")


def inbox(membership, status: str = "") -> QuerySet:
    rows = visible(membership)
    return rows.filter(status=status) if status else rows


def new_count(membership) -> int:
    """Requests no one has taken up yet, for the menu (a count only: nothing of their content)."""
    return visible(membership).filter(status=CounsellingStatus.NEW).count()
