"""Outreach and capacity indicators (see engine.py for the contract).

These are the only definitions of these figures: the outreach pages (pcmd/outreach/selectors.py)
read them through the engine, and the regularity table's detail comes from regularity_detail here.
Every function is one or two grouped queries: no loop over units or
rows beyond merging the grouped rows.

Period semantics (any code: 2026, 2026S1, 2026Q2, 202605, 2026-2030):
- "as of" is min(period end, today): records after it are not counted (there are none in the
  past; for the running period this is what has happened so far).
- Regularity (COMM_COMMUNES, COMM_HAMLETS): the quarters of the period are the calendar quarters
  it overlaps (a month lies in one quarter, a half-year spans 2, a 2026-2030 phase 20). A quarter
  is met with at least the rule's `min_per_quarter` activities dated in the period up to "as of";
  the rule's `min_quarters` is stated per year of 4 quarters and is scaled to the period
  (ceil(min_quarters × quarters / 4)); as on the outreach page only the quarters that have ended by
  "as of" are asked, at least one (activities of a running quarter count). For a year this is
  what the outreach page shows.
- Reach: people reached by activities dated in the period, over the Denominator rows of the year
  of the period's end (the base is a yearly figure; for 2026-2030 the 2030 base).
- Training: active staff who attended a course that began in the period.
- Integration: an integration document naming at least one program for a year the period overlaps.
- Commitments: operating establishments with a commitment signed by "as of" and valid on that day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from pcmd.geo.models import AdminUnit, Level
from pcmd.outreach.models import (
    INTEGRATION_PROGRAMS,
    Activity,
    Audience,
    Commitment,
    Denominator,
    Integration,
    Participant,
    RegularityRule,
    StaffMember,
    TrainingLevel,
)
from pcmd.venues.models import Establishment, EstablishmentStatus

from ..catalogue import BY_CODE
from ..engine import CellCount, CountSpec, communes_of, computes, count_indicator

# Kinds of activity that are published items (tin, bài, phóng sự) rather than sessions held.
PRESS_KINDS = ("bao-chi", "phong-su", "mang-xa-hoi")
STUDENT_GROUPS = (Audience.HS_STUDENTS, Audience.UNI_STUDENTS, Audience.VOC_STUDENTS)
# "Maintained regularly" when neither the commune nor its province set a rule: 1 activity in each quarter.
DEFAULT_MIN_PER_QUARTER, DEFAULT_MIN_QUARTERS = 1, 4


def _restrict(qs, path, ids):
    return qs.filter(**{f"{path}__in": ids}) if ids is not None else qs


def _as_of(period) -> datetime.date:
    return min(period.end, timezone.localdate())


# --- regularity ------------------------------------------------------------------------------

def _quarter_end(start: datetime.date) -> datetime.date:
    """The last day of the quarter beginning on `start`."""
    following = datetime.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _quarter_starts(period) -> list[datetime.date]:
    first = datetime.date(period.start.year, (period.start.month - 1) // 3 * 3 + 1, 1)
    out = []
    while first <= period.end:
        out.append(first)
        first = _quarter_end(first) + datetime.timedelta(days=1)
    return out


def _quarter_window(period, as_of: datetime.date | None = None) -> tuple[int, int, datetime.date]:
    """(quarters the period overlaps, of them ended by "as of", as of); `as_of` defaults to today."""
    as_of = min(period.end, as_of) if as_of is not None else _as_of(period)
    starts = _quarter_starts(period)
    ended = 0
    for start in starts:  # at most 20 quarters of a phase: a loop over the calendar, not over units
        if _quarter_end(start) <= as_of:
            ended += 1
    return len(starts), ended, as_of


# The rule, written once as SQL fragments over a unit row `h` (a commune or a hamlet, its commune column
# given): the commune's own rule wins, else the province's, else the default.
def _rule_joins(level: str) -> str:
    rule = RegularityRule._meta.db_table
    commune = "h.id" if level == Level.COMMUNE else "h.parent_id"
    return f"LEFT JOIN {rule} r1 ON r1.unit_id = {commune} LEFT JOIN {rule} r2 ON r2.unit_id = h.province_id"


MIN_PER_QUARTER = f"COALESCE(r1.min_per_quarter, r2.min_per_quarter, {DEFAULT_MIN_PER_QUARTER})"
MIN_QUARTERS = f"COALESCE(r1.min_quarters, r2.min_quarters, {DEFAULT_MIN_QUARTERS})"


def _required(min_quarters: str, period, as_of=None) -> str:
    """Quarters asked: the rule's per-year number scaled to the period (ceil(min_quarters × quarters / 4)),
    only the quarters ended by "as of", at least one."""
    quarters, ended, _ = _quarter_window(period, as_of)
    asked = f"(({min_quarters} * {quarters} + 3) / 4)"
    asked = f"(CASE WHEN {asked} < {ended} THEN {asked} ELSE {ended} END)"
    return f"(CASE WHEN {asked} < 1 THEN 1 ELSE {asked} END)"


def _quarter_columns(period, as_of: datetime.date, date_path: str) -> dict[str, Count]:
    """{"q0": …, "q1": …}: per unit, the activities dated in each quarter of the period (its part of the period, up
    to "as of"), one column per quarter (at most 20 for a 2026–2030 phase): one grouping per unit, where grouping by
    (unit, quarter) and again by unit took twice as long on the national registry."""
    columns = {}
    for i, start in enumerate(_quarter_starts(period)):
        first, last = max(start, period.start), min(_quarter_end(start), as_of)
        columns[f"q{i}"] = Count("pk", filter=Q(**{f"{date_path}__gte": first, f"{date_path}__lte": last}))
    return columns


def _quarter_index(period) -> list[int]:
    """year × 4 + quarter (1–4) of each column of _quarter_columns."""
    return [start.year * 4 + (start.month - 1) // 3 + 1 for start in _quarter_starts(period)]


def _met_quarters(period) -> str:
    """The quarters a unit row `g` (columns q0, q1, …) met the rule's minimum in, as SQL."""
    return " + ".join(f"(CASE WHEN g.q{i} >= {MIN_PER_QUARTER} THEN 1 ELSE 0 END)"
                      for i in range(len(_quarter_starts(period))))


def _met_counts(inner, level: str, key: str, period, ids=None) -> dict[int, int]:
    """{key: units meeting the regularity rule} from `inner`, a grouped queryset of one row per unit
    (u: the unit judged, a commune or a hamlet; q0, q1…: activities per quarter, _quarter_columns).

    One SQL statement: the rows are wrapped, joined to the active unit of `level` (its commune and province) and
    to the rule (_rule_joins), and the units meeting it counted per `key` (a column of the unit: "id",
    "parent_id" or "province_id"), only for the keys `ids` (None: all; the join then reads those units by their
    index instead of every hamlet of the country).
    """
    inner_sql, params = inner.query.sql_with_params()
    units = AdminUnit._meta.db_table
    within = ""
    if ids is not None:
        within = f"AND h.{key} IN ({', '.join(['%s'] * len(ids))})"
        params = (*params, *ids)
    sql = f"""
        SELECT h.{key}, SUM(CASE WHEN ({_met_quarters(period)}) >= {_required(MIN_QUARTERS, period)} THEN 1 ELSE 0 END)
        FROM ({inner_sql}) g
        INNER JOIN {units} h ON h.id = g.u AND h.level = '{level}' AND h.is_active {within}
        {_rule_joins(level)}
        GROUP BY h.{key}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {k: int(n) for k, n in cursor.fetchall()}


@dataclass
class UnitRegularity:
    """One commune's or hamlet's regularity, as COMM_COMMUNES / COMM_HAMLETS judge it."""

    per_quarter: dict[int, int]  # activities per quarter index (year × 4 + quarter)
    met_quarters: int
    required: int
    min_per_quarter: int

    @property
    def met(self) -> bool:
        return self.met_quarters >= self.required


def regularity_detail(period, commune_ids: list[int], as_of: datetime.date | None = None
                      ) -> dict[int, UnitRegularity]:
    """{unit id: UnitRegularity} for the communes and their active hamlets: what the outreach page
    shows behind COMM_COMMUNES and COMM_HAMLETS (the same rows, rule and SQL fragments). Four queries."""
    commune_ids = list(commune_ids)
    out: dict[int, UnitRegularity] = {}
    if not commune_ids:
        return out
    marks = ", ".join(["%s"] * len(commune_ids))
    quarters = _quarter_index(period)  # the quarter of each column q0, q1…
    for inner, level, where in (
            (_commune_activity_rows(period, "unit", commune_ids, as_of), Level.COMMUNE, f"h.id IN ({marks})"),
            (_hamlet_activity_rows(period, "unit", commune_ids, as_of), Level.HAMLET,
             f"h.parent_id IN ({marks}) AND h.level = '{Level.HAMLET}' AND h.is_active")):
        counts: dict[int, dict[int, int]] = {}
        for unit_id, *per_quarter in inner.values_list("u", *(f"q{i}" for i in range(len(quarters)))):
            counts[unit_id] = {q: n for q, n in zip(quarters, per_quarter, strict=True) if n}
        inner_sql, params = inner.query.sql_with_params()
        sql = f"""
            SELECT h.id, {_met_quarters(period)}, {_required(MIN_QUARTERS, period, as_of)}, {MIN_PER_QUARTER}
            FROM {AdminUnit._meta.db_table} h
            LEFT JOIN ({inner_sql}) g ON g.u = h.id
            {_rule_joins(level)}
            WHERE {where}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *commune_ids])
            for unit_id, met, required, min_n in cursor.fetchall():
                out[unit_id] = UnitRegularity(counts.get(unit_id, {}), int(met or 0), int(required), int(min_n))
    return out


def _commune_activity_rows(period, by, ids, as_of=None):
    """(commune, activities per quarter…) rows; the commune's level and state are checked by _met_counts."""
    _, _, as_of = _quarter_window(period, as_of)
    acts = _restrict(Activity.objects.filter(date__gte=period.start, date__lte=as_of), by, ids)
    return acts.values(u=F("unit_id")).annotate(**_quarter_columns(period, as_of, "date")).order_by()


def _hamlet_activity_rows(period, by, ids, as_of=None):
    """(hamlet, activities that covered it per quarter…) rows, from the activities of the units looked at; only
    the hamlets of those units, the only ones judged (the database then finds the links by hamlet, not by
    scanning every link of the period)."""
    _, _, as_of = _quarter_window(period, as_of)
    links = Activity.hamlets.through.objects.filter(activity__date__gte=period.start, activity__date__lte=as_of)
    links = _restrict(links, f"activity__{by}", ids)
    links = _restrict(links, "adminunit__parent" if by == "unit" else "adminunit__province", ids)
    return links.values(u=F("adminunit_id")).annotate(**_quarter_columns(period, as_of, "activity__date")).order_by()


@computes("COMM_COMMUNES")
def comm_communes(period, by, ids):
    """Communes maintaining at least one form of communication regularly in the period: (1 or 0, 1) per commune.

    A commune counts every activity it recorded; its rule (or its province's, or the default of one
    activity in each quarter) is applied over the quarters of the period, see the module docstring.
    At by="province": (communes meeting the rule, active communes) per province.
    """
    key = "id" if by == "unit" else "province_id"
    met = _met_counts(_commune_activity_rows(period, by, ids), Level.COMMUNE, key, period, ids)
    if by == "unit":
        communes = communes_of(None)
        communes = communes.filter(pk__in=ids) if ids is not None else communes
        return {pk: (1 if met.get(pk) else 0, 1) for pk in communes.values_list("pk", flat=True)}
    totals = _restrict(communes_of(None), "province", ids).values("province").annotate(n=Count("pk")).order_by()
    return {row["province"]: (met.get(row["province"], 0), row["n"]) for row in totals}


@computes("COMM_HAMLETS")
def comm_hamlets(period, by, ids):
    """Hamlets (thôn, tổ dân phố) maintaining communication regularly / active hamlets, per commune or province.

    A hamlet counts the activities that covered it (Activity.hamlets) under its commune's rule; see
    the module docstring for the quarters asked.
    """
    path = "parent" if by == "unit" else "province"
    # As the outreach page: the activities of the communes looked at, then the hamlets they covered.
    inner = _hamlet_activity_rows(period, by, ids)
    met = _met_counts(inner, Level.HAMLET, f"{path}_id", period, ids)
    hamlets = _restrict(AdminUnit.objects.filter(level=Level.HAMLET, is_active=True), path, ids)
    totals = hamlets.values(path).annotate(n=Count("pk")).values_list(path, "n").order_by()
    return {unit_id: (met.get(unit_id, 0), n) for unit_id, n in totals if unit_id is not None}


# --- reach -----------------------------------------------------------------------------------

def _reach(groups, period, by, ids, registry=False):
    """People of `groups` reached by activities in the period / their Denominator for the year of the period end.

    Denominator at by="province": the province's own row for a group when it entered one (as the
    outreach page shows a province), else the sum of its communes' rows. No row: denominator 0
    (the value is "no data", not 0%). The numerator matches the denominator: without a province row,
    only the people reached in communes that entered a base count (reach where the population is
    unknown would push the share over 100%).
    """
    fields = [f"reach_{g}" for g in groups]
    total = F(fields[0])
    for name in fields[1:]:
        total = total + F(name)
    # The base rows in one query (≤ units × groups small rows), summed here: per (unit or province, group) the
    # province's own row and the rest. The six reach figures of a page share the query (every group's rows).
    sums: dict[tuple[int, str], list] = {}
    with_base: set[int] = set()
    for key, unit_id, province_id, group, value in _bases(period.end.year, by, ids):
        if group not in groups:
            continue
        with_base.add(unit_id)
        own_rest = sums.setdefault((key, group), [None, None])
        side = 0 if unit_id == province_id else 1
        own_rest[side] = (own_rest[side] or 0) + value
    reached_all: dict[int, int] = {}
    reached: dict[int, int] = {}
    per_unit = _reach_per_unit(fields, total, period, by, ids, registry)
    for group_id, unit_id, people in per_unit:
        reached_all[group_id] = reached_all.get(group_id, 0) + (people or 0)
        if unit_id in with_base:
            reached[group_id] = reached.get(group_id, 0) + (people or 0)
    base: dict[int, int] = {}
    for (unit_id, _group), (own, rest) in sums.items():
        value = (own if own is not None else rest or 0) if by == "province" else (own or 0) + (rest or 0)
        base[unit_id] = base.get(unit_id, 0) + value
        if by == "province" and own is not None:
            reached[unit_id] = reached_all.get(unit_id)  # the province's row covers all of it
    return {unit_id: (reached.get(unit_id) or 0, base.get(unit_id, 0)) for unit_id in reached_all.keys() | base.keys()}


def _bases(year: int, by: str, ids) -> list[tuple]:
    """[(unit or province, unit, province, group, value)]: the Denominator rows of the year for every group,
    read once per page (aggregates.shared within a reading())."""
    from pcmd.aggregates.services import shared

    def query():
        rows = _restrict(Denominator.objects.filter(year=year), by, ids)
        return list(rows.values_list(by, "unit", "province", "group", "value").order_by())

    return shared(("reach_bases", year, by, None if ids is None else frozenset(ids)), query)


def _reach_per_unit(fields, total, period, by, ids, registry=False):
    """[(group id, unit id, people)] of the period: from the aggregates (kinds reach_<group>, one cell per unit
    and block) when the period is whole months, else (or with `registry`) from the activities."""
    from pcmd.aggregates.services import blocks, unit_cells

    cover = None if registry else blocks(period.start, period.end)
    if cover is None:
        acts = _restrict(Activity.objects.filter(date__gte=period.start, date__lte=period.end), by, ids)
        # Grouped by (level, unit): one row per unit, merged by the caller by whether the unit has a base.
        return acts.values(by, "unit").annotate(s=Sum(total)).values_list(by, "unit", "s").order_by()
    per_unit: dict[tuple[int, int], int] = {}
    for rows in unit_cells(fields, by, ids, cover).values():
        for unit_id, province_id, n in rows:
            key = (unit_id if by == "unit" else province_id, unit_id)
            per_unit[key] = per_unit.get(key, 0) + n
    return [(key, unit_id, n) for (key, unit_id), n in per_unit.items()]


@computes("REACH_VENUE_WORKERS")
def reach_venue_workers(period, by, ids):
    """Workers at service establishments reached in the period / their denominator (group est_workers)."""
    return _reach([Audience.EST_WORKERS], period, by, ids)


@computes("REACH_INDUSTRIAL_WORKERS")
def reach_industrial_workers(period, by, ids):
    """Industrial-zone workers reached in the period / their denominator (group ip_workers)."""
    return _reach([Audience.IP_WORKERS], period, by, ids)


@computes("REACH_STUDENTS")
def reach_students(period, by, ids):
    """Students (secondary, university/college, vocational) reached / the sum of the three groups' denominators."""
    return _reach(list(STUDENT_GROUPS), period, by, ids)


@computes("REACH_RESIDENTS")
def reach_residents(period, by, ids):
    """Residents reached in the period / their denominator (group residents)."""
    return _reach([Audience.RESIDENTS], period, by, ids)


@computes("REACH_OFFICIALS")
def reach_officials(period, by, ids):
    """Officials reached in the period / their denominator (group officials)."""
    return _reach([Audience.OFFICIALS], period, by, ids)


@computes("REACH_HIGH_RISK")
def reach_high_risk(period, by, ids):
    """People of high-risk groups reached in the period / their denominator (group high_risk)."""
    return _reach([Audience.HIGH_RISK], period, by, ids)


# The reach table of the outreach page: one row per indicator, with the audience groups it counts.
REACH_ROWS = (
    ("REACH_RESIDENTS", (Audience.RESIDENTS,)),
    ("REACH_VENUE_WORKERS", (Audience.EST_WORKERS,)),
    ("REACH_INDUSTRIAL_WORKERS", (Audience.IP_WORKERS,)),
    ("REACH_STUDENTS", STUDENT_GROUPS),
    ("REACH_OFFICIALS", (Audience.OFFICIALS,)),
    ("REACH_HIGH_RISK", (Audience.HIGH_RISK,)),
)


# --- training --------------------------------------------------------------------------------

def _trained(levels, period, by, ids):
    """Active staff of units at `levels` who attended a course begun in the period / active staff (as
    the training page, whose levels are the staff unit's level: province or commune)."""
    attended = Participant.objects.filter(staff=OuterRef("pk"), attended=True,
                                          course__start_date__gte=period.start, course__start_date__lte=period.end)
    staff = _restrict(StaffMember.objects.filter(is_active=True, unit__level__in=levels), by, ids)
    rows = (staff.annotate(trained=Exists(attended)).values(by)
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(trained=True)))
            .values_list(by, "done", "total").order_by())
    return {unit_id: (done, total) for unit_id, done, total in rows}


@computes("STAFF_TRAINED")
def staff_trained(period, by, ids):
    """Staff of the program (province and commune levels) trained in the period / active staff."""
    return _trained([TrainingLevel.PROVINCE, TrainingLevel.COMMUNE], period, by, ids)


if "STAFF_TRAINED_PROVINCE" in BY_CODE:
    @computes("STAFF_TRAINED_PROVINCE")
    def staff_trained_province(period, by, ids):
        """Staff of province-level units trained in the period / active province-level staff."""
        return _trained([TrainingLevel.PROVINCE], period, by, ids)


if "STAFF_TRAINED_COMMUNE" in BY_CODE:
    @computes("STAFF_TRAINED_COMMUNE")
    def staff_trained_commune(period, by, ids):
        """Staff of communes trained in the period / active commune staff."""
        return _trained([TrainingLevel.COMMUNE], period, by, ids)


# --- counts ----------------------------------------------------------------------------------

# Sessions held: every activity except published items (press, broadcast reports, online posts).
count_indicator("COMM_SESSIONS", CellCount("sessions", CountSpec(
    lambda: Activity.objects.exclude(kind__code__in=PRESS_KINDS), "date")))
# Items published: activities of the press, broadcast-report and online-post kinds.
count_indicator("PRESS_ITEMS", CellCount("press", CountSpec(
    lambda: Activity.objects.filter(kind__code__in=PRESS_KINDS), "date")))


# --- integration, commitments ----------------------------------------------------------------

@computes("COMMUNES_INTEGRATING")
def communes_integrating(period, by, ids):
    """Per commune: 1 when it has an integration document naming at least one program for a year the
    period overlaps, over 1. At by="province": (communes, active communes)."""
    any_program = Q()
    for name in INTEGRATION_PROGRAMS:
        any_program |= Q(**{name: True})
    documents = Integration.objects.filter(any_program, unit=OuterRef("pk"),
                                           year__gte=period.start.year, year__lte=period.end.year)
    communes = communes_of(None).annotate(has=Exists(documents))
    if by == "unit":
        communes = communes.filter(pk__in=ids) if ids is not None else communes
        return {pk: (1 if has else 0, 1) for pk, has in communes.values_list("pk", "has")}
    rows = (_restrict(communes, "province", ids).values("province")
            .annotate(done=Count("pk", filter=Q(has=True)), total=Count("pk"))
            .values_list("province", "done", "total").order_by())
    return {unit_id: (done, total) for unit_id, done, total in rows}


@computes("COMMITMENTS_SIGNED")
def commitments_signed(period, by, ids, *, registry=False):
    """Operating establishments with a commitment signed by min(period end, today) and still valid that day /
    operating establishments. Read from the cells (the registry's own answer at each month's end, aggregates
    "commitments_valid", over "operating") when the period ends on a month's last day up to this month, else
    (or with `registry`) counted here."""
    from pcmd.aggregates.services import STATE, month_end_cell, read

    month = None if registry else month_end_cell(period)
    if month is None:
        return commitments_signed_registry(period, by, ids)
    signed = read("commitments_valid", by, ids, [(month, 1)])
    return {unit_id: (signed.get(unit_id, 0), n) for unit_id, n in read("operating", by, ids, [STATE]).items() if n}


def _valid_on(day) -> Q:
    """A commitment in force on `day`: signed by then, not expired."""
    return Q(date__lte=day) & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def commitments_signed_registry(period, by, ids):
    as_of = _as_of(period)
    valid = Commitment.objects.filter(_valid_on(as_of), establishment=OuterRef("pk"))
    operating = _restrict(Establishment.objects.filter(status=EstablishmentStatus.OPERATING), by, ids)
    rows = (operating.annotate(signed=Exists(valid)).values(by)
            .annotate(done=Count("pk", filter=Q(signed=True)), total=Count("pk"))
            .values_list(by, "done", "total").order_by())
    return {unit_id: (done, total) for unit_id, done, total in rows}


def commitment_cells(period, units):
    """Per commune, (operating establishments with a commitment in force at the period's end,): the cells."""
    return {unit_id: (done,) for unit_id, (done, _total) in commitments_signed_registry(period, "unit", units).items()}


def commitment_units_moved_between(first, last) -> set[int]:
    """The communes whose commitments in force differ between the days `first` <= `last` with no write: one signed
    after `first` up to `last`, or expiring on a day from `first` to the day before `last`."""
    rows = Commitment.objects.filter(Q(date__gt=first, date__lte=last)
                                     | Q(valid_until__gte=first, valid_until__lt=last))
    return set(rows.order_by().values_list("establishment__unit", flat=True).distinct())
