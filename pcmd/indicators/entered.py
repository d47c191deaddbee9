"""The engine's computation for indicators fed by entered figures (DHIS2 data values).

`computation_for(indicator)` returns fn(period, by, ids) -> {unit id: (numerator, denominator)},
the same contract as every registry computation (see engine.py), computed in one grouped query:

- counts (metric "count"): the sum of the values whose period lies inside the query period
  (a year sums its months, quarters… as entered; enter one granularity per indicator and unit,
  or the sums double-count — DHIS2 behaves the same);
- percents: DHIS2's "last value" aggregation — per unit, the value of the latest period inside the
  query period (latest end date; on a tie the longer period wins, so a quarter beats its last month),
  selected by a correlated subquery, then numerators and denominators summed per group.

`by` is "unit" (one value per commune or province that entered figures) or "province" (the
province's communes' latest values plus the province's own, summed: never averaged).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import OuterRef, Subquery, Sum

from pcmd.core.periods import Period

from .catalogue import Indicator
from .models import DataValue


def _inside(indicator: Indicator, period: Period):
    return DataValue.objects.filter(indicator=indicator.code, period_start__gte=period.start,
                                    period_end__lte=period.end)


def computation_for(indicator: Indicator):
    def compute(period: Period, by: str, ids: Collection[int] | None) -> dict[int, tuple]:
        rows = _inside(indicator, period)
        if ids is not None:
            rows = rows.filter(**{f"{by}__in": ids})
        if indicator.metric == "count":
            grouped = rows.order_by().values(by).annotate(n=Sum("numerator")).values_list(by, "n")
            return {unit_id: (n or 0, None) for unit_id, n in grouped}
        latest = (_inside(indicator, period).filter(unit=OuterRef("unit"))
                  .order_by("-period_end", "period_start", "-pk").values("pk")[:1])
        grouped = (rows.filter(pk=Subquery(latest)).order_by().values(by)
                   .annotate(n=Sum("numerator"), d=Sum("denominator")).values_list(by, "n", "d"))
        return {unit_id: (n or 0, d or 0) for unit_id, n, d in grouped}

    compute.__doc__ = f"Entered figures of {indicator.code} ({indicator.metric})."
    return compute


def latest_by_unit(indicator: Indicator, period: Period, by: str, ids: Collection[int] | None
                   ) -> dict[int, tuple[int, tuple]]:
    """{unit id: (province id, (numerator, denominator))}: each unit's entered value for the period (the same
    selection as computation_for), for units whose `by` ("unit" or "province") is in `ids`; one grouped query.

    For indicators whose source changes per unit (SUPPORT_ACCESS: the registry where a commune uses it,
    entered figures elsewhere), so a province can add each unit's one chosen source.
    """
    rows = _inside(indicator, period)
    if ids is not None:
        rows = rows.filter(**{f"{by}__in": ids})
    if indicator.metric == "count":
        grouped = rows.order_by().values("unit", "province").annotate(n=Sum("numerator"))
        return {r["unit"]: (r["province"], (r["n"] or 0, None)) for r in grouped}
    latest = (_inside(indicator, period).filter(unit=OuterRef("unit"))
              .order_by("-period_end", "period_start", "-pk").values("pk")[:1])
    grouped = (rows.filter(pk=Subquery(latest)).order_by().values("unit", "province")
               .annotate(n=Sum("numerator"), d=Sum("denominator")))
    return {r["unit"]: (r["province"], (r["n"] or 0, r["d"] or 0)) for r in grouped}
