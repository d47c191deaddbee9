"""One unit picker and one period/year picker (core.pickers) with one set of names: don-vi (a unit code),
ky (a period code), nam (a year). Old names (unit, period, year, a pk in don-vi) answer 301 to the
canonical URL; a unit outside the user's scope is 404; junk in ky/nam is a Vietnamese message, not a 500."""

import pytest
from django.urls import reverse

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db

PERIOD_PAGES = ["dashboard", "dashboard_scorecard", "dashboard_overview", "hotspot_statistics",
                "enforcement_statistics", "tip_deadlines", "datavalue_entry", "indicator_completeness"]
YEAR_PAGES = ["outreach_overview", "training_overview", "inspection_coverage", "plan_coverage"]
UNIT_PAGES = [p for p in PERIOD_PAGES + YEAR_PAGES if p != "tip_deadlines"]  # the deadline page has no unit


@pytest.fixture
def national(member_factory):
    return member_factory("pk.national", None, Role.COORDINATOR)


@pytest.fixture
def province_member(member_factory, hai_phong):
    return member_factory("pk.province", hai_phong, Role.COORDINATOR)


@pytest.mark.parametrize("page", PERIOD_PAGES)
def test_period_pages_take_ky_and_offer_vietnamese_labels(page, verified_login, national, hai_phong):
    response = verified_login(national).get(reverse(page), {"don-vi": hai_phong.code, "ky": "2025Q3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="pickers"' in html and 'name="ky"' in html
    assert '<option value="2025Q3" selected>Quý III năm 2025</option>' in html
    assert "6 tháng đầu năm" in html
    assert response.context["picker"]["period"].code == "2025Q3"


@pytest.mark.parametrize("page", YEAR_PAGES)
def test_year_pages_take_nam_and_don_vi(page, verified_login, national, hai_phong):
    response = verified_login(national).get(reverse(page), {"don-vi": hai_phong.code, "nam": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="pickers"' in html and '<option value="2025" selected>2025</option>' in html
    assert f'<option value="{hai_phong.code}" selected>{hai_phong.name}</option>' in html


@pytest.mark.parametrize("page", UNIT_PAGES)
def test_unit_outside_scope_is_404(page, verified_login, province_member):
    other = AdminUnit.objects.filter(level=Level.PROVINCE, code="37").get()
    assert verified_login(province_member).get(reverse(page), {"don-vi": other.code}).status_code == 404


@pytest.mark.parametrize("page", PERIOD_PAGES)
@pytest.mark.parametrize("junk", ["2026Q9", "abc", "99999", "²⁰²⁶"])
def test_junk_period_is_a_vietnamese_message(page, junk, verified_login, national):
    response = verified_login(national).get(reverse(page), {"ky": junk})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode() or "nằm ngoài" in response.content.decode()


@pytest.mark.parametrize("page", YEAR_PAGES)
@pytest.mark.parametrize("junk", ["-1", "99999", "12345678901234567890", "năm"])
def test_junk_year_is_a_vietnamese_message(page, junk, verified_login, national):
    response = verified_login(national).get(reverse(page), {"nam": junk})
    assert response.status_code == 200
    assert "Năm" in response.content.decode()
    assert response.context["picker"]["errors"]


# --- Old links redirect (one test per old name) ------------------------------------------------------------------


def test_old_unit_name_redirects_to_the_unit_code(verified_login, national, hai_phong):
    response = verified_login(national).get(reverse("hotspot_statistics"), {"unit": hai_phong.code, "format": "x"})
    assert response.status_code == 301
    assert response["Location"] == f"{reverse('hotspot_statistics')}?format=x&don-vi={hai_phong.code}"


def test_old_dashboard_unit_pk_redirects_to_the_unit_code(verified_login, national, hai_phong):
    response = verified_login(national).get(reverse("dashboard_scorecard"), {"unit": hai_phong.pk, "period": "2025"})
    assert response.status_code == 301
    assert response["Location"] == f"{reverse('dashboard_scorecard')}?don-vi={hai_phong.code}&ky=2025"
    country = verified_login(national).get(reverse("dashboard"), {"unit": "0"})  # 0 was the whole country
    assert country.status_code == 301 and country["Location"] == reverse("dashboard")


def test_old_period_name_redirects(verified_login, national):
    response = verified_login(national).get(reverse("tip_deadlines"), {"period": "2026S1"})
    assert response.status_code == 301 and response["Location"] == f"{reverse('tip_deadlines')}?ky=2026S1"


def test_old_year_and_province_names_redirect(verified_login, national, hai_phong):
    response = verified_login(national).get(reverse("plan_coverage"), {"year": "2025", "province": hai_phong.code})
    assert response.status_code == 301
    assert response["Location"] == f"{reverse('plan_coverage')}?nam=2025&don-vi={hai_phong.code}"


def test_old_pk_in_don_vi_redirects_to_the_code(verified_login, national, bach_dang):
    url = reverse("inspection_coverage")
    response = verified_login(national).get(url, {"nam": "2025", "don-vi": bach_dang.pk})
    assert response.status_code == 301 and response["Location"] == f"{url}?nam=2025&don-vi={bach_dang.code}"


def test_old_pk_outside_scope_is_404(verified_login, province_member):
    other = AdminUnit.objects.get(level=Level.PROVINCE, code="37")
    response = verified_login(province_member).get(reverse("inspection_coverage"), {"don-vi": other.pk})
    assert response.status_code == 404


def test_canonical_url_is_not_redirected(verified_login, national, hai_phong):
    response = verified_login(national).get(reverse("inspection_coverage"), {"don-vi": hai_phong.code})
    assert response.status_code == 200
