"""A province user in Chromium: scorecard -> a commune -> the records behind a cell; an indicator's chart and table.

Screenshots go to test-artifacts/screenshots/dashboard-*.png.
"""

import pytest

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scorecard_drill_down_and_indicator_chart(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import seed
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.org.models import Role

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    province = AdminUnit.objects.get(code="31")
    member_factory("d.province", province, Role.COORDINATOR, "phong-vhxh")
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/bang-dieu-hanh/bang-diem/")
    page.fill("#id_username", "d.province")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#scorecard")
    assert province.name in page.inner_text("h1")
    assert page.locator("#total-row").count() == 1
    shot(page, "dashboard-01-scorecard-province")

    # Drill down: a commune row opens that commune's scorecard.
    first = page.locator("#scorecard tbody a.drill-unit").first
    commune_name = first.inner_text()
    first.click()
    page.wait_for_selector("#scorecard")
    assert commune_name in page.inner_text("h1")
    commune = AdminUnit.objects.get(name=commune_name, province=province, level=Level.COMMUNE)
    assert page.locator("#scorecard tbody tr").count() == 1
    shot(page, "dashboard-02-scorecard-commune")

    # A commune cell opens the records behind the number: establishments not inspected in the year.
    page.locator('#scorecard tbody a.dash-cell[data-code="VENUES_INSPECTED"]').click()
    page.wait_for_url(f"**/do-bao-phu-kiem-tra/co-so/**don-vi={commune.code}**")
    shot(page, "dashboard-03-records-behind")

    # An indicator: the chart canvas, then the table view.
    page.goto(f"{live_server.url}/bang-dieu-hanh/chi-so/CASES_DETECTED/{province.pk}/")
    page.wait_for_selector("#trend-chart")
    page.wait_for_function("typeof Chart !== 'undefined' && Chart.getChart('trend-chart') !== undefined")
    assert page.is_visible("#trend-chart") and not page.is_visible("#trend-table")
    shot(page, "dashboard-04-indicator-chart")
    page.click("#show-table")
    assert page.is_visible("#trend-table") and not page.is_visible("#trend-chart")
    assert "Th12" in page.inner_text("#trend-table")
    shot(page, "dashboard-05-indicator-table")

    # The leader's page prints from a button wired in pcmd.js (no inline onclick under the CSP).
    page.goto(f"{live_server.url}/bang-dieu-hanh/")
    page.evaluate("window.print = () => { window.pcmdPrinted = true; }")
    page.click("[data-pcmd-print]")
    assert page.evaluate("window.pcmdPrinted === true")

    page.goto(f"{live_server.url}/bang-dieu-hanh/")
    page.wait_for_selector(".dash-card")
    shot(page, "dashboard-06-leader")
