"""A report's figures: the indicator engine's numbers for the report's unit and data window, never retyped.

`live(report)` asks the engine (`engine.unit_breakdown`, the scorecard's function) for every catalogue
indicator over the window, with the unit's targets and status (`indicators.targets`, `indicators.status`);
`snapshot(report)` freezes them with the sections' texts at submission. A submitted report shows its snapshot;
`changes(old, new)` lists what differs (live vs frozen for the reader, previous vs new submission for the
reviewer). `rollup()` sums the communes' approved snapshots beside a province report's own figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from pcmd.core.collation import vi_order
from pcmd.core.periods import Period
from pcmd.core.scoping import scoped
from pcmd.dashboard.selectors import fmt, ordered_indicators
from pcmd.geo.models import Level
from pcmd.indicators import engine, status, suppression, targets
from pcmd.indicators.catalogue import BY_CODE

from .models import Frequency, Report, ReportStatus


def period_of(report: Report) -> Period:
    """The window as an engine period. Its code is the standard period the window stands for (2026S1, 2026):
    the entered figures' lock (DataApproval) stores it; the dates are the window's own cut-off dates."""
    start, end = report.window_start, report.window_end
    if report.type.frequency == Frequency.SIX_MONTHS:
        return Period(start, end, "half", f"{end.year}S{1 if end.month <= 6 else 2}")
    return Period(start, end, "year", str(end.year))


def public(figure: dict) -> dict:
    """The figure as a report shows or exports it. A report leaves its unit (it is sent up), so a sensitive
    indicator's small count (support clients, `indicators.suppression`) shows "<5" and carries no number; the
    snapshot keeps the numbers, which only the roll-up's sums read."""
    indicator = BY_CODE.get(figure["code"])
    if not (indicator is not None and suppression.applies(indicator)
            and suppression.small(engine.Value(figure["numerator"], figure["denominator"]))):
        return figure
    return {**figure, "text": suppression.MASK, "value": None, "numerator": None, "denominator": None,
            "status": "", "status_label": "", "colour": "", "hidden": True}


def _masked_sum(indicator, numerator, denominator) -> str:
    if suppression.applies(indicator) and suppression.small(engine.Value(numerator, denominator)):
        return suppression.MASK
    return _text(numerator, denominator, indicator.metric)


def _text(numerator, denominator, metric) -> str:
    if denominator is None and metric == "count":
        return fmt(numerator)
    if not denominator:
        return "—"
    return f"{fmt(100 * numerator / denominator, True)}%"


def _row(indicator, value, target, judgement, group: str) -> dict:
    numerator = float(value.numerator) if value is not None else 0.0
    denominator = None if value is None or value.denominator is None else float(value.denominator)
    if value is None and indicator.metric != "count":
        numerator, denominator = 0.0, 0.0
    return {
        "code": indicator.code, "name": indicator.name, "metric": indicator.metric, "group": group,
        "numerator": numerator, "denominator": denominator,
        "value": None if value is None or value.value is None else round(float(value.value), 1),
        "text": _text(numerator, denominator, indicator.metric) if value is not None else (
            "0" if indicator.metric == "count" else "—"),
        "target": target.label if target is not None else "",
        "target_value": float(target.value) if target is not None and target.value is not None else None,
        "target_comparator": target.comparator if target is not None else "",
        "status": str(judgement.status), "status_label": judgement.status.label, "colour": judgement.colour,
    }


def live(report: Report, today: datetime.date | None = None) -> list[dict]:
    """Every indicator for the report's unit and window, from the engine (one grouped query per indicator)."""
    today = today or timezone.localdate()
    period = period_of(report)
    groups = ordered_indicators()
    codes = [i.code for _label, members in groups for i in members]
    _rows, totals = engine.unit_breakdown(codes, unit=report.unit, period=period)
    level = "province" if report.unit.level == Level.PROVINCE else "commune"
    found = targets.targets_panel(codes, level=level, units=[report.unit_id], year=report.window_end.year)
    out = []
    for label, members in groups:
        for indicator in members:
            value = totals.get(indicator.code)
            if value is None and indicator.metric == "count":
                value = engine.Value(0)
            target = found.get(indicator.code, {}).get(report.unit_id)
            out.append(_row(indicator, value, target, status.judge(indicator, target, value, period, today), label))
    return out


def snapshot(report: Report, now: datetime.datetime | None = None) -> dict:
    """What is frozen at submission: the figures, the sections' texts, the time and the definitions version."""
    now = now or timezone.now()
    return {
        "figures": live(report, timezone.localdate(now)),
        "sections": {s.key: s.text for s in report.sections.all()},
        "frozen_at": now.isoformat(),
        "definitions_version": engine.definitions_version(),
    }


def shown(report: Report) -> tuple[list[dict], bool]:
    """(figures, frozen): the snapshot once the report is submitted or approved, live numbers while it is open."""
    if report.is_frozen:
        return [public(f) for f in report.snapshot["figures"]], True
    return [public(f) for f in live(report)], False


@dataclass
class Change:
    name: str
    before: str
    after: str


def changes(old: dict | None, new: dict | None, titles: dict[str, str] | None = None
            ) -> tuple[list[Change], list[Change]]:
    """(figures that differ, sections whose text differs) from snapshot `old` to snapshot `new`; sections are
    named by `titles` ({key: title})."""
    if not old or not new:
        return [], []
    before = {f["code"]: f for f in old.get("figures", [])}
    figures = [Change(f["name"], public(before[f["code"]])["text"] if f["code"] in before else "—",
                      public(f)["text"])
               for f in new.get("figures", [])
               if f["code"] not in before or (before[f["code"]]["numerator"], before[f["code"]]["denominator"])
               != (f["numerator"], f["denominator"])]
    figures = [c for c in figures if c.before != c.after]  # two hidden values say nothing about a change
    old_sections, sections = old.get("sections", {}), []
    for key, text in new.get("sections", {}).items():
        if (old_sections.get(key) or "").strip() != (text or "").strip():
            sections.append(Change((titles or {}).get(key, key), old_sections.get(key) or "", text or ""))
    return figures, sections


def since_frozen(report: Report) -> list[Change]:
    """What the registries changed after submission: live figures against the snapshot (shown to the reader)."""
    if not report.is_frozen:
        return []
    now = {"figures": live(report), "sections": report.snapshot.get("sections", {})}
    return changes(report.snapshot, now)[0]


@dataclass
class RollupRow:
    code: str
    name: str
    own: str
    communes: str
    differs: bool


@dataclass
class Rollup:
    rows: list[RollupRow]
    approved: list[Report]
    missing: list  # communes without an approved report
    proposals: list[tuple[str, str]] = field(default_factory=list)  # (commune, its "Đề xuất, kiến nghị")


def _sums(reports) -> dict[str, list]:
    """code -> [numerator, denominator] summed over the reports' frozen figures."""
    sums: dict[str, list] = {}
    for frozen in reports:
        for f in (frozen.snapshot or {}).get("figures", []):
            total = sums.setdefault(f["code"], [0.0, None])
            total[0] += f["numerator"]
            if f["denominator"] is not None:
                total[1] = (total[1] or 0.0) + f["denominator"]
    return sums


def _rows(own: list[dict], approved: list[Report]) -> list[RollupRow]:
    sums = _sums(approved)
    rows = []
    for f in own:
        indicator = BY_CODE.get(f["code"])
        if indicator is None:
            continue
        numerator, denominator = sums.get(f["code"], [0.0, None if indicator.metric == "count" else 0.0])
        text = _masked_sum(indicator, numerator, denominator) if approved else "—"
        rows.append(RollupRow(f["code"], f["name"], f["text"], text, bool(approved) and text != f["text"]))
    return rows


def _proposals(approved: list[Report]) -> list[tuple[str, str]]:
    proposals = [(r.unit.name, (r.snapshot or {}).get("sections", {}).get("de-xuat", "").strip()) for r in approved]
    return [p for p in proposals if p[1]]


def rollup(report: Report, membership, own: list[dict]) -> Rollup | None:
    """For a province report: the sum of its communes' approved figures (their snapshots) beside its own."""
    if report.unit.level != Level.PROVINCE or report.type.source_type_id is None:
        return None
    communes = list(engine.communes_of([report.unit_id]).order_by(vi_order()))
    # The communes' reports of the summed frequency, whichever type (general or the province's own) they follow.
    summed = Report.objects.filter(type__level="commune", type__frequency=report.type.source_type.frequency,
                                   year=report.year, status=ReportStatus.APPROVED, unit__in=communes)
    approved = list(scoped(summed, membership).select_related("unit").order_by("unit__name"))
    done = {r.unit_id for r in approved}
    return Rollup(_rows(own, approved), approved, [c for c in communes if c.pk not in done], _proposals(approved))


def country_rollup(membership, provinces: list, frequency: str, year: int, window: tuple[datetime.date, datetime.date],
                   today: datetime.date | None = None) -> Rollup:
    """The national report's roll-up: the sum of the provinces' approved province reports (their snapshots) of
    that frequency and year, beside the engine's own figures over the same provinces and window."""
    today = today or timezone.localdate()
    if not provinces:  # a commune's seat sees no province
        return Rollup([], [], [])
    approved = list(scoped(Report.objects.filter(type__level="province", type__frequency=frequency, year=year,
                                                 status=ReportStatus.APPROVED, unit__in=provinces),
                           membership).select_related("unit").order_by("unit__name"))
    start, end = window
    period = Period(start, end, "half" if frequency == Frequency.SIX_MONTHS else "year",
                    f"{end.year}S{1 if end.month <= 6 else 2}" if frequency == Frequency.SIX_MONTHS else str(end.year))
    groups = ordered_indicators()
    codes = [i.code for _label, members in groups for i in members]
    scope = provinces[0] if len(provinces) == 1 else None
    _rows_by_unit, totals = engine.unit_breakdown(codes, unit=scope, period=period)
    own = []
    for label, members in groups:
        for indicator in members:
            value = totals.get(indicator.code) or (engine.Value(0) if indicator.metric == "count" else None)
            judgement = status.judge(indicator, None, value, period, today)
            own.append(public(_row(indicator, value, None, judgement, label)))
    done = {r.unit_id for r in approved}
    return Rollup(_rows(own, approved), approved, [p for p in provinces if p.pk not in done], _proposals(approved))


def chart(figures: list[dict]) -> dict:
    """Chart.js data: the count indicators with a value (percentages would share no scale with counts)."""
    counts = [f for f in figures if f["metric"] == "count" and f["numerator"]]
    return {"labels": [f["name"][:40] for f in counts],
            "datasets": [{"label": "Số lượng trong kỳ", "data": [f["numerator"] for f in counts]}]}
