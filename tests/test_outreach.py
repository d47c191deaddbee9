"""Outreach: activities (quick entry, validation, scoping), the “maintained regularly” rule on hand-made
fixtures, reach against denominators, the overview page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.indicators.computations.outreach import _quarter_window
from pcmd.org.models import Membership, Role
from pcmd.outreach import selectors, services
from pcmd.outreach.models import Activity, ActivityKind, Denominator, RegularityRule
from pcmd.venues.models import Establishment, EstablishmentStatus

pytestmark = pytest.mark.django_db
D = datetime.date


def seat(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def commune(db):
    """A Hà Nội commune without demo activities, with three hamlets, for hand-computed results."""
    unit = AdminUnit.objects.filter(province__code="01", level=Level.COMMUNE).order_by("code").first()
    assert not Activity.objects.filter(unit=unit).exists()
    for n in (1, 2, 3):
        AdminUnit.objects.create(code=f"{unit.code}.t{n}", name=f"Thôn thử {n}", level=Level.HAMLET, parent=unit,
                                 province_id=unit.province_id, path=f"{unit.path}{unit.code}.t{n}/")
    return unit


def hamlets_of(unit):
    return list(AdminUnit.objects.filter(parent=unit, level=Level.HAMLET).order_by("code"))


def kind(code="hoi-nghi"):
    return ActivityKind.objects.get(code=code)


def add(unit, day, hamlets=(), **reach):
    """An activity written straight to the table (the rule's arithmetic does not depend on today's date)."""
    activity = Activity.objects.create(unit=unit, date=day, kind=kind(), topic="Tuyên truyền thử",
                                       **{f"reach_{k}": v for k, v in reach.items()})
    activity.hamlets.set(hamlets)
    return activity


def form_data(**extra):
    data = {"date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(), "kind": kind().pk,
            "topic": "Hội nghị tuyên truyền Luật Phòng, chống mại dâm", "agency": "", "links": "", "notes": "",
            "reach_note": "", "leaflets": 0, "panos": 0}
    for name in ("residents", "est_workers", "ip_workers", "hs_students", "uni_students", "voc_students",
                 "officials", "high_risk"):
        data[f"reach_{name}"] = 0
    data.update(extra)
    return data


# --- the rule ------------------------------------------------------------------------------------------

def test_default_rule_needs_every_quarter_of_a_past_year(commune):
    h1, h2, _h3 = hamlets_of(commune)
    add(commune, D(2024, 1, 10), [h1])
    add(commune, D(2024, 5, 10), [h1, h2])
    add(commune, D(2024, 8, 10), [h1])
    result = selectors.regularity([commune], 2024, D(2025, 3, 1))
    status = result.communes[0]
    assert status.per_quarter == [1, 1, 1, 0]
    assert (status.required, status.met_quarters, status.met) == (4, 3, False)
    add(commune, D(2024, 11, 10), [h1])
    result = selectors.regularity([commune], 2024, D(2025, 3, 1))
    assert result.communes[0].met
    hamlets = {h.unit.name: h for h in result.communes[0].hamlets}
    assert hamlets["Thôn thử 1"].met and hamlets["Thôn thử 1"].per_quarter == [1, 1, 1, 1]
    assert not hamlets["Thôn thử 2"].met and hamlets["Thôn thử 2"].per_quarter == [0, 1, 0, 0]
    assert not hamlets["Thôn thử 3"].met
    assert (sum(h.met for h in result.hamlets), len(result.hamlets)) == (1, 3)


def test_current_year_asks_only_the_quarters_ended(commune):
    add(commune, D(2024, 2, 1))
    add(commune, D(2024, 4, 1))
    add(commune, D(2024, 9, 1))  # after as_of: not counted
    status = selectors.regularity([commune], 2024, D(2024, 5, 15)).communes[0]
    assert (status.per_quarter, status.required, status.met) == ([1, 1, 0, 0], 1, True)
    status = selectors.regularity([commune], 2024, D(2024, 8, 20)).communes[0]
    assert (status.per_quarter, status.required, status.met) == ([1, 1, 0, 0], 2, True)
    status = selectors.regularity([commune], 2024, D(2024, 1, 20)).communes[0]
    assert (status.per_quarter, status.required, status.met) == ([0, 0, 0, 0], 1, False)  # Q1 not yet met
    year = Period.parse("2024")
    assert [_quarter_window(year, d)[1] for d in (D(2024, 3, 30), D(2024, 3, 31), D(2024, 12, 31))] == [0, 1, 4]
    assert (_quarter_window(Period.parse("2025"), D(2024, 12, 31))[1], _quarter_window(Period.parse("2023"),
                                                                                      D(2024, 1, 1))[1]) == (0, 4)


def test_province_rule_then_commune_rule_override_the_default(commune):
    for day in (D(2024, 1, 5), D(2024, 4, 5), D(2024, 4, 20), D(2024, 7, 5)):
        add(commune, day)
    as_of = D(2025, 1, 1)
    assert not selectors.regularity([commune], 2024, as_of).communes[0].met  # default: 4 quarters
    province = commune.province
    RegularityRule.objects.create(unit=province, min_per_quarter=1, min_quarters=3)
    assert selectors.regularity([commune], 2024, as_of).communes[0].met  # 3 quarters with ≥1
    RegularityRule.objects.create(unit=commune, min_per_quarter=2, min_quarters=1)
    status = selectors.regularity([commune], 2024, as_of).communes[0]
    assert (status.met_quarters, status.met) == (1, True)  # only Q2 has 2
    RegularityRule.objects.filter(unit=commune).update(min_quarters=2)
    assert not selectors.regularity([commune], 2024, as_of).communes[0].met


def test_rule_service_refuses_a_hamlet_and_bad_numbers(owner, bd_hamlet):
    with pytest.raises(ValidationError) as exc:
        services.rule_create(membership=seat(owner), data={"unit": bd_hamlet, "min_per_quarter": 0,
                                                           "min_quarters": 5, "notes": ""})
    assert set(exc.value.error_dict) == {"unit", "min_per_quarter", "min_quarters"}


# --- reach and denominators --------------------------------------------------------------------------------

def test_reach_against_denominator(commune):
    add(commune, D(2024, 3, 1), residents=300, est_workers=20)
    add(commune, D(2024, 6, 1), est_workers=25)
    add(commune, D(2023, 6, 1), est_workers=1000)  # another year
    Denominator.objects.create(unit=commune, year=2024, group="est_workers", value=90, source="Sổ quản lý",
                               as_of=D(2024, 1, 15))
    Denominator.objects.create(unit=commune, year=2024, group="residents", value=200, source="Công an",
                               as_of=D(2024, 1, 15))
    values = engine.panel(["REACH_VENUE_WORKERS", "REACH_RESIDENTS", "REACH_STUDENTS"], level="commune",
                          units=[commune], period=Period.parse("2024"))
    rows = {r.code: r for r in selectors.reach_rows({code: v.get(commune.pk) for code, v in values.items()})}
    workers, residents = rows["REACH_VENUE_WORKERS"], rows["REACH_RESIDENTS"]
    assert (workers.reached, workers.base, workers.percent, workers.over) == (45, 90, 50.0, False)
    assert (residents.reached, residents.percent, residents.over) == (300, 150.0, True)
    assert not rows["REACH_STUDENTS"].has_base and rows["REACH_STUDENTS"].percent is None


def test_reach_above_denominator_needs_a_note(owner, bach_dang):
    m = seat(owner)
    year = timezone.localdate().year
    Denominator.objects.update_or_create(unit=bach_dang, year=year, group="officials", defaults={
        "value": 10, "source": "Danh sách cán bộ", "as_of": D(year, 1, 1)})
    reached = Activity.objects.filter(unit=bach_dang, date__year=year).values_list("reach_officials", flat=True)
    need = 11 - sum(reached)
    data = {"kind": kind(), "topic": "Tập huấn cán bộ", "date": timezone.localdate(),
            "reach_officials": max(need, 1)}
    with pytest.raises(ValidationError) as exc:
        services.activity_create(membership=m, data=data)
    assert "reach_note" in exc.value.error_dict
    assert "vượt số đối tượng" in " ".join(exc.value.messages)
    activity = services.activity_create(membership=m, data={**data, "reach_note": "Cán bộ dự nhiều buổi"})
    assert activity.pk and activity.created_by == owner


def test_proposed_establishment_workers_is_the_registry_sum(bach_dang):
    expected = sum(Establishment.objects.filter(unit__path__startswith=bach_dang.path,
                                                status=EstablishmentStatus.OPERATING)
                   .values_list("workers_total", flat=True))
    assert expected > 0
    assert selectors.proposed_establishment_workers(bach_dang) == expected
    hp = bach_dang.province
    assert selectors.proposed_establishment_workers(hp) >= expected


def test_denominator_form_proposes_the_registry_figure(owner, login, bach_dang):
    response = login(owner).get(reverse("denominator_create"))
    figure = f"{selectors.proposed_establishment_workers(bach_dang):,}".replace(",", ".")
    assert response.status_code == 200 and f"đang ghi {figure} người" in response.content.decode()


def test_denominator_service_checks_year_and_date(owner):
    with pytest.raises(ValidationError) as exc:
        services.denominator_create(membership=seat(owner), data={
            "year": 1999, "group": "residents", "value": 5, "source": "x",
            "as_of": timezone.localdate() + datetime.timedelta(days=3)})
    assert set(exc.value.error_dict) == {"year", "as_of"}


# --- activity rules ------------------------------------------------------------------------------------------

def test_activity_check_messages(bach_dang, commune):
    today = D(2026, 6, 15)
    foreign = hamlets_of(commune)[0]
    activity = Activity(unit=bach_dang, date=D(2026, 7, 1), kind=kind(), topic="x")
    with pytest.raises(ValidationError) as exc:
        services.activity_check(activity, [foreign], today=today)
    errors = exc.value.message_dict
    assert "ở tương lai" in errors["date"][0]
    assert errors["hamlets"] == [f"Thôn thử 1 không thuộc {bach_dang.name}."]
    activity.date = D(2024, 12, 31)
    with pytest.raises(ValidationError) as exc:
        services.activity_check(activity, [], today=today)
    assert "năm 2025 và 2026" in exc.value.message_dict["date"][0]
    activity.date = D(2025, 1, 1)
    services.activity_check(activity, hamlets_of(bach_dang)[:2], today=today)


# --- views ---------------------------------------------------------------------------------------------------

def test_quick_entry_saves_hamlets_and_audiences_then_proposes_the_last_entry(owner, login, bach_dang):
    client = login(owner)
    h1, h2 = hamlets_of(bach_dang)[:2]
    response = client.post(reverse("activity_create"), form_data(hamlets=[h1.pk, h2.pk], reach_residents=120,
                                                                  reach_est_workers=8, integ_hiv="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.filter(created_by=owner).get()
    assert activity.unit == bach_dang and activity.province == bach_dang.province
    assert set(activity.hamlets.all()) == {h1, h2}
    assert (activity.reach_residents, activity.reach_est_workers, activity.integ_hiv) == (120, 8, True)
    form = client.get(reverse("activity_create")).context["form"]
    assert form.initial["topic"] == activity.topic and form.initial["kind"] == activity.kind_id
    assert set(form.initial["hamlets"]) == {h1.pk, h2.pk}


def test_quick_entry_refuses_negative_numbers_and_keeps_the_input(owner, login):
    response = login(owner).post(reverse("activity_create"), form_data(reach_residents=-5, topic="Giữ nguyên chữ"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Giữ nguyên chữ" in page and "Không được là số âm." in page
    assert not Activity.objects.filter(topic="Giữ nguyên chữ").exists()


def test_quick_entry_refuses_a_future_date(owner, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(owner).post(reverse("activity_create"), form_data(date=tomorrow.isoformat()))
    assert response.status_code == 400 and "ở tương lai" in response.content.decode()


def test_reader_may_not_add(reader, login):
    assert login(reader).post(reverse("activity_create"), form_data()).status_code == 403


def test_outsider_gets_nothing(outsider, login, bach_dang):
    client = login(outsider)
    activity = Activity.objects.filter(unit=bach_dang).order_by("pk").first()
    assert client.get(reverse("activity_detail", args=[activity.pk])).status_code == 404
    assert client.get(reverse("activity_edit", args=[activity.pk])).status_code == 404
    rule = RegularityRule.objects.get(unit=bach_dang)
    assert client.get(reverse("regularity_rule_detail", args=[rule.pk])).status_code == 404
    base = Denominator.objects.filter(unit=bach_dang).first()
    assert client.get(reverse("denominator_detail", args=[base.pk])).status_code == 404
    listing = client.get(reverse("activity_list")).context["page"].object_list
    assert all(a.unit_id == seat(outsider).unit_id for a in listing)
    assert client.get(reverse("outreach_overview"), {"don-vi": bach_dang.code}).status_code == 404
    assert client.get(reverse("outreach_overview"), {"don-vi": bach_dang.province.code}).status_code == 404


def test_overview_of_the_commune_counts_the_demo(owner, login, bach_dang):
    year = timezone.localdate().year - 1
    response = login(owner).get(reverse("outreach_overview"), {"nam": year})
    assert response.status_code == 200
    ctx = response.context
    expected = Activity.objects.filter(unit=bach_dang, date__year=year).count()
    assert ctx["total_activities"] == expected > 0
    assert [c.unit for c in ctx["regularity"].communes] == [bach_dang]
    assert len(ctx["regularity"].hamlets) == len(hamlets_of(bach_dang))
    assert 'id="regularity-table"' in response.content.decode()


def test_overview_of_the_province_lists_its_communes(member_factory, login, hai_phong):
    user = member_factory("p.hp", hai_phong, Role.COORDINATOR, "so-y-te")
    response = login(user).get(reverse("outreach_overview"), {"nam": timezone.localdate().year - 1})
    communes = response.context["regularity"].communes
    assert len(communes) == AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE, is_active=True).count()
    lagging = [c for c in communes if c.total and not c.met]
    assert lagging, "the demo should have lagging communes"


def test_demo_seeding_is_idempotent():
    import random

    from faker import Faker

    from pcmd.core.demo import SeedContext
    from pcmd.outreach.demo import seed_outreach

    counts = (Activity.objects.count(), Denominator.objects.count(), RegularityRule.objects.count(),
              Activity.hamlets.through.objects.count())
    assert counts[0] > 0 and counts[3] > 0
    seed_outreach(SeedContext(scale="demo", faker=Faker("vi_VN"), rng=random.Random(1)))
    assert (Activity.objects.count(), Denominator.objects.count(), RegularityRule.objects.count(),
            Activity.hamlets.through.objects.count()) == counts


# --- integration -----------------------------------------------------------------------------------------------

def test_integration_share_and_rules(commune, bach_dang, owner):
    from pcmd.outreach.models import Integration

    others = list(AdminUnit.objects.filter(province=commune.province, level=Level.COMMUNE).exclude(pk=commune.pk)
                  .order_by("code")[:2])
    def integrating():
        values = engine.compute("COMMUNES_INTEGRATING", level="commune", units=[commune, *others],
                                period=Period.parse("2025"))
        return sum(v.numerator for v in values.values()), sum(v.denominator for v in values.values())

    assert integrating() == (0, 3)
    Integration.objects.create(unit=commune, year=2025, with_hiv=True, document_number="12/KH-UBND",
                               document_date=D(2025, 2, 1), document_title="Kế hoạch lồng ghép")
    Integration.objects.create(unit=others[0], year=2024, with_drugs=True, document_number="3/KH-UBND",
                               document_date=D(2024, 2, 1), document_title="Năm trước")
    assert integrating() == (1, 3)
    with pytest.raises(ValidationError) as exc:
        services.integration_create(membership=seat(owner), data={
            "year": 2025, "document_number": "1", "document_title": "x",
            "document_date": timezone.localdate() + datetime.timedelta(days=2)})
    assert set(exc.value.error_dict) == {"with_drugs", "document_date"}
    assert "ít nhất một chương trình" in exc.value.message_dict["with_drugs"][0]


def test_integration_of_bach_dang_is_not_found_by_an_outsider(outsider, login, bach_dang):
    from pcmd.outreach.models import Integration

    item = Integration.objects.filter(unit=bach_dang).first()
    assert login(outsider).get(reverse("integration_detail", args=[item.pk])).status_code == 404


def test_calendar_places_activities_on_their_day(owner, outsider, login, bach_dang):
    activity = Activity.objects.filter(unit=bach_dang).order_by("-date").first()
    month = activity.date.strftime("%Y-%m")
    response = login(owner).get(reverse("activity_calendar"), {"thang": month})
    days = {day: items for week in response.context["weeks"] for day, items in week if day}
    assert activity in days[activity.date.day]
    assert response.context["count"] == Activity.objects.filter(
        unit=bach_dang, date__year=activity.date.year, date__month=activity.date.month).count()
    theirs = login(outsider).get(reverse("activity_calendar"), {"thang": month}).context["weeks"]
    assert all(a.unit_id == seat(outsider).unit_id for week in theirs for _day, items in week for a in items)
    assert login(outsider).get(reverse("activity_calendar"), {"don-vi": bach_dang.code}).status_code == 404
