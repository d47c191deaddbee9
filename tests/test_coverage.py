"""Inspection coverage on a hand-computed fixture: 5 establishments, 1 closed, 2 visited this year -> 2/4."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pcmd.geo.models import AdminUnit, Level
from pcmd.inspections import selectors
from pcmd.inspections.models import Visit
from pcmd.org.models import Role
from pcmd.venues.models import Establishment, EstablishmentStatus

from .test_inspections import make_establishment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def visit(e, date):
    # Direct rows (not the service): a closed establishment may have been visited before it closed.
    return Visit.objects.create(establishment=e, unit=e.unit, date=date, result="compliant")


@pytest.fixture
def empty_communes(hai_phong):
    busy = Establishment.objects.values("unit_id")
    return list(AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE).exclude(pk__in=busy)
                .order_by("code")[:2])


@pytest.fixture
def fixture_a(empty_communes):
    a = empty_communes[0]
    e = {n: make_establishment(a, name=f"Cơ sở {n}") for n in ("e1", "e2", "e3", "e4")}
    e["e5"] = make_establishment(a, name="Cơ sở e5", status=EstablishmentStatus.CLOSED)
    visit(e["e1"], datetime.date(YEAR, 1, 1))
    visit(e["e1"], TODAY)  # two visits, one establishment
    visit(e["e2"], datetime.date(YEAR, 1, 1))
    visit(e["e3"], datetime.date(YEAR - 1, 6, 1))  # last year only
    visit(e["e5"], datetime.date(YEAR, 1, 1))  # closed: in neither count
    return a, e


@pytest.fixture
def fixture_b(empty_communes):
    b = empty_communes[1]
    one, _two = make_establishment(b, name="Cơ sở b1"), make_establishment(b, name="Cơ sở b2")
    visit(one, datetime.date(YEAR, 1, 1))
    return b


def test_commune_coverage_is_two_of_four(fixture_a):
    a, _ = fixture_a
    cov = selectors.coverage(unit=a, year=YEAR)
    assert (cov.total.operating, cov.total.visited) == (4, 2)
    assert cov.total.percent == 50.0
    last_year = selectors.coverage(unit=a, year=YEAR - 1).total
    assert (last_year.operating, last_year.visited) == (4, 1)


def test_province_sums_numerators_and_denominators(fixture_a, fixture_b, hai_phong):
    a, _ = fixture_a
    cov = selectors.coverage(unit=hai_phong, year=YEAR)
    rows = {r.unit_id: r for r in cov.rows}
    assert (rows[a.pk].operating, rows[a.pk].visited) == (4, 2)
    assert (rows[fixture_b.pk].operating, rows[fixture_b.pk].visited) == (2, 1)
    assert cov.total.operating == sum(r.operating for r in cov.rows)
    assert cov.total.visited == sum(r.visited for r in cov.rows)
    # Same figures as counting the whole province at once (not an average of the communes' rates).
    operating = Establishment.objects.filter(province=hai_phong, status=EstablishmentStatus.OPERATING)
    seen = operating.filter(visits__date__year=YEAR).distinct().count()
    assert (cov.total.operating, cov.total.visited) == (operating.count(), seen)
    country = {r.unit_id: r for r in selectors.coverage(unit=None, year=YEAR).rows}
    assert (country[hai_phong.pk].operating, country[hai_phong.pk].visited) == (operating.count(), seen)


def test_lists_of_establishments_never_and_not_inspected(fixture_a):
    a, e = fixture_a
    never = selectors.establishments_behind(unit=a, year=YEAR, which="never")
    not_visited = selectors.establishments_behind(unit=a, year=YEAR, which="not_visited")
    visited = selectors.establishments_behind(unit=a, year=YEAR, which="visited")
    assert set(never) == {e["e4"]}
    assert set(not_visited) == {e["e3"], e["e4"]}
    assert set(visited) == {e["e1"], e["e2"]}


def test_commune_page_shows_its_numbers_and_uninspected_list(fixture_a, member_factory, login):
    a, _ = fixture_a
    client = login(member_factory("c.coord", a, Role.COORDINATOR))
    body = client.get(reverse("inspection_coverage")).content.decode()
    assert 'id="coverage-percent">50,0%' in body
    assert "Cơ sở e4" in body.split('id="never-inspected"')[1]
    behind = client.get(reverse("inspection_coverage_establishments"), {"loai": "visited", "nam": YEAR}).content
    assert "Cơ sở e1" in behind.decode() and "Cơ sở e3" not in behind.decode()


def test_province_page_lists_communes_with_links(fixture_a, member_factory, login, hai_phong):
    a, _ = fixture_a
    client = login(member_factory("c.province", hai_phong, Role.COORDINATOR))
    body = client.get(reverse("inspection_coverage"), {"nam": YEAR}).content.decode()
    assert 'id="coverage-chart"' in body
    assert f"don-vi={a.code}&amp;loai=visited" in body
    drill = client.get(reverse("inspection_coverage"), {"don-vi": a.code, "nam": YEAR}).content.decode()
    assert 'id="coverage-percent">50,0%' in drill


def test_outsider_gets_nothing(fixture_a, outsider, login, hai_phong):
    a, _ = fixture_a
    client = login(outsider)
    assert client.get(reverse("inspection_coverage"), {"don-vi": a.code}).status_code == 404
    assert client.get(reverse("inspection_coverage"), {"don-vi": hai_phong.code}).status_code == 404
    assert client.get(reverse("inspection_coverage_establishments"), {"don-vi": a.code}).status_code == 404
    own = client.get(reverse("inspection_coverage")).content.decode()
    assert "Cơ sở e1" not in own and "Cơ sở e4" not in own


def test_demo_rates_of_bach_dang_are_plausible(bach_dang):
    cov = selectors.coverage(unit=bach_dang, year=YEAR).total
    assert cov.operating >= 20
    assert 40 <= cov.percent <= 80  # the seed aims at about 60 %
    visits = Visit.objects.filter(unit=bach_dang)
    with_violations = visits.filter(result="violations").count()
    assert 0.05 <= with_violations / visits.count() <= 0.4  # about 20 %
    from pcmd.inspections.models import Sanction

    fines = Sanction.objects.filter(visit__unit__province=bach_dang.province, kind="fine")
    assert fines.exists() and all(1_000_000 <= f.amount <= 40_000_000 for f in fines)
