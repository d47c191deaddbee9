"""In Chromium, on a phone-sized screen: create an establishment, record a visit with a violation and a fine,
and watch the commune's inspection coverage change."""

import pytest

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401  (the fixture is used by name)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def coverage_numbers(page, url):
    page.goto(f"{url}/do-bao-phu-kiem-tra/")
    return int(page.inner_text("#coverage-operating").replace(".", "")), \
        int(page.inner_text("#coverage-visited").replace(".", ""))


def test_establishment_visit_violation_fine_coverage(live_server, browser_page, member_factory):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.inspections.models import ViolationType, Visit
    from pcmd.org.models import Role
    from pcmd.venues.models import Establishment

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    member_factory("b.doi178", bach_dang(), Role.COORDINATOR, "phong-vhxh")
    page, url = browser_page, live_server.url

    page.goto(f"{url}/do-bao-phu-kiem-tra/")
    page.fill("#id_username", "b.doi178")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_url(f"{url}/do-bao-phu-kiem-tra/")
    operating, visited = coverage_numbers(page, url)
    shot(page, "inspection-01-coverage-before")

    page.goto(f"{url}/co-so-kinh-doanh/them/")
    page.fill("#id_name", "Karaoke Trình Duyệt")
    page.select_option("#id_type", label="Karaoke")
    page.fill("#id_address", "Số 9 Lê Thánh Tông")
    page.fill("#id_workers_total", "12")
    page.click("#save-button")
    page.wait_for_url("**/co-so-kinh-doanh/*/")
    place = Establishment.objects.get(name="Karaoke Trình Duyệt")
    assert coverage_numbers(page, url) == (operating + 1, visited)

    page.goto(f"{url}/luot-kiem-tra/them/")
    page.select_option("#id_establishment", value=str(place.pk))
    page.select_option("#id_result", value="violations")
    page.select_option("#id_violations-0-type", value=str(ViolationType.objects.get(code="luu-tru").pk))
    page.fill("#id_violations-0-note", "Không ghi sổ lưu trú")
    page.select_option("#id_sanctions-0-kind", value="fine")
    page.fill("#id_sanctions-0-amount", "-1000")
    page.click("#save-button")
    assert page.locator("#form-errors").is_visible()
    assert "không được âm" in page.inner_text("#sanctions-block")
    assert page.input_value("#id_violations-0-note") == "Không ghi sổ lưu trú"  # nothing typed is lost
    shot(page, "inspection-02-negative-fine")
    page.fill("#id_sanctions-0-amount", "7500000")
    page.click("#save-button")
    page.wait_for_url("**/luot-kiem-tra/*/")
    assert "7.500.000" in page.inner_text("#visit-sanctions")
    assert "Không ghi sổ lưu trú" in page.inner_text("#visit-violations")
    shot(page, "inspection-03-visit")
    visit = Visit.objects.get(establishment=place)
    assert visit.sanctions.get().amount == 7_500_000

    assert coverage_numbers(page, url) == (operating + 1, visited + 1)
    shot(page, "inspection-04-coverage-after")
