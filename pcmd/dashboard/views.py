"""Dashboards: the leader's page, the scorecard, one indicator's trend, the province overview.

Thin views: the focus unit is checked against the membership (404 outside it), the numbers come
from selectors (the indicator engine, computed on every request).
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from pcmd.core import pickers
from pcmd.core.exports import xlsx_response
from pcmd.core.scoping import module_view
from pcmd.indicators import suppression
from pcmd.indicators.catalogue import BY_CODE

from . import selectors


def _context(request):
    """(focus, period, today, picker context) shared by every dashboard page."""
    today = timezone.localdate()
    focus = selectors.resolve_focus(request.membership, pickers.unit_code(request))
    period, error = pickers.period_from_request(request, today=today)
    home = selectors.home_unit(request.membership)
    picker = pickers.picker(units=selectors.picker_units(request.membership, focus), unit=focus.unit,
                            all_label=home.name if home is not None else "Toàn quốc", period=period,
                            errors=[error], today=today)
    ctx = {"focus": focus, "period": period, "period_error": error, "picker": picker, "today": today,
           "home": home, "own_commune": selectors.own_commune(request.membership),
           "suppression_note": suppression.NOTE}
    return focus, period, today, ctx


@pickers.canonical_params(legacy_unit_pk=True)
@module_view("dashboard", "view")
def leader(request):
    """The leader's one page: the unit's indicators as cards, overdue tips, the worst units."""
    focus, period, today, ctx = _context(request)
    card = selectors.scorecard(focus, period, today, own_commune=ctx["own_commune"])
    summary = card.total or (card.rows[0] if card.rows else None)
    ctx.update(card=card, summary=summary, worst=selectors.worst_rows(card) if card.total else [],
               overdue_tips=selectors.overdue_tips(request.membership, focus, today))
    return render(request, "dashboard/leader.html", ctx)


@pickers.canonical_params(legacy_unit_pk=True)
@module_view("dashboard", "view")
def scorecard(request):
    """The grid of units × indicators. On screen a big province is shown in pages of rows (`trang`) and, when
    asked, one group of indicators (`nhom`), so a phone receives a small page; Excel has every row and column."""
    focus, period, today, ctx = _context(request)
    xlsx = request.GET.get("format") == "xlsx"
    groups = selectors.ordered_indicators()
    chosen = _int_param(request, "nhom", 1, len(groups)) if not xlsx else None
    codes = [i.code for i in groups[chosen - 1][1]] if chosen else None
    card = selectors.scorecard(focus, period, today, codes=codes, own_commune=ctx["own_commune"])
    if xlsx:
        return xlsx_response(title=f"Bảng điểm {period.code}", headers=selectors.export_headers(card),
                             rows=selectors.export_rows(card), filename=f"bang-diem-{focus.id}-{period.code}",
                             freeze_columns=1)
    row_count = len(card.rows)
    pages = max(1, -(-row_count // selectors.SCORECARD_PAGE_ROWS))
    page = _int_param(request, "trang", 1, pages) or 1
    first = (page - 1) * selectors.SCORECARD_PAGE_ROWS
    card.rows = card.rows[first:first + selectors.SCORECARD_PAGE_ROWS]  # figures and masks computed on all rows
    base = {k: v for k, v in (("don-vi", focus.code), ("ky", period.code)) if v}
    ctx.update(card=card, group_links=[
        (label, urlencode({**base, "nhom": n}), n == chosen) for n, (label, _members) in enumerate(groups, 1)],
        all_groups_link=urlencode(base), chosen_group=chosen,
        page_links=[(n, urlencode({**base, **({"nhom": chosen} if chosen else {}), "trang": n}), n == page)
                    for n in range(1, pages + 1)] if pages > 1 else [],
        first_row=first + 1, last_row=first + len(card.rows), row_count=row_count)
    return render(request, "dashboard/scorecard.html", ctx)


def _int_param(request, name: str, low: int, high: int) -> int | None:
    """A whole number in [low, high] from the query string, None when absent or anything else (never a 500)."""
    raw = (request.GET.get(name) or "").strip()
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


@pickers.canonical_params
@module_view("dashboard", "view")
def indicator(request, code, unit_id):
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    today = timezone.localdate()
    focus = selectors.resolve_focus(request.membership, unit_id, by="pk")
    period, error = pickers.period_from_request(request, today=today)
    own = selectors.own_commune(request.membership)
    trend = selectors.trend(indicator, focus, period.start.year, today, own_commune=own)
    if request.GET.get("format") == "xlsx":
        value_label = "Tỷ lệ lũy kế (%)" if indicator.metric == "percent" else "Lũy kế"
        return xlsx_response(
            title=indicator.code, headers=["Tháng", "Trong tháng", value_label, "Chỉ tiêu"],
            rows=trend.table(), filename=f"{indicator.code.lower()}-{focus.id}-{trend.year}")
    breakdown = None
    if focus.child_level is not None:
        breakdown = selectors.scorecard(focus, period, today, codes=[code], own_commune=own)
    return render(request, "dashboard/indicator.html", {
        "indicator": indicator, "focus": focus, "period": period, "period_error": error,
        "picker": pickers.picker(period=period, errors=[error], today=today), "trend": trend,
        "chart": trend.chart(), "trend_colour": selectors.colour(trend.judgement) if trend.judgement else "",
        "breakdown": breakdown, "home": selectors.home_unit(request.membership),
        "scorecard_url": selectors.scorecard_url(focus.unit, period),
        "kinds": selectors.kind_table(indicator, focus, period, own_commune=own),
        "suppression_note": suppression.NOTE,
    })


@pickers.canonical_params(legacy_unit_pk=True)
@module_view("dashboard", "view")
def overview(request):
    """A province: which communes issued a plan for the year, and which indicators each is behind on."""
    from pcmd.plans import derive

    focus, period, today, ctx = _context(request)
    if focus.level == "country":
        ctx["provinces"] = selectors.Focus(None).children()
        return render(request, "dashboard/overview.html", ctx)
    card = selectors.scorecard(focus, period, today, own_commune=ctx["own_commune"])
    within_unit = focus.unit if focus.level == "commune" else None
    coverage = derive.plan_coverage(province=focus.province, year=period.start.year, within_unit=within_unit)
    plans = {r.pk: r for r in coverage.rows}
    ctx.update(card=card, coverage=coverage,
               rows=[(row, plans.get(row.unit_id)) for row in card.rows])
    return render(request, "dashboard/overview.html", ctx)
