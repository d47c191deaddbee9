"""Reads of the inspections app: inspection coverage and the risk-based inspection plan.

Coverage is indicator VENUES_INSPECTED of the indicator engine (pcmd/indicators/computations/registries.py
holds its one definition): a province's figure is the sum of its communes' numerators and
denominators, never an average.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from pcmd.core.collation import vi_sort_key
from pcmd.core.scoping import within
from pcmd.geo.models import AdminUnit
from pcmd.venues.models import Establishment, EstablishmentStatus

from .models import RiskWeights, Violation, Visit

DEFAULT_TARGET_PERCENT = Decimal(60)
RECENT_VIOLATION_MONTHS = 24


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def establishments_in(unit) -> QuerySet:
    """Establishments of `unit` and the units under it (all of them for the whole country: None)."""
    qs = Establishment.objects.all()
    return within(qs, unit) if unit is not None else qs


def visited_in_year(year: int) -> Exists:
    start, end = year_bounds(year)
    return Exists(Visit.objects.filter(establishment=OuterRef("pk"), date__gte=start, date__lte=end))


@dataclass
class CoverageRow:
    unit_id: int
    name: str
    operating: int
    visited: int
    code: str = ""  # the unit's code, for `?don-vi=` (core.pickers)

    @property
    def not_visited(self) -> int:
        return self.operating - self.visited

    @property
    def percent(self) -> float | None:
        return round(100 * self.visited / self.operating, 1) if self.operating else None


@dataclass
class Coverage:
    year: int
    unit: AdminUnit | None  # the unit the figures are for (None: the whole country)
    child_level: str  # "province" or "commune": what the rows are
    rows: list[CoverageRow]
    total: CoverageRow


def coverage(*, unit, year: int) -> Coverage:
    """Coverage of `unit` (None = country) for `year`, broken down one level down: indicator
    VENUES_INSPECTED of the indicator engine, the scorecard's figures.

    Country -> a row per province; province -> a row per commune; commune -> its own row.
    """
    from pcmd.core.periods import Period
    from pcmd.indicators import engine

    rows, totals = engine.unit_breakdown(["VENUES_INSPECTED"], unit=unit, period=Period.parse(str(year)))
    values = rows["VENUES_INSPECTED"]
    names = {pk: (name, code) for pk, name, code in
             AdminUnit.objects.filter(pk__in=values).values_list("pk", "name", "code")}
    out = sorted((CoverageRow(pk, names.get(pk, ("—", ""))[0], int(v.denominator), int(v.numerator),
                              names.get(pk, ("—", ""))[1])
                  for pk, v in values.items()), key=lambda r: vi_sort_key(r.name))
    total = totals["VENUES_INSPECTED"]
    total_row = CoverageRow(unit.pk if unit else 0, unit.name if unit else "Toàn quốc", int(total.denominator or 0),
                            int(total.numerator))
    return Coverage(year=year, unit=unit, child_level="province" if unit is None else "commune", rows=out,
                    total=total_row)


def establishments_behind(*, unit, year: int, which: str) -> QuerySet:
    """The records behind a coverage figure: operating / visited / not_visited (in the year) / never."""
    qs = establishments_in(unit).filter(status=EstablishmentStatus.OPERATING).select_related("type", "unit")
    if which == "visited":
        return qs.filter(visited_in_year(year))
    if which == "not_visited":
        return qs.filter(~visited_in_year(year))
    if which == "never":
        return qs.filter(~Exists(Visit.objects.filter(establishment=OuterRef("pk"))))
    return qs


# --- Risk-based plan -------------------------------------------------------------------------------------------


def weights_for(unit) -> RiskWeights:
    """The unit's own weights, else its province's, else the defaults (an unsaved row)."""
    if unit is not None:
        for candidate in (unit.pk, unit.province_id):
            found = RiskWeights.objects.filter(unit_id=candidate).first()
            if found:
                return found
    return RiskWeights(unit=unit)


def target_percent(unit, year: int) -> tuple[Decimal, str]:
    """The coverage target of the unit's plan for the year (indicator VENUES_INSPECTED), else 60%."""
    from pcmd.plans.models import Target

    targets = Target.objects.filter(plan__unit=unit, indicator="VENUES_INSPECTED", value__isnull=False)
    for target in targets.select_related("plan").order_by("-plan__issue_date", "pk"):
        if target.year == year or (target.year is None and year in target.plan.years):
            return target.value, f"Chỉ tiêu của {target.plan}"
    return DEFAULT_TARGET_PERCENT, "Mặc định 60% (kế hoạch của đơn vị chưa có chỉ tiêu này)"


def _months_between(earlier: datetime.date, later: datetime.date) -> int:
    return max(0, (later.year - earlier.year) * 12 + later.month - earlier.month)


def _active_hotspot_units(unit_ids) -> set[int]:
    """Communes with a hotspot still active."""
    from pcmd.hotspots.models import Hotspot

    return set(Hotspot.objects.filter(unit_id__in=unit_ids, status="active").values_list("unit_id", flat=True))


def _tips_by_establishment(establishment_ids) -> dict[int, int]:
    """Tips linked to each establishment (matched at intake from the venue's name, or set by an officer)."""
    from pcmd.tips.models import Tip

    rows = (Tip.objects.filter(establishment_id__in=establishment_ids).order_by().values("establishment_id")
            .annotate(n=Count("pk")).values_list("establishment_id", "n"))
    return dict(rows)


FACTORS = [
    ("type", "Loại hình"),
    ("violations", "Vi phạm 24 tháng"),
    ("tips", "Tin báo liên quan"),
    ("hotspot", "Tụ điểm trong xã"),
    ("months", "Tháng chưa kiểm tra"),
    ("workers", "Lao động"),
]


@dataclass
class Candidate:
    """An operating establishment not yet inspected in the year, as scored (a row, not a model instance)."""

    pk: int
    name: str
    unit_id: int
    workers_total: int
    risk_weight: Decimal


@dataclass
class RiskItem:
    establishment: Establishment
    last_visit: datetime.date | None
    values: dict[str, Decimal]  # raw value of each factor
    points: dict[str, Decimal]  # value x weight
    score: Decimal
    month: int = 0  # proposed month of the inspection

    @property
    def never_inspected(self) -> bool:
        return self.last_visit is None

    @property
    def point_list(self) -> list[Decimal]:
        """The points of each factor, in the order of FACTORS (the table's columns)."""
        return [self.points[key] for key, _ in FACTORS]


@dataclass
class RiskPlan:
    unit: AdminUnit
    year: int
    target: Decimal
    target_source: str
    weights: RiskWeights
    operating: int
    visited: int
    needed: int
    months: list[int]
    items: list[RiskItem] = field(default_factory=list)  # the proposal, in priority order
    candidates: int = 0


def risk_plan(*, unit, year: int, target: Decimal | None = None, today: datetime.date | None = None) -> RiskPlan:
    today = today or timezone.localdate()
    if target is None:
        target, source = target_percent(unit, year)
    else:
        source = "Nhập trên trang này"
    weights = weights_for(unit)
    cut = today.replace(year=today.year - 2) if not (today.month == 2 and today.day == 29) else \
        today.replace(year=today.year - 2, day=28)
    operating_qs = establishments_in(unit).filter(status=EstablishmentStatus.OPERATING)
    operating = operating_qs.count()
    candidates_qs = operating_qs.filter(~visited_in_year(year))
    # Scores are computed from plain rows; only the establishments chosen become objects (a province of the
    # national data has thousands of candidates).
    candidates = [Candidate(*row) for row in candidates_qs.order_by().values_list(
        "pk", "name", "unit_id", "workers_total", "type__risk_weight")]
    # Two grouped queries over the candidates' visits (a join of establishments × visits × violations grouped by
    # establishment took seconds for a province of the national data).
    last_visits = dict(Visit.objects.filter(establishment__in=candidates_qs.values("pk")).order_by()
                       .values("establishment_id").annotate(last=Max("date")).values_list("establishment_id", "last"))
    recent = dict(Violation.objects.filter(visit__establishment__in=candidates_qs.values("pk"), visit__date__gte=cut)
                  .order_by().values("visit__establishment_id").annotate(n=Count("pk"))
                  .values_list("visit__establishment_id", "n"))
    visited = operating - len(candidates)
    needed = max(0, min(len(candidates), math.ceil(Decimal(target) * operating / 100) - visited))
    hot_units = _active_hotspot_units({e.unit_id for e in candidates})
    tips = _tips_by_establishment(candidates_qs.values("pk"))
    weight = {
        "type": weights.type_weight, "violations": weights.violations_weight, "tips": weights.tips_weight,
        "hotspot": weights.hotspot_weight, "months": weights.months_weight, "workers": weights.workers_weight,
    }
    weight = {k: Decimal(v) for k, v in weight.items()}
    tenth = Decimal("0.1")
    items = []
    for e in candidates:
        last_visit = last_visits.get(e.pk)
        months = weights.months_cap if last_visit is None else min(weights.months_cap,
                                                                    _months_between(last_visit, today))
        values = {
            "type": Decimal(e.risk_weight),
            "violations": Decimal(recent.get(e.pk, 0)),
            "tips": Decimal(tips.get(e.pk, 0)),
            "hotspot": Decimal(1 if e.unit_id in hot_units else 0),
            "months": Decimal(months),
            "workers": Decimal(e.workers_total) / 10,
        }
        points = {k: (values[k] * weight[k]).quantize(tenth) for k in values}
        items.append(RiskItem(establishment=e, last_visit=last_visit, values=values, points=points,
                              score=sum(points.values())))
    # Highest score first; at equal score, never-inspected first, then the longest since the last visit.
    items.sort(key=lambda i: (-i.score, not i.never_inspected, i.last_visit or datetime.date.min,
                              i.establishment.name, i.establishment.pk))
    chosen = items[:needed]
    full = Establishment.objects.select_related("type", "unit").in_bulk([i.establishment.pk for i in chosen])
    for item in chosen:
        item.establishment = full[item.establishment.pk]
    first_month = today.month if year == today.year else (1 if year > today.year else 12)
    months = list(range(first_month, 13))
    for n, item in enumerate(chosen):  # round-robin: every month gets some of the riskiest
        item.month = months[n % len(months)]
    return RiskPlan(unit=unit, year=year, target=Decimal(target), target_source=source, weights=weights,
                    operating=operating, visited=visited, needed=needed, months=months, items=chosen,
                    candidates=len(candidates))

