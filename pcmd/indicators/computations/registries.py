"""How each registry indicator is computed (see engine.py for the contract).

Each function or CountSpec is one grouped query at a level: GROUP BY the records' commune ("unit")
or province. Definitions in words are in the catalogue and in docs/indicators.md.
"""

from django.db.models import Exists, OuterRef

from pcmd.enforcement.models import CriminalCase
from pcmd.inspections.selectors import coverage_counts
from pcmd.plans.models import Plan, PlanStatus
from pcmd.tips.selectors import on_time_rate
from pcmd.venues.models import Establishment

from ..engine import CountSpec, communes_of, computes, count_indicator


def _restrict(qs, by, ids):
    return qs.filter(**{f"{by}__in": ids}) if ids is not None else qs


@computes("VENUES_INSPECTED")
def venues_inspected(period, by, ids):
    """Operating establishments with at least one visit in the period / operating establishments."""
    counts = coverage_counts(_restrict(Establishment.objects.all(), by, ids), period, by)
    return {unit_id: (visited, operating) for unit_id, (operating, visited) in counts.items()}


@computes("TIPS_ON_TIME")
def tips_on_time(period, by, ids):
    from pcmd.tips.models import Tip

    rates = on_time_rate(_restrict(Tip.objects.all(), by, ids), period.start, period.end, by=by)
    return {unit_id: (on_time, handled) for unit_id, (on_time, handled) in rates.items()}


@computes("COMMUNES_WITH_PLAN")
def communes_with_plan(period, by, ids):
    """Per commune: 1 when it has an issued plan whose period overlaps `period`, over 1."""
    issued = Plan.objects.filter(unit=OuterRef("pk"), status=PlanStatus.ISSUED)  # TODO period overlap
    communes = communes_of(None).filter(pk__in=ids) if ids is not None else communes_of(None)
    rows = communes.annotate(has=Exists(issued)).values_list("pk", "has")
    return {pk: (1 if has else 0, 1) for pk, has in rows}


count_indicator("CASES_DETECTED", CountSpec(CriminalCase.objects.all, "detected_on"))
