"""The one scoping mechanism: every queryset a user sees passes through `scoped()`.

A commune member sees the commune and its hamlets, a province member the province and all its
units, a national member everything. The module's permission for the role comes from the
matrix in org.permissions: no permission, no rows.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from pcmd.geo.models import Level
from pcmd.org.permissions import allowed


def scoped(queryset: QuerySet, membership, action: str = "view") -> QuerySet:
    model = queryset.model
    if membership is None or not allowed(membership.role, model.module, action):
        return queryset.none()
    if membership.unit_id is None:
        return queryset
    unit = membership.unit
    if unit.level == Level.PROVINCE:
        return queryset.filter(**{model.scope_province_field: unit.pk})
    path_lookup = f"{model.scope_unit_field}__path" if model.scope_unit_field else "path"
    return queryset.filter(**{f"{path_lookup}__startswith": unit.path})


def require(membership, module: str, action: str) -> None:
    """403 unless the membership's role may do `action` in `module`."""
    if membership is None or not allowed(membership.role, module, action):
        raise PermissionDenied


def get_scoped_or_404(queryset: QuerySet, membership, **lookup) -> Model:
    """Fetch one record the membership may see; anything else is simply not there (404)."""
    try:
        return scoped(queryset, membership, "view").get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
