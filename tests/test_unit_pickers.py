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
