"""One definition per figure: every page that shows a figure shows the indicator engine's value.

A fresh province with one commune (two hamlets) and last year's records, built by hand:

- tips: one handled on time, one overdue and still open -> on-time rate 1/2 = 50% (DOMAIN.md §3.5: a
  tip left open past its due date is not on time);
- outreach: activities in Q1–Q3 (one hamlet each quarter, the other once), reach against the bases,
  an integration document, commitments of one of two establishments, staff trained;
- inspections: one of the two establishments visited;
- plans: the commune's plan for the year, issued.

Each figure is read from every page that shows it — the tips deadline page, the outreach overview
("Tình hình tuyên truyền"), the training page, the coverage page, the communes-with-a-plan page and the
scorecard — for a commune seat
and a province seat, and compared with engine.compute for the same unit and year.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.inspections.models import Visit
from pcmd.org.models import Role
from pcmd.outreach.models import Commitment, Denominator, RegularityRule, TrainingLevel
from pcmd.plans.models import Plan, PlanStatus
from pcmd.tips import services as tip_services
from pcmd.tips.models import Tip, TipChannel, TipStatus

from .conftest import make_member
from .test_indicators_outreach import activity, course, integration, staff
from .test_inspections import make_establishment

pytestmark = pytest.mark.django_db
D = datetime.date
Y = timezone.localdate().year - 1  # a year that has ended: every quarter and due date is past


@pytest.fixture
def world(db):
    province = AdminUnit.objects.create(code="T81", name="Tỉnh Một Số Liệu", level=Level.PROVINCE, path="T81/")
    province.province = province
    province.save()
    commune = AdminUnit.objects.create(code="T811", name="Xã Một Số Liệu", level=Level.COMMUNE, parent=province,
                                       province=province, path="T81/T811/")
    h1, h2 = (AdminUnit.objects.create(code=f"T811.{n}", name=f"Thôn Số {n}", level=Level.HAMLET, parent=commune,
                                       province=province, path=f"T81/T811/T811.{n}/") for n in (1, 2))
    # Tips: A handled before its due date; B overdue since May and never handled.
    on_time = _tip(commune, D(Y, 3, 2))
    Tip.objects.filter(pk=on_time.pk).update(status=TipStatus.HANDLED, handled_on=D(Y, 3, 10))
    _tip(commune, D(Y, 5, 2))
    # Outreach: the province asks 1 activity in 3 quarters; h1 is covered in three, h2 in one.
    RegularityRule.objects.create(unit=province, min_per_quarter=1, min_quarters=3)
    activity(commune, D(Y, 2, 10), [h1, h2], reach_est_workers=30, reach_hs_students=10, reach_residents=50)
    activity(commune, D(Y, 5, 10), [h1], reach_ip_workers=40)
    activity(commune, D(Y, 8, 10), [h1], reach_officials=5)
    for group, value in (("est_workers", 120), ("hs_students", 40), ("ip_workers", 100), ("residents", 400),
                         ("officials", 20)):
        Denominator.objects.create(unit=commune, year=Y, group=group, value=value, source="Thử", as_of=D(Y, 1, 1))
    integration(commune, Y, with_hiv=True)
    s1, s2, s3 = staff(commune, "Xã Một"), staff(commune, "Xã Hai"), staff(commune, "Xã Ba")
    p1 = staff(province, "Tỉnh Một")
    course(commune, TrainingLevel.COMMUNE, D(Y, 4, 10), [s1, s2])
    course(province, TrainingLevel.PROVINCE, D(Y, 6, 10), [p1])
    _ = s3
    e1, e2 = make_establishment(commune, name="Cơ sở Số Một"), make_establishment(commune, name="Cơ sở Số Hai")
    Commitment.objects.create(establishment=e1, date=D(Y, 1, 5), signed_by="Chủ cơ sở")
    Visit.objects.create(establishment=e2, unit=commune, date=D(Y, 6, 1), result="compliant")
    Plan.objects.create(unit=commune, title="Kế hoạch của xã", period=str(Y), status=PlanStatus.ISSUED)
    return province, commune


def _tip(unit, received: datetime.date) -> Tip:
    at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9)))
    return tip_services.tip_create(channel=TipChannel.HOTLINE, data={
        "unit": unit, "summary": "Nghi có mua bán dâm", "description": "Nội dung", "is_anonymous": True,
        "received_at": at})


def number(text: str) -> float:
    """A figure as a page writes it: "1.234", "66,7", "50%"."""
    return float(text.strip().rstrip("%").replace(".", "").replace(",", "."))


def percent(text: str) -> float | None:
    """The percentage shown in a cell: "50%", "1/2 (50%)", or "a/b" (computed), None for "—"."""
    found = re.search(r"([\d.,]+)\s*%", text)
    if found:
        return number(found.group(1))
    pair = re.search(r"([\d.]+)\s*/\s*([\d.]+)", text)
    if pair and number(pair.group(2)):
        return round(100 * number(pair.group(1)) / number(pair.group(2)), 1)
    return None


def element(html: str, attribute: str) -> str:
    """The text inside the element carrying `attribute` (e.g. 'id="on-time-rate"'), tags stripped."""
    start = html.index(attribute)
    start = html.index(">", start) + 1
    depth, i = 1, start
    for tag in re.finditer(r"<(/?)(\w+)[^>]*?(/?)>", html[start:]):
        if tag.group(3) or tag.group(2) in ("br", "input", "img"):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            i = start + tag.start()
            break
    return re.sub(r"<[^>]+>", " ", html[start:i])


def engine_percent(code: str, unit) -> float | None:
    level = "province" if unit.level == Level.PROVINCE else "commune"
    value = engine.compute(code, level=level, units=[unit.pk], period=Period.parse(str(Y))).get(unit.pk)
    return None if value is None or value.value is None else round(value.value, 1)


def scorecard_percent(client, code: str, unit) -> float | None:
    page = client.get(reverse("dashboard_scorecard"), {"don-vi": unit.code, "ky": str(Y)}).content.decode()
    # The total row (a province) or the only row (a commune) is the unit's own value.
    cells = re.findall(rf'data-code="{code}"[^>]*><span class="fw-semibold">([^<]*)</span>', page)
    return percent(cells[-1])


@pytest.fixture(params=["commune", "province"])
def seat(request, world, client):
    province, commune = world
    unit = commune if request.param == "commune" else province
    client.force_login(make_member(f"so-lieu-{request.param}", unit, Role.COORDINATOR))
    return client, unit


def test_on_time_rate_is_the_same_on_the_tips_page_the_scorecard_and_the_engine(seat):
    client, unit = seat
    expected = engine_percent("TIPS_ON_TIME", unit)
    assert expected == 50.0  # one of two: the overdue open tip is not on time
    page = client.get(reverse("tip_deadlines"), {"ky": str(Y)}).content.decode()
    assert percent(element(page, 'id="on-time-rate"')) == expected
    commune_row = element(page, 'id="on-time-table"')
    assert "Xã Một Số Liệu" in commune_row and "50%" in commune_row.replace(",0%", "%")
    assert scorecard_percent(client, "TIPS_ON_TIME", unit) == expected


def test_outreach_figures_are_the_engines(seat):
    client, unit = seat
    page = client.get(reverse("outreach_overview"), {"nam": Y, "don-vi": unit.code}).content.decode()
    shown = {
        "COMM_COMMUNES": percent(element(page, 'id="communes-share"')),
        "COMM_HAMLETS": percent(element(page, 'id="hamlets-share"')),
        "COMMUNES_INTEGRATING": percent(element(page, 'id="integration-share"')),
        "COMMITMENTS_SIGNED": percent(element(page, 'id="commitment-share"')),
    }
    for code in ("REACH_VENUE_WORKERS", "REACH_INDUSTRIAL_WORKERS", "REACH_STUDENTS", "REACH_RESIDENTS",
                 "REACH_OFFICIALS"):
        row = element(page, f'data-code="{code}"')
        shown[code] = percent(row.split("%")[0] + "%") if "%" in row else None
    expected = {code: engine_percent(code, unit) for code in shown}
    assert expected["COMM_HAMLETS"] == 50.0 and expected["COMMITMENTS_SIGNED"] == 50.0  # the fixture's
    assert shown == expected
    for code in shown:
        assert scorecard_percent(client, code, unit) == expected[code], code


def test_training_figures_are_the_engines(seat):
    client, unit = seat
    page = client.get(reverse("training_overview"), {"nam": Y, "don-vi": unit.code}).content.decode()
    for level, code in ((TrainingLevel.PROVINCE, "STAFF_TRAINED_PROVINCE"), (TrainingLevel.COMMUNE,
                                                                             "STAFF_TRAINED_COMMUNE")):
        row = element(page, f'data-level="{level}"')
        assert percent(row) == engine_percent(code, unit), code
        assert scorecard_percent(client, code, unit) == engine_percent(code, unit), code
    assert engine_percent("STAFF_TRAINED_COMMUNE", unit) == 66.7


def test_coverage_figure_is_the_engines(seat):
    client, unit = seat
    page = client.get(reverse("inspection_coverage"), {"nam": Y, "don-vi": unit.code}).content.decode()
    expected = engine_percent("VENUES_INSPECTED", unit)
    assert expected == 50.0
    assert percent(element(page, 'id="coverage-percent"')) == expected
    assert scorecard_percent(client, "VENUES_INSPECTED", unit) == expected


def test_communes_with_plan_is_the_engines(seat):
    client, unit = seat
    page = client.get(reverse("plan_coverage"), {"nam": Y}).content.decode()
    expected = engine_percent("COMMUNES_WITH_PLAN", unit)
    assert expected == 100.0
    assert percent(element(page, 'id="coverage-percent"')) == expected
    assert scorecard_percent(client, "COMMUNES_WITH_PLAN", unit) == expected


def test_support_access_is_the_engines(seat):
    """SUPPORT_ACCESS from the support registry: 5 of 6 eligible consenting clients served (no figure under 5,
    so the province seat sees it whole too, indicators/suppression.py)."""
    from pcmd.support.models import Client, Consent, Screening, ServiceRecord

    client, unit = seat
    commune = AdminUnit.objects.get(code="T811")
    for n in range(6):
        person = Client.objects.create(unit=commune, code=f"HT-T811-{n}", uic=f"T811U{n}", sex="F",
                                       registered_on=D(Y, 2, 1))
        Consent.objects.create(client=person, purpose="reporting", method="verbal", given_on=D(Y, 2, 1))
        Screening.objects.create(client=person, screened_on=D(Y, 2, 2), eligible=True)
        if n:
            ServiceRecord.objects.create(client=person, unit=commune, kind="health_check", received_on=D(Y, 3, 1))
    expected = engine_percent("SUPPORT_ACCESS", unit)
    assert expected == 83.3
    assert scorecard_percent(client, "SUPPORT_ACCESS", unit) == expected
    page = client.get(reverse("dashboard_indicator", args=["SUPPORT_ACCESS", unit.pk]), {"ky": str(Y)}).content.decode()
    assert percent(element(page, 'id="indicator-value"')) == expected
