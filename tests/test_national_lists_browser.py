"""Issue 12, defect 12 in real Chromium: the national admin's tip list filters by an agency searched by name
(37,211 agencies are not an <option> list). No Content-Security-Policy violation (the fixture checks)."""

import pytest

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_seat_filters_tips_by_an_agency_typed_by_name(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Agency, Role
    from pcmd.tips.models import Tip

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    police = Agency.objects.get(unit=bach_dang(), kind__code="cong-an-xa")
    assert Tip.objects.filter(assigned_agency=police).exists()
    member_factory("b.national.tips", None, Role.COORDINATOR)
    page = browser_page
    page.goto(f"{live_server.url}/tin-bao/")
    page.fill("#id_username", "b.national.tips")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#id_assigned_agency[role=combobox]")
    assert page.locator("select option").count() < 300
    page.fill("#id_assigned_agency", "cong an bach dang")
    option = page.locator(f".unit-picker-list [data-code='{police.pk}']")
    option.wait_for()
    shot(page, "agency-picker-01-suggestions")
    option.click()
    assert page.input_value("#id_assigned_agency_ma") == str(police.pk)
    page.wait_for_url(f"**assigned_agency={police.pk}**")
    page.wait_for_selector("#crud-table")
    codes = set(Tip.objects.filter(assigned_agency=police).values_list("code", flat=True))
    table = page.inner_text("#crud-table")
    assert any(code in table for code in codes)
    others = Tip.objects.exclude(assigned_agency=police).exclude(assigned_agency__isnull=True).values_list(
        "code", flat=True)
    assert not any(code in table for code in others)
    shot(page, "agency-picker-02-filtered")
