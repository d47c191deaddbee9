"""Issue 12, defect 12: national list pages do not render every commune and agency of the country.

The admin's tip list was a 3 MB page with a 37,212-option agency filter: a list filter whose unit or agency
choices number more than core.pickers.PICKER_LIMIT is a search box (the unit's code, the agency's number), fed by
/don-vi/goi-y/ and /co-quan/goi-y/, which answer only what the member's scope holds.
"""

import pytest
from django.urls import reverse

from pcmd.org.models import Agency, Role
from pcmd.tips.models import Tip

pytestmark = pytest.mark.django_db

MAX_OPTIONS = 300


@pytest.fixture
def national(member_factory):
    return member_factory("nl.national", None, Role.COORDINATOR)


def _input(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[page.rindex("<input", 0, start):page.index(">", start)]


@pytest.mark.parametrize("listing", ["tip_list", "agency_list", "plan_list", "establishment_list", "visit_list",
                                     "team_list", "hotspot_list", "activity_list"])
def test_national_lists_search_units_and_agencies(listing, national, login):
    page = login(national).get(reverse(listing)).content.decode()
    assert page.count("<option") <= MAX_OPTIONS, page.count("<option")
    assert len(page) < 150_000, len(page)


def test_tip_list_filters_by_a_searched_agency_and_commune(national, login, bach_dang):
    client = login(national)
    page = client.get(reverse("tip_list")).content.decode()
    assert 'data-unit-picker="/co-quan/goi-y/?trong="' in _input(page, "assigned_agency")
    assert 'data-unit-picker="/don-vi/goi-y/?cap=commune' in _input(page, "unit")
    tip = Tip.objects.filter(assigned_agency__isnull=False, unit=bach_dang).first()
    response = client.get(reverse("tip_list"), {"assigned_agency": tip.assigned_agency_id, "unit": bach_dang.code})
    shown = list(response.context["page"].object_list)
    assert shown and {t.assigned_agency_id for t in shown} == {tip.assigned_agency_id}
    assert tip.assigned_agency.name in _input(response.content.decode(), "assigned_agency") or \
        tip.assigned_agency.name in response.content.decode()


def test_province_seat_searches_its_thousand_agencies(member_factory, hai_phong, login):
    assert Agency.objects.filter(province=hai_phong).count() > 200
    page = login(member_factory("nl.city", hai_phong, Role.COORDINATOR)).get(reverse("tip_list")).content.decode()
    assert "data-unit-picker" in _input(page, "assigned_agency")
    assert page.count("<option") <= MAX_OPTIONS


def test_agency_suggestions_stay_in_scope(national, owner, login, bach_dang, ninh_binh_commune):
    url = reverse("agency_pick")
    found = login(national).get(url, {"q": "cong an bach dang"}).json()["results"]
    police = Agency.objects.get(unit=bach_dang, kind__code="cong-an-xa")
    assert str(police.pk) in {a["code"] for a in found}
    commune = login(owner)
    mine = commune.get(url, {"q": "cong an"}).json()["results"]
    assert mine and {Agency.objects.get(pk=a["code"]).unit_id for a in mine} == {bach_dang.pk}
    assert commune.get(url, {"q": ninh_binh_commune.name}).json()["results"] == []
    assert commune.get(url, {"trong": ninh_binh_commune.code, "q": "cong an"}).status_code == 404
    assert commune.get(url, {"q": "c"}).json()["results"] == []


def test_an_agency_outside_scope_is_refused_in_the_filter(member_factory, hai_phong, ninh_binh_commune, login):
    other = Agency.objects.filter(unit=ninh_binh_commune).first()
    response = login(member_factory("nl.city2", hai_phong, Role.COORDINATOR)).get(
        reverse("tip_list"), {"assigned_agency": other.pk})
    assert response.status_code == 200
    assert "Không có cơ quan này trong phạm vi của bạn" in response.content.decode()


def test_tip_transfer_and_assign_pages_are_small_for_a_national_seat(national, login, bach_dang):
    client = login(national)
    tip = Tip.objects.filter(unit=bach_dang, status__in=["received", "verifying", "classified"],
                             transfer_to__isnull=True).first()
    response = client.get(reverse("tip_action", args=[tip.pk, "chuyen"]))
    page = response.content.decode()
    assert response.status_code == 200 and page.count("<option") <= MAX_OPTIONS
    assert 'data-unit-picker="/don-vi/goi-y/?cap=commune' in _input(page, "to_unit")
    neighbour = Tip.objects.exclude(unit=bach_dang).filter(unit__province=bach_dang.province).first().unit
    response = client.post(reverse("tip_action", args=[tip.pk, "chuyen"]),
                           {"to_unit": neighbour.code, "reason": "Thuộc địa bàn xã bên"})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.transfer_to == neighbour


def test_risk_plan_page_shows_its_list_by_pages(national, login, monkeypatch, hai_phong):
    from django.utils import timezone

    from pcmd.inspections import views

    monkeypatch.setattr(views, "PLAN_PAGE_SIZE", 2)
    client = login(national)
    query = {"unit": hai_phong.code, "year": timezone.localdate().year, "target": 100}
    response = client.get(reverse("risk_plan"), query)
    plan = response.context["plan"]
    assert plan.needed > 2
    rows = response.content.decode().split('id="plan-table"')[1].split("</table>")[0].count("<tr>")
    assert rows == 1 + 2  # the header and one page
    second = client.get(reverse("risk_plan"), {**query, "page": 2}).context["page"]
    assert [i.establishment.pk for i in second] == [i.establishment.pk for i in plan.items[2:4]]
    assert "(tính khi có phân hệ tin báo)" not in response.content.decode()
