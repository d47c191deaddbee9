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
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone

from pcmd.geo.models import AdminUnit, Level

from .collation import vi_order
from .periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, lower_first, recent_periods, year_from_query
from .scoping import PICKER_LEVELS, chosen_unit, unit_choices

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
        return default, f"{exc} Đang hiển thị {lower_first(default.label)}."


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
    return list(unit_choices(membership, levels).order_by(vi_order()))


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


# --- The unit field of a form -----------------------------------------------------------------------------------

# More units than this in a field's scope (a national seat is offered 3,321 communes): the field becomes a search
# box fed by ``geo.views.unit_pick`` instead of a drop-down whose page weighs megabytes. A province offers at most
# about 170 units, so province and commune seats keep their drop-down.
PICKER_LIMIT = 200


class UnitSearchInput(forms.TextInput):
    """The search box of a large unit field: the posted value is the unit's code (what a user without JavaScript
    types); ``static/pcmd/unit-picker.js`` turns it into search-as-you-type on the unit's name. The chosen unit's
    name is shown under the box, also after a failed save."""

    template_name = "core/widgets/unit_search.html"

    def __init__(self, *, levels, under=None, active=True, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.levels, self.under, self.active = [str(v) for v in levels], under, active

    def query(self) -> str:
        params = {"cap": ",".join(self.levels)}
        if self.under is not None:
            params["trong"] = self.under.code
        if not self.active:
            params["ca-cu"] = "1"
        return urlencode(params)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = context["widget"]["value"] or ""
        unit = AdminUnit.objects.select_related("province").filter(code=code).first() if code else None
        context["widget"]["attrs"].update({
            "data-unit-picker": f"{reverse('unit_pick')}?{self.query()}",
            "data-label": unit.label if unit is not None else "",
            "placeholder": "Mã đơn vị, ví dụ 11311",
        })
        context["unit"] = unit
        return context


def unit_field(form, name: str = "unit", levels=PICKER_LEVELS, *, under=None, active: bool = True):
    """Offer `unit_choices(levels, under=…)` in the form's unit field: a drop-down when the scope is small, a
    search box (the unit's code as value) when it is large. Validation is the field's own: a unit outside these
    choices is refused with a Vietnamese message. Call it after marking the field disabled, if it is. Returns
    the field."""
    field = form.fields[name]
    field.queryset = (unit_choices(form.membership, levels, under=under, active=active).select_related("province")
                      .order_by("path" if len(levels) > 1 else vi_order()))  # one level: by name, Vietnamese order
    field.label_from_instance = lambda u: u.label
    if field.disabled:  # the unit cannot change here (a record's, a commune seat's): only the one shown
        value = form.get_initial_for_field(field, name)
        field.queryset = field.queryset.filter(pk=getattr(value, "pk", value)) if value else field.queryset.none()
        return field
    if field.queryset.count() <= PICKER_LIMIT:
        return field
    field.to_field_name = "code"
    field.widget = UnitSearchInput(levels=levels, under=under, active=active, attrs=field.widget.attrs)
    field.error_messages["invalid_choice"] = ("Không có đơn vị mã “%(value)s” trong phạm vi của bạn. Hãy gõ tên rồi "
                                              "chọn trong danh sách gợi ý.")
    field.help_text = field.help_text or "Gõ tên (không cần dấu) rồi chọn trong danh sách gợi ý."
    if form.initial.get(name) is not None:  # an edit form's initial is the pk: the box shows the code
        form.initial[name] = _code(form.initial[name])
    if field.initial is not None:
        field.initial = _code(field.initial)
    return field


class AgencySearchInput(forms.TextInput):
    """The search box of a large agency field (a national or province seat's tip filter: thousands of agencies): the
    posted value is the agency's number; ``static/pcmd/unit-picker.js`` searches by name through ``/co-quan/goi-y/``,
    which answers only the agencies in the member's scope. The chosen agency is shown under the box."""

    template_name = "core/widgets/unit_search.html"

    def __init__(self, *, under=None, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.under = under

    def get_context(self, name, value, attrs):
        from pcmd.org.models import Agency

        context = super().get_context(name, value, attrs)
        raw = str(context["widget"]["value"] or "")
        agency = (Agency.objects.select_related("unit").filter(pk=int(raw)).first()
                  if raw.isascii() and raw.isdigit() and len(raw) < 12 else None)
        under = self.under.code if self.under is not None else ""
        context["widget"]["attrs"].update({
            "data-unit-picker": f"{reverse('agency_pick')}?{urlencode({'trong': under})}",
            "data-label": agency_label(agency) if agency is not None else "",
            "data-placeholder": "Gõ tên cơ quan, ví dụ “công an Bạch Đằng”…",
            "data-empty": "Không có cơ quan nào phù hợp trong phạm vi của bạn.",
            "placeholder": "Số hiệu cơ quan",
        })
        context["unit"] = None
        context["agency"] = agency
        context["agency_label"] = agency_label(agency) if agency is not None else ""
        return context


def agency_label(agency) -> str:
    """An agency with its unit, to tell apart the many "Công an xã" of a province."""
    unit = getattr(agency, "unit", None)
    return f"{agency.name} — {unit.name}" if unit is not None and unit.name not in agency.name else agency.name


def agency_field(form, name: str, queryset, *, under=None):
    """Offer the agencies of ``queryset`` (already scoped) in the form's field: a drop-down when there are up to
    PICKER_LIMIT, else a search box whose suggestions (``org.views.agency_pick``) come from the member's scope.
    Validation is the field's own (an agency outside the queryset is refused). Returns the field."""
    field = form.fields[name]
    field.queryset = queryset.select_related("unit")
    if field.queryset.count() <= PICKER_LIMIT:
        return field
    field.label_from_instance = agency_label
    field.widget = AgencySearchInput(under=under, attrs=field.widget.attrs)
    field.error_messages["invalid_choice"] = ("Không có cơ quan này trong phạm vi của bạn. Hãy gõ tên rồi chọn "
                                              "trong danh sách gợi ý.")
    field.help_text = field.help_text or "Gõ tên cơ quan (không cần dấu) rồi chọn trong danh sách gợi ý."
    return field


def _code(value) -> str:
    """The code of a unit given as an instance or a pk (a form's initial value)."""
    if isinstance(value, AdminUnit):
        return value.code
    if isinstance(value, int) or str(value).isdigit():
        return AdminUnit.objects.filter(pk=value).values_list("code", flat=True).first() or ""
    return str(value)
