"""The hotspot period statistics page (list/detail/forms are generic CRUD; status changes are actions.py)."""

from dataclasses import dataclass

from django.shortcuts import render

from pcmd.core import pickers
from pcmd.core.exports import xlsx_response
from pcmd.core.periods import Period
from pcmd.core.scoping import module_view, scoped, within
from pcmd.geo.models import AdminUnit

from . import selectors
from .models import Hotspot


@dataclass
class StatisticsScope:
    """Where a statistics page looks: the unit (None = whole country), the rows' grouping, the picker."""

    unit: AdminUnit | None
    group_by: str
    units: list[AdminUnit]

    def narrow(self, queryset):
        return within(queryset, self.unit) if self.unit is not None else queryset


def statistics_scope(request) -> StatisticsScope:
    """The unit asked for by `?don-vi=<code>` (core.pickers), which must lie in the user's scope (else 404, like
    any record), or the user's own unit. The picker offers the next level down: provinces, or a province's
    communes."""
    membership = request.membership
    unit = pickers.unit_from_query(request)
    group_by = "province" if unit is None else "unit"
    return StatisticsScope(unit=unit, group_by=group_by, units=pickers.unit_options(membership))


def statistics_context(request) -> tuple[Period, StatisticsScope, dict]:
    """The period (`?ky=`), the unit (`?don-vi=`) and the picker of a statistics page (hotspots, enforcement)."""
    period, error = pickers.period_from_request(request)
    scope = statistics_scope(request)
    picker = pickers.picker(units=scope.units, unit=scope.unit, all_label="Toàn bộ phạm vi", period=period,
                            errors=[error])
    return period, scope, {"period": period, "period_error": error, "picker": picker}


@pickers.canonical_params
@module_view("hotspots", "view")
def hotspot_statistics(request):
    period, scope, ctx = statistics_context(request)
    hotspots = scope.narrow(scoped(Hotspot.objects.all(), request.membership))
    counts = selectors.hotspot_counts(queryset=hotspots, period=period, group_by=scope.group_by)
    steps = selectors.sub_periods(period)
    trend = [selectors.hotspot_counts(queryset=hotspots, period=p, group_by=scope.group_by).total for p in steps]
    chart = {
        "labels": [p.label for p in steps],
        "datasets": [{"label": selectors.MEASURE_LABELS[m], "data": [getattr(t, m) for t in trend]}
                     for m in selectors.MEASURES],
    }
    measures = [selectors.MEASURE_LABELS[m] for m in selectors.MEASURES]
    row_label = "Tỉnh/thành phố" if scope.group_by == "province" else "Xã, phường"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            title=f"Điểm phức tạp {period.code}", headers=[row_label, *measures],
            rows=[[r.name, *r.values()] for r in [*counts.rows, counts.total]],
            filename=f"thong-ke-diem-phuc-tap-{period.code}",
        )
    ctx.update(scope=scope, counts=counts, chart=chart, measures=measures, row_label=row_label,
               export_query=export_query(request))
    return render(request, "hotspots/statistics.html", ctx)


def export_query(request) -> str:
    """The page's query string with format=xlsx, for its "Xuất Excel" link."""
    query = request.GET.copy()
    query["format"] = "xlsx"
    return query.urlencode()
