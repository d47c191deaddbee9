"""Pages of entered figures: entry form, list with outlier flags and Excel export, completeness,
approve / reopen a period, DHIS2 export and import. Rules live in services.py and dhis2.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from pcmd.core import pickers
from pcmd.core.collation import vi_order
from pcmd.core.exports import xlsx_response
from pcmd.core.periods import Period, PeriodError, period_from_query, recent_periods
from pcmd.core.scoping import chosen_unit, get_scoped_or_404, module_view, require, scoped, unit_choices, within
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.permissions import allowed

from . import dhis2, mapping, services
from .catalogue import BY_CODE, CATALOGUE
from .engine import communes_of
from .forms import ImportForm, read_entry
from .models import DataApproval, DataValue, Dhis2ElementMap, Dhis2Kind, Dhis2Object, Dhis2UnitMap

PAGE_SIZE = 100


def _unit(request, membership):
    """The unit looked at: ?don-vi=<code> inside the seat's scope (404 otherwise), else the seat's unit."""
    return chosen_unit(membership, request.POST.get("don-vi") or request.GET.get("don-vi", ""))


def _period(request, default_kind: str = "quarter") -> tuple[Period, str]:
    code = (request.POST.get("ky") or request.GET.get("ky") or "").strip()
    return period_from_query(code, timezone.localdate(), default_kind)


def _communes(unit):
    if unit is None:
        return AdminUnit.objects.none()
    if unit.level == Level.PROVINCE:
        return communes_of([unit.pk]).order_by(vi_order())
    return AdminUnit.objects.filter(pk=unit.pk)


def _base_ctx(request, unit, period, error=""):
    """The unit and period of an entry page, with the shared picker (core.pickers): a national seat picks
    the province, a local seat keeps its own unit."""
    provinces = (unit_choices(request.membership, [Level.PROVINCE]).order_by(vi_order())
                 if request.membership.unit_id is None else None)
    return {"unit": unit, "period": period, "period_error": error, "provinces": provinces,
            "picker": pickers.picker(units=provinces, unit=unit, all_label="— Chọn tỉnh, thành phố —",
                                     period=period, errors=[error])}


@module_view("indicators", "add")
def datavalue_entry(request):
    """Enter the figures of one unit and period: every entered indicator as a row."""
    membership = request.membership
    unit = _unit(request, membership)
    period, error = _period(request)
    ctx = _base_ctx(request, unit, period, error)
    if unit is None:  # a national seat picks a province or commune first
        return render(request, "indicators/entry.html", ctx)
    indicators = services.entered_indicators()
    existing = {v.indicator: v for v in DataValue.objects.filter(unit=unit, period=period.code)}
    approval = services.approval_covering(unit, period)
    typed = {}
    if request.method == "POST" and not error:
        rows, errors, typed = read_entry(request.POST, indicators, existing)
        if not errors:
            try:
                result = services.save_values(membership=membership, unit=unit, period=period, rows=rows)
            except ValidationError as exc:
                errors = exc.messages
            else:
                for warning in result.warnings:
                    messages.warning(request, warning)
                messages.success(request, f"Đã lưu: {result.created} số liệu mới, {result.updated} số liệu sửa.")
                return HttpResponseRedirect(f"{request.path}?don-vi={unit.code}&ky={period.code}")
        ctx["errors"] = errors
    rows = []
    for indicator in indicators:
        value = existing.get(indicator.code)
        entered = typed.get(indicator.code) or {
            "numerator": _fmt(value.numerator) if value else "",
            "denominator": _fmt(value.denominator) if value else "",
            "comment": value.comment if value else "", "version": value.version if value else ""}
        if typed:  # keep the version the form was opened at, so a conflict stays a conflict
            entered["version"] = typed[indicator.code].get("version", "")
        rows.append({"indicator": indicator, "value": value, "typed": entered})
    ctx.update(rows=rows, approval=approval, communes=_communes(unit) if unit.level == Level.PROVINCE else None)
    return render(request, "indicators/entry.html", ctx)


def _fmt(x) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def _values(request, membership):
    """The scoped data values with the list's filters applied, and the filters for the template."""
    qs = scoped(DataValue.objects.all(), membership, "view").select_related("unit", "agency", "entered_by")
    unit = _unit(request, membership)
    if unit is not None:
        qs = within(qs, unit)
    filters = {"unit": unit, "unit_code": request.GET.get("don-vi", ""), "indicator": request.GET.get("chi-so", ""),
               "period_code": request.GET.get("ky", "")}
    if filters["indicator"] in BY_CODE:
        qs = qs.filter(indicator=filters["indicator"])
    if filters["period_code"]:
        try:
            p = Period.parse(filters["period_code"])
            qs = qs.filter(period_start__gte=p.start, period_end__lte=p.end)
        except PeriodError as exc:
            filters["error"] = str(exc)
    return qs.order_by("-period_start", "indicator", "unit__name"), filters


@module_view("indicators", "view")
def datavalue_list(request):
    membership = request.membership
    qs, filters = _values(request, membership)
    if request.GET.get("xuat") == "xlsx":
        names = dict((i.code, i.name) for i in CATALOGUE)
        return xlsx_response(
            title="Số liệu nhập", filename="so-lieu-nhap",
            headers=["Mã chỉ số", "Chỉ số", "Kỳ", "Mã đơn vị", "Đơn vị", "Tử số / số lượng", "Mẫu số", "Tỷ lệ (%)",
                     "Cơ quan báo cáo", "Người nhập", "Thời điểm nhập", "Ghi chú"],
            rows=([v.indicator, names.get(v.indicator, ""), v.period, v.unit.code, v.unit.name, v.numerator,
                   v.denominator, round(100 * v.numerator / v.denominator, 1) if v.denominator else None,
                   v.agency.name if v.agency else "", v.entered_by.get_full_name() if v.entered_by else "",
                   v.entered_at, v.comment] for v in qs.iterator()))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    values = list(page.object_list)
    flags = services.flag_outliers(values)
    for v in values:
        v.z = flags.get(v.pk)
        v.percent = 100 * v.numerator / v.denominator if v.denominator else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "indicators/list.html", {
        "page": page, "values": values, "filters": filters, "indicators": CATALOGUE, "query": query.urlencode(),
        "periods": recent_periods(timezone.localdate()), "can_add": allowed(membership.role, "indicators", "add"),
    })


@module_view("indicators", "view")
def indicator_completeness(request):
    """Which communes (or the commune itself) have not entered which indicators for the period."""
    membership = request.membership
    unit = _unit(request, membership)
    period, error = _period(request)
    ctx = _base_ctx(request, unit, period, error)
    if unit is not None:
        ctx["result"] = services.completeness(_communes(unit), period)
        ctx["indicators"] = services.entered_indicators()
    return render(request, "indicators/completeness.html", ctx)


@module_view("indicators", "view")
def indicator_approvals(request):
    """Approve a unit's figures for a period (locks them) or reopen with a reason (leaders, standing office)."""
    membership = request.membership
    unit = _unit(request, membership)
    period, error = _period(request, "year")
    if request.method == "POST":
        if not services.can_approve(membership):
            raise PermissionDenied
        try:
            if request.POST.get("step") == "reopen":
                approval = get_scoped_or_404(DataApproval.objects.select_related("unit"), membership,
                                             pk=request.POST.get("approval"))
                services.reopen(membership=membership, approval=approval, reason=request.POST.get("reason", ""))
                messages.success(request, f"Đã mở lại kỳ {approval.period} của {approval.unit.name}.")
            else:
                if unit is None or error:
                    raise ValidationError(error or "Hãy chọn đơn vị.")
                services.approve(membership=membership, unit=unit, period=period, note=request.POST.get("note", ""))
                messages.success(request, f"Đã phê duyệt số liệu {period.label} của {unit.name}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(request.path + (f"?don-vi={unit.code}" if unit is not None else ""))
    approvals = scoped(DataApproval.objects.all(), membership, "view").select_related(
        "unit", "approved_by", "reopened_by")
    if unit is not None:
        approvals = within(approvals, unit)
    ctx = _base_ctx(request, unit, period, error)
    ctx.update(approvals=approvals[:200], can_approve=services.can_approve(membership))
    if unit is not None and not error:  # what an approval of this unit and period locks, before locking it
        from pcmd.dashboard.selectors import own_commune

        ctx["figures"] = services.approval_figures(unit, period, own_commune=own_commune(membership))
        ctx["covering"] = services.approval_covering(unit, period)
    return render(request, "indicators/approvals.html", ctx)


@module_view("indicators", "view")
def dhis2_export(request):
    """A data value set of entered figures, or of the engine's values, for the unit and period, in JSON, CSV,
    XML (DXF2) or ADX, with PCMD's codes or the DHIS2 UIDs of the mapping (the file declares which)."""
    membership = request.membership
    unit = _unit(request, membership)
    period, error = _period(request, "year")
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    source = request.GET.get("nguon", "entered")
    if source == "computed":
        level = "province" if request.GET.get("cap") == "province" else "commune"
        rows = dhis2.computed_rows(codes=[i.code for i in CATALOGUE], level=level,
                                   units=dhis2.export_units(unit, level), period=period)
    else:
        source = "entered"
        qs = scoped(DataValue.objects.all(), membership, "view").filter(
            period_start__gte=period.start, period_end__lte=period.end)
        if unit is not None:
            qs = within(qs, unit)
        rows = dhis2.entered_rows(qs)
    fmt = request.GET.get("dinh-dang", "json")
    fmt = fmt if fmt in dhis2.FORMATS else "json"
    scheme = request.GET.get("ma", "")
    scheme = scheme if scheme in ("code", "uid") else ("uid" if dhis2.has_mapping() else "code")
    rows = dhis2.with_scheme(rows, scheme)
    name = f"dataValueSets-{source}-{unit.code if unit else 'VN'}-{period.code}-{scheme}"
    response = HttpResponse(dhis2.render(rows, fmt, scheme, dhis2.data_set_id(scheme) if fmt == "adx" else ""),
                            content_type=f"{dhis2.CONTENT_TYPES[fmt]}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{dhis2.EXTENSIONS[fmt]}"'
    response["X-PCMD-Suppressed"] = str(rows.omitted)  # small figures about people left out (dhis2.Rows)
    response["X-PCMD-Id-Scheme"] = scheme.upper()
    response["X-PCMD-Unmapped"] = str(rows.unmapped)
    response["X-PCMD-Not-DHIS2-Period"] = str(rows.not_dhis2)
    return response


@module_view("indicators", "view")
def dhis2_import(request):
    """The exchange page: export links for everyone who reads indicators; upload a data value set (JSON, CSV,
    XML or ADX) for those who may add figures. Every bad row is listed with its reason."""
    membership = request.membership
    if request.method == "POST":
        require(membership, "indicators", "add")
    summary = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = dhis2.parse(form.cleaned_data["file"].read())
        except dhis2.ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            summary = dhis2.import_values(rows, membership=membership, mode=form.cleaned_data["mode"],
                                          dry_run=form.cleaned_data["dry_run"])
    period = Period.containing(timezone.localdate(), "year")
    return render(request, "indicators/dhis2.html", {
        "form": form, "summary": summary, "period": period, "periods": recent_periods(timezone.localdate()),
        "unit": membership.unit, "can_add": allowed(membership.role, "indicators", "add"),
        "formats": dhis2.FORMATS, "has_mapping": dhis2.has_mapping(),
        "can_map": allowed(membership.role, "integrations", "view"),
    })


MAPPING_UNITS_SHOWN = 400


@module_view("integrations", "view")
def dhis2_mapping(request):
    """Pair PCMD's data elements (national seats) and the seat's units with a DHIS2 instance's UIDs: import the
    DHIS2 metadata JSON (automatic pairing by code, then name), correct by hand, see what is not paired."""
    membership = request.membership
    unit = _unit(request, membership)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method == "POST" and step:
        require(membership, "integrations", "change" if step != "metadata" else "add")
        try:
            if step == "metadata":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError("Hãy chọn tệp JSON siêu dữ liệu của DHIS2.")
                if upload.size > dhis2.MAX_BYTES * 4:
                    raise ValidationError(f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); tối đa 20 MB.")
                result = mapping.metadata_import(membership=membership, data=upload.read())
                read = ", ".join(f"{n} {Dhis2Kind(kind).label.split(' (')[0].lower()}"
                                 for kind, n in result.objects.items())
                messages.success(request, f"Đã đọc {read}. Ghép tự động: {sum(result.elements.values())} phần tử "
                                          f"dữ liệu, {sum(result.units.values())} đơn vị.")
            elif step == "elements":
                if not mapping.maps_elements(membership):
                    raise PermissionDenied
                current = dict(Dhis2ElementMap.objects.values_list("element", "uid"))
                changed = 0
                for element, _indicator in dhis2.all_elements():
                    typed = request.POST.get(f"uid-{element}")
                    if typed is not None and typed.strip() != current.get(element, ""):
                        mapping.element_set(membership=membership, element=element, uid=typed)
                        changed += 1
                messages.success(request, f"Đã lưu {changed} phần tử dữ liệu ghép tay.")
            elif step == "units":
                units = list(unit_choices(membership, [Level.PROVINCE, Level.COMMUNE], under=unit)
                             .order_by("code")[:MAPPING_UNITS_SHOWN]) if unit is not None else list(
                    unit_choices(membership, [Level.PROVINCE]).order_by("code"))
                current = {m.unit_id: m.uid for m in scoped(Dhis2UnitMap.objects.all(), membership, "view")}
                changed = 0
                for u in units:
                    typed = request.POST.get(f"uid-{u.code}")
                    if typed is not None and typed.strip() != current.get(u.pk, ""):
                        mapping.unit_set(membership=membership, unit=u, uid=typed)
                        changed += 1
                messages.success(request, f"Đã lưu {changed} đơn vị ghép tay.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(request.path + (f"?don-vi={unit.code}" if unit is not None
                                                    and unit != membership.unit else ""))
    names = {o.uid: o for o in Dhis2Object.objects.filter(kind__in=[Dhis2Kind.ELEMENT, Dhis2Kind.ORGUNIT])}
    element_maps = {m.element: m for m in Dhis2ElementMap.objects.all()}
    element_rows = [{"element": e, "label": dhis2.element_label(e), "map": element_maps.get(e),
                     "object": names.get(element_maps[e].uid) if e in element_maps else None}
                    for e, _i in dhis2.all_elements()]
    if unit is not None:
        units = unit_choices(membership, [Level.PROVINCE, Level.COMMUNE], under=unit).order_by("code")
    else:  # a national seat: the provinces, or one province's communes with ?don-vi=
        units = unit_choices(membership, [Level.PROVINCE]).order_by("code")
    unit_total = units.count()
    units = list(units[:MAPPING_UNITS_SHOWN])
    unit_maps = {m.unit_id: m for m in scoped(Dhis2UnitMap.objects.filter(unit__in=units), membership, "view")}
    unit_rows = [{"unit": u, "map": unit_maps.get(u.pk), "object": names.get(unit_maps[u.pk].uid)
                  if u.pk in unit_maps else None} for u in units]
    return render(request, "indicators/dhis2_mapping.html", {
        "unit": unit, "element_rows": element_rows, "unit_rows": unit_rows, "unit_total": unit_total,
        "shown": MAPPING_UNITS_SHOWN,
        "elements_unmatched": [r for r in element_rows if r["map"] is None],
        "units_unmatched": [r for r in unit_rows if r["map"] is None],
        "maps_elements": mapping.maps_elements(membership),
        "can_change": allowed(membership.role, "integrations", "change"),
        "objects": {kind.label: Dhis2Object.objects.filter(kind=kind).count() for kind in Dhis2Kind},
        "element_choices": Dhis2Object.objects.filter(kind=Dhis2Kind.ELEMENT).order_by("name")[:2000],
    })
