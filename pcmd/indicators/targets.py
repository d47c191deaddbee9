"""Plan targets as a target value per unit and year, for one indicator (docs/targets-and-forecast.md).

Rules:
- only issued plans count, and only plans whose period ("2026" or "2026-2030") contains the year;
- in a plan, a target with the year (a trajectory's value for that year) wins over a target without
  year (it applies to every year of its plan), which wins over a later milestone ("đến năm 2030",
  e.g. copied into a commune's yearly plan): the nearest later year is taken;
- a commune's own plan wins (its targets for communes or without scope); without an own target,
  the commune inherits the target of its province's plan whose scope applies to communes
  (plans.derive.applies_to_communes);
- a province takes its own plan's target whose scope is empty or names the province/city level,
  so a split target ("80% at city level, 60% at commune level") ends at the right level;
- STAFF_TRAINED_PROVINCE / _COMMUNE also take STAFF_TRAINED targets written for their level (BY_LEVEL);
- when a unit has several issued plans covering the year, the yearly plan wins over a phase plan,
  then the latest issued.

Set-wise: one query for the communes' provinces (commune level) and one for the targets, whatever
the number of units; `targets_panel` does the same for several indicators at once (a scorecard).
There is no national plan: level "country" has no target.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from pcmd.core.models import fold
from pcmd.geo.models import AdminUnit, Level
from pcmd.plans.derive import COMMUNE_SCOPE, PROVINCE_SCOPE, plans_for_year
from pcmd.plans.models import PlanKind, PlanStatus, Target


@dataclass(frozen=True)
class TargetValue:
    code: str
    comparator: str  # plans.models.Comparator: eq, gte, gt, lte, lt, range ("" when the text gives none)
    value: Decimal | None
    value_max: Decimal | None
    year: int  # the year the target is asked for
    target_id: int
    plan_id: int
    plan_label: str  # "Kế hoạch 07/KH-UBND"
    text: str
    inherited: bool  # from the province plan (the commune has no own target)
    metric: str = ""  # percent / count / qualitative, as the plan writes it
    milestone_year: int | None = None  # the target's own year when it is a later milestone ("đến năm 2030")
    unit_id: int | None = None  # the unit whose plan it is

    @property
    def label(self) -> str:
        """The figure as officials write it: "≥ 80%", "0", "02–04"."""
        unit = "%" if self.metric == "percent" else ""
        if self.value is None:
            return ""
        if self.comparator == "range" and self.value_max is not None:
            return f"{_num(self.value)}–{_num(self.value_max)}{unit}"
        sign = {"gte": "≥ ", "gt": "> ", "lte": "≤ ", "lt": "< "}.get(self.comparator, "")
        return f"{sign}{_num(self.value)}{unit}"

    def excel(self):
        """The target for a sheet: a number shown as `label` shows it ("≥ 80%"), or the label where it is not
        one figure (a range)."""
        from pcmd.core.exports import target_number

        return target_number(self.value, self.comparator, percent=self.metric == "percent") or self.label


def _num(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def for_communes(scope: str) -> bool:
    """plans.derive.applies_to_communes on the scope text alone (no scope: the whole plan)."""
    folded = fold(scope)
    return not folded or bool(COMMUNE_SCOPE.search(folded)) or not PROVINCE_SCOPE.search(folded)


def for_province(scope: str) -> bool:
    """The province level: no scope, or a scope naming the province/city level."""
    folded = fold(scope)
    return not folded or bool(PROVINCE_SCOPE.search(folded))


def _plan_label(number: str, title: str) -> str:
    return f"Kế hoạch {number}" if number else (title or "Kế hoạch")[:120]


def _rank(row: dict, year: int, level_scope: bool) -> tuple:
    """Higher is better: yearly plan, latest plan, year match, explicit scope, first in the plan."""
    if row["year"] == year:
        year_rank = (2, 0)
    elif row["year"] is None:
        year_rank = (1, 0)
    else:  # a later milestone: the nearest one
        year_rank = (0, -row["year"])
    issued = row["plan__issue_date"] or datetime.date.min
    return (row["plan__kind"] == PlanKind.ANNUAL and row["plan__period"] == str(year), issued, row["plan_id"],
            row["indicator"] not in GENERAL, year_rank, level_scope, -row["order"], -row["pk"])


# Indicators by staff level take the general indicator's targets written for their level (a split
# "80% at city level and 60% at commune level" linked to STAFF_TRAINED), unless linked to them directly.
BY_LEVEL = {"STAFF_TRAINED_PROVINCE": ("STAFF_TRAINED", "province"),
            "STAFF_TRAINED_COMMUNE": ("STAFF_TRAINED", "commune")}
GENERAL = {general for general, _ in BY_LEVEL.values()}

FIELDS = ("pk", "indicator", "order", "text", "metric", "comparator", "value", "value_max", "year", "scope", "plan_id",
          "plan__unit_id", "plan__unit__level", "plan__number", "plan__title", "plan__period", "plan__kind",
          "plan__issue_date")


def targets_for(code: str, *, level: str, units: Iterable[int] | None, year: int) -> dict[int, TargetValue]:
    """{unit id: TargetValue} of indicator `code` for `year` at `level` ("commune" or "province").

    `units` are ids of that level (None: every unit that has a target). Units without target are absent.
    """
    return targets_panel([code], level=level, units=units, year=year)[code]


def targets_panel(codes: Iterable[str], *, level: str, units: Iterable[int] | None, year: int
                  ) -> dict[str, dict[int, TargetValue]]:
    """{code: {unit id: TargetValue}} for several indicators with the same two queries (a scorecard)."""
    codes = list(codes)
    out: dict[str, dict[int, TargetValue]] = {code: {} for code in codes}
    if level == "country":
        return out
    if level not in ("commune", "province"):
        raise ValueError("level must be commune, province or country")
    ids = None if units is None else [u if isinstance(u, int) else u.pk for u in units]
    # Which linked codes feed each asked code, and the level its targets must be written for.
    feeds: dict[str, tuple[set[str], str]] = {}
    for code in codes:
        general, written_for = BY_LEVEL.get(code, (None, level))
        if written_for == "province" and level == "commune":
            continue  # no province staff in a commune
        feeds[code] = ({code, general} - {None}, written_for)
    if (ids is not None and not ids) or not feeds:
        return out
    linked = set().union(*(linked for linked, _ in feeds.values()))
    plans = plans_for_year(year).filter(status=PlanStatus.ISSUED).values("pk")
    rows = (Target.objects.filter(indicator__in=linked, plan__in=plans)
            .filter(Q(year__isnull=True) | Q(year__gte=year)))
    province_of: dict[int, int] = {}
    if level == "province":
        rows = rows.filter(plan__unit__level=Level.PROVINCE)
        if ids is not None:
            rows = rows.filter(plan__unit__in=ids)
    else:
        communes = AdminUnit.objects.filter(level=Level.COMMUNE)
        if ids is not None:
            communes = communes.filter(pk__in=ids)
        province_of = dict(communes.values_list("pk", "province_id"))
        if ids is None:
            rows = rows.filter(plan__unit__level__in=(Level.COMMUNE, Level.PROVINCE))
        else:
            rows = rows.filter(Q(plan__unit__in=ids) | Q(plan__unit__in=set(province_of.values()) - {None},
                                                        plan__unit__level=Level.PROVINCE))
    rows = list(rows.values(*FIELDS))
    for code, (linked_codes, written_for) in feeds.items():
        mine = [row for row in rows if row["indicator"] in linked_codes]
        if level == "province":
            out[code] = _for_provinces(code, mine, year, written_for)
        else:
            out[code] = _for_communes(code, mine, year, province_of)
    return out


def _for_provinces(code: str, rows: list[dict], year: int, written_for: str) -> dict[int, TargetValue]:
    best: dict[int, tuple] = {}
    for row in rows:
        if written_for == "commune":  # the province's share of commune staff: the communes' target
            if for_communes(row["scope"]):
                _keep(best, row["plan__unit_id"], _rank(row, year, _explicit_communes(row["scope"])), row)
        elif for_province(row["scope"]):
            _keep(best, row["plan__unit_id"], _rank(row, year, bool(row["scope"])), row)
    return {unit: _value(code, row, year, inherited=False) for unit, (_, row) in best.items()}


def _for_communes(code: str, rows: list[dict], year: int, province_of: dict[int, int]) -> dict[int, TargetValue]:
    own: dict[int, tuple] = {}
    provincial: dict[int, tuple] = {}
    for row in rows:
        if row["plan__unit__level"] == Level.PROVINCE:
            if for_communes(row["scope"]):
                # An explicit commune scope beats an empty one (the commune half of a split target).
                _keep(provincial, row["plan__unit_id"], _rank(row, year, _explicit_communes(row["scope"])), row)
        elif row["plan__unit_id"] in province_of and for_communes(row["scope"]):
            _keep(own, row["plan__unit_id"], _rank(row, year, False), row)
    out = {unit: _value(code, row, year, inherited=False) for unit, (_, row) in own.items()}
    inherited = {province: _value(code, row, year, inherited=True) for province, (_, row) in provincial.items()}
    for commune, province in province_of.items():
        if commune not in out and province in inherited:
            out[commune] = inherited[province]  # the same (frozen) target for each of the province's communes
    return out


def _explicit_communes(scope: str) -> bool:
    return bool(COMMUNE_SCOPE.search(fold(scope)))


def _keep(best: dict, unit: int, rank: tuple, row: dict) -> None:
    if unit not in best or rank > best[unit][0]:
        best[unit] = (rank, row)


def _value(code: str, row: dict, year: int, *, inherited: bool) -> TargetValue:
    return TargetValue(
        code=code, comparator=row["comparator"], value=row["value"], value_max=row["value_max"], year=year,
        target_id=row["pk"], plan_id=row["plan_id"], plan_label=_plan_label(row["plan__number"], row["plan__title"]),
        text=row["text"], inherited=inherited, metric=row["metric"],
        milestone_year=row["year"] if row["year"] and row["year"] != year else None, unit_id=row["plan__unit_id"],
    )
