"""The indicator engine: every indicator of the catalogue for a set of units and a period.

Computed in the database, set-wise: each indicator is one grouped query per level (GROUP BY the
record's commune, or its province), never a Python loop over units or rows. Levels:

- "commune": one value per commune (grouped by the records' `unit`);
- "province": one value per province (grouped by the records' `province`); for "communes with X"
  indicators (rollup "communes") the province counts its communes' results;
- "country": the sum of the provinces.

Roll-up sums numerators and denominators and never averages percentages, so a province's share is
its communes' numerators over their denominators (plus the province's own records).

An indicator's computation is registered with `@computes(code)`; it receives the period, the field
to group by ("unit" or "province") and the ids to restrict that field to (None: all), and returns
{unit id: (numerator, denominator)} (denominator None for counts). `CountSpec` declares the common
case "count the rows of a queryset dated in the period", which also gives the monthly series the
forecast needs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level

from .catalogue import BY_CODE, CATALOGUE, Indicator

LEVELS = ("commune", "province", "country")
COUNTRY = 0  # the key of the country's value in a level="country" result


@dataclass(frozen=True)
class Value:
    """One indicator for one unit and period: a count, or a numerator over a denominator."""

    numerator: float
    denominator: float | None = None

    @property
    def value(self) -> float | None:
        """The count, or the percentage (None when the denominator is zero: nothing to measure)."""
        if self.denominator is None:
            return self.numerator
        return 100 * self.numerator / self.denominator if self.denominator else None

    def __add__(self, other: Value) -> Value:
        if self.denominator is None and other.denominator is None:
            return Value(self.numerator + other.numerator)
        return Value(self.numerator + other.numerator, (self.denominator or 0) + (other.denominator or 0))


Computation = Callable[[Period, str, Collection[int] | None], dict[int, tuple]]
COMPUTATIONS: dict[str, Computation] = {}


def computes(code: str):
    """Register the computation of indicator `code` (it must be in the catalogue)."""
    if code not in BY_CODE:
        raise KeyError(f"{code} is not in the indicator catalogue")

    def register(fn: Computation) -> Computation:
        COMPUTATIONS[code] = fn
        return fn

    return register


@dataclass(frozen=True)
class CountSpec:
    """"Count the rows of `queryset()` dated in the period", grouped by `unit_path` or `province_path`.

    `distinct` counts distinct values of a field instead of rows (e.g. hotspots with an event).
    """

    queryset: Callable[[], QuerySet]
    date_field: str
    unit_path: str = "unit"
    province_path: str = "province"
    distinct: str | None = None
    is_datetime: bool = False  # the date field is a DateTimeField: compare with local midnights

    def _path(self, by: str) -> str:
        return self.unit_path if by == "unit" else self.province_path

    def _rows(self, period: Period, by: str, ids: Collection[int] | None) -> QuerySet:
        path = self._path(by)
        start, after = period.start, period.end + datetime.timedelta(days=1)
        if self.is_datetime:
            start, after = (timezone.make_aware(datetime.datetime.combine(d, datetime.time())) for d in (start, after))
        qs = self.queryset().filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": after})
        if ids is not None:
            qs = qs.filter(**{f"{path}__in": ids})
        return qs.order_by()

    def _count(self):
        return Count(self.distinct, distinct=True) if self.distinct else Count("pk")

    def __call__(self, period: Period, by: str, ids: Collection[int] | None) -> dict[int, tuple]:
        path = self._path(by)
        rows = self._rows(period, by, ids).values(path).annotate(n=self._count()).values_list(path, "n")
        return {unit_id: (n, None) for unit_id, n in rows}

    def monthly(self, period: Period, by: str, ids: Collection[int] | None) -> dict[datetime.date, int]:
        """{first day of month: count} over all the given units together, one grouped query."""
        rows = (self._rows(period, by, ids).annotate(month=TruncMonth(self.date_field)).values("month")
                .annotate(n=self._count()).values_list("month", "n"))
        out: dict[datetime.date, int] = {}
        for month, n in rows:
            month = month.date() if isinstance(month, datetime.datetime) else month
            out[month] = out.get(month, 0) + n
        return out


@dataclass(frozen=True)
class CellCount:
    """A count read from the aggregate cells (pcmd.aggregates) of `kind`, the registry's `spec` defining it.

    The period is covered by the fewest calendar blocks (a year is one cell per unit); a period not made of
    whole months, or a distinct count over several blocks (not additive), is answered by `spec` from the
    registry. `spec` is also the definition the rebuild and the tests compare with. A count `as_of` a day
    (aggregates.AsOfKind: each block counted as of its own end) is read from one block only, and its monthly
    series from the registry (twelve month cells are not the year counted as of its end).
    """

    kind: str
    spec: CountSpec
    distinct: bool = False
    as_of: bool = False

    def cover(self, period: Period):
        from pcmd.aggregates.services import blocks

        cover = blocks(period.start, period.end)
        if cover is None or ((self.distinct or self.as_of) and len(cover) > 1):
            return None
        return cover

    def __call__(self, period: Period, by: str, ids: Collection[int] | None) -> dict[int, tuple]:
        from pcmd.aggregates.services import read

        cover = self.cover(period)
        if cover is None:
            return self.spec(period, by, ids)
        return {unit_id: (n, None) for unit_id, n in read(self.kind, by, ids, cover).items() if n}

    def monthly(self, period: Period, by: str, ids: Collection[int] | None) -> dict[datetime.date, int]:
        from pcmd.aggregates.services import monthly

        if self.as_of or (period.start.month, period.start.day, period.end.month, period.end.day) != (1, 1, 12, 31) \
                or period.start.year != period.end.year:
            return self.spec.monthly(period, by, ids)
        return monthly(self.kind, by, ids, period.start.year)


def count_indicator(code: str, spec: CountSpec | CellCount) -> CountSpec | CellCount:
    computes(code)(spec)
    return spec


def communes_of(province_ids: Collection[int] | None) -> QuerySet:
    """The current communes (and legacy communes) of the given provinces, all of them for None."""
    qs = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True)
    return qs.filter(province__in=province_ids) if province_ids is not None else qs


def _ids(units) -> list[int] | None:
    if units is None:
        return None
    return [u if isinstance(u, int) else u.pk for u in units]


def compute(indicator: Indicator | str, *, level: str, units: Iterable | None, period: Period) -> dict[int, Value]:
    """{unit id: Value} of one indicator at `level` for `units` (AdminUnits or ids; None: all).

    At level "country" `units` is ignored and the result is {COUNTRY: Value}. Units without any
    record get no entry for counts; callers treat a missing count as 0.
    """
    if isinstance(indicator, str):
        indicator = BY_CODE[indicator]
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    fn = _computation(indicator)
    if level == "country":
        return {COUNTRY: _sum(compute(indicator, level="province", units=None, period=period).values(), indicator)}
    ids = _ids(units)
    if ids is not None and not ids:
        return {}  # no units, no values (and no query: `IN ()` cannot be compiled)
    if level == "commune":
        return {k: Value(*v) for k, v in fn(period, "unit", ids).items()}
    if indicator.rollup == "communes":
        # The province counts its communes' results (each commune gives (1 or 0, 1)).
        commune_province = dict(communes_of(ids).values_list("pk", "province_id"))
        totals: dict[int, Value] = {}
        # All provinces: no list of every commune's id in the query (the mapping filters the result).
        for commune_id, pair in fn(period, "unit", list(commune_province) if ids is not None else None).items():
            province_id = commune_province.get(commune_id)
            if province_id is not None:
                totals[province_id] = totals.get(province_id, Value(0, 0)) + Value(*pair)
        return totals
    return {k: Value(*v) for k, v in fn(period, "province", ids).items()}


def _computation(indicator: Indicator) -> Computation:
    _load()
    if indicator.source == "entered" and indicator.code not in COMPUTATIONS:
        from .entered import computation_for  # figures agencies enter (DHIS2 data values)

        return computation_for(indicator)
    try:
        return COMPUTATIONS[indicator.code]
    except KeyError:
        raise NotImplementedError(f"no computation registered for {indicator.code}") from None


def panel(codes: Iterable[str] | None = None, *, level: str, units: Iterable | None, period: Period
          ) -> dict[str, dict[int, Value]]:
    """{code: {unit id: Value}} for every indicator (or `codes`): one grouped query per indicator."""
    from pcmd.aggregates.services import reading

    chosen = [BY_CODE[c] for c in codes] if codes is not None else list(CATALOGUE)
    unit_ids = _ids(units)
    with reading(unit_ids if level == "commune" else None):  # the indicators' reads of these units share queries
        return {i.code: compute(i, level=level, units=unit_ids, period=period) for i in chosen}


def breakdown(codes: Iterable[str], *, parent: AdminUnit | None, period: Period
              ) -> tuple[dict[str, dict[int, Value]], dict[str, Value]]:
    """A scorecard's numbers: ({code: {child id: Value}}, {code: parent's Value}) for a province's
    communes (parent a province) or the country's provinces (parent None), with the same totals as
    compute(level="province"/"country") but usually one query per indicator instead of two.

    The parent's total is the sum of the rows grouped by unit over the communes *and* the province's
    own units (its own records, legacy districts), so for additive indicators the province query is
    not needed; "communes with X" count the commune rows; the others (Indicator.additive False) are
    queried at the province level as well.
    """
    from pcmd.aggregates.services import reading

    chosen = [BY_CODE[c] for c in codes]
    if parent is None:
        with reading():
            rows = {i.code: compute(i, level="province", units=None, period=period) for i in chosen}
        return rows, {i.code: _sum(rows[i.code].values(), i) for i in chosen}
    children = list(communes_of([parent.pk]).values_list("pk", flat=True))
    own = [parent.pk, *AdminUnit.objects.filter(province=parent, level=Level.DISTRICT).values_list("pk", flat=True)]
    rows, totals = {}, {}
    with reading(children + own, province=parent.pk):  # the indicators' reads of the cells share their queries
        for indicator in chosen:
            if indicator.rollup == "communes":
                rows[indicator.code] = compute(indicator, level="commune", units=children, period=period)
                totals[indicator.code] = _sum(rows[indicator.code].values(), indicator)
            elif indicator.additive:
                everything = compute(indicator, level="commune", units=children + own, period=period)
                totals[indicator.code] = _sum(everything.values(), indicator)
                rows[indicator.code] = {k: v for k, v in everything.items() if k not in own}
            else:
                rows[indicator.code] = compute(indicator, level="commune", units=children, period=period)
                totals[indicator.code] = compute(indicator, level="province", units=[parent.pk], period=period
                                                 ).get(parent.pk, _sum((), indicator))
    return rows, totals


def unit_breakdown(codes: Iterable[str], *, unit: AdminUnit | None, period: Period
                   ) -> tuple[dict[str, dict[int, Value]], dict[str, Value]]:
    """breakdown() for whatever unit a page looks at, so every page shows the scorecard's numbers.

    The country (None) or a province: as breakdown(). A commune: its own row, which is also the total;
    a hamlet looks at its commune; a legacy district at its communes. `unit` must come from the
    user's scope (core.scoping.chosen_unit / scoped()): the engine does not filter by user.
    """
    codes = list(codes)
    if unit is None or unit.level == Level.PROVINCE:
        return breakdown(codes, parent=unit, period=period)
    if unit.level == Level.HAMLET:
        unit = unit.parent
    ids = [unit.pk] if unit.level == Level.COMMUNE else list(
        AdminUnit.objects.filter(parent=unit, level=Level.COMMUNE).values_list("pk", flat=True))
    rows = panel(codes, level="commune", units=ids, period=period)
    return rows, {code: _sum(rows[code].values(), BY_CODE[code]) for code in codes}


def _sum(values: Iterable[Value], indicator: Indicator) -> Value:
    total = Value(0, None if indicator.metric == "count" else 0)
    for value in values:
        total = total + value
    return total


def monthly_series(indicator: Indicator | str, *, level: str, units: Iterable | None, year: int
                   ) -> list[int]:
    """Twelve monthly counts of a count indicator over `units` taken together (for trends and forecasts)."""
    if isinstance(indicator, str):
        indicator = BY_CODE[indicator]
    spec = _computation(indicator)
    if not isinstance(spec, CountSpec | CellCount):
        raise ValueError(f"{indicator.code} has no monthly series (not a counted registry)")
    by = "unit" if level == "commune" else "province"
    counts = spec.monthly(Period.parse(str(year)), by, _ids(units) if level != "country" else None)
    return [counts.get(datetime.date(year, m, 1), 0) for m in range(1, 13)]


def definitions_version() -> str:
    """A short fingerprint of the catalogue's definitions (what each code counts and how it rolls up), stored
    with every frozen figure (reports) so a reader can tell whether a number was computed by other rules."""
    import hashlib

    text = "|".join(f"{i.code}:{i.metric}:{i.source}:{i.numerator}:{i.denominator}:{i.rollup}:{i.additive}"
                    for i in CATALOGUE)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def group_totals(values: dict[int, Value], groups: dict[int, int]) -> dict[int, Value]:
    """Sum unit values into groups ({unit id: group id}); used to check roll-ups."""
    out: dict[int, Value] = defaultdict(lambda: Value(0, None))
    for unit_id, value in values.items():
        if unit_id in groups:
            out[groups[unit_id]] = out[groups[unit_id]] + value
    return dict(out)


_loaded = False


def _load() -> None:
    """Import the computations module once (it registers every registry indicator)."""
    global _loaded
    if not _loaded:
        from . import computations  # noqa: F401

        _loaded = True
