"""Every unit picker comes from core.scoping (unit_choices): nobody is offered a unit outside their scope.

A commune member is offered their commune and its hamlets only (not the neighbouring commune of the same
city); a city member the city's communes (not another province's); the public form a province's communes.
"""

import pytest
from django.urls import reverse

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(bach_dang):
    return (AdminUnit.objects.filter(province=bach_dang.province, level=Level.COMMUNE, is_active=True)
            .exclude(pk=bach_dang.pk).order_by("code").first())


def _units(response, name="unit"):
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    return set(form.fields[name].queryset)


def _filter_choices(response, name):
    return set(response.context["filterset"].filters[name].queryset)


@pytest.mark.parametrize("create", ["establishment_create", "activity_create", "integration_create",
                                    "staff_member_create", "course_create"])
def test_commune_member_is_offered_their_commune_only(create, owner, login, bach_dang, neighbour):
    units = _units(login(owner).get(reverse(create)))
    assert bach_dang in units and neighbour not in units
    assert all(u.path.startswith(bach_dang.path) for u in units)


@pytest.mark.parametrize("create", ["establishment_create", "activity_create"])
def test_hamlets_offered_are_the_communes_own(create, owner, login, bach_dang, neighbour):
    name = "hamlet" if create == "establishment_create" else "hamlets"
    hamlets = _units(login(owner).get(reverse(create)), name)
    assert hamlets and {h.parent_id for h in hamlets} == {bach_dang.pk}


@pytest.mark.parametrize("listing", ["establishment_list", "activity_list"])
def test_list_filters_offer_the_city_communes_or_the_communes_hamlets(listing, owner, member_factory, hai_phong,
                                                                    ninh_binh_commune, bach_dang, login):
    city = login(member_factory("hp.coord", hai_phong, Role.COORDINATOR))
    communes = _filter_choices(city.get(reverse(listing)), "unit")
    assert bach_dang in communes and ninh_binh_commune not in communes
    assert {u.province_id for u in communes} == {hai_phong.pk}
    hamlets = _filter_choices(login(owner).get(reverse(listing)), "hamlet" if listing == "establishment_list"
                              else "hamlets")
    assert hamlets and {h.parent_id for h in hamlets} == {bach_dang.pk}


def test_public_form_lists_the_chosen_provinces_communes(hai_phong, ninh_binh_commune):
    from pcmd.public.forms import communes

    listed = set(communes(hai_phong))
    assert listed and ninh_binh_commune not in listed and {u.province_id for u in listed} == {hai_phong.pk}


# --- The search box of a national seat (core.pickers.unit_field, geo.views.unit_pick) ------------------------------

MAX_OPTIONS = 300  # a national form lists no unit (and no agency) as an <option>: what is left are small lists


@pytest.fixture
def national(member_factory):
    return member_factory("up.national", None, Role.COORDINATOR)


def _picker_input(page: str, name: str = "unit") -> str:
    start = page.index(f'name="{name}"')
    return page[page.rindex("<input", 0, start):page.index(">", start)]


@pytest.mark.parametrize("create", ["establishment_create", "activity_create", "staff_member_create", "course_create",
                                    "integration_create", "team_create", "round_create", "tip_create", "plan_create",
                                    "agency_create", "commendation_create", "budget_line_create"])
def test_national_create_forms_search_units_instead_of_listing_them(create, national, login):
    response = login(national).get(reverse(create))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<option") <= MAX_OPTIONS, page.count("<option")
    box = _picker_input(page)
    assert 'data-unit-picker="/don-vi/goi-y/?cap=' in box and 'type="text"' in box


def test_enforcement_create_form_searches_units(member_factory, login):
    police = login(member_factory("up.police", None, Role.POLICE_OFFICER))
    for create in ("criminal_case_create", "sanction_record_create"):
        page = police.get(reverse(create)).content.decode()
        assert page.count("<option") <= MAX_OPTIONS and "data-unit-picker" in _picker_input(page)


def test_national_case_worker_forms_search_units(member_factory, verified_login):
    worker = verified_login(member_factory("up.hotro", None, Role.CASE_WORKER))
    for create in ("client_register", "outreach_contact_create"):
        page = worker.get(reverse(create)).content.decode()
        assert page.count("<option") <= MAX_OPTIONS and "data-unit-picker" in _picker_input(page), create


def test_province_and_commune_seats_keep_their_drop_down(owner, member_factory, hai_phong, login, bach_dang):
    city = login(member_factory("up.city", hai_phong, Role.COORDINATOR))
    form = city.get(reverse("establishment_create")).context["form"]
    assert form.fields["unit"].widget.input_type == "select" and bach_dang in form.fields["unit"].queryset


def test_suggestions_are_the_members_unit_choices(national, owner, login, bach_dang, neighbour, ninh_binh_commune):
    url = reverse("unit_pick")
    found = login(national).get(url, {"cap": "commune", "q": "bach dang"}).json()["results"]
    assert bach_dang.code in {u["code"] for u in found}
    assert {"code": bach_dang.code, "label": bach_dang.label} in found
    by_code = login(national).get(url, {"cap": "commune", "q": bach_dang.code}).json()["results"]
    assert [u["code"] for u in by_code] == [bach_dang.code]
    provinces = login(national).get(url, {"cap": "province", "q": "hai phong"}).json()["results"]
    assert {u["code"] for u in provinces} == {"31"}
    commune = login(owner)
    assert commune.get(url, {"cap": "commune", "q": neighbour.name}).json()["results"] == []
    assert commune.get(url, {"cap": "commune", "q": ninh_binh_commune.code}).json()["results"] == []
    assert commune.get(url, {"cap": "commune", "trong": ninh_binh_commune.province.code, "q": "xa"}).status_code == 404
    mine = commune.get(url, {"cap": "commune", "q": bach_dang.name}).json()["results"]
    assert [u["code"] for u in mine] == [bach_dang.code]


def test_suggestions_inside_a_unit_and_junk(national, login, hai_phong, ninh_binh_commune):
    client = login(national)
    url = reverse("unit_pick")
    inside = client.get(url, {"cap": "commune", "trong": hai_phong.code, "q": "phuong"}).json()["results"]
    assert inside and ninh_binh_commune.code not in {u["code"] for u in inside}
    assert all(u["label"].endswith(hai_phong.name) for u in inside)
    for junk in ({"cap": "x' or 1=1", "q": "bach"}, {"cap": "commune", "q": "a"}, {"cap": "commune", "q": "\x00" * 5},
                 {"cap": "commune", "q": "z" * 5000}, {}):
        response = client.get(url, junk)
        assert response.status_code in (200, 400), junk  # NUL bytes: 400 from the middleware
        assert response.status_code == 400 or response.json()["results"] == []
    assert client.get(url, {"cap": "commune", "trong": "khong-co", "q": "ab"}).status_code == 404


def test_anonymous_gets_no_suggestions(client):
    response = client.get(reverse("unit_pick"), {"cap": "commune", "q": "bach dang"})
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def _establishment(**extra):
    from pcmd.venues.models import EstablishmentType

    return {"name": "Karaoke Tìm Đơn Vị", "type": EstablishmentType.objects.get(code="karaoke").pk,
            "status": "operating", "address": "Số 1 Lạch Tray", "workers_total": "2", "workers_female": "1", **extra}


def test_national_seat_saves_a_unit_chosen_by_its_code(national, login, bach_dang):
    from pcmd.venues.models import Establishment

    response = login(national).post(reverse("establishment_create"), _establishment(unit=bach_dang.code))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Establishment.objects.get(name="Karaoke Tìm Đơn Vị").unit == bach_dang


@pytest.mark.parametrize("typed", ["khong-co-ma-nay", "99999999", "bach dang"])
def test_unknown_unit_is_a_vietnamese_message_with_the_typed_text_kept(typed, national, login):
    response = login(national).post(reverse("establishment_create"), _establishment(unit=typed))
    assert response.status_code == 400
    form = response.context["form"]
    assert "trong phạm vi của bạn" in form.errors["unit"][0] and typed in form.errors["unit"][0]
    assert f'value="{typed}"' in _picker_input(response.content.decode())


def test_unit_outside_the_scope_is_refused(member_factory, login, ninh_binh_commune, bach_dang):
    """A seat whose scope is large enough for the search box (two provinces' worth is not: use the national
    search box with a hamlet, a level the field does not offer) and a commune seat posting another commune."""
    from pcmd.venues.models import Establishment

    hamlet = AdminUnit.objects.filter(parent=bach_dang, level=Level.HAMLET).first()
    national = login(member_factory("up.nat2", None, Role.COORDINATOR))
    response = national.post(reverse("establishment_create"), _establishment(unit=hamlet.code))
    assert response.status_code == 400 and "trong phạm vi của bạn" in response.context["form"].errors["unit"][0]
    city = login(member_factory("up.city2", bach_dang.province, Role.COORDINATOR))
    response = city.post(reverse("establishment_create"), _establishment(unit=ninh_binh_commune.pk))
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert not Establishment.objects.filter(name="Karaoke Tìm Đơn Vị").exists()


def test_failed_save_keeps_the_chosen_unit_with_its_name(national, login, bach_dang):
    response = login(national).post(reverse("establishment_create"), _establishment(unit=bach_dang.code, name=""))
    assert response.status_code == 400 and "name" in response.context["form"].errors
    page = response.content.decode()
    box = _picker_input(page)
    assert f'value="{bach_dang.code}"' in box and f'data-label="{bach_dang.label}"' in box
    assert bach_dang.label in page[page.index("data-unit-picker-name"):]


def test_edit_form_shows_the_records_unit(national, login, bach_dang):
    from pcmd.venues.models import Establishment

    record = Establishment.objects.filter(unit=bach_dang).order_by("pk").first()
    response = login(national).get(reverse("establishment_edit", args=[record.pk]))
    page = response.content.decode()
    assert page.count("<option") <= MAX_OPTIONS
    box = _picker_input(page)
    assert f'value="{bach_dang.code}"' in box and f'data-label="{bach_dang.label}"' in box
    # the unit and the agencies of the commune: the record saves unchanged
    assert response.context["form"].fields["managing_agency"].queryset.exists()


def test_national_agencies_follow_the_posted_unit(national, login, bach_dang, bd_agency):
    from pcmd.venues.models import Establishment

    response = login(national).post(reverse("establishment_create"),
                                    _establishment(unit=bach_dang.code, managing_agency=bd_agency.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Establishment.objects.get(name="Karaoke Tìm Đơn Vị").managing_agency == bd_agency


def test_locked_unit_of_a_record_is_one_option(member_factory, login, bach_dang):
    from pcmd.tips.models import Tip

    tip = Tip.objects.filter(unit=bach_dang).order_by("pk").first()
    police = login(member_factory("up.police2", None, Role.POLICE_OFFICER))
    form = police.get(reverse("tip_edit", args=[tip.pk])).context["form"]
    assert list(form.fields["unit"].queryset) == [bach_dang]


def test_risk_plan_takes_the_unit_code_for_a_national_seat(national, login, bach_dang):
    response = login(national).get(reverse("risk_plan"), {"unit": bach_dang.code, "year": 2026})
    assert response.status_code == 200 and response.context["plan"].unit == bach_dang
