"""Reads for the outreach pages.

Every figure (communes and hamlets maintained regularly, reach, staff trained, integration,
commitments) is an indicator of the engine (pcmd/indicators/computations/outreach.py holds the one
definition of each), read here for the unit a page looks at, which comes from the user's scope
(core.scoping.chosen_unit). The regularity table's detail (activities per quarter, quarters met and
asked) comes from the same computation module, so a badge never disagrees with the figure.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth

from pcmd.core.periods import Period
from pcmd.core.scoping import within
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.indicators.computations import outreach as definitions
from pcmd.venues.models import Establishment, EstablishmentStatus

from .models import REACH_FIELDS, Audience, TrainingLevel

OVERVIEW_CODES = ["COMM_COMMUNES", "COMM_HAMLETS", "COMMUNES_INTEGRATING", "COMMITMENTS_SIGNED",
                  *(code for code, _groups in definitions.REACH_ROWS)]
TRAINED_CODES = {TrainingLevel.PROVINCE: "STAFF_TRAINED_PROVINCE", TrainingLevel.COMMUNE: "STAFF_TRAINED_COMMUNE"}


def figures(unit, year: int, codes) -> dict[str, engine.Value]:
    """{code: the engine's Value} for the unit a page looks at (None: the country) and `year`: the
    scorecard's total for that unit."""
    _rows, totals = engine.unit_breakdown(codes, unit=unit, period=Period.parse(str(year)))
    return totals


@dataclass
class UnitStatus:
    unit: AdminUnit
    per_quarter: list[int]  # activities in quarters 1..4
    min_per_quarter: int
    required: int  # quarters that must reach the minimum
    met_quarters: int = 0
    met: bool = False
    hamlets: list["UnitStatus"] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.per_quarter)

    @property
    def hamlets_met(self) -> int:
        return sum(1 for h in self.hamlets if h.met)


@dataclass
class Regularity:
    year: int
    communes: list[UnitStatus]

    @property
    def hamlets(self) -> list[UnitStatus]:
        return [h for c in self.communes for h in c.hamlets]


def regularity(communes, year: int, as_of: datetime.date) -> Regularity:
    """Per commune (and its hamlets) and year: is “≥1 form maintained regularly” met under its rule?

    The detail behind COMM_COMMUNES and COMM_HAMLETS (definitions.regularity_detail): a commune counts
    every activity it recorded, a hamlet the activities that covered it; for the running year only the
    quarters ended by `as_of` are asked (at least one).
    """
    communes = list(communes)
    detail = definitions.regularity_detail(Period.parse(str(year)), [c.pk for c in communes], as_of)
    hamlets_of: dict[int, list[AdminUnit]] = {}
    for hamlet in AdminUnit.objects.filter(parent__in=communes, level=Level.HAMLET, is_active=True).order_by("code"):
        hamlets_of.setdefault(hamlet.parent_id, []).append(hamlet)

    def status(unit) -> UnitStatus:
        d = detail[unit.pk]
        return UnitStatus(unit=unit, per_quarter=[d.per_quarter.get(year * 4 + q, 0) for q in range(1, 5)],
                          min_per_quarter=d.min_per_quarter, required=d.required, met_quarters=d.met_quarters,
                          met=d.met)

    result = []
    for commune in communes:
        row = status(commune)
        row.hamlets = [status(h) for h in hamlets_of.get(commune.pk, [])]
        result.append(row)
    return Regularity(year=year, communes=result)


def monthly(activities, year: int) -> list[dict]:
    """Activities and people reached per month of `year` (12 rows, months without activity included)."""
    rows = {m: (n, reached) for m, n, reached in (
        activities.filter(date__year=year).annotate(m=ExtractMonth("date")).values("m")
        .annotate(n=Count("pk"), reached=Sum(sum_expression())).order_by().values_list("m", "n", "reached"))}
    return [{"month": m, "activities": rows.get(m, (0, 0))[0], "reached": rows.get(m, (0, 0))[1] or 0}
            for m in range(1, 13)]


def sum_expression():
    from django.db.models import F

    expression = None
    for name in REACH_FIELDS:
        expression = F(name) if expression is None else expression + F(name)
    return expression


@dataclass
class ReachRow:
    code: str
    label: str
    value: engine.Value | None

    @property
    def has_base(self) -> bool:
        return self.value is not None and bool(self.value.denominator)

    @property
    def reached(self) -> int | None:
        return int(self.value.numerator) if self.has_base else None

    @property
    def base(self) -> int | None:
        return int(self.value.denominator) if self.has_base else None

    @property
    def percent(self) -> float | None:
        return round(self.value.value, 1) if self.has_base else None

    @property
    def over(self) -> bool:
        return self.has_base and self.value.numerator > self.value.denominator


def reach_rows(values: dict[str, engine.Value]) -> list[ReachRow]:
    """The reach table: one row per reach indicator (people reached over the base entered)."""
    return [ReachRow(code, "; ".join(Audience(g).label for g in groups), values.get(code))
            for code, groups in definitions.REACH_ROWS]


def proposed_establishment_workers(unit: AdminUnit) -> int:
    """Workers of the operating establishments in the unit (the registry's workers_total), to propose as base."""
    qs = within(Establishment.objects.filter(status=EstablishmentStatus.OPERATING), unit)
    return qs.aggregate(total=Sum("workers_total"))["total"] or 0


@dataclass
class TrainedShare:
    level: str
    label: str
    staff: int
    trained: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.trained / self.staff, 1) if self.staff else None


def trained_shares(unit, year: int) -> list[TrainedShare]:
    """Share of the active roster trained in `year`, per level (province/city vs commune): indicators
    STAFF_TRAINED_PROVINCE and STAFF_TRAINED_COMMUNE for the unit looked at (None: the country)."""
    values = figures(unit, year, TRAINED_CODES.values())
    out = []
    for level, label in TrainingLevel.choices:
        value = values[TRAINED_CODES[level]]
        out.append(TrainedShare(level, label, int(value.denominator or 0), int(value.numerator)))
    return out
