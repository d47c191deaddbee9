"""Writes of entered figures and approvals, the lock, outlier flags and completeness.

Every write goes through here: the lock (an active approval of the unit or of its province whose
period covers the value's period) and the optimistic lock (`version`) are checked inside the
transaction, so two people saving the same figure, or a save racing an approval, cannot both win.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.core.services import EditConflict, claim_version
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role
from pcmd.org.permissions import allowed

from .catalogue import BY_CODE, CATALOGUE
from .models import DataApproval, DataValue

APPROVER_ROLES = frozenset({Role.LEADER, Role.COORDINATOR})
Z_LIMIT = 3.5
MIN_HISTORY = 3  # fewer other periods than this: too little history to call a value unusual


def entered_indicators():
    """The indicators fed by figures agencies enter (until their registry exists, or for the units that do not
    use it yet: Indicator.enterable)."""
    return [i for i in CATALOGUE if i.source == "entered" or i.enterable]


def can_approve(membership) -> bool:
    return membership is not None and membership.role in APPROVER_ROLES and allowed(
        membership.role, "indicators", "view")


# --- lock ---------------------------------------------------------------------------------------

def active_approvals():
    return DataApproval.objects.filter(reopened_at__isnull=True)


def approval_covering(unit: AdminUnit, period: Period) -> DataApproval | None:
    """The active approval of the unit or its province whose period contains `period`, if any."""
    units = [unit.pk] + ([unit.province_id] if unit.province_id and unit.province_id != unit.pk else [])
    return (active_approvals().filter(unit__in=units, period_start__lte=period.start, period_end__gte=period.end)
            .select_related("unit").first())


def lock_message(approval: DataApproval) -> str:
    return (f"Số liệu kỳ {Period.parse(approval.period).label} của {approval.unit.name} đã được phê duyệt "
            f"ngày {timezone.localtime(approval.approved_at):%d/%m/%Y}; không sửa được. "
            "Đề nghị lãnh đạo hoặc cơ quan thường trực mở lại kỳ nếu cần điều chỉnh.")


def check_unlocked(unit: AdminUnit, period: Period) -> None:
    approval = approval_covering(unit, period)
    if approval is not None:
        raise ValidationError(lock_message(approval))


# --- outliers -----------------------------------------------------------------------------------

def measure(indicator_code: str, numerator: float, denominator: float | None) -> float | None:
    """What the history compares: the percentage for percent indicators, the number for counts."""
    if BY_CODE[indicator_code].metric == "count":
        return numerator
    return 100 * numerator / denominator if denominator else None


def modified_z(value: float, history: list[float]) -> float | None:
    """Iglewicz–Hoaglin modified z-score 0.6745·(x − median)/MAD of `value` against `history`.

    When MAD is 0 (more than half the history is one value) the mean absolute deviation is used
    instead, scaled so it is comparable (x − median)/(1.253314·meanAD); when that is 0 too (a
    constant history) any different value is infinitely far (flagged) and an equal one is 0.
    None when the history is too short to judge.
    """
    if len(history) < MIN_HISTORY:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad:
        return 0.6745 * (value - median) / mad
    mean_ad = statistics.fmean(abs(x - median) for x in history)
    if mean_ad:
        return (value - median) / (1.253314 * mean_ad)
    return 0.0 if value == median else float("inf") if value > median else float("-inf")


def is_outlier(z: float | None) -> bool:
    return z is not None and abs(z) > Z_LIMIT


def history_of(indicator_code: str, unit_id: int, period: Period) -> list[float]:
    """The unit's values of the same indicator for its other periods of the same kind (months with months…)."""
    rows = (DataValue.objects.filter(indicator=indicator_code, unit_id=unit_id, period_kind=period.kind)
            .exclude(period=period.code).values_list("numerator", "denominator"))
    return [m for m in (measure(indicator_code, n, d) for n, d in rows) if m is not None]


def outlier_z(indicator_code: str, unit_id: int, period: Period, numerator, denominator) -> float | None:
    value = measure(indicator_code, numerator, denominator)
    if value is None:
        return None
    return modified_z(value, history_of(indicator_code, unit_id, period))


def flag_outliers(values: list[DataValue]) -> dict[int, float]:
    """{DataValue pk: z} for the values that are outliers against their unit's other periods.

    One query loads the histories of every (indicator, unit) on the page.
    """
    if not values:
        return {}
    keys = {(v.indicator, v.unit_id) for v in values}
    condition = Q()
    for code, unit_id in keys:
        condition |= Q(indicator=code, unit_id=unit_id)
    history = defaultdict(list)
    for row in DataValue.objects.filter(condition).values_list(
            "indicator", "unit_id", "period_kind", "period", "numerator", "denominator"):
        history[row[:3]].append(row[3:])
    flags = {}
    for v in values:
        others = [measure(v.indicator, n, d) for code, n, d in history[(v.indicator, v.unit_id, v.period_kind)]
                  if code != v.period]
        value = measure(v.indicator, v.numerator, v.denominator)
        if value is None:
            continue
        z = modified_z(value, [x for x in others if x is not None])
        if is_outlier(z):
            flags[v.pk] = z
    return flags


def outlier_warning(indicator_code: str, z: float) -> str:
    return (f"Giá trị bất thường so với các kỳ trước của đơn vị ({BY_CODE[indicator_code].name}): "
            f"chỉ số z hiệu chỉnh {z:+.1f}, vượt ngưỡng ±{Z_LIMIT}. Hãy kiểm tra lại; nếu đúng vẫn có thể lưu.")


# --- entry --------------------------------------------------------------------------------------

@dataclass
class Row:
    """One typed line of the entry form (or one imported value)."""

    indicator: str
    numerator: float | None
    denominator: float | None = None
    comment: str = ""
    version: int | None = None  # the version the user opened; None for a new value


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def validate_row(row: Row) -> None:
    indicator = BY_CODE.get(row.indicator)
    if indicator is None:
        raise ValidationError(f"Mã chỉ số “{row.indicator}” không có trong danh mục.")
    if row.numerator is None:
        raise ValidationError(f"{indicator.name}: chưa nhập số liệu.")
    if row.numerator < 0 or (row.denominator is not None and row.denominator < 0):
        raise ValidationError(f"{indicator.name}: số liệu không được âm.")
    if indicator.metric == "percent":
        if row.denominator is None:
            raise ValidationError(f"{indicator.name}: cần nhập cả tử số và mẫu số.")
        if row.numerator > row.denominator:
            raise ValidationError(f"{indicator.name}: tử số ({row.numerator:g}) lớn hơn mẫu số ({row.denominator:g}).")
    elif row.denominator is not None:
        raise ValidationError(f"{indicator.name} là chỉ số đếm: không nhập mẫu số.")


def in_scope(membership, unit: AdminUnit) -> bool:
    """The unit is the seat's own or under it (a commune seat acts for its own commune only)."""
    from pcmd.core.scoping import scoped

    return scoped(AdminUnit.objects.filter(pk=unit.pk), membership, "view").exists()


def _writable_unit(membership, unit: AdminUnit) -> None:
    if unit.level not in (Level.PROVINCE, Level.COMMUNE):
        raise ValidationError("Chỉ nhập số liệu cho tỉnh, thành phố hoặc xã, phường.")
    if not allowed(getattr(membership, "role", ""), "indicators", "add") or not in_scope(membership, unit):
        raise PermissionDenied


def save_values(*, membership, unit: AdminUnit, period: Period, rows: list[Row], agency=None) -> SaveResult:
    """Save the typed figures of one unit and period, all or nothing.

    Refused (ValidationError, Vietnamese) when the period is approved, a row is invalid, or someone
    saved a value after the user opened it (EditConflict). Outliers only add warnings.
    """
    _writable_unit(membership, unit)
    for row in rows:
        validate_row(row)
    result = SaveResult()
    now = timezone.now()
    with transaction.atomic():
        check_unlocked(unit, period)
        existing = {v.indicator: v for v in DataValue.objects.select_for_update().filter(
            unit=unit, period=period.code, indicator__in=[r.indicator for r in rows])}
        for row in rows:
            value = existing.get(row.indicator)
            if value is None:
                if row.version:  # it existed when the form opened and was deleted since
                    raise EditConflict()
                value = DataValue(indicator=row.indicator, unit=unit, period=period.code)
                result.created += 1
            else:
                if row.version is None or row.version != value.version:
                    raise EditConflict()
                if (value.numerator, value.denominator, value.comment) == (row.numerator, row.denominator,
                                                                            row.comment):
                    result.unchanged += 1
                    continue
                if not allowed(membership.role, "indicators", "change"):
                    raise PermissionDenied
                claim_version(value, row.version)
                result.updated += 1
            fill(value, row, period, membership, agency, now)
            value.save()
            z = outlier_z(row.indicator, unit.pk, period, row.numerator, row.denominator)
            if is_outlier(z):
                result.warnings.append(outlier_warning(row.indicator, z))
    return result


def fill(value: DataValue, row: Row, period: Period, membership, agency, now) -> None:
    value.period_kind, value.period_start, value.period_end = period.kind, period.start, period.end
    value.numerator, value.denominator, value.comment = row.numerator, row.denominator, row.comment[:500]
    value.entered_by_id = getattr(membership, "user_id", None)
    value.entered_at = now
    if agency is not None:
        value.agency = agency
    elif getattr(membership, "agency_id", None) and value.agency_id is None:
        value.agency_id = membership.agency_id


# --- approval -----------------------------------------------------------------------------------

@dataclass
class ApprovalFigure:
    code: str
    name: str
    metric: str
    value: str  # as shown: a count, a percentage with its numerator and denominator, "<5" when hidden
    entered: int  # units (the unit itself and its communes) that entered this figure for the period
    expected: int


def approval_figures(unit: AdminUnit, period: Period, *, own_commune=None) -> list[ApprovalFigure]:
    """The figures an approval locks, as the engine reads them for the unit and period (the entered indicators),
    with how many of the units covered entered each one; small counts about people hidden (suppression)."""
    from pcmd.core.templatetags.pcmd import display

    from . import engine, suppression

    indicators = entered_indicators()
    _rows, totals = engine.unit_breakdown([i.code for i in indicators], unit=unit, period=period)
    units = [unit.pk] + (list(engine.communes_of([unit.pk]).values_list("pk", flat=True))
                         if unit.level == Level.PROVINCE else [])
    entered = dict(DataValue.objects.filter(unit__in=units, period=period.code,
                                            indicator__in=[i.code for i in indicators])
                   .order_by().values("indicator").annotate(n=Count("unit", distinct=True))
                   .values_list("indicator", "n"))
    def n(x):
        return display(int(x) if float(x).is_integer() else round(x, 1))

    out = []
    for indicator in indicators:
        total = totals.get(indicator.code)
        if total is None:
            shown = "—"
        elif suppression.applies(indicator, unit=unit, own_commune=own_commune) and suppression.small(total):
            shown = suppression.label(total)
        elif indicator.metric == "percent":
            shown = ("—" if total.value is None else
                     f"{n(total.value)}% ({n(total.numerator)}/{n(total.denominator)})")
        else:
            shown = n(total.numerator)
        out.append(ApprovalFigure(code=indicator.code, name=indicator.name, metric=indicator.metric, value=shown,
                                  entered=entered.get(indicator.code, 0), expected=len(units)))
    return out


def approve(*, membership, unit: AdminUnit, period: Period, note: str = "") -> DataApproval:
    """Approve (lock) the unit's figures for the period; the reports module will call this too."""
    if not can_approve(membership) or not in_scope(membership, unit):
        raise PermissionDenied
    with transaction.atomic():
        if approval_covering(unit, period) is not None:
            raise ValidationError(f"Kỳ {period.label} của {unit.name} đã được phê duyệt.")
        return DataApproval.objects.create(unit=unit, period=period.code, period_start=period.start,
                                           period_end=period.end, approved_by_id=membership.user_id,
                                           approved_at=timezone.now(), note=note[:500])


def reopen(*, membership, approval: DataApproval, reason: str) -> DataApproval:
    """Reopen an approved period; the reason and who reopened it stay on the approval (and its history)."""
    if not can_approve(membership) or not in_scope(membership, approval.unit):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Hãy ghi lý do mở lại kỳ đã phê duyệt.")
    with transaction.atomic():
        locked = DataApproval.objects.select_for_update().get(pk=approval.pk)
        if locked.reopened_at is not None:
            raise ValidationError("Kỳ này đã được mở lại trước đó.")
        locked.reopened_by_id, locked.reopened_at = membership.user_id, timezone.now()
        locked.reopen_reason = reason[:500]
        locked.save()
    return locked


# --- completeness -------------------------------------------------------------------------------

@dataclass
class Completeness:
    units: list  # [(AdminUnit, [missing Indicator, …])] for every unit, complete ones with []
    expected: int
    entered: int

    @property
    def percent(self) -> float | None:
        return 100 * self.entered / self.expected if self.expected else None

    @property
    def missing(self) -> list:
        return [(u, m) for u, m in self.units if m]


def completeness(units, period: Period, indicators=None) -> Completeness:
    """Which units have not entered which indicators for exactly this period (one query)."""
    indicators = list(indicators if indicators is not None else entered_indicators())
    units = list(units)
    codes = [i.code for i in indicators]
    have = set(DataValue.objects.filter(unit__in=[u.pk for u in units], period=period.code, indicator__in=codes)
               .values_list("unit_id", "indicator"))
    rows = [(u, [i for i in indicators if (u.pk, i.code) not in have]) for u in units]
    return Completeness(units=rows, expected=len(units) * len(indicators), entered=len(have))
