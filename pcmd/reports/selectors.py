"""What the report pages read: a unit's reports, a province's completeness and timeliness, the country's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from pcmd.core.collation import vi_order
from pcmd.core.scoping import scoped, unit_choices, within
from pcmd.geo.models import AdminUnit, Level

from .models import Frequency, Report, ReportStatus, ReportType

S = ReportStatus
FREQUENCIES = {"S": "Báo cáo 6 tháng", "Y": "Báo cáo năm"}

# Completeness states of a commune, with their badge colour.
STATES = {
    "approved": ("Đã phê duyệt", "success"),
    "submitted": ("Đã gửi, chờ duyệt", "primary"),
    "late": ("Gửi muộn, chờ duyệt", "info"),
    "returned": ("Bị trả lại", "warning"),
    "overdue": ("Quá hạn, chưa gửi", "danger"),
    "writing": ("Đang soạn", "secondary"),
    "not_started": ("Chưa bắt đầu", "light"),
}


def visible(membership):
    return scoped(Report.objects.select_related("type", "unit"), membership)


def unit_reports(membership, unit: AdminUnit | None, year: int):
    """The reports of exactly `unit` (a national seat: every province's own reports) for the year."""
    reports = visible(membership).filter(year=year)
    if unit is None:
        return reports.filter(unit__level=Level.PROVINCE).order_by("unit__name", "due_date")
    return reports.filter(unit=unit).order_by("due_date")


def submitted_on_time(report: Report) -> bool | None:
    if report.first_submitted_at is None:
        return None
    return timezone.localtime(report.first_submitted_at).date() <= report.due_date


def state_of(report: Report | None, today: datetime.date) -> str:
    if report is None or report.status == S.DRAFT:
        if report is not None and today > report.due_date:
            return "overdue"
        return "writing" if report is not None and getattr(report, "written", 0) else "not_started"
    if report.status == S.APPROVED:
        return "approved"
    if report.status == S.RETURNED:
        return "returned"
    return "submitted" if submitted_on_time(report) else "late"


@dataclass
class Line:
    unit: AdminUnit
    report: Report | None
    state: str

    @property
    def label(self) -> str:
        return STATES[self.state][0]

    @property
    def colour(self) -> str:
        return STATES[self.state][1]


@dataclass
class Completeness:
    province: AdminUnit
    frequency: str
    year: int
    lines: list[Line]
    due_date: datetime.date | None

    def count(self, state: str) -> int:
        return sum(1 for line in self.lines if line.state == state)

    @property
    def counts(self) -> list[tuple[str, str, str, int]]:
        return [(key, label, colour, self.count(key)) for key, (label, colour) in STATES.items()]

    @property
    def sent(self) -> int:
        return sum(1 for line in self.lines if line.report is not None and line.report.revision > 0)

    @property
    def on_time_rate(self) -> float | None:
        """Reports first sent by their deadline over the reports due so far (or sent so far, before the deadline)."""
        due = [line for line in self.lines if line.report is not None and (
            timezone.localdate() > line.report.due_date or line.report.revision > 0)]
        if not due:
            return None
        return 100 * sum(1 for line in due if submitted_on_time(line.report)) / len(due)

    def chart(self) -> dict:
        counts = [(label, n) for _key, label, _colour, n in self.counts]
        return {"labels": [c[0] for c in counts],
                "datasets": [{"label": "Số xã, phường", "data": [c[1] for c in counts]}]}


def completeness(membership, province: AdminUnit, frequency: str, year: int) -> Completeness:
    """Every commune of the province (in the seat's scope) with its report of that frequency and year."""
    today = timezone.localdate()
    communes = list(unit_choices(membership, [Level.COMMUNE], under=province).order_by(vi_order()))
    reports = (within(visible(membership), province)
               .filter(year=year, type__level="commune", type__frequency=frequency)
               .annotate(written=Count("sections", filter=~Q(sections__text=""))))
    by_unit = {r.unit_id: r for r in reports}
    lines = [Line(c, by_unit.get(c.pk), state_of(by_unit.get(c.pk), today)) for c in communes]
    dues = [line.report.due_date for line in lines if line.report is not None]
    return Completeness(province, frequency, year, lines, min(dues) if dues else None)


@dataclass
class ProvinceLine:
    province: AdminUnit
    communes: int
    sent: int
    approved: int
    returned: int
    on_time: int
    due: int
    own: Report | None = None  # the province's own report of that frequency and year, to the national level
    own_state: str = "not_started"

    @property
    def own_label(self) -> str:
        return STATES[self.own_state][0]

    @property
    def own_colour(self) -> str:
        return STATES[self.own_state][1]

    @property
    def missing(self) -> int:
        return self.communes - self.sent

    @property
    def on_time_rate(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None


def country(membership, frequency: str, year: int) -> list[ProvinceLine]:
    """Per province: communes, reports sent, approved, returned, and on time — grouped queries, no loop per commune."""
    today = timezone.localdate()
    provinces = list(unit_choices(membership, [Level.PROVINCE]).order_by(vi_order()))
    communes = dict(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).order_by()
                    .values("province").annotate(n=Count("pk")).values_list("province", "n"))
    rows = (visible(membership).filter(year=year, type__level="commune", type__frequency=frequency).order_by()
            .values("province").annotate(
                sent=Count("pk", filter=Q(revision__gt=0)),
                approved=Count("pk", filter=Q(status=S.APPROVED)),
                returned=Count("pk", filter=Q(status=S.RETURNED)),
                due=Count("pk", filter=Q(due_date__lt=today) | Q(revision__gt=0)),
            ))
    by_province = {r["province"]: r for r in rows}
    on_time = _on_time_by_province(membership, frequency, year)
    own = {r.unit_id: r for r in visible(membership).filter(year=year, type__level="province",
                                                             type__frequency=frequency)}
    out = []
    for p in provinces:
        r = by_province.get(p.pk, {})
        out.append(ProvinceLine(p, communes.get(p.pk, 0), r.get("sent", 0), r.get("approved", 0),
                                r.get("returned", 0), on_time.get(p.pk, 0), r.get("due", 0), own.get(p.pk),
                                state_of(own.get(p.pk), today)))
    return out


def _on_time_by_province(membership, frequency: str, year: int) -> dict[int, int]:
    """Reports first sent by their deadline, per province (the deadline is a date, the sending a local time)."""
    sent = (visible(membership).filter(year=year, type__level="commune", type__frequency=frequency,
                                       first_submitted_at__isnull=False)
            .order_by().values_list("province", "first_submitted_at", "due_date"))
    out: dict[int, int] = {}
    for province_id, at, due in sent:
        if timezone.localtime(at).date() <= due:
            out[province_id] = out.get(province_id, 0) + 1
    return out


def frequency_from_query(raw: str | None) -> str:
    return raw if raw in FREQUENCIES else Frequency.SIX_MONTHS


def adhoc_progress(membership, types) -> dict[int, dict]:
    """Per ad hoc request (type): its reports in the seat's scope, how many were sent and approved."""
    rows = (visible(membership).filter(type__in=types).order_by().values("type")
            .annotate(total=Count("pk"), sent=Count("pk", filter=Q(revision__gt=0)),
                      approved=Count("pk", filter=Q(status=S.APPROVED))))
    return {r["type"]: r for r in rows}


def general_type(level: str, frequency: str) -> ReportType | None:
    """The preloaded type of a level and frequency (its window is the country's)."""
    types = ReportType.objects.filter(level=level, frequency=frequency, is_active=True).order_by("pk")
    return next((t for t in types if t.province_id is None), None)  # a type's province is not a user's scope


def types_of(membership) -> list[ReportType]:
    """The periodic types a seat works with: for a province's (or commune's) seat the general ones and its
    province's own; for a national seat every type. Ad hoc requests' types are not listed."""
    types = list(ReportType.objects.exclude(frequency=Frequency.AD_HOC).select_related("province", "source_type")
                 .order_by("level", "frequency", "pk"))
    if membership.unit_id is None:
        return types
    province_id = membership.unit.province_id or membership.unit_id
    return [t for t in types if t.province_id in (None, province_id)]
