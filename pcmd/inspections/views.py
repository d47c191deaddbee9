"""Pages of the inspections app (thin: parse, call a service or a selector, render)."""



from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcmd.core import pickers
from pcmd.core.crud import add_errors
from pcmd.core.documents import OfficialDocument, docx_response, vn_number
from pcmd.core.exports import xlsx_response
from pcmd.core.scoping import module_view
from pcmd.geo.models import Level
from pcmd.org.permissions import allowed

from . import selectors, services
from .forms import RiskPlanForm, RiskWeightsForm

BEHIND = {
    "operating": "Cơ sở đang hoạt động",
    "visited": "Cơ sở đã được kiểm tra trong năm",
    "not_visited": "Cơ sở chưa được kiểm tra trong năm",
    "never": "Cơ sở chưa từng được kiểm tra",
}


# --- Coverage ---------------------------------------------------------------------------------------------------


def _year(request) -> tuple[int, str]:
    today = timezone.localdate()
    return pickers.year_from_request(request, today.year, first=2000, last=today.year + 1)


def _unit(request):
    """The unit asked for with ?don-vi=<code> (core.pickers; 404 outside the user's scope), or the user's own."""
    return pickers.unit_from_query(request)


def _picker(request, unit, year, error):
    return pickers.picker(units=pickers.unit_options(request.membership), unit=unit, year=year,
                          years=range(timezone.localdate().year + 1, 2019, -1), errors=[error])


def _commune_or_province(unit):
    """Hamlet members see their commune's figures."""
    return unit.parent if unit is not None and unit.level == Level.HAMLET else unit


@pickers.canonical_params(pk_units=True)
@module_view("inspections", "view")
def coverage(request):
    year, error = _year(request)
    unit = _commune_or_province(_unit(request))
    data = selectors.coverage(unit=unit, year=year)
    ctx = {"cov": data, "year": year, "unit": unit, "picker": _picker(request, unit, year, error),
           "drill": unit is None or unit.level == Level.PROVINCE}
    if unit is not None and unit.level == Level.COMMUNE:
        ctx["never"] = selectors.establishments_behind(unit=unit, year=year, which="never")[:200]
        ctx["not_visited"] = selectors.establishments_behind(unit=unit, year=year, which="not_visited")[:200]
    ctx["chart"] = {"labels": [r.name for r in data.rows], "values": [r.percent or 0 for r in data.rows]}
    return render(request, "inspections/coverage.html", ctx)


@pickers.canonical_params(pk_units=True)
@module_view("inspections", "view")
def coverage_establishments(request):
    year, error = _year(request)
    if error:
        messages.warning(request, error)
    unit = _commune_or_province(_unit(request))
    which = request.GET.get("loai", "operating")
    if which not in BEHIND:
        raise Http404
    qs = selectors.establishments_behind(unit=unit, year=year, which=which)
    from django.conf import settings
    page = Paginator(qs.order_by("unit__path", "name", "pk"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inspections/coverage_establishments.html", {
        "page": page, "title": BEHIND[which], "year": year, "unit": unit, "which": which,
        "querystring": query.urlencode(), "can_add": allowed(request.membership.role, "inspections", "add"),
    })


# --- Risk-based plan --------------------------------------------------------------------------------------------

PLAN_PAGE_SIZE = 100


def _plan_from(request):
    form = RiskPlanForm(request.GET or {"year": timezone.localdate().year}, membership=request.membership)
    if not form.is_valid():
        return form, None
    unit = _commune_or_province(form.cleaned_data["unit"] or request.membership.unit)
    if unit is None:
        form.add_error("unit", "Hãy chọn tỉnh hoặc xã, phường cần lập kế hoạch kiểm tra.")
        return form, None
    return form, selectors.risk_plan(unit=unit, year=form.cleaned_data["year"], target=form.cleaned_data["target"])


@module_view("inspections", "view")
def risk_plan(request):
    form, plan = _plan_from(request)
    query = request.GET.copy()
    query.pop("page", None)
    # A province's plan lists hundreds of establishments: the page shows them by pages, the exports all of them.
    page = Paginator(plan.items, PLAN_PAGE_SIZE).get_page(request.GET.get("page")) if plan is not None else None
    return render(request, "inspections/risk_plan.html", {
        "form": form, "plan": plan, "page": page, "factors": selectors.FACTORS, "querystring": query.urlencode(),
        "can_weights": allowed(request.membership.role, "inspections", "change"),
        "can_add": allowed(request.membership.role, "inspections", "add"),
    })


def _plan_rows(plan):
    for n, item in enumerate(plan.items, start=1):
        e = item.establishment
        yield n, e, item


@module_view("inspections", "view")
def risk_plan_xlsx(request):
    _form, plan = _plan_from(request)
    if plan is None:
        raise Http404
    headers = ["TT", "Tháng dự kiến", "Cơ sở", "Loại hình", "Địa chỉ", "Xã, phường", "Lần kiểm tra gần nhất",
               "Điểm rủi ro", *[f"{label} (điểm)" for _, label in selectors.FACTORS]]
    rows = ([n, item.month, e.name, e.type.name, e.address, e.unit.name,
             item.last_visit or "Chưa từng kiểm tra", float(item.score),
             *[float(item.points[key]) for key, _ in selectors.FACTORS]] for n, e, item in _plan_rows(plan))
    return xlsx_response(title=f"Kế hoạch kiểm tra {plan.year}", headers=headers, rows=rows,
                         filename=f"ke-hoach-kiem-tra-{plan.year}")


@module_view("inspections", "view")
def risk_plan_docx(request):
    _form, plan = _plan_from(request)
    if plan is None:
        raise Http404
    doc = _plan_document(plan, request.membership)
    return docx_response(doc.to_bytes(), f"ke-hoach-kiem-tra-{plan.year}.docx")


def _plan_document(plan, membership) -> OfficialDocument:
    unit = plan.unit
    issuer = f"ỦY BAN NHÂN DÂN {unit.name.upper()}"
    # The builder decides whether a managing body's line is printed (core.documents.managing_body_line): a
    # People's Committee has none, so the header matches the plan export of the same unit.
    parent = "" if unit.level == Level.PROVINCE else f"ỦY BAN NHÂN DÂN {unit.province.name.upper()}"
    doc = OfficialDocument(issuer_parent=parent, issuer=issuer, number="", symbol="KH-UBND", year=plan.year,
                           place=unit.province.name.replace("Thành phố ", "").replace("Tỉnh ", ""),
                           date=None, kind="KẾ HOẠCH",
                           title=f"Kiểm tra các cơ sở kinh doanh dịch vụ dễ bị lợi dụng để hoạt động mại dâm "
                                 f"năm {plan.year}")
    doc.part("I. MỤC ĐÍCH, YÊU CẦU")
    doc.paragraph(f"Kiểm tra các cơ sở kinh doanh dịch vụ dễ bị lợi dụng để hoạt động mại dâm trên địa bàn "
                  f"{unit.name}, bảo đảm đạt chỉ tiêu {vn_number(plan.target)}% cơ sở đang hoạt động được kiểm "
                  f"tra trong năm {plan.year}; ưu tiên cơ sở có nguy cơ cao và cơ sở chưa từng được kiểm tra.")
    doc.part("II. ĐỐI TƯỢNG, THỜI GIAN KIỂM TRA")
    doc.paragraph(f"Tổng số cơ sở đang hoạt động: {vn_number(plan.operating)}; đã kiểm tra trong năm: "
                  f"{vn_number(plan.visited)}; cần kiểm tra thêm: {vn_number(plan.needed)} cơ sở, theo danh sách "
                  f"dưới đây (xếp theo mức độ rủi ro, "
                  f"phân bổ đều từ tháng {plan.months[0]} đến tháng 12).")
    doc.table(["TT", "Tên cơ sở", "Địa chỉ", "Loại hình", "Tháng", "Điểm rủi ro"],
              [[str(n), e.name, e.address, e.type.name, str(item.month), vn_number(item.score)]
               for n, e, item in _plan_rows(plan)], widths=[10, 50, 50, 25, 13, 17])
    doc.part("III. CÁCH XÁC ĐỊNH MỨC ĐỘ RỦI RO")
    w = plan.weights
    for line in (
        f"Loại hình kinh doanh: hệ số rủi ro của loại hình × {vn_number(w.type_weight)};",
        f"Vi phạm bị phát hiện trong 24 tháng gần nhất: số vi phạm × {vn_number(w.violations_weight)};",
        f"Tin báo, tố giác liên quan đến cơ sở: số tin × {vn_number(w.tips_weight)};",
        f"Có tụ điểm phức tạp đang hoạt động trên địa bàn xã, phường: {vn_number(w.hotspot_weight)};",
        f"Số tháng kể từ lần kiểm tra gần nhất (tối đa {w.months_cap}, chưa từng kiểm tra tính tối đa) × "
        f"{vn_number(w.months_weight)};",
        f"Số lao động: mỗi 10 người × {vn_number(w.workers_weight)}.",
    ):
        doc.bullet(line)
    doc.part("IV. TỔ CHỨC THỰC HIỆN")
    doc.paragraph("Đội kiểm tra liên ngành 178 triển khai kiểm tra theo danh sách; kết quả từng lượt kiểm tra được "
                  "cập nhật vào hệ thống ngay sau khi kiểm tra.")
    doc.closing(recipients=["Như trên;", "Lưu: VT."], signer_lines=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
                                                                    "PHÓ CHỦ TỊCH"], signer_name="")
    return doc


@module_view("inspections", "change")
def risk_weights(request):
    unit = _commune_or_province(request.membership.unit)
    current = selectors.weights_for(unit)
    editable = unit is not None
    form = RiskWeightsForm(request.POST or None, instance=current if current.unit_id == getattr(unit, "pk", None)
                           else None, initial=None if current.pk and current.unit_id == getattr(unit, "pk", None)
                           else {f: getattr(current, f) for f in RiskWeightsForm.Meta.fields})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.risk_weights_save(unit=unit, data=form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Đã lưu trọng số điểm rủi ro.")
                return HttpResponseRedirect(reverse("risk_weights"))
        return render(request, "inspections/risk_weights.html",
                      {"form": form, "unit": unit, "editable": editable, "current": current}, status=400)
    return render(request, "inspections/risk_weights.html",
                  {"form": form, "unit": unit, "editable": editable, "current": current})


