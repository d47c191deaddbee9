"""How each registry indicator is computed (see engine.py for the contract).

Each function or CountSpec is one grouped query at a level: GROUP BY the records' commune ("unit")
or province. Definitions in words are in the catalogue and in docs/indicators.md; the docstrings
here say the same in terms of fields.
"""

import datetime

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import timezone

from pcmd.enforcement.models import CriminalCase
from pcmd.hotspots.models import Hotspot, HotspotEvent, HotspotStatus
from pcmd.inspections.models import Visit
from pcmd.plans.models import Plan, PlanStatus
from pcmd.tips.models import Tip, TipOutcome
from pcmd.venues.models import Establishment, EstablishmentStatus

from ..engine import CellCount, CountSpec, communes_of, computes, count_indicator

MANAGED_REVIEW_DAYS = 365  # an establishment's profile counts as reviewed for a year


def _restrict(qs, by, ids):
    return qs.filter(**{f"{by}__in": ids}) if ids is not None else qs


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _grouped(qs, by, **counts) -> dict[int, tuple]:
    """{group id: (numerator, denominator)} from a queryset annotated with counts `num` and `den`."""
    rows = qs.order_by().values(by).annotate(**counts).values_list(by, "num", "den")
    return {unit_id: (num, den) for unit_id, num, den in rows if den}


# --- Establishments and inspections -------------------------------------------------------------

@computes("VENUES_INSPECTED")
def venues_inspected(period, by, ids):
    """Read from the aggregates (kinds "inspected" over "operating"), the registry when the period is not
    one calendar block (a distinct count: venues_inspected_registry)."""
    from pcmd.aggregates.services import STATE, blocks, read

    cover = blocks(period.start, period.end)
    if cover is None or len(cover) > 1:
        return venues_inspected_registry(period, by, ids)
    visited = read("inspected", by, ids, cover)
    operating = read("operating", by, ids, [STATE])
    return {unit_id: (visited.get(unit_id, 0), n) for unit_id, n in operating.items() if n}


def venues_inspected_registry(period, by, ids):
    """Operating establishments with at least one visit in the period / operating establishments.

    The period's visits are joined with the condition in the ON clause (FilteredRelation) and counted
    distinct per establishment: measured faster than a correlated EXISTS per establishment on both
    engines (docs/inspections.md). The status is the current one. The coverage page shows this.
    """
    rows = (
        _restrict(Establishment.objects.filter(status=EstablishmentStatus.OPERATING), by, ids)
        .annotate(period_visits=FilteredRelation("visits", condition=Q(visits__date__gte=period.start,
                                                                         visits__date__lte=period.end)))
        .order_by()
        .values(by)
        .annotate(num=Count("period_visits__establishment", distinct=True), den=Count("pk", distinct=True))
        .values_list(by, "num", "den")
    )
    return {unit_id: (visited, operating) for unit_id, visited, operating in rows if operating}


@computes("VENUES_MANAGED")
def venues_managed(period, by, ids):
    """Read from the aggregates (kind "managed" at the period's last month over "operating"); the registry
    (venues_managed_registry, the definition) when the period does not end on a month's last day."""
    from pcmd.aggregates.services import STATE, blocks, month_index, read

    if blocks(period.start, period.end) is None or MANAGED_REVIEW_DAYS != 365:
        return venues_managed_registry(period, by, ids)
    managed = read("managed", by, ids, [(month_index(period.end), 1)])
    operating = read("operating", by, ids, [STATE])
    return {unit_id: (managed.get(unit_id, 0), n) for unit_id, n in operating.items() if n}


def venues_managed_registry(period, by, ids):
    """Operating establishments under management / operating establishments.

    "Under management" (rà soát, thống kê, quản lý): a managing agency is assigned AND the profile was
    reviewed within the year up to the period's end — created or updated in the registry, or
    inspected. A state at the period's end, so the rate is complete at any time (accumulates=False).
    """
    end = period.end
    since = end - datetime.timedelta(days=MANAGED_REVIEW_DAYS - 1)
    reviewed = Q(updated_at__gte=_local_midnight(since), updated_at__lt=_local_midnight(end + datetime.timedelta(1)))
    qs = _restrict(Establishment.objects.filter(status=EstablishmentStatus.OPERATING), by, ids)
    # Visits joined with the window in the ON clause and counted distinct, as venues_inspected does
    # (faster than a correlated EXISTS per establishment).
    qs = qs.alias(recent=FilteredRelation("visits", condition=Q(visits__date__range=(since, end))))
    managed = Q(managing_agency__isnull=False) & (reviewed | Q(recent__isnull=False))
    return _grouped(qs, by, num=Count("pk", distinct=True, filter=managed), den=Count("pk", distinct=True))


count_indicator("VISITS_MADE", CellCount("visits", CountSpec(Visit.objects.all, "date")))


# --- Tips ---------------------------------------------------------------------------------------

def _real_tips():
    # Merged duplicates are counted with the tip they were merged into.
    return Tip.objects.exclude(outcome=TipOutcome.DUPLICATE)


@computes("TIPS_ON_TIME")
def tips_on_time(period, by, ids):
    """Tips handled on or before their due date / tips handled in the period + tips overdue and unhandled.

    The denominator adds, to the tips handled in the period (the tips page's on-time rate), the tips
    whose due date passed within the period without being handled by its end: otherwise a unit that
    leaves tips unanswered would look on time. For the current period "passed" means before today.
    """
    today = timezone.localdate()
    last_due = min(period.end, today - datetime.timedelta(days=1))
    handled = Q(handled_on__range=(period.start, period.end))
    overdue = (Q(due_date__range=(period.start, last_due))
               & (Q(handled_on__isnull=True) | Q(handled_on__gt=period.end)))
    qs = _restrict(_real_tips().filter(handled | overdue), by, ids)
    return _grouped(qs, by, num=Count("pk", filter=handled & Q(handled_on__lte=F("due_date"))), den=Count("pk"))


count_indicator("TIPS_RECEIVED", CellCount("tips_received", CountSpec(
    lambda: _real_tips().exclude(outcome=TipOutcome.SPAM), "received_at", is_datetime=True)))


# --- Plans --------------------------------------------------------------------------------------

@computes("COMMUNES_WITH_PLAN")
def communes_with_plan(period, by, ids):
    """Per commune: 1 when it has an issued plan of its own whose period overlaps `period`, over 1.

    A plan's period is "2026" or "2026-2030"; years have four digits, so the overlap test compares
    the first and last years as strings (no cast, which PostgreSQL would refuse on a blank period).
    """
    first = Substr("period", 1, 4)
    last = Coalesce(NullIf(Substr("period", 6, 4), Value("")), first)
    issued = (Plan.objects.filter(unit=OuterRef("pk"), status=PlanStatus.ISSUED)
              .alias(first_year=first, last_year=last)
              .filter(first_year__lte=str(period.end.year), last_year__gte=str(period.start.year)))
    communes = communes_of(None).filter(pk__in=ids) if ids is not None else communes_of(None)
    rows = communes.annotate(has=Exists(issued)).values_list("pk", "has")
    return {pk: (1 if has else 0, 1) for pk, has in rows}


# --- Criminal cases -----------------------------------------------------------------------------

count_indicator("CASES_DETECTED", CountSpec(CriminalCase.objects.all, "detected_on"))


@computes("CASES_TRIED")
def cases_tried(period, by, ids):
    """Cases indicted in the period and tried by its end / cases indicted in the period.

    The cohort definition of enforcement.selectors.case_statistics (cohort_tried / cohort_indicted).
    """
    indicted = Q(indicted_on__range=(period.start, period.end))
    qs = _restrict(CriminalCase.objects.filter(indicted), by, ids)
    return _grouped(qs, by, num=Count("pk", filter=Q(tried_on__lte=period.end)), den=Count("pk"))


@computes("CRIMES_HANDLED")
def crimes_handled(period, by, ids):
    """Cases detected in the period that were initiated (khởi tố) by its end / cases detected in the period.

    Initiation is the first legal handling of a crime; a case indicted or tried without a recorded
    initiation date still counts as handled.
    """
    qs = _restrict(CriminalCase.objects.filter(detected_on__range=(period.start, period.end)), by, ids)
    end = period.end
    handled = Q(initiated_on__lte=end) | Q(indicted_on__lte=end) | Q(tried_on__lte=end)
    return _grouped(qs, by, num=Count("pk", filter=handled), den=Count("pk"))


# --- Hotspots (the definitions of hotspots.selectors.hotspot_counts) ----------------------------

count_indicator("HOTSPOTS_NEW", CountSpec(Hotspot.objects.all, "first_identified"))
count_indicator("HOTSPOTS_SUPPRESSED", CountSpec(
    lambda: HotspotEvent.objects.filter(to_status=HotspotStatus.SUPPRESSED), "date",
    unit_path="hotspot__unit", province_path="hotspot__province", distinct="hotspot"))
count_indicator("HOTSPOTS_REEMERGED", CountSpec(
    lambda: HotspotEvent.objects.filter(is_reemergence=True), "date",
    unit_path="hotspot__unit", province_path="hotspot__province", distinct="hotspot"))
