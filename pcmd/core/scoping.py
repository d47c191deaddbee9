"""The one scoping mechanism: every queryset a user sees passes through `scoped()`.

A commune member sees the commune and its hamlets, a province member the province and all its
units, a national member everything. The module's permission for the role comes from the
matrix in org.permissions: no permission, no rows.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Membership, Role
from pcmd.org.permissions import allowed

# Roles that write only the records their own agency is responsible for (a model names the agency
# column in `scope_agency_field`, e.g. an establishment's managing agency). Reading is not limited.
# The rule binds seats that name an agency; a seat without one is limited by its unit only.
# A model may also name `scope_agency_view_field` to limit what such roles *see* (tips).
AGENCY_BOUND_ROLES = frozenset({Role.AGENCY_OFFICER})


def agency_bound(membership) -> bool:
    return membership is not None and membership.role in AGENCY_BOUND_ROLES and bool(membership.agency_id)


def scoped(queryset: QuerySet, membership, action: str = "view", *, units=None, module: str = "",
           like: type | None = None) -> QuerySet:
    """The records of `queryset` the membership may `action`.

    `units` narrows further to those units (and the units under them): an API key made for a part of the
    seat's scope (pcmd.api). None = the seat's whole scope; an empty list = nothing. `module` names the
    matrix row for a model that has none of its own. `like`: the rows stand for records of that model (the API's
    tombstones, which carry the deleted record's unit, province and agency) and are scoped by its rules.
    """
    model = queryset.model
    rules = like or model
    if action == "incoming":
        queryset = _incoming(queryset, membership)
        return queryset if units is None else within_any(queryset, units)
    if membership is None or not allowed(membership.role, module or rules.module, action):
        return queryset.none()
    agency_field = getattr(rules, "scope_agency_field", "")
    if action == "view":  # a model may limit viewing too (tips: only those assigned to the agency)
        agency_field = getattr(rules, "scope_agency_view_field", "")
    if agency_field and agency_bound(membership):
        queryset = queryset.filter(**{"agency" if like is not None else agency_field: membership.agency_id})
    if units is not None:
        queryset = within_any(queryset, units)
    if membership.unit_id is None:
        return queryset
    return within(queryset, membership.unit)


def within_any(queryset: QuerySet, units) -> QuerySet:
    """The records of any of `units` or the units under them (none when `units` is empty)."""
    condition = Q()
    for unit in units:
        condition |= _within_q(queryset.model, unit)
    return queryset.filter(condition) if units else queryset.none()


def _within_q(model, unit) -> Q:
    if unit.level == Level.PROVINCE:
        return Q(**{model.scope_province_field: unit.pk})
    path_lookup = f"{model.scope_unit_field}__path" if model.scope_unit_field else "path"
    return Q(**{f"{path_lookup}__startswith": unit.path})


def takes_in(membership, module: str) -> bool:
    """Whether the seat may take in records transferred to its unit (see `_incoming`; the menu asks too)."""
    return (membership is not None and membership.role not in AGENCY_BOUND_ROLES
            and allowed(membership.role, module, "change"))


def _incoming(queryset: QuerySet, membership) -> QuerySet:
    """Records another unit transferred TO the membership's unit (or below it), waiting to be taken in.

    A model names the receiving unit in `scope_incoming_field` (tips: `transfer_to`), or the receiving agency in
    `scope_incoming_agency_field` (referrals: `provider__agency`, for the seats of that agency). Taking a record
    in is a change, and agency-bound roles never do it (nothing of the receiving unit is assigned to
    their agency yet): the coordinators and police of the receiving unit, its province or the nation do.
    """
    model = queryset.model
    agency_field = getattr(model, "scope_incoming_agency_field", "")
    if agency_field:  # sent to an agency (a referral to a provider that has a PCMD agency): its seats take it in
        if not takes_in(membership, model.module) or not membership.agency_id:
            return queryset.none()
        return queryset.filter(**{agency_field: membership.agency_id})
    field = getattr(model, "scope_incoming_field", "")
    if not field or not takes_in(membership, model.module):
        return queryset.none()
    queryset = queryset.filter(**{f"{field}__isnull": False})
    if membership.unit_id is None:
        return queryset
    return queryset.filter(**{f"{field}__path__startswith": membership.unit.path})


def with_directory_above(queryset: QuerySet, membership, action: str = "view") -> QuerySet:
    """`scoped()` plus the records kept by the units above the member's unit: a directory a province shares
    with its communes (support providers), offered in a commune's pickers. Never for writing."""
    mine = scoped(queryset, membership, action)
    if membership is None or membership.unit_id is None or not allowed(membership.role, queryset.model.module,
                                                                           action):
        return mine
    path = membership.unit.path
    above = [path[:i + 1] for i, ch in enumerate(path[:-1]) if ch == "/"]  # "31/" for "31/11311/"
    field = queryset.model.scope_unit_field
    return mine | queryset.filter(**{f"{field}__path__in": above})


def within(queryset: QuerySet, unit) -> QuerySet:
    """The records of `unit` and the units under it (a province uses its denormalised column)."""
    return queryset.filter(_within_q(queryset.model, unit))


# The pickers: every form or page that lists units or seats for a user takes them from here, so a
# picker can never offer what scoped() would hide.
PICKER_LEVELS = (Level.PROVINCE, Level.COMMUNE)


def unit_choices(membership, levels=PICKER_LEVELS, *, under=None, active: bool = True, units=None) -> QuerySet:
    """The units of `levels` a picker offers the member: inside their scope, and inside `under` when given
    (a province's communes, a commune's hamlets). Ordered by the tree; a page may re-order by name."""
    found = AdminUnit.objects.filter(level__in=list(levels))
    if active:
        found = found.filter(is_active=True)
    if under is not None:
        found = within(found, under)
    return scoped(found, membership, "view", units=units)


def membership_choices(membership) -> QuerySet:
    """The seats (and so the accounts) a picker offers: those held in the member's unit or below; every seat
    for a national member. Reading accounts is not a module of the matrix, so only the unit limits it."""
    seats = Membership.objects.all()
    if membership is None:
        return seats.none()
    return seats if membership.unit_id is None else within(seats, membership.unit)


def chosen_unit(membership, raw: str, *, by: str = "code", units=None):
    """The province or commune a page was asked to show (`?don-vi=`, by code or by id), which must lie
    in the membership's scope (else 404); the membership's own unit when nothing was asked."""
    raw = (raw or "").strip()
    if not raw:
        return membership.unit
    if by == "pk" and not (raw.isascii() and raw.isdigit()):
        raise Http404
    unit = (scoped(AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]), membership, "view",
                   units=units).filter(**{by: raw}).first())
    if unit is None:
        raise Http404
    return unit


def module_view(module: str, action: str = "view"):
    """Decorate a function view: sign-in required, then 403 unless the role may do `action` in `module`.

    The pair is kept on the view (`view.permission`) so the URL-matrix test checks it for every role.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.membership, module, action)
            return view(request, *args, **kwargs)

        wrapped.permission = (module, action)
        return wrapped

    return decorator


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
