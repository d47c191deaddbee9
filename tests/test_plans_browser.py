"""The review screen in real Chromium (a phone): an item under the finger highlights its source lines."""

import pytest

from .conftest import PASSWORD
from .test_browser import SHOTS, browser_page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_highlights_source_lines_and_saves_a_correction(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.plans.models import Plan

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    member_factory("r.owner", bach_dang(), Role.COORDINATOR, "phong-vhxh")
    plan = Plan.objects.get(unit=bach_dang(), source_name="ward-bach-dang-haiphong-2026.txt")
    target = plan.targets.exclude(line_start=None).filter(metric="percent").order_by("order").first()
    page = browser_page

    page.goto(f"{live_server.url}/ke-hoach/{plan.pk}/ra-soat/")
    page.fill("#id_username", "r.owner")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector(f"#chi-tieu-{target.pk}")
    assert page.locator(".plan-doc li.is-source").count() == 0
    page.focus(f"#chi-tieu-{target.pk}")
    highlighted = page.locator(".plan-doc li.is-source")
    assert highlighted.count() == target.line_end - target.line_start + 1
    assert highlighted.first.get_attribute("id") == f"L{target.line_start}"
    page.locator(f"#chi-tieu-{target.pk}").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "plan-review-phone.png"))  # the viewport: pinned document + item

    page.click(f"#chi-tieu-{target.pk} a[title='Sửa']")
    page.wait_for_selector("#id_value")
    assert page.locator(".plan-doc li.is-source").count() >= 1  # the form highlights the item's lines too
    page.fill("#id_value", "85")
    page.select_option("#id_indicator", "STAFF_TRAINED")
    page.click("#save-button")
    page.wait_for_selector(".alert-success")
    target.refresh_from_db()
    assert target.value == 85 and target.indicator == "STAFF_TRAINED"
