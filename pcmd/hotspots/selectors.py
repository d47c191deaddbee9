"""Reads on hotspots: period counts, set-wise, grouped by unit (two queries whatever the number of units).

For a period and a (scoped) queryset of hotspots, per unit:
- new: first identified within the period;
- suppressed: hotspots suppressed (triệt xóa) at least once within the period;
- reemerged: hotspots that re-emerged (tái hoạt động) at least once within the period;
- active_end: hotspots whose status on the period's last day was active (from the dated events).
"""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from pcmd.core.collation import vi_sort_key
from pcmd.core.periods import Period
from pcmd.core.scoping import scoped
from pcmd.geo.models import AdminUnit
from pcmd.org.permissions import allowed

from .models import HotspotEvent, HotspotStatus

MEASURES = ("new", "suppressed", "reemerged", "active_end")
MEASURE_LABELS = {
    "new": "Phát hiện mới",
    "suppressed": "Triệt xóa",
    "reemerged": "Tái hoạt động",
    "active_end": "Còn hoạt động cuối kỳ",
}


@dataclass
class CountRow:
    unit_id: int | None
    name: str
    new: int = 0
    suppressed: int = 0
    reemerged: int = 0
    active_end: int = 0

    def values(self) -> list[int]:
        return [getattr(self, m) for m in MEASURES]


@dataclass
class HotspotCounts:
    period: Period
    rows: list[CountRow] = field(default_factory=list)
    total: CountRow = field(default_factory=lambda: CountRow(None, "Tổng cộng"))


def hotspot_counts(*, queryset: QuerySet, period: Period, group_by: str = "unit") -> HotspotCounts:
    """Counts for `period` over `queryset` (already scoped), one row per unit or per province."""
    if group_by not in ("unit", "province"):
        raise ValueError("group_by must be 'unit' or 'province'")
    state_at_end = Subquery(
        HotspotEvent.objects.filter(hotspot=OuterRef("pk"), date__lte=period.end)
        .order_by("-date", "-pk").values("to_status")[:1]
    )
    stock = (
        queryset.order_by().alias(state_at_end=state_at_end).values(group_by)
        .annotate(new=Count("pk", filter=Q(first_identified__range=(period.start, period.end))),
                  active_end=Count("pk", filter=Q(state_at_end=HotspotStatus.ACTIVE)))
    )
    flows = (
        HotspotEvent.objects.filter(hotspot__in=queryset.order_by().values("pk"),
                                    date__range=(period.start, period.end))
        .order_by().values(f"hotspot__{group_by}")
        .annotate(suppressed=Count("hotspot", distinct=True, filter=Q(to_status=HotspotStatus.SUPPRESSED)),
                  reemerged=Count("hotspot", distinct=True, filter=Q(is_reemergence=True)))
    )
    rows: dict[int, CountRow] = {}
    for r in stock:
        row = rows.setdefault(r[group_by], CountRow(r[group_by], ""))
        row.new, row.active_end = r["new"], r["active_end"]
    for r in flows:
        row = rows.setdefault(r[f"hotspot__{group_by}"], CountRow(r[f"hotspot__{group_by}"], ""))
        row.suppressed, row.reemerged = r["suppressed"], r["reemerged"]
    names = dict(AdminUnit.objects.filter(pk__in=rows).values_list("pk", "name"))
    result = HotspotCounts(period=period)
    for row in rows.values():
        row.name = names.get(row.unit_id, "")
        if any(row.values()):
            result.rows.append(row)
    result.rows.sort(key=lambda r: (-r.active_end, -r.new, vi_sort_key(r.name)))
    for m in MEASURES:
        setattr(result.total, m, sum(getattr(r, m) for r in result.rows))
    return result


def sub_periods(period: Period) -> list[Period]:
    """The steps of the trend chart: quarters of a year, months of a half or quarter, years of a phase."""
    if period.kind == "year":
        return [Period.parse(f"{period.start.year}Q{q}") for q in range(1, 5)]
    if period.kind in ("half", "quarter"):
        return [Period.parse(f"{period.start.year}{m:02d}") for m in range(period.start.month, period.end.month + 1)]
    if period.kind == "phase":
        return [Period.parse(str(y)) for y in range(period.start.year, period.end.year + 1)]
    return [period]


def hotspot_links(hotspot, membership) -> dict:
    """What the detail page shows beside the hotspot: the linked criminal cases and tips the user may see (None
    when the role has no access to cases or tips). Its status-change buttons come from core.actions.buttons."""
    def linked(queryset, module, order):
        if membership is None or not allowed(membership.role, module, "view"):
            return None
        return list(scoped(queryset, membership).order_by(order))

    return {"cases": linked(hotspot.cases.all(), "enforcement", "-detected_on"),
            "tips": linked(hotspot.tips.all(), "tips", "-received_at")}
