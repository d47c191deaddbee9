"""In Chromium: a ward officer logs an activity with hamlets and audiences and sees the ward's reach change."""

import pytest
from django.utils import timezone

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reached(page, code: str) -> int:
    cell = page.locator(f'#reach-table tr[data-code="{code}"] td').nth(1).inner_text()
    return int(cell.replace(".", "").replace("—", "0"))


def test_log_an_activity_and_see_the_reach_change(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.outreach.models import Activity

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    member_factory("b.ward", bach_dang(), Role.COORDINATOR, "phong-vhxh")
    page = browser_page
    year = timezone.localdate().year

    page.goto(f"{live_server.url}/tuyen-truyen/tinh-hinh/?nam={year}")
    page.fill("#id_username", "b.ward")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-outreach-chart]'))")
    before = reached(page, "REACH_VENUE_WORKERS")
    shot(page, "outreach-overview")

    page.click("#new-activity")
    page.select_option("#id_kind", label="Tuyên truyền trực tiếp tại cơ sở kinh doanh dịch vụ")
    page.fill("#id_topic", "Tuyên truyền trách nhiệm của chủ cơ sở")
    page.check("#hamlet-boxes input[type=checkbox] >> nth=0")
    page.fill("#id_reach_est_workers", "-4")
    page.click("#save-button")
    assert "Không được là số âm." in page.inner_text("#audience-table")
    assert page.input_value("#id_topic") == "Tuyên truyền trách nhiệm của chủ cơ sở"  # nothing lost
    page.fill("#id_reach_est_workers", "17")
    shot(page, "outreach-quick-entry")
    page.click("#save-button")
    assert "Đã thêm" in page.inner_text("main")
    activity = Activity.objects.get(topic="Tuyên truyền trách nhiệm của chủ cơ sở")
    assert activity.reach_est_workers == 17 and activity.hamlets.count() == 1

    page.goto(f"{live_server.url}/tuyen-truyen/tinh-hinh/?nam={year}")
    assert reached(page, "REACH_VENUE_WORKERS") == before + 17
