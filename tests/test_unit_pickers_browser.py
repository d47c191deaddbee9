"""The unit search box in real Chromium: a national seat types a commune's name, picks it, saves; a failed save
shows the chosen commune by name again. No Content-Security-Policy violation (the fixture checks)."""

import pytest

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_seat_picks_a_commune_by_name(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.venues.models import Establishment, EstablishmentType

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    commune = bach_dang()
    member_factory("b.national", None, Role.COORDINATOR)
    page = browser_page
    page.goto(f"{live_server.url}/co-so-kinh-doanh/them/")
    page.fill("#id_username", "b.national")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#id_unit[role=combobox]")
    assert page.locator("#id_unit_ma").get_attribute("type") == "hidden"
    page.fill("#id_unit", "bach dang")
    option = page.locator(f".unit-picker-list [data-code='{commune.code}']")
    option.wait_for()
    shot(page, "unit-picker-01-suggestions")
    option.click()
    assert page.input_value("#id_unit_ma") == commune.code
    assert page.input_value("#id_unit") == commune.label
    # A failed save (no name) keeps the commune, shown by name.
    page.select_option("#id_type", str(EstablishmentType.objects.get(code="karaoke").pk))
    page.fill("#id_address", "Số 3 Lạch Tray")
    page.click("#save-button")
    page.wait_for_selector(".invalid-feedback, .is-invalid")
    assert page.input_value("#id_unit") == commune.label and page.input_value("#id_unit_ma") == commune.code
    shot(page, "unit-picker-02-kept")
    page.fill("#id_name", "Karaoke Trình Duyệt Chọn Xã")
    page.click("#save-button")
    page.wait_for_url("**/co-so-kinh-doanh/*/")
    assert Establishment.objects.get(name="Karaoke Trình Duyệt Chọn Xã").unit == commune
