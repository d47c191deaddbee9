"""The period statistics page of criminal cases and sanctions (lists and forms are generic CRUD)."""

from django.shortcuts import render

from pcmd.core import pickers
from pcmd.core.exports import xlsx_response
from pcmd.core.scoping import module_view, scoped
from pcmd.hotspots.views import export_query, statistics_context

from . import selectors
from .models import CriminalCase, SanctionRecord


@pickers.canonical_params
@module_view("enforcement", "view")
def enforcement_statistics(request):
    period, scope, ctx = statistics_context(request)
    membership = request.membership
    stats = selectors.enforcement_statistics(
        cases=scope.narrow(scoped(CriminalCase.objects.all(), membership)),
        sanctions=scope.narrow(scoped(SanctionRecord.objects.all(), membership)),
        period=period, group_by=scope.group_by,
    )
    case_chart = {
        "labels": [selectors.CASE_LABELS[m] for m in selectors.CASE_MEASURES],
        "datasets": [{"label": "Số vụ án", "data": stats.case_total.values()}],
    }
    sanction_chart = {
        "labels": [r.label for r in stats.sanction_rows],
        "datasets": [{"label": "Số người (cơ sở) bị xử phạt", "data": [r.people for r in stats.sanction_rows]}],
    }
    case_measures = [selectors.CASE_LABELS[m] for m in selectors.CASE_MEASURES]
    row_label = "Tỉnh/thành phố" if scope.group_by == "province" else "Đơn vị"
    if request.GET.get("format") == "xlsx":
        return export(stats, row_label, case_measures)
    ctx.update(scope=scope, stats=stats, case_chart=case_chart, sanction_chart=sanction_chart,
               case_measures=case_measures, row_label=row_label, export_query=export_query(request))
    return render(request, "enforcement/statistics.html", ctx)


def export(stats, row_label, case_measures):
    """One sheet: the case table, a blank row, then the sanctions by category."""
    case_rows = [[r.name, *r.values(), r.tried_rate, r.defendants, r.victims, r.minor_victims]
                 for r in [*stats.case_rows, stats.case_total]]
    sanction_rows = [[r.label, r.decisions, r.people, r.fine_total]
                     for r in [*stats.sanction_rows, stats.sanction_total]]
    rows = [*case_rows, [], ["Đối tượng vi phạm", "Số quyết định", "Số người (cơ sở)", "Tổng tiền phạt (đồng)"],
            *sanction_rows]
    return xlsx_response(
        title=f"Vụ án, xử phạt {stats.period.code}",
        headers=[row_label, *case_measures, "% truy tố được xét xử", "Bị can, bị cáo", "Bị hại",
                 "Bị hại dưới 18 tuổi"],
        rows=rows, filename=f"thong-ke-vu-an-xu-phat-{stats.period.code}",
    )
