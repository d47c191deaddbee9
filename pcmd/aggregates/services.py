"""Aggregates: the counts the indicators need, kept per unit and calendar block, fresh on every write.

A *kind* is one count (visits made, operating establishments visited, tips received, sessions held, people
of a group reached…) defined once here over a registry: which rows, which unit and date they belong to,
what each adds (1, a column, or a distinct record). Its cells (models.Cell) hold the count per unit for
every month, quarter, half-year and year (or, for a state without a date, one cell per unit).

Cells are never incremented blindly: a write names the (kind, unit, year) it touches and those cells are
*recomputed from the registry* inside the same transaction (`refresh_cells`) — correct by construction,
cheap because one unit's year is a few hundred rows. So a rebuild (`rebuild`, `pcmd aggregates-rebuild`)
and the incremental path give the same cells (tests/test_aggregates.py proves it with hypothesis).

Who calls what:
- single saves and deletes of the source models (services, CRUD, admin): signals.py, which takes the
  cells of the row before the write (pre_save / pre_delete) and refreshes them with the row's cells after
  it, in the write's transaction;
- bulk paths (imports, seeders, anything using bulk_create / bulk_update / QuerySet.update / raw SQL),
  which skip signals, call ONE function: `refresh_for(units, months=None)` — every kind of those units for
  the years of `months` (None: all years) — or, when they know the records, `track(model, pks)` around the
  write. core.imports.Importer.write does the latter; the demo seed rebuilds at its end.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, IntegerField, Sum, Value
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

SPANS = (12, 6, 3, 1)
STATE = (0, 0)  # (start, months) of a state cell


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class Kind:
    """One aggregated count over a registry.

    `queryset()` the rows counted; `unit`/`province` the paths of the unit and province they count for;
    `date` the path of their date (None: a state, counted as it is now); `value` a column summed (None:
    each row counts 1); `distinct` a path whose distinct values are counted instead (per block).
    `sources` {model label: path from that model to the counted rows' unit field}: which writes touch it.
    """

    name: str
    queryset: Callable
    unit: str = "unit"
    province: str = "province"
    date: str | None = "date"
    value: str | None = None
    distinct: str | None = None
    is_datetime: bool = False
    sources: dict = field(default_factory=dict)  # model label → (unit path, date path or None) on that model

    def filtered(self, units: Iterable[int] | None, years: Iterable[int] | None):
        """The counted rows of `units` (None: all) dated in the span of `years` (None: any date)."""
        qs = self.queryset()
        if units is not None:
            qs = qs.filter(**{f"{self.unit}__in": list(units)})
        if years is not None and self.date is not None:
            years = sorted(set(years))
            start, after = datetime.date(years[0], 1, 1), datetime.date(years[-1] + 1, 1, 1)
            if self.is_datetime:
                start, after = _midnight(start), _midnight(after)
            qs = qs.filter(**{f"{self.date}__gte": start, f"{self.date}__lt": after})
        return qs.order_by()

    def cells(self, units, years) -> dict[tuple[int, int, int], tuple[int, int]]:
        """{(unit, start, months): (province, n)} computed from the registry by grouped queries: the database
        counts (a million visits are not sent to Python). Years and months are the local calendar's (Extract
        uses the current time zone, as timezone.localtime does)."""
        if self.distinct:
            measure = Count(self.distinct, distinct=True)
        elif self.value:
            measure = Coalesce(Sum(self.value), 0)
        else:
            measure = Count("pk")
        qs = self.filtered(units, years)
        if self.date is None:
            rows = qs.values(self.unit, self.province).annotate(n=measure).values_list(self.unit, self.province, "n")
            return {(u, *STATE): (p, n) for u, p, n in rows}
        wanted = set(years) if years is not None else None
        month = Cast(ExtractMonth(self.date), IntegerField()) - 1  # 0..11, an integer on both databases
        out: dict = {}
        # A distinct count is not additive: one grouped query per block length. A sum or count is: one query by
        # month, the longer blocks added up here.
        for span in (SPANS if self.distinct else (1,)):
            block = month / Value(span) if span > 1 else month
            rows = (qs.annotate(y=ExtractYear(self.date), b=block).values(self.unit, self.province, "y", "b")
                    .annotate(n=measure).values_list(self.unit, self.province, "y", "b", "n"))
            for u, p, y, b, n in rows:
                if wanted is not None and y not in wanted:
                    continue
                first = y * 12 + b * span
                if self.distinct:
                    out[(u, first, span)] = (p, n)
                    continue
                for length in SPANS:
                    key = (u, first - first % length, length)
                    out[key] = (p, out[key][1] + n if key in out else n)
        return out


@dataclass(frozen=True)
class ManagedKind(Kind):
    """VENUES_MANAGED's numerator at the end of each month: operating establishments with a managing agency
    reviewed (profile updated, or visited) within the `window` days ending on the month's last day.

    Cell (unit, start = month index of the month, months 1); not additive: a period reads the cell of its last
    month. A review on day d counts for the month ends in [d, d + window − 1], so the cells of year Y depend on
    reviews of years Y − 1 and Y: a write touching year y refreshes the cells of y and y + 1 (`cells_for`).
    """

    window: int = 365

    def cells(self, units, years) -> dict[tuple[int, int, int], tuple[int, int]]:
        from pcmd.inspections.models import Visit
        from pcmd.venues.models import Establishment, EstablishmentStatus

        wanted = set(years) if years is not None else None
        ests = Establishment.objects.filter(status=EstablishmentStatus.OPERATING, managing_agency__isnull=False)
        if units is not None:
            ests = ests.filter(unit__in=list(units))
        days: dict[int, list[datetime.date]] = {}
        where: dict[int, tuple[int, int]] = {}
        for pk, unit_id, province_id, updated in ests.order_by().values_list("pk", "unit", "province", "updated_at"):
            where[pk] = (unit_id, province_id)
            days[pk] = [timezone.localtime(updated).date()] if updated else []
        visits = Visit.objects.filter(establishment__status=EstablishmentStatus.OPERATING,
                                      establishment__managing_agency__isnull=False)
        if units is not None:
            visits = visits.filter(establishment__unit__in=list(units))
        if wanted is not None:
            visits = visits.filter(date__gte=datetime.date(min(wanted) - 1, 1, 1),
                                   date__lte=datetime.date(max(wanted), 12, 31))
        for est_id, day in visits.order_by().values_list("establishment", "date").iterator(chunk_size=20_000):
            if est_id in days:
                days[est_id].append(day)
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for pk, review_days in days.items():
            months: set[int] = set()
            for day in review_days:  # month ends e with day <= e <= day + window - 1
                last = day + datetime.timedelta(days=self.window - 1)
                first_m, last_m = month_index(day), month_index(last)
                if (last + datetime.timedelta(days=1)).day != 1:
                    last_m -= 1  # the month of `last` ends after it
                months.update(range(first_m, last_m + 1))
            unit_id = where[pk][0]
            for m in months:
                if wanted is None or m // 12 in wanted:
                    counts[(unit_id, m)] += 1
        province = dict(where.values())  # {unit: province}
        return {(u, m, 1): (province[u], n) for (u, m), n in counts.items()}


AS_OF = "as_of"  # the AsOfDay row of the kinds counted as of a day


@dataclass(frozen=True)
class AsOfKind(Kind):
    """A figure counted "as of a day": the support figures count a client only with a reporting consent in force
    on min(block end, today) (support.consent.counted), so a block is not the sum of its months and a block
    that has not ended changes when a consent expires or starts, without any write.

    Its cells are the registry's own answer for each calendar block, `figure(period, units)` → {unit: (numerator,
    denominator)}, keeping element `part`: the aggregates and the registry cannot disagree by construction. Every
    block size is kept (months, quarters, halves, years), or with `month_ends` one cell per month holding the
    state at the month's end (SUPPORT_ACCESS: registered, screened and served *by* the end). `queryset`, `unit`
    and `date` name the rows whose dates say which years have cells. `moved` gives the units whose figures may
    differ between two days without a write (consents starting or expiring in between): `bring_to_today`
    recounts them.
    """

    figure: Callable | None = None
    part: int = 0
    month_ends: bool = False
    moved: Callable | None = None

    def years(self, units) -> list[int]:
        from django.db.models import Max, Min

        span = self.filtered(units, None).aggregate(first=Min(self.date), last=Max(self.date))
        if span["first"] is None:
            return []
        last = max(span["last"].year, timezone.localdate().year) if self.month_ends else span["last"].year
        return list(range(span["first"].year, last + 1))

    def cells(self, units, years) -> dict[tuple[int, int, int], tuple[int, int]]:
        from pcmd.geo.models import AdminUnit

        units = list(units) if units is not None else None
        counts: dict[tuple[int, int, int], int] = {}
        for year in (self.years(units) if years is None else sorted(set(years))):
            for start, months in _year_blocks(year, (1,) if self.month_ends else SPANS):
                for unit_id, value in self.figure(_block_period(start, months), units).items():
                    if value[self.part]:
                        counts[(unit_id, start, months)] = value[self.part]
        province = dict(AdminUnit.objects.filter(pk__in={u for u, _s, _m in counts}).values_list("pk", "province"))
        return {key: (province[key[0]], n) for key, n in counts.items()}


def _year_blocks(year: int, spans) -> list[tuple[int, int]]:
    return [(year * 12 + first, span) for span in spans for first in range(0, 12, span)]


def _block_period(start: int, months: int):
    from pcmd.core.periods import Period

    year, first = divmod(start, 12)
    code = {12: f"{year}", 6: f"{year}S{first // 6 + 1}", 3: f"{year}Q{first // 3 + 1}",
            1: f"{year}{first + 1:02d}"}[months]
    return Period.parse(code)


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _kinds() -> dict[str, Kind]:
    from pcmd.inspections.models import Visit
    from pcmd.outreach.models import REACH_FIELDS, Activity
    from pcmd.tips.models import Tip, TipOutcome
    from pcmd.venues.models import Establishment, EstablishmentStatus

    press = ("bao-chi", "phong-su", "mang-xa-hoi")  # computations.outreach.PRESS_KINDS
    operating = EstablishmentStatus.OPERATING
    kinds = [
        # VISITS_MADE
        Kind("visits", Visit.objects.all, sources={"inspections.Visit": ("unit", "date")}),
        # VENUES_INSPECTED: numerator (operating establishments visited, by the establishment's unit) …
        # An establishment's status or unit counts in the years of its visits (under its unit before and after).
        Kind("inspected", lambda: Visit.objects.filter(establishment__status=operating),
             unit="establishment__unit", province="establishment__province", distinct="establishment",
             sources={"inspections.Visit": ("establishment__unit", "date"),
                      "venues.Establishment": ("unit", "visits__date")}),
        # … and denominator (operating establishments now).
        Kind("operating", lambda: Establishment.objects.filter(status=operating), date=None,
             sources={"venues.Establishment": ("unit", None)}),
        # TIPS_RECEIVED
        Kind("tips_received", lambda: Tip.objects.exclude(outcome__in=[TipOutcome.DUPLICATE, TipOutcome.SPAM]),
             date="received_at", is_datetime=True, sources={"tips.Tip": ("unit", "received_at")}),
        # COMM_SESSIONS, PRESS_ITEMS
        Kind("sessions", lambda: Activity.objects.exclude(kind__code__in=press),
             sources={"outreach.Activity": ("unit", "date")}),
        Kind("press", lambda: Activity.objects.filter(kind__code__in=press),
             sources={"outreach.Activity": ("unit", "date")}),
    ]
    # VENUES_MANAGED: numerator at each month's end (denominator: "operating").
    # A review on day d counts at the month ends of d's year and the next (window of 365 days).
    kinds.append(ManagedKind("managed", Establishment.objects.all, sources={
        "venues.Establishment": [("unit", "visits__date+1"), ("unit", "updated_at+1")],
        "inspections.Visit": ("establishment__unit", "date+1")}))
    # COMMITMENTS_SIGNED: numerator at each month's end, counted as of min(month end, today) (denominator:
    # "operating"). An establishment counts from its first commitment on; a commitment's start or expiry moves
    # the running month with no write.
    from pcmd.indicators.computations import outreach as outreach_figures
    from pcmd.outreach.models import Commitment

    kinds.append(AsOfKind("commitments_valid", Commitment.objects.all, unit="establishment__unit",
                          province="establishment__province", figure=outreach_figures.commitment_cells,
                          month_ends=True, moved=outreach_figures.commitment_units_moved_between, sources={
                              "outreach.Commitment": ("establishment__unit", "date+*"),
                              "venues.Establishment": ("unit", "commitments__date+*")}))
    # REACH_*: people of each group reached by activities.
    for column in REACH_FIELDS:
        kinds.append(Kind(column, Activity.objects.all, value=column,
                          sources={"outreach.Activity": ("unit", "date")}))
    kinds.extend(_support_kinds())
    return {k.name: k for k in kinds}


def _support_kinds() -> list[Kind]:
    """The support figures (computations/support.py). SUPPORT_OUTREACH_REACH is a plain sum of anonymous contacts
    under their commune (a contact at a hamlet writes the hamlet: its parent's cells are refreshed)."""
    from pcmd.indicators.computations import support as figures

    reach = Kind("outreach_reach", figures.contacts_by_commune, unit="commune", value="people_reached",
                 sources={"support.OutreachContact": [("unit", "date"), ("unit__parent", "date")]})
    return [reach, *_counted_support_kinds()]


def _counted_support_kinds() -> list[AsOfKind]:
    """The support figures about clients, counted as of a day: every cell is the registry's answer.

    A file's every row counts under its commune from the day its reporting consent starts: a consent written
    or withdrawn touches the years from its start on, a file (merged, moved, registered) all its years.
    SUPPORT_ACCESS is a state at each month's end (registered, screened, served *by* the end), so a record
    touches its own year and every later one ("+*").
    """
    from pcmd.indicators.computations import support as figures
    from pcmd.support.consent import units_moved_between
    from pcmd.support.models import Client, Referral, ReferralStatus, Screening, ServiceRecord

    def registry(count):
        return lambda period, units: count.spec(period, "unit", units)

    def referrals(period, units):
        return figures.referrals_completed_registry(period, "unit", units)

    files = {"support.Client": ("unit", None), "support.Consent": ("client__unit", "given_on+*")}
    referred = {"support.Referral": ("unit", "referred_on"), **files}
    at_month_end = {"support.Screening": ("client__unit", "screened_on+*"),
                    "support.ServiceRecord": ("client__unit", "received_on+*"),
                    "support.Referral": ("client__unit", "completed_on+*"), **files}

    def not_cancelled():
        return Referral.objects.exclude(status=ReferralStatus.CANCELLED)

    counted = {"moved": units_moved_between}
    return [
        AsOfKind("sup_screened", Screening.objects.all, unit="client__unit", province="client__province",
                 date="screened_on", figure=registry(figures.SCREENED), **counted,
                 sources={"support.Screening": ("client__unit", "screened_on"), **files}),
        AsOfKind("sup_referred", not_cancelled, date="referred_on", figure=registry(figures.REFERRED), **counted,
                 sources=referred),
        AsOfKind("sup_services", ServiceRecord.objects.all, date="received_on", figure=registry(figures.SERVICES),
                 **counted, sources={"support.ServiceRecord": ("unit", "received_on"), **files}),
        AsOfKind("sup_referrals_done", not_cancelled, date="referred_on", figure=referrals, part=0, **counted,
                 sources=referred),
        AsOfKind("sup_referrals_made", not_cancelled, date="referred_on", figure=referrals, part=1, **counted,
                 sources=referred),
        AsOfKind("sup_access_num", Client.objects.all, date="registered_on", figure=figures.access_cells, part=0,
                 month_ends=True, **counted, sources=at_month_end),
        AsOfKind("sup_access_den", Client.objects.all, date="registered_on", figure=figures.access_cells, part=1,
                 month_ends=True, **counted, sources=at_month_end),
        AsOfKind("sup_clients", Client.objects.all, date="registered_on", figure=figures.clients_registered,
                 month_ends=True, sources={"support.Client": ("unit", None)}),
    ]


# A save that names its `update_fields` and none of these leaves the model's counts as they were (a file's
# status, worker or notes): its cells are not recounted (signals.py).
COUNTED_FIELDS = {"support.Client": {"unit", "province", "registered_on", "merged_into"}}


_KINDS: dict[str, Kind] | None = None


def kinds() -> dict[str, Kind]:
    global _KINDS
    if _KINDS is None:
        _KINDS = _kinds()
    return _KINDS


def source_labels() -> set[str]:
    return {label for kind in kinds().values() for label in kind.sources}


# --------------------------------------------------------------------------- writing cells


def refresh_cells(cells: Iterable[tuple[str, int, int | None]]) -> int:
    """Recompute the cells (kind, unit, year or None for all years) from the registry; returns cells written.

    Deletes the kind's cells of those units and years and writes them anew. Runs in the caller's
    transaction (or its own): the write and its aggregates commit together.
    """
    from .models import Cell

    by_kind_year: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for kind_name, unit_id, year in cells:
        if unit_id is not None:
            by_kind_year[(kind_name, None if kinds()[kind_name].date is None else year)].add(unit_id)
    written = 0
    with transaction.atomic():
        # Two writes of one commune at once (two public tips) must not both delete and re-insert its cells: the
        # second waits here for the first to commit, then recounts. NO KEY UPDATE does not block inserting rows
        # that refer to the unit; the order by id keeps two refreshes of several units from deadlocking.
        from pcmd.geo.models import AdminUnit

        touched = sorted({u for units in by_kind_year.values() for u in units})
        list(AdminUnit.objects.select_for_update(no_key=True).filter(pk__in=touched).order_by("pk")
             .values_list("pk", flat=True))
        for (kind_name, year), units in sorted(by_kind_year.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            kind = kinds()[kind_name]
            years = None if year is None else [year]
            stale = Cell.objects.filter(kind=kind_name, unit__in=units)
            if years is not None:
                stale = stale.filter(start__gte=year * 12, start__lt=(year + 1) * 12)
            stale.delete()
            fresh = kind.cells(units, years)
            _insert(kind_name, fresh)
            written += len(fresh)
    return written


def _insert(kind_name: str, fresh: dict) -> None:
    """Write a kind's fresh cells: the imports' fast insert (COPY on PostgreSQL; 3.6 million cells of the national
    rebuild took minutes through bulk_create)."""
    from pcmd.core.imports import bulk_insert

    from .models import Cell

    bulk_insert(Cell, [Cell(kind=kind_name, unit_id=u, province_id=p, start=s, months=m, n=n)
                       for (u, s, m), (p, n) in fresh.items()])


def cells_for(model, pks: Iterable[int]) -> set[tuple[str, int, int | None]]:
    """The cells (kind, unit, year) the records `pks` of `model` count in now (read from the database)."""
    label = model._meta.label
    pks = [pk for pk in pks if pk is not None]
    out: set = set()
    if not pks:
        return out
    for kind in kinds().values():
        paths = kind.sources.get(label, [])
        for unit_path, date_path in [paths] if isinstance(paths, tuple) else paths:
            _add_cells(out, kind, model, pks, unit_path, date_path)
    return out


def _add_cells(out: set, kind: Kind, model, pks: list[int], unit_path: str, date_path: str | None) -> None:
    for start in range(0, len(pks), 5000):
        chunk = pks[start:start + 5000]
        qs = model._default_manager.filter(pk__in=chunk).order_by()
        if date_path is None or kind.date is None:
            out.update((kind.name, u, None) for u in qs.values_list(unit_path, flat=True).distinct())
            continue
        # "+1": the record also counts in the next year's cells; "+*": in every later year up to this one.
        following = date_path[-2:] if date_path[-2:] in ("+1", "+*") else ""
        this_year = timezone.localdate().year
        for unit_id, day in qs.values_list(unit_path, date_path.removesuffix(following)).distinct():
            if day is None:
                continue
            if isinstance(day, datetime.datetime):
                day = timezone.localtime(day).date()
            last = {"": day.year, "+1": day.year + 1, "+*": max(day.year, this_year)}[following]
            out.update((kind.name, unit_id, year) for year in range(day.year, last + 1))


@contextlib.contextmanager
def track(model, pks: Iterable[int] | None = None):
    """Around a bulk write of `model`'s records: refresh the cells they counted in before and after.

        with aggregates.track(Visit, [v.pk for v in changed]) as tracked:
            Visit.objects.bulk_update(changed, ["date"])
            tracked.add(v.pk for v in created)   # records created in the block (pks known after the write)
    """
    tracked = _Tracked(model, set(pks or ()))
    tracked.before = cells_for(model, tracked.pks)
    yield tracked
    refresh_cells(tracked.before | cells_for(model, tracked.pks))


class _Tracked:
    def __init__(self, model, pks):
        self.model, self.pks, self.before = model, pks, set()

    def add(self, pks: Iterable[int]) -> None:
        self.pks.update(pk for pk in pks if pk is not None)


def refresh_for(units: Iterable[int], months: Iterable[datetime.date] | None = None,
                kind_names: Iterable[str] | None = None) -> int:
    """THE function for bulk paths that know where they wrote but not what: recompute every kind (or
    `kind_names`) for `units` over the years of `months` (None: all years). Same transaction as the caller."""
    units = {u for u in units if u is not None}
    years = None if months is None else sorted({m.year for m in months})
    names = list(kind_names) if kind_names is not None else list(kinds())
    cells = [(name, u, y) for name in names for u in units for y in (years or [None])]
    return refresh_cells(cells)


def rebuild(kind_names: Iterable[str] | None = None) -> dict[str, int]:
    """Recompute every cell from the registries ({kind: cells written}). `pcmd aggregates-rebuild`."""
    from django.db import connection

    from .models import AsOfDay, Cell

    names = list(kind_names) if kind_names is not None else list(kinds())
    today = timezone.localdate()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A rebuild follows bulk loads and restores, whose tables PostgreSQL may not have analysed yet: without
        # statistics the planner chose nested loops that took minutes for one support block.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    out = {}
    for name in names:
        with transaction.atomic():
            Cell.objects.filter(kind=name).delete()
            fresh = kinds()[name].cells(None, None)
            _insert(name, fresh)
            out[name] = len(fresh)
    if set(_as_of_kinds()) <= set(names):  # every kind counted as of a day is now as of today
        AsOfDay.objects.update_or_create(name=AS_OF, defaults={"day": today})
    return out


def _as_of_kinds() -> dict[str, AsOfKind]:
    return {name: kind for name, kind in kinds().items() if isinstance(kind, AsOfKind)}


def bring_to_today() -> None:
    """Make the cells counted as of a day true for today before they are read (read, read_month_end call it).

    A block that has not ended is counted as of the day its cells were written; the day they are all true for
    is kept (AsOfDay). On the first read of a new day, the units whose figures may have moved since then
    (`AsOfKind.moved`: consents that started or expired in between) are recounted for the years in between, so
    a figure never waits for a nightly run. Cells never built (no day kept) are built. One row lock: two readers
    do not recount twice."""
    from .models import AsOfDay

    today = timezone.localdate()
    row = AsOfDay.objects.filter(name=AS_OF).first()
    if row is not None and row.day == today:
        return
    with transaction.atomic():
        row, _ = AsOfDay.objects.select_for_update().get_or_create(name=AS_OF)
        if row.day == today:
            return
        if row.day is None:
            rebuild(list(_as_of_kinds()))
            return
        first, last = sorted((row.day, today))
        moved: dict = {}
        cells = []
        for name, kind in _as_of_kinds().items():
            if kind.moved is None:
                continue
            if kind.moved not in moved:
                moved[kind.moved] = kind.moved(first, last)
            years = range(first.year, last.year + 1)
            cells += [(name, unit_id, year) for unit_id in moved[kind.moved] for year in years]
        refresh_cells(cells)
        row.day = today
        row.save(update_fields=["day"])


# --------------------------------------------------------------------------- reading cells


def blocks(start: datetime.date, end: datetime.date) -> list[tuple[int, int]] | None:
    """The fewest calendar blocks [(start index, months)] covering whole months start..end, or None when the
    period does not begin on a 1st or end on a month's last day (then the registry answers)."""
    if start.day != 1 or (end + datetime.timedelta(days=1)).day != 1 or end < start:
        return None
    p, last = month_index(start), month_index(end)
    out = []
    while p <= last:
        span = next(s for s in SPANS if p % s == 0 and p + s - 1 <= last)
        out.append((p, span))
        p += span
    return out


class _Batch:
    """The cells of one page's reads (`reading()`): per set of units asked and blocks, every kind's cells in one
    query, so a province scorecard's thirty-odd reads of its communes take three queries instead of one each."""

    def __init__(self, units, province):
        self.units = frozenset(units) if units is not None else None  # the communes the page is about
        self.province = province  # the province they all belong to, if any
        self.loaded: dict[tuple, list[tuple[str, frozenset, dict]]] = {}
        self.shared: dict[tuple, object] = {}
        self.today: datetime.date | None = None

    def cells(self, by: str, ids: frozenset, cover: list[tuple[int, int]]) -> dict[str, list[tuple]]:
        """{kind: [(unit, province, n)]} of at least the units (by "unit") or provinces `ids`."""
        key = tuple(sorted(cover))
        for loaded_by, loaded_ids, rows in self.loaded.get(key, ()):
            if by == loaded_by and ids <= loaded_ids:
                return rows
        _to_today()  # every kind is loaded, those counted as of a day too
        every_kind = list(kinds())  # named, so the query can use the cells' indexes
        page = by == "unit" and self.units is not None and ids <= self.units
        if self.province is not None and (page or (by == "province" and ids == {self.province})):
            # The page's communes and their province's total, from the province's cells (its index).
            rows = _unit_cells(every_kind, "province", [self.province], cover)
            entries = [("province", frozenset([self.province]), rows), ("unit", self.units, rows)]
        else:
            ids = self.units if page else ids  # the page's other reads of its communes come from the same query
            rows = _unit_cells(every_kind, by, ids, cover)
            entries = [(by, ids, rows)]
        self.loaded.setdefault(key, []).extend(entries)
        return rows


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("aggregates_batch", default=None)


@contextlib.contextmanager
def reading(units=None, province: int | None = None):
    """Within it, reads of given units' cells share their queries: the first read of some units (or provinces)
    and blocks loads every kind's cells for them (for all of `units`, the communes the page is about, when they
    are among them; by the cells of `province` when they all belong to it), and the cells are brought to today
    once. For pages that read many figures of the same units at once (engine.panel, engine.breakdown); nothing
    is written inside."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set(_Batch(units, province))
    try:
        yield
    finally:
        _batch.reset(token)


def shared(key: tuple, compute: Callable[[], object]):
    """`compute()`, once per `reading()` for the same `key`: rows several figures of a page read alike (the reach
    figures' population bases). Outside a reading, computed on each call."""
    batch = _batch.get()
    if batch is None:
        return compute()
    if key not in batch.shared:
        batch.shared[key] = compute()
    return batch.shared[key]


def _to_today() -> None:
    """bring_to_today(), once per `reading()`."""
    batch = _batch.get()
    today = timezone.localdate()
    if batch is not None and batch.today == today:
        return
    bring_to_today()
    if batch is not None:
        batch.today = today


def _blocks_q(cover: list[tuple[int, int]]):
    from django.db.models import Q

    by_span: dict[int, list[int]] = defaultdict(list)
    for start, months in cover:
        by_span[months].append(start)
    where = Q()
    for months, starts in by_span.items():
        where |= Q(months=months, start__in=starts) if len(starts) > 1 else Q(months=months, start=starts[0])
    return where


def _unit_cells(kind_names, by: str, ids, cover) -> dict[str, list[tuple]]:
    """{kind: [(unit, province, summed n)]} of the kinds (None: all) in the blocks `cover`, one query."""
    from .models import Cell

    qs = Cell.objects.filter(_blocks_q(cover))
    if kind_names is not None:
        qs = qs.filter(kind__in=kind_names)
    if ids is not None:
        qs = qs.filter(**{f"{by}__in": ids})
    rows = (qs.values_list("kind", "unit", "province", "n") if len(cover) == 1 else  # one cell per unit and kind
            qs.order_by().values("kind", "unit", "province").annotate(s=Sum("n"))
            .values_list("kind", "unit", "province", "s"))
    out: dict[str, list[tuple]] = defaultdict(list)
    for kind_name, unit_id, province_id, n in rows:
        out[kind_name].append((unit_id, province_id, n))
    return out


def unit_cells(kind_names: list[str], by: str, ids, cover: list[tuple[int, int]]) -> dict[str, list[tuple]]:
    """{kind: [(unit, province, summed n)]}: the kinds' cells in the blocks `cover` of the units `ids` (by "unit")
    or of the units of the provinces `ids` (by "province"), None: of all units."""
    if any(isinstance(kinds()[name], AsOfKind) for name in kind_names):
        _to_today()
    batch = _batch.get()
    if batch is None or ids is None:
        rows = _unit_cells(kind_names, by, ids, cover)
        return {name: rows.get(name, []) for name in kind_names}
    wanted = frozenset(ids)
    rows = batch.cells(by, wanted, cover)
    column = 0 if by == "unit" else 1
    return {name: [row for row in rows.get(name, ()) if row[column] in wanted] for name in kind_names}


def read(kind_name: str, by: str, ids, cover: list[tuple[int, int]]) -> dict[int, int]:
    """{unit or province id: summed n} of the kind's cells in the blocks `cover` (by "unit" or "province")."""
    return read_many([kind_name], by, ids, cover)[kind_name]


def read_many(kind_names: list[str], by: str, ids, cover: list[tuple[int, int]]) -> dict[str, dict[int, int]]:
    """{kind: {unit or province id: summed n}} of several kinds' cells in the blocks `cover`: one query, or none
    within a `reading()` that already read these units and blocks."""
    from .models import Cell

    out: dict[str, dict[int, int]] = {name: {} for name in kind_names}
    if _batch.get() is not None and ids is not None:
        column = 0 if by == "unit" else 1
        for name, rows in unit_cells(kind_names, by, ids, cover).items():
            sums = out[name]
            for row in rows:
                sums[row[column]] = sums.get(row[column], 0) + row[2]
        return out
    if any(isinstance(kinds()[name], AsOfKind) for name in kind_names):
        _to_today()
    qs = Cell.objects.filter(_blocks_q(cover), kind__in=kind_names)
    if ids is not None:
        qs = qs.filter(**{f"{by}__in": ids})
    rows = (qs.values_list("kind", "unit", "n") if by == "unit" and len(cover) == 1 else  # one cell per unit
            qs.order_by().values("kind", by).annotate(s=Sum("n")).values_list("kind", by, "s"))
    for kind_name, unit_id, n in rows:
        out[kind_name][unit_id] = n
    return out


def monthly(kind_name: str, by: str, ids, year: int) -> dict[datetime.date, int]:
    """{first day of month: n} over the given units together for one year (month cells)."""
    from django.db.models import Sum

    from .models import Cell

    qs = Cell.objects.filter(kind=kind_name, months=1, start__gte=year * 12, start__lt=(year + 1) * 12)
    if ids is not None:
        qs = qs.filter(**{f"{by}__in": ids})
    rows = qs.order_by().values("start").annotate(s=Sum("n")).values_list("start", "s")
    return {datetime.date(start // 12, start % 12 + 1, 1): n for start, n in rows}


def month_end_cell(period) -> int | None:
    """The month cell holding a state "at the period's end" (`month_ends` kinds): the index of the period's last
    month when it ends on a month's last day no later than this month; None otherwise (the registry answers)."""
    end = period.end
    if (end + datetime.timedelta(days=1)).day != 1 or month_index(end) > month_index(timezone.localdate()):
        return None
    return month_index(end)


def read_month_end(kind_names: list[str], by: str, ids, start: int) -> dict[str, dict[int, tuple[int, int]]]:
    """{kind: {unit id: (province id, n)}} of the month cells `start` (a state at that month's end), for the units
    of `ids` (by "unit" or "province"), several kinds in one query."""
    return {name: {unit_id: (province_id, n) for unit_id, province_id, n in rows}
            for name, rows in unit_cells(kind_names, by, ids, [(start, 1)]).items()}
