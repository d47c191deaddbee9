"""The one unit picker and the one period/year picker, with one set of query parameter names.

Every page that lets a user choose what to look at reads the same three names:

- ``don-vi`` — the unit's code (never a pk), checked with ``core.scoping.chosen_unit`` (404 outside scope);
- ``ky`` — a DHIS2 period code (``core.periods.Period``), shown as "Quý III năm 2026", "6 tháng đầu năm 2026";
- ``nam`` — a year.

``picker(...)`` builds the context of ``templates/core/_pickers.html`` (a GET form, no script). Old links
(``?unit=``, ``?period=``, ``?year=``, a pk in ``?don-vi=``) are answered with a 301 to the canonical URL by
``canonical_params``.
"""

import datetime
from functools import wraps

from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone

from pcmd.geo.models import Level

from .periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, recent_periods, year_from_query
from .scoping import chosen_unit, unit_choices

UNIT, PERIOD, YEAR = "don-vi", "ky", "nam"
LEGACY = {"unit": UNIT, "period": PERIOD, "year": YEAR}


# --- Reading the request ----------------------------------------------------------------------------------------


def unit_code(request) -> str:
    return (request.GET.get(UNIT) or "").strip()


def unit_from_query(request):
    """The unit asked for with ``?don-vi=<code>`` (404 outside the user's scope), or the user's own unit."""
    return chosen_unit(request.membership, unit_code(request))


def period_from_request(request, default_kind: str = "year", *, today: datetime.date | None = None
                        ) -> tuple[Period, str]:
    """The period of ``?ky=`` (the current one of ``default_kind`` when absent) and a Vietnamese message
    when the code could not be read (the default period is shown then)."""
    today = today or timezone.localdate()
    code = (request.GET.get(PERIOD) or "").strip()
    default = Period.containing(today, default_kind)
    if not code:
        return default, ""
    try:
        return Period.parse(code), ""
    except PeriodError as exc:
        return default, f"{exc} Đang hiển thị {default.label.lower()}."


def year_from_request(request, default: int | None = None, *, first: int = MIN_YEAR, last: int = MAX_YEAR
                      ) -> tuple[int, str]:
    """The year of ``?nam=`` (``default``, else this year, when absent) and a Vietnamese message if it was junk."""
    if default is None:
        default = timezone.localdate().year
    return year_from_query(request.GET.get(YEAR), default, first=first, last=last)


# --- The drop-downs ---------------------------------------------------------------------------------------------


def unit_options(membership) -> list:
    """The units a page's drop-down offers: the next level down from the seat (provinces for a national seat,
    a province's communes); nothing for a commune seat, which looks at its own unit."""
    home = membership.unit
    if home is None:
        levels = [Level.PROVINCE]
    elif home.level == Level.PROVINCE:
        levels = [Level.COMMUNE]
    else:
        return []
    return list(unit_choices(membership, levels).order_by("name"))


def period_choices(today: datetime.date | None = None, current: Period | None = None) -> list[tuple[str, str]]:
    """(code, Vietnamese label) of the periods offered, newest first; the shown period is always among them."""
    periods = recent_periods(today or timezone.localdate())
    if current is not None and current not in periods:
        periods = [current, *periods]
    return [(p.code, p.label) for p in periods]


def picker(*, units=None, unit=None, all_label: str = "", period: Period | None = None, years=None,
           year: int | None = None, errors=(), keep: dict | None = None, today=None) -> dict:
    """The context of ``core/_pickers.html``: ``units`` are the choices (e.g. ``scoping.unit_choices``), ``unit``
    the chosen one; a period drop-down when ``period`` is given, a year drop-down when ``years`` is given;
    ``keep`` are other parameters the form must carry (hidden)."""
    units = list(units) if units is not None else []
    return {
        "units": units,
        "unit": unit,
        "unit_code": unit.code if unit is not None else "",
        "unit_listed": unit is None or any(u.pk == unit.pk for u in units),
        "all_label": all_label,
        "period": period,
        "periods": period_choices(today, period) if period is not None else [],
        "years": list(years) if years is not None else [],
        "year": year,
        "errors": [e for e in errors if e],
        "keep": sorted((keep or {}).items()),
    }


# --- Old links ---------------------------------------------------------------------------------------------------


def canonical_query(request, *, legacy_unit_pk: bool = False, pk_units: bool = False, extra: dict | None = None):
    """The query string with the canonical names, or None when it already is canonical.

    ``legacy_unit_pk``: the page's old ``?unit=`` held a pk (the dashboards; 0 was the whole country).
    ``pk_units``: the page's old ``?don-vi=`` held a pk (inspections coverage); a value that is a unit code in
    the user's scope is taken as a code first. ``extra``: more old names of this page (``province``)."""
    query = request.GET.copy()
    legacy = {**LEGACY, **(extra or {})}
    changed = False
    for old, new in legacy.items():
        if old not in query:
            continue
        values = query.pop(old)
        changed = True
        if new not in query and values:
            value = values[-1]
            if new == UNIT and legacy_unit_pk:
                value = _code_of_pk(request, value, zero_is_country=True)
            if value:
                query[new] = value
    if pk_units and UNIT in query and query[UNIT].isascii() and query[UNIT].isdigit():
        raw = query[UNIT]
        try:
            chosen_unit(request.membership, raw)  # a code in scope: already canonical
        except Http404:
            query[UNIT] = _code_of_pk(request, raw)
            changed = True
    return query.urlencode() if changed else None


def _code_of_pk(request, raw: str, *, zero_is_country: bool = False) -> str:
    raw = (raw or "").strip()
    if zero_is_country and raw == "0":
        return ""  # the whole country: no unit asked
    if not raw:
        return ""
    return chosen_unit(request.membership, raw, by="pk").code  # 404 outside scope, like the old page


def canonical_params(view=None, **options):
    """Decorate a page with pickers: a GET with old parameter names answers 301 to the canonical URL (other
    parameters kept). Put it outside ``module_view`` so the permission pair stays visible; it reads
    ``request.membership`` only when a pk must become a code (signed-in pages)."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if request.method == "GET" and getattr(request, "membership", None) is not None:
                query = canonical_query(request, **options)
                if query is not None:
                    return HttpResponsePermanentRedirect(f"{request.path}?{query}" if query else request.path)
            return func(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
