"""Reads for outreach: the “maintained regularly” rule, reach against denominators, monthly series.

Everything is computed set-wise: activities grouped by (unit, quarter) or (hamlet, quarter) in one
query each, never one query per commune.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractQuarter

from pcmd.geo.models import AdminUnit, Level
from pcmd.venues.models import Establishment, EstablishmentStatus

from .models import REACH_FIELDS, Activity, Audience, Denominator, RegularityRule

DEFAULT_MIN_PER_QUARTER, DEFAULT_MIN_QUARTERS = 1, 4


@dataclass(frozen=True)
class Rule:
    min_per_quarter: int = DEFAULT_MIN_PER_QUARTER
    min_quarters: int = DEFAULT_MIN_QUARTERS

    def required_quarters(self, completed: int) -> int:
        """Quarters asked of a year of which `completed` quarters have ended: the rule's number for a past year;
        for the current year only the quarters ended (at least one, so a year just begun asks its first)."""
        return max(1, min(self.min_quarters, completed))


def rules_for(communes) -> dict[int, Rule]:
    """The rule of each commune: its own if it set one, else its province's, else the default."""
    ids = {c.pk for c in communes} | {c.province_id for c in communes}
    rows = RegularityRule.objects.filter(unit__in=ids).values_list("unit_id", "min_per_quarter", "min_quarters")
    by_unit = {unit: Rule(n, q) for unit, n, q in rows}
    return {c.pk: by_unit.get(c.pk) or by_unit.get(c.province_id) or Rule() for c in communes}


def quarters_completed(year: int, as_of: datetime.date) -> int:
    """Quarters of `year` that have ended by `as_of` (4 for a past year, 0 for a future one)."""
    if as_of.year > year:
        return 4
    if as_of.year < year:
        return 0
    return (as_of.month - 1) // 3 + (1 if as_of.month % 3 == 0 and as_of == _quarter_end(as_of) else 0)


def _quarter_end(day: datetime.date) -> datetime.date:
    month = ((day.month - 1) // 3 + 1) * 3
    following = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


@dataclass
class UnitStatus:
    unit: AdminUnit
    per_quarter: list[int]  # activities in quarters 1..4
    rule: Rule
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
    def communes_met(self) -> int:
        return sum(1 for c in self.communes if c.met)

    @property
    def hamlets(self) -> list[UnitStatus]:
        return [h for c in self.communes for h in c.hamlets]

    @property
    def hamlets_met(self) -> int:
        return sum(1 for h in self.hamlets if h.met)

    @staticmethod
    def share(met: int, total: int) -> float | None:
        return round(100 * met / total, 1) if total else None

    @property
    def communes_share(self):
        return self.share(self.communes_met, len(self.communes))

    @property
    def hamlets_share(self):
        return self.share(self.hamlets_met, len(self.hamlets))


def _status(unit, counts: dict[int, int], rule: Rule, required: int) -> UnitStatus:
    per_quarter = [counts.get(q, 0) for q in range(1, 5)]
    met_quarters = sum(1 for n in per_quarter if n >= rule.min_per_quarter)
    return UnitStatus(unit=unit, per_quarter=per_quarter, rule=rule, required=required, met_quarters=met_quarters,
                      met=met_quarters >= required)


def regularity(communes, year: int, as_of: datetime.date, *, with_hamlets: bool = True) -> Regularity:
    """Per commune (and its hamlets) and year: is “≥1 form maintained regularly” met under its rule?

    A commune counts every activity it recorded; a hamlet counts the activities that covered it. A quarter
    is met with at least `min_per_quarter` activities; the year with `min_quarters` such quarters (of the
    current year only as many as have ended by `as_of`, at least one; activities of the running quarter count).
    """
    communes = list(communes)
    ids = [c.pk for c in communes]
    rules = rules_for(communes)
    completed = quarters_completed(year, as_of)
    activities = Activity.objects.filter(unit__in=ids, date__year=year, date__lte=as_of)
    by_unit: dict[int, dict[int, int]] = {}
    for unit, quarter, n in (activities.annotate(q=ExtractQuarter("date")).values_list("unit_id", "q")
                             .annotate(n=Count("pk")).order_by()):
        by_unit.setdefault(unit, {})[quarter] = n
    by_hamlet: dict[int, dict[int, int]] = {}
    hamlets_of: dict[int, list[AdminUnit]] = {}
    if with_hamlets:
        links = Activity.hamlets.through.objects.filter(activity__in=activities)
        for hamlet, quarter, n in (links.annotate(q=ExtractQuarter("activity__date"))
                                   .values_list("adminunit_id", "q").annotate(n=Count("pk")).order_by()):
            by_hamlet.setdefault(hamlet, {})[quarter] = n
        for hamlet in AdminUnit.objects.filter(parent__in=ids, level=Level.HAMLET, is_active=True).order_by("code"):
            hamlets_of.setdefault(hamlet.parent_id, []).append(hamlet)
    result = []
    for commune in communes:
        rule = rules[commune.pk]
        required = rule.required_quarters(completed)
        status = _status(commune, by_unit.get(commune.pk, {}), rule, required)
        status.hamlets = [_status(h, by_hamlet.get(h.pk, {}), rule, required) for h in hamlets_of.get(commune.pk, [])]
        result.append(status)
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
    group: str
    label: str
    reached: int
    denominator: "Denominator | None"

    @property
    def percent(self) -> float | None:
        if self.denominator is None or not self.denominator.value:
            return None
        return round(100 * self.reached / self.denominator.value, 1)

    @property
    def over(self) -> bool:
        return self.denominator is not None and self.reached > self.denominator.value


def reach(unit: AdminUnit, activities, year: int) -> list[ReachRow]:
    """People reached per group in `year` against the unit's denominators (“% reached”).

    `activities` is already limited to the unit (a province's rows sum its communes' activities).
    """
    sums = activities.filter(date__year=year).aggregate(**{name: Sum(name) for name in REACH_FIELDS})
    bases = {d.group: d for d in Denominator.objects.filter(unit=unit, year=year)}
    return [ReachRow(group, Audience(group).label, sums[name] or 0, bases.get(group))
            for name, group in REACH_FIELDS.items()]


def proposed_establishment_workers(unit: AdminUnit) -> int:
    """Workers of the operating establishments in the unit (the registry's workers_total), to propose as base."""
    qs = Establishment.objects.filter(status=EstablishmentStatus.OPERATING)
    qs = qs.filter(province=unit) if unit.level == Level.PROVINCE else qs.filter(unit__path__startswith=unit.path)
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


def trained_share(staff, year: int) -> list[TrainedShare]:
    """Share of the active roster who attended a course that began in `year`, per level (province, commune).

    `staff` is the roster already limited to the user's scope and unit. Two grouped queries.
    """
    from django.db.models import Exists, OuterRef, Q

    from .models import Participant, TrainingLevel

    attended = Participant.objects.filter(staff=OuterRef("pk"), attended=True, course__start_date__year=year)
    rows = (staff.filter(is_active=True).annotate(trained=Exists(attended))
            .values("unit__level").annotate(total=Count("pk"), done=Count("pk", filter=Q(trained=True))).order_by())
    counts = {r["unit__level"]: (r["total"], r["done"]) for r in rows}
    return [TrainedShare(level, label, *counts.get(level, (0, 0))) for level, label in TrainingLevel.choices]


def integration_share(communes, year: int) -> tuple[int, int]:
    """(communes with an integration document naming at least one program in `year`, communes): one query."""
    from django.db.models import Q

    from .models import INTEGRATION_PROGRAMS, Integration

    any_program = Q()
    for name in INTEGRATION_PROGRAMS:
        any_program |= Q(**{name: True})
    ids = [c.pk for c in communes]
    done = Integration.objects.filter(any_program, unit__in=ids, year=year).values("unit").distinct().count()
    return done, len(ids)


def commitment_share(establishments, as_of: datetime.date) -> tuple[int, int]:
    """(operating establishments with a commitment signed by `as_of` and still valid, operating establishments)."""
    from django.db.models import Exists, OuterRef, Q

    from .models import Commitment

    valid = Commitment.objects.filter(establishment=OuterRef("pk"), date__lte=as_of).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
    operating = establishments.filter(status=EstablishmentStatus.OPERATING)
    return operating.filter(Exists(valid)).count(), operating.count()
