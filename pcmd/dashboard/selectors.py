"""What the dashboards show: the focus unit, the scorecard, an indicator's trend, the leader's cards.

Every number comes from the indicator engine on each request (no cache): one grouped query per
indicator and level, so a write is visible on the next page load. Targets and statuses come from
pcmd.indicators.targets / status, forecasts from pcmd.indicators.forecast.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from dataclasses import dataclass
from html import escape as _esc
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe

from pcmd.core.collation import vi_order
from pcmd.core.periods import Period
from pcmd.core.scoping import unit_choices, within
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine, forecast, status, suppression, targets
from pcmd.indicators.catalogue import CATALOGUE, Indicator
from pcmd.org.permissions import allowed

# Column groups of the scorecard (headings), by the indicator's data source; catalogue order inside.
GROUPS = [
    ("Kế hoạch", ("plans",)),
    ("Tuyên truyền, tập huấn", ("outreach",)),
    ("Cơ sở, kiểm tra", ("venues", "inspections")),
    ("Tin báo", ("tips",)),
    ("Tụ điểm, vụ án", ("hotspots", "enforcement")),
    ("Hỗ trợ người bán dâm", ("support", "entered")),
]
BAD = ("cham", "khong_dat")  # statuses a leader must act on (behind, missed)


# Rows of the scorecard per page on screen: Hà Nội's 126 communes × 34 indicators were 960 KB of HTML in one page;
# 20 rows keep a page of every column under 200 KB (tests/test_dashboard.py measures it), one group far less.
SCORECARD_PAGE_ROWS = 20


def ordered_indicators() -> list[tuple[str, list[Indicator]]]:
    """[(group heading, indicators)] in the scorecard's column order."""
    out = []
    for label, sources in GROUPS:
        members = [i for i in CATALOGUE if i.source in sources]
        if members:
            out.append((label, members))
    return out


# --- Focus: which unit the page looks at, within the user's membership -------------------------------------


@dataclass(frozen=True)
class Focus:
    unit: AdminUnit | None  # None: the whole country

    @property
    def code(self) -> str:
        """The unit's code for `?don-vi=` (core.pickers); empty for the whole country."""
        return self.unit.code if self.unit is not None else ""

    @property
    def id(self) -> int:
        return self.unit.pk if self.unit is not None else engine.COUNTRY

    @property
    def level(self) -> str:
        return "country" if self.unit is None else ("province" if self.unit.level == Level.PROVINCE else "commune")

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else "Toàn quốc"

    @property
    def child_level(self) -> str | None:
        return {"country": "province", "province": "commune"}.get(self.level)

    def children(self) -> list[AdminUnit]:
        """The scorecard's rows: provinces of the country, communes of a province, or the commune itself."""
        if self.level == "country":
            return list(AdminUnit.objects.filter(level=Level.PROVINCE, is_active=True).order_by(vi_order()))
        if self.level == "province":
            return list(engine.communes_of([self.unit.pk]).order_by(vi_order()))
        return [self.unit]

    @property
    def province(self) -> AdminUnit | None:
        if self.unit is None:
            return None
        return self.unit if self.unit.level == Level.PROVINCE else self.unit.province


def home_unit(membership) -> AdminUnit | None:
    """The membership's unit as dashboards see it: a hamlet member looks at the commune."""
    unit = membership.unit
    if unit is not None and unit.level == Level.HAMLET:
        return unit.parent
    if unit is not None and unit.level == Level.DISTRICT:
        raise Http404  # legacy districts (before 7/2025) have no indicators of their own
    return unit


def own_commune(membership) -> AdminUnit | None:
    """The commune whose sensitive figures the seat sees whole (indicators/suppression.py): the commune a
    support role sits in (a hamlet seat: its commune). None for every other seat — province and national
    seats, and the commune's own police, coordinators, leaders…, who see support counts as everyone outside
    the wall does: small ones hidden (a count of 2 in a ward can name someone)."""
    if membership is None or not allowed(membership.role, "support", "view"):
        return None
    home = home_unit(membership)
    return home if home is not None and home.level == Level.COMMUNE else None


def resolve_focus(membership, raw, *, by: str = "code") -> Focus:
    """The unit asked for (`?don-vi=<code>` from core.pickers, or a pk in the indicator page's path where
    0 = country), only within the membership; anything else is 404. Nothing asked: the home unit."""
    home = home_unit(membership)
    raw = str(raw or "").strip()
    if not raw:
        return Focus(home)
    if by == "pk":
        if not (raw.isascii() and raw.isdigit()):
            raise Http404
        if int(raw) == engine.COUNTRY:
            if home is not None:
                raise Http404
            return Focus(None)
    units = AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]).select_related("province")
    if home is not None:
        units = within(units, home)  # the home unit and the units under it (core.scoping)
    try:
        return Focus(units.get(**{by: raw}))
    except (AdminUnit.DoesNotExist, AdminUnit.MultipleObjectsReturned, ValueError, OverflowError) as exc:
        raise Http404 from exc


def picker_units(membership, focus: Focus) -> list[AdminUnit]:
    """The dashboards' unit drop-down: provinces for a national seat, and the communes of the province looked at."""
    home = home_unit(membership)
    units = []
    if home is None:
        units += list(unit_choices(membership, [Level.PROVINCE]).order_by(vi_order()))
    province = focus.province
    if province is not None and (home is None or home.level == Level.PROVINCE):
        units += list(unit_choices(membership, [Level.COMMUNE], under=province).order_by(vi_order()))
    return units


# --- Targets, status, forecast (pcmd.indicators) -----------------------------------------------------------


def _targets(code: str, level: str, ids: list[int], year: int) -> dict:
    return _targets_panel([code], level, ids, year).get(code, {})


def _targets_panel(codes: list[str], level: str, ids: list[int], year: int) -> dict[str, dict]:
    """{code: {unit id: TargetValue}}: all indicators with the same two queries."""
    if level == "country" or not ids:
        return {}  # the national programme's targets are not plans of a unit
    return targets.targets_panel(codes, level=level, units=ids, year=year)


def colour(judgement) -> str:
    return status.COLOURS.get(judgement.status, "secondary")


def target_text(target) -> str:
    """A short target as officials write it ("≥ 80%", "02–04"); empty without a figure."""
    return target.label if target is not None else ""


def fmt(number: float | None, decimals: bool = False) -> str:
    """1.234 or 87,5 (Vietnamese separators); "—" for nothing."""
    if number is None:
        return "—"
    if decimals and round(number, 1) != int(round(number, 1)):
        whole, frac = f"{number:,.1f}".split(".")
        return f"{whole.replace(',', '.')},{frac}"
    return f"{round(number):,}".replace(",", ".")


def display_value(value, indicator: Indicator) -> str:
    if value is None or value.value is None:
        return "—"
    return f"{fmt(value.value, True)}%" if indicator.metric == "percent" else fmt(value.value)


# --- Scorecard ----------------------------------------------------------------------------------------------


@dataclass
class Cell:
    indicator: Indicator
    value: engine.Value | None
    target: str
    # The status and where the figure leads, worked out when shown: a province's grid computes its 126 rows for
    # the totals and the small-count masks but shows 20, and the links were a fifth of the page's time.
    judge: functools.partial | None = None
    link_to: functools.partial | None = None
    masked: str = ""  # the text of a hidden small figure ("<5") or of its complementary cell
    target_value: object = None  # the targets.TargetValue behind `target` (a number in the Excel export)

    @functools.cached_property
    def judgement(self):
        """The status (indicators.status.judge), None for a hidden figure."""
        return self.judge() if self.judge is not None else None

    @functools.cached_property
    def link(self) -> str:
        return self.link_to() if self.link_to is not None else ""

    @property
    def text(self) -> str:
        return self.masked or display_value(self.value, self.indicator)

    def hide(self) -> None:
        """Hide the figure (indicators/suppression.py): no value, no status, only the mask is left."""
        self.masked = suppression.label(self.value)
        self.value, self.judgement = None, None

    @property
    def colour(self) -> str:
        return colour(self.judgement) if self.judgement is not None else "secondary"

    @property
    def status_label(self) -> str:
        return self.judgement.status.label if self.judgement is not None else ""

    @property
    def badge(self) -> bool:
        """Show a status badge (not for "no target": the plain value says enough, and the grid stays quiet)."""
        return self.judgement is not None and self.judgement.status != "khong_co_chi_tieu"

    def html(self) -> str:
        """The cell's markup, built here with plain escaping, since a
        template or format_html per cell is the slowest part of a 100-commune grid."""
        # The column's header names the indicator and the note under the table explains hidden figures: the
        # cell's title says only its status, so a big grid stays light (a phone loads a page under 200 KB).
        title = self.status_label if self.judgement is not None else ""
        if self.masked:
            title = "Số nhỏ được ẩn"
        title = f' title="{_esc(title)}"' if title else ""
        badge = (f' <span class="badge text-bg-{self.colour} status-badge">{_esc(self.status_label)}</span>'
                 if self.badge else "")
        target = f'<div class="small text-muted">CT: {_esc(self.target)}</div>' if self.target else ""
        return mark_safe(  # every variable part is escaped above or here
            f'<a class="dash-cell" href="{_esc(self.link)}" data-code="{self.indicator.code}"'
            f'{title}><span class="fw-semibold">{_esc(self.text)}</span>{badge}</a>{target}')

    @property
    def bad(self) -> bool:
        return self.judgement is not None and self.judgement.status in BAD


@dataclass
class Row:
    unit_id: int
    name: str
    level: str
    # The cells and the row's own scorecard (drill-down), built when first asked: a page shows 20 of 126 rows.
    make_cells: functools.partial | None = None
    link_to: functools.partial | None = None
    code: str = ""  # the unit's code, for `?don-vi=` (core.pickers)

    @functools.cached_property
    def cells(self) -> list[Cell]:
        return self.make_cells() if self.make_cells is not None else []

    @functools.cached_property
    def link(self) -> str:
        return self.link_to() if self.link_to is not None else ""

    def cells_html(self) -> str:
        return mark_safe("".join(f"<td>{c.html()}</td>" for c in self.cells))  # each part escaped in Cell.html

    @property
    def bad_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.bad]

    @property
    def behind_count(self) -> int:
        return sum(1 for c in self.bad_cells if c.judgement.status == "cham")

    @property
    def missed_count(self) -> int:
        return sum(1 for c in self.bad_cells if c.judgement.status == "khong_dat")


@dataclass
class Scorecard:
    focus: Focus
    period: Period
    groups: list[tuple[str, list[Indicator]]]
    rows: list[Row]
    total: Row | None

    @property
    def indicators(self) -> list[Indicator]:
        return [i for _label, members in self.groups for i in members]

    @property
    def any_masked(self) -> bool:
        return any(c.masked for row in [*self.rows, *([self.total] if self.total else [])] for c in row.cells)


def _value(values: dict, unit_id: int, indicator: Indicator) -> engine.Value | None:
    value = values.get(unit_id)
    if value is None and indicator.metric == "count":
        return engine.Value(0)  # a count without records is zero
    return value


def scorecard(focus: Focus, period: Period, today: datetime.date, codes: list[str] | None = None, *,
              own_commune: AdminUnit | None = None) -> Scorecard:
    """The focus unit's rows and total; sensitive figures are hidden for a seat outside the commune
    (`own_commune`: the commune the seat sits in, see own_commune()), decided by _hidden on every row's value.
    A row's cells are built when first asked (the page shows 20 rows; Excel and the leader's page all)."""
    groups = ordered_indicators()
    if codes is not None:
        groups = [(label, [i for i in members if i.code in codes]) for label, members in groups]
        groups = [(label, members) for label, members in groups if members]
    indicators = [i for _label, members in groups for i in members]
    codes = [i.code for i in indicators]
    units = focus.children()
    ids = [u.pk for u in units]
    row_level = "province" if focus.level == "country" else "commune"
    year = period.start.year
    row_targets = _targets_panel(codes, row_level, ids, year)
    total, total_values = None, None
    if focus.level == "commune":
        row_values = engine.panel(codes, level="commune", units=ids, period=period)
    else:
        # The rows and the unit's total from the same grouped queries (engine.breakdown).
        row_values, total_values = engine.breakdown(codes, parent=focus.unit, period=period)
    values = {i.code: {u.pk: _value(row_values[i.code], u.pk, i) for u in units} for i in indicators}
    hidden, total_hidden = _hidden(indicators, values, total_values, table=total_values is not None,
                                   unit=focus.unit, own_commune=own_commune)

    def row_cells(unit: AdminUnit) -> list[Cell]:
        return [_cell(i, values[i.code][unit.pk], row_targets.get(i.code, {}).get(unit.pk), period, today,
                      link_to=(functools.partial(records_url, i.code, unit, period) if row_level == "commune"
                               else functools.partial(indicator_url, i.code, unit.pk, period)),
                      hide=(i.code, unit.pk) in hidden)
                for i in indicators]

    # A row opens its own scorecard (a province: its communes; a commune: that commune alone).
    rows = [Row(u.pk, u.name, row_level, make_cells=functools.partial(row_cells, u), code=u.code,
                link_to=functools.partial(scorecard_url, u, period) if focus.level != "commune" else None)
            for u in units]
    if total_values is not None:
        total_targets = _targets_panel(codes, focus.level, [focus.id], year)
        total = Row(focus.id, f"Cộng {focus.name}" if focus.level == "country" else focus.name, focus.level)
        total.cells = [_cell(i, total_values[i.code], total_targets.get(i.code, {}).get(focus.id), period, today,
                             link_to=functools.partial(indicator_url, i.code, focus.id, period),
                             hide=i.code in total_hidden)
                       for i in indicators]
    return Scorecard(focus, period, groups, rows, total)


def _cell(indicator: Indicator, value, target, period: Period, today: datetime.date, *, link_to, hide: bool) -> Cell:
    cell = Cell(indicator, value, target_text(target), target_value=target, link_to=link_to,
                judge=functools.partial(status.judge, indicator, target, value, period, today))
    if hide:
        cell.hide()
    return cell


def _hidden(indicators: list[Indicator], values: dict[str, dict[int, engine.Value | None]],
            total_values: dict | None, *, table: bool, unit: AdminUnit | None, own_commune: AdminUnit | None
            ) -> tuple[set[tuple[str, int]], set[str]]:
    """The small sensitive figures a scorecard hides (indicators/suppression.py), worked out on every row's value:
    ({(code, row unit)}, {codes hidden in the total}). Each column of a table of several units with its
    complementary cell, the total, and a single commune's row for a seat outside it."""
    hidden, total_hidden = set(), set()
    for indicator in indicators:
        if not suppression.applies(indicator, unit=None if table else unit, own_commune=own_commune):
            continue
        column = values[indicator.code]
        hidden |= {(indicator.code, unit_id) for unit_id in suppression.hidden(column, with_total=table)}
        if table and suppression.small(total_values[indicator.code]):
            total_hidden.add(indicator.code)
    return hidden, total_hidden


def export_headers(card: Scorecard) -> list[str]:
    headers = ["Đơn vị"]
    for i in card.indicators:
        headers += [f"{i.name} ({'%' if i.metric == 'percent' else 'số'})", "Chỉ tiêu", "Trạng thái"]
    return headers


def export_rows(card: Scorecard) -> list[list]:
    """The scorecard as a sheet: per indicator the value (rounded to 0,1), the target and the status."""
    out = []
    for row in [*card.rows, *([card.total] if card.total else [])]:
        line = [row.name]
        for c in row.cells:
            value = None if c.value is None or c.value.value is None else round(c.value.value, 1)
            value = c.masked or value  # a hidden figure leaves as its mask, never as a number
            target = c.target_value.excel() if c.target_value is not None else c.target
            line += [value, target, c.status_label]
        out.append(line)
    return out


# --- Links ---------------------------------------------------------------------------------------------------


@functools.cache
def _path(name: str, *args) -> str:
    """reverse() once per name and arguments: a scorecard builds thousands of links."""
    return reverse(name, args=args)


def scorecard_url(unit: AdminUnit | None, period: Period) -> str:
    """The scorecard of a unit (None: the whole country) with the pickers' names (core.pickers)."""
    params = {"don-vi": unit.code} if unit is not None else {}
    return f"{_path('dashboard_scorecard')}?{urlencode({**params, 'ky': period.code})}"


def indicator_url(code: str, unit_id: int, period: Period) -> str:
    base = _path("dashboard_indicator", code, 0)[:-2]  # ".../chi-so/<code>/0/" without "0/": one entry per code
    return f"{base}{unit_id}/?{urlencode({'ky': period.code})}"


def _with(name: str, **params) -> str:
    return f"{_path(name)}?{urlencode(params)}"


# The records behind a commune's number: each indicator opens the existing page of its registry,
# filtered to the commune (and year/period where that page takes one).
RECORDS = {
    "VENUES_INSPECTED": lambda u, p: _with("inspection_coverage_establishments", nam=p.start.year,
                                           **{"don-vi": u.code}, loai="not_visited"),
    "VENUES_MANAGED": lambda u, p: _with("establishment_list", unit=u.pk),
    "TIPS_ON_TIME": lambda u, p: _with("tip_list", unit=u.pk, deadline="overdue"),
    "COMMUNES_WITH_PLAN": lambda u, p: _with("plan_list", unit=u.pk),
    "HOTSPOTS_NEW": lambda u, p: _with("hotspot_list", unit=u.pk),
    "HOTSPOTS_REEMERGED": lambda u, p: _with("hotspot_list", unit=u.pk, reemerged="yes"),
    "CASES_DETECTED": lambda u, p: _with("enforcement_statistics", **{"don-vi": u.code}, ky=p.code),
    "CASES_TRIED": lambda u, p: _with("enforcement_statistics", **{"don-vi": u.code}, ky=p.code),
    "CRIMES_HANDLED": lambda u, p: _with("enforcement_statistics", **{"don-vi": u.code}, ky=p.code),
    "COMM_HAMLETS": lambda u, p: _with("outreach_overview", nam=p.start.year, **{"don-vi": u.code}),
    "COMM_COMMUNES": lambda u, p: _with("outreach_overview", nam=p.start.year, **{"don-vi": u.code}),
    "REACH_VENUE_WORKERS": lambda u, p: _with("outreach_overview", nam=p.start.year, **{"don-vi": u.code}),
    "REACH_INDUSTRIAL_WORKERS": lambda u, p: _with("outreach_overview", nam=p.start.year,
                                                   **{"don-vi": u.code}),
    "REACH_STUDENTS": lambda u, p: _with("outreach_overview", nam=p.start.year, **{"don-vi": u.code}),
    "COMM_SESSIONS": lambda u, p: _with("activity_list", unit=u.pk),
    "PRESS_ITEMS": lambda u, p: _with("activity_list", unit=u.pk),
    "STAFF_TRAINED": lambda u, p: _with("training_overview", nam=p.start.year, **{"don-vi": u.code}),
    "STAFF_TRAINED_PROVINCE": lambda u, p: _with("training_overview", nam=p.start.year, **{"don-vi": u.code}),
    "STAFF_TRAINED_COMMUNE": lambda u, p: _with("training_overview", nam=p.start.year, **{"don-vi": u.code}),
    **{code: (lambda u, p: _with("outreach_overview", nam=p.start.year, **{"don-vi": u.code}))
       for code in ("REACH_RESIDENTS", "REACH_OFFICIALS", "REACH_HIGH_RISK")},
    "COMMITMENTS_SIGNED": lambda u, p: _with("commitment_list", **{"don-vi": u.code}),
    "COMMUNES_INTEGRATING": lambda u, p: _with("integration_list", **{"don-vi": u.code}),
}


def records_url(code: str, unit: AdminUnit, period: Period) -> str:
    """The records behind a commune's number, or the indicator page when no registry page fits."""
    builder = RECORDS.get(code)
    return builder(unit, period) if builder else indicator_url(code, unit.pk, period)


# --- One indicator: trend, forecast, breakdown ---------------------------------------------------------------


@dataclass
class Trend:
    indicator: Indicator
    year: int
    labels: list[str]
    monthly: list[float | None]  # counts in each month (counts only)
    cumulative: list[float | None]  # year to date at each month end (count or %); None for future months
    target: float | None
    target_label: str
    judgement: object | None
    forecast: object | None
    verdict: str
    value_text: str = "—"
    # Hidden small figures (indicators/suppression.py): {month index: mask}; the series above hold None there.
    masked_monthly: dict[int, str] = dataclasses.field(default_factory=dict)
    masked_cumulative: dict[int, str] = dataclasses.field(default_factory=dict)

    @property
    def any_masked(self) -> bool:
        return bool(self.masked_monthly or self.masked_cumulative)

    @property
    def rows(self) -> list[dict]:
        return [{"label": label, "monthly": self.masked_monthly.get(i, self.monthly[i]),
                 "cumulative": self.masked_cumulative.get(i, self.cumulative[i])}
                for i, label in enumerate(self.labels)]

    def table(self) -> list[list]:
        return [[r["label"], r["monthly"], r["cumulative"], self.target] for r in self.rows]

    def chart(self) -> dict:
        data = {"labels": self.labels, "metric": self.indicator.metric, "monthly": self.monthly,
                "cumulative": self.cumulative, "target": self.target}
        if self.forecast is not None:
            data["forecast"] = {"expected": self.forecast.expected, "low": self.forecast.low,
                                "high": self.forecast.high}
        return data


def _month_end(year: int, month: int) -> datetime.date:
    return (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1))


def trend(indicator: Indicator, focus: Focus, year: int, today: datetime.date, *,
          own_commune: AdminUnit | None = None) -> Trend:
    ids = None if focus.level == "country" else [focus.id]
    months = [m for m in range(1, 13) if datetime.date(year, m, 1) <= today]
    monthly: list[float | None] = [None] * 12
    cumulative: list[float | None] = [None] * 12
    so_far: list[engine.Value | None] = [None] * 12  # the cumulative figures, for suppression
    if indicator.metric == "count":
        try:
            series = engine.monthly_series(indicator, level=focus.level, units=ids, year=year)
        except ValueError:  # a count without a dated registry (entered figures): year to date below
            series = None
        if series is not None:
            running = 0
            for m in months:
                running += series[m - 1]
                monthly[m - 1], cumulative[m - 1] = series[m - 1], running
                so_far[m - 1] = engine.Value(running)
    if indicator.metric != "count" or all(v is None for v in cumulative):
        # Year to date at each month end: one grouped query per month.
        for m in months:
            period = Period(datetime.date(year, 1, 1), _month_end(year, m), "year", str(year))
            value = _value(engine.compute(indicator, level=focus.level, units=ids, period=period), focus.id, indicator)
            cumulative[m - 1] = round(value.value, 1) if value and value.value is not None else None
            so_far[m - 1] = value
    year_period = Period.parse(str(year))
    target = _targets(indicator.code, focus.level, [focus.id], year).get(focus.id)
    values = engine.compute(indicator, level=focus.level, units=ids, period=year_period)
    value = _value(values, focus.id, indicator)
    judgement = status.judge(indicator, target, value, year_period, today)
    fc, verdict = None, ""
    if indicator.forecast and indicator.metric == "count":
        fc = forecast.forecast(indicator.code, level=focus.level, units=ids, year=year, today=today)
        if fc is not None:
            verdict = fc.verdict(target)
    result = Trend(indicator, year, [f"Th{m}" for m in range(1, 13)], monthly, cumulative,
                   float(target.value) if target is not None and target.value is not None else None,
                   target_text(target), judgement, fc, verdict, display_value(value, indicator))
    if suppression.applies(indicator, unit=focus.unit, own_commune=own_commune):
        _suppress_trend(result, so_far, value, months)
    return result


def _suppress_trend(trend: Trend, values: list, year_value, months: list[int]) -> None:
    """Hide the small figures of a trend (indicators/suppression.py) in its table, chart data and export.

    Cumulative values are hidden when small or when they rose by 1–4 since the last one shown; a month's
    own count is shown only when it and the month before are shown (else it is a difference of the two).
    The year's figure, which is the last month's, follows it; its status and forecast go with it.
    """
    hide = suppression.hidden_series(values)
    for i in hide:
        trend.masked_cumulative[i] = suppression.label(values[i])
        trend.cumulative[i] = None
    for i, month in enumerate(trend.monthly):
        if month is not None and (i in hide or (i > 0 and i - 1 in hide)):
            trend.masked_monthly[i] = suppression.MASK if 0 < month < suppression.THRESHOLD else suppression.HIDDEN
            trend.monthly[i] = None
    last = months[-1] - 1 if months else None
    if suppression.small(year_value) or (last is not None and last in hide):
        trend.value_text = suppression.label(year_value)
        trend.judgement, trend.forecast, trend.verdict = None, None, ""


# --- Leader's page --------------------------------------------------------------------------------------------


def worst_rows(card: Scorecard, n: int = 5) -> list[Row]:
    """The units with the most indicators behind or missed (ties by name)."""
    bad = [r for r in card.rows if r.bad_cells]
    return sorted(bad, key=lambda r: (-len(r.bad_cells), r.name))[:n]


def overdue_tips(membership, focus: Focus, today: datetime.date) -> int:
    from pcmd.tips import selectors as tips

    visible = tips.visible(membership)
    if focus.unit is not None:
        visible = within(visible, focus.unit)
    return tips.overdue(visible, today).count()


# --- Services by kind (SUPPORT_SERVICES) ----------------------------------------------------------------------


@dataclass
class KindRow:
    label: str
    count: int | None
    masked: str = ""

    @property
    def text(self) -> str:
        return self.masked or fmt(self.count)


def kind_table(indicator: Indicator, focus: Focus, period: Period, *, own_commune: AdminUnit | None = None
               ) -> tuple[list[KindRow], KindRow] | None:
    """SUPPORT_SERVICES of the focus unit split by kind of service ((rows, total)), None for other indicators;
    the same rows as the engine's count (computations/support.services_by_kind), small counts hidden."""
    if indicator.code != "SUPPORT_SERVICES":
        return None
    from pcmd.indicators.computations.support import services_by_kind
    from pcmd.support.models import ServiceKind

    by = "unit" if focus.level == "commune" else "province"
    counts: dict[str, int] = {}
    for per_kind in services_by_kind(period, by, None if focus.level == "country" else [focus.id]).values():
        for kind, n in per_kind.items():
            counts[kind] = counts.get(kind, 0) + n
    rows = [KindRow(label, counts.get(kind, 0)) for kind, label in ServiceKind.choices]
    total = KindRow("Cộng", sum(counts.values()))
    if suppression.applies(indicator, unit=focus.unit, own_commune=own_commune):
        values = {i: engine.Value(r.count) for i, r in enumerate(rows)}
        for i in suppression.hidden(values, with_total=True):
            rows[i].masked, rows[i].count = suppression.label(values[i]), None
        if suppression.small(engine.Value(total.count)):
            total.masked, total.count = suppression.MASK, None
    return rows, total
