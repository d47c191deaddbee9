"""Period statistics of criminal cases and sanction decisions, set-wise (one query each, grouped in SQL).

Cases, per unit (or province): detected, initiated (khởi tố), indicted (truy tố) and tried (xét xử)
within the period, each by the date of that stage. "% tried of prosecuted" follows the cohort of cases
indicted within the period: how many of them were tried by the period's end (numerator and
denominator are returned so higher levels sum them, never average percentages).
Sanctions, per violator category: decisions, people and total fine within the period.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from pcmd.core.collation import vi_sort_key
from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit

from .models import ViolatorCategory

CASE_MEASURES = ("detected", "initiated", "indicted", "tried")
CASE_LABELS = {"detected": "Phát hiện", "initiated": "Khởi tố", "indicted": "Truy tố", "tried": "Xét xử"}


@dataclass
class CaseRow:
    unit_id: int | None
    name: str
    detected: int = 0
    initiated: int = 0
    indicted: int = 0
    tried: int = 0
    cohort_indicted: int = 0  # indicted in the period
    cohort_tried: int = 0  # of those, tried by the period's end
    defendants: int = 0  # of the cases detected in the period
    victims: int = 0
    minor_victims: int = 0

    @property
    def tried_rate(self) -> float | None:
        return round(100 * self.cohort_tried / self.cohort_indicted, 1) if self.cohort_indicted else None

    def values(self) -> list[int]:
        return [getattr(self, m) for m in CASE_MEASURES]


@dataclass
class SanctionRow:
    category: str
    label: str
    decisions: int = 0
    people: int = 0
    fine_total: int = 0


@dataclass
class EnforcementStats:
    period: Period
    case_rows: list[CaseRow] = field(default_factory=list)
    case_total: CaseRow = field(default_factory=lambda: CaseRow(None, "Tổng cộng"))
    sanction_rows: list[SanctionRow] = field(default_factory=list)
    sanction_total: SanctionRow = field(default_factory=lambda: SanctionRow("", "Tổng cộng"))


def _in(name: str, period: Period) -> Q:
    return Q(**{f"{name}__range": (period.start, period.end)})


def case_statistics(*, queryset: QuerySet, period: Period, group_by: str = "unit") -> tuple[list[CaseRow], CaseRow]:
    if group_by not in ("unit", "province"):
        raise ValueError("group_by must be 'unit' or 'province'")
    detected = _in("detected_on", period)
    rows_qs = (
        queryset.order_by().values(group_by)
        .annotate(
            detected=Count("pk", filter=detected),
            initiated=Count("pk", filter=_in("initiated_on", period)),
            indicted=Count("pk", filter=_in("indicted_on", period)),
            tried=Count("pk", filter=_in("tried_on", period)),
            cohort_tried=Count("pk", filter=_in("indicted_on", period) & Q(tried_on__lte=period.end)),
            defendants=Sum("defendants", filter=detected, default=0),
            victims=Sum("victims", filter=detected, default=0),
            minor_victims=Sum("minor_victims", filter=detected, default=0),
        )
    )
    rows = []
    for r in rows_qs:
        row = CaseRow(r[group_by], "", r["detected"], r["initiated"], r["indicted"], r["tried"],
                      cohort_indicted=r["indicted"], cohort_tried=r["cohort_tried"], defendants=r["defendants"],
                      victims=r["victims"], minor_victims=r["minor_victims"])
        if any(row.values()):
            rows.append(row)
    names = dict(AdminUnit.objects.filter(pk__in=[r.unit_id for r in rows]).values_list("pk", "name"))
    for row in rows:
        row.name = names.get(row.unit_id, "")
    rows.sort(key=lambda r: (-r.detected, vi_sort_key(r.name)))
    total = CaseRow(None, "Tổng cộng")
    for name in ("detected", "initiated", "indicted", "tried", "cohort_indicted", "cohort_tried", "defendants",
                 "victims", "minor_victims"):
        setattr(total, name, sum(getattr(r, name) for r in rows))
    return rows, total


def sanction_statistics(*, queryset: QuerySet, period: Period) -> tuple[list[SanctionRow], SanctionRow]:
    found = {
        r["category"]: r
        for r in queryset.filter(_in("decided_on", period)).order_by().values("category")
        .annotate(decisions=Count("pk"), people=Sum("people"), fine_total=Sum("fine_total"))
    }
    rows = []
    for category in ViolatorCategory:
        r = found.get(category.value, {})
        rows.append(SanctionRow(category.value, category.label, r.get("decisions", 0), r.get("people") or 0,
                                r.get("fine_total") or 0))
    total = SanctionRow("", "Tổng cộng", sum(r.decisions for r in rows), sum(r.people for r in rows),
                        sum(r.fine_total for r in rows))
    return rows, total


def enforcement_statistics(*, cases: QuerySet, sanctions: QuerySet, period: Period,
                           group_by: str = "unit") -> EnforcementStats:
    stats = EnforcementStats(period=period)
    stats.case_rows, stats.case_total = case_statistics(queryset=cases, period=period, group_by=group_by)
    stats.sanction_rows, stats.sanction_total = sanction_statistics(queryset=sanctions, period=period)
    return stats
