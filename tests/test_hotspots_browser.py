"""In Chromium: a police officer suppresses a hotspot, sees it on the timeline, then opens the statistics chart."""

import pytest
from django.utils import timezone

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suppress_a_hotspot_and_see_the_statistics(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.hotspots.models import Hotspot
    from pcmd.org.models import Role

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    member_factory("b.police", bach_dang(), Role.POLICE_OFFICER, "cong-an-xa")
    hotspot = Hotspot.objects.filter(unit=bach_dang(), status="active").order_by("pk").first()
    page = browser_page

    page.goto(f"{live_server.url}/diem-phuc-tap/{hotspot.pk}/")
    page.fill("#id_username", "b.police")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.click("text=Triệt xóa")
    page.fill("#id_date", "")
    page.click("#save-button")
    assert "Hãy nhập ngày." in page.inner_text("main")
    page.fill("#id_date", timezone.localdate().isoformat())
    page.fill("#id_method", "Tuần tra, lập biên bản, yêu cầu ký cam kết")
    page.click("#save-button")
    assert page.inner_text("#hotspot-status") == "Đã triệt xóa"
    assert "Tuần tra, lập biên bản" in page.inner_text("#hotspot-timeline")
    shot(page, "hotspot-suppressed")

    page.goto(f"{live_server.url}/diem-phuc-tap/thong-ke/?period={timezone.localdate().year}")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))")
    assert "Triệt xóa" in page.inner_text("#hotspot-stats thead")
    shot(page, "hotspot-statistics")
