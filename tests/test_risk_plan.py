"""Risk-based inspection plan: reaches its target, explains its scores, never-inspected first at equal score."""

import datetime
import io
import math
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pcmd.geo.models import AdminUnit, Level
from pcmd.inspections import selectors
from pcmd.inspections.models import RiskWeights, Violation, ViolationType, Visit
from pcmd.org.models import Role
from pcmd.venues.models import Establishment

from .test_inspections import make_establishment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def commune(hai_phong):
    busy = Establishment.objects.values("unit_id")
    return AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE).exclude(pk__in=busy).order_by("code")[2]


@pytest.fixture
def places(commune):
    e = {n: make_establishment(commune, name=f"Cơ sở {n}", workers=10, type_code="karaoke")
         for n in ("done", "old", "never1", "never2", "never3", "violator")}
    Visit.objects.create(establishment=e["done"], unit=commune, date=TODAY, result="compliant")
    Visit.objects.create(establishment=e["old"], unit=commune, date=TODAY - datetime.timedelta(days=40 * 31),
                         result="compliant")
    bad = Visit.objects.create(establishment=e["violator"], unit=commune, result="violations",
                               date=datetime.date(YEAR - 1, 3, 1))
    Violation.objects.create(visit=bad, type=ViolationType.objects.get(code="chua-chap-mai-dam"))
    RiskWeights.objects.create(unit=commune, violations_weight=100)
    return e


def test_plan_reaches_the_target(commune, places):
    plan = selectors.risk_plan(unit=commune, year=YEAR, target=Decimal(50))
    assert (plan.operating, plan.visited) == (6, 1)
    assert plan.needed == math.ceil(0.5 * 6) - 1 == len(plan.items)
    assert plan.visited + len(plan.items) >= 0.5 * plan.operating
    assert all(item.establishment != places["done"] for item in plan.items)


def test_never_inspected_first_at_equal_score(commune, places):
    plan = selectors.risk_plan(unit=commune, year=YEAR, target=Decimal(100))
    names = [item.establishment.name for item in plan.items]
    assert names[0] == "Cơ sở violator"  # its recent violation outweighs everything (weight 100)
    assert names[1:4] == ["Cơ sở never1", "Cơ sở never2", "Cơ sở never3"]
    assert names[4] == "Cơ sở old"
    old, never = plan.items[4], plan.items[1]
    assert old.score == never.score  # 40 months is over the 36-month cap: same score, never-inspected first
    assert never.points["months"] == 36 and never.values["type"] == places["never1"].type.risk_weight
    assert plan.items[0].points["violations"] == 100
    assert plan.items[0].points["tips"] == 0  # no tip names it


def test_a_tip_about_an_establishment_raises_its_score(commune, places):
    from pcmd.tips.models import TipChannel
    from pcmd.tips.services import tip_create

    before = {i.establishment.pk: i for i in selectors.risk_plan(unit=commune, year=YEAR, target=Decimal(100)).items}
    tip_create(channel=TipChannel.HOTLINE, data={
        "unit": commune, "summary": "Nghi có mua bán dâm", "description": "Nội dung tin báo", "location": "Phố A",
        "is_anonymous": True, "establishment": places["never2"]})
    after = {i.establishment.pk: i for i in selectors.risk_plan(unit=commune, year=YEAR, target=Decimal(100)).items}
    item = after[places["never2"].pk]
    assert item.values["tips"] == 1 and item.points["tips"] > 0
    assert item.score == before[places["never2"].pk].score + item.points["tips"]
    assert list(after).index(places["never2"].pk) < list(before).index(places["never2"].pk)


def test_items_are_spread_round_robin_over_the_remaining_months(commune, places):
    plan = selectors.risk_plan(unit=commune, year=YEAR, target=Decimal(100))
    assert plan.months == list(range(TODAY.month, 13))
    assert [i.month for i in plan.items] == [plan.months[n % len(plan.months)] for n in range(len(plan.items))]


def test_default_target_is_the_plans_then_60(commune, places):
    assert selectors.risk_plan(unit=commune, year=YEAR).target == 60
    from pcmd.plans.models import Plan, Target

    plan = Plan.objects.create(unit=commune, title="Kế hoạch phòng, chống mại dâm", period=str(YEAR))
    Target.objects.create(plan=plan, text="80% cơ sở được kiểm tra", metric="percent", value=80,
                          indicator="VENUES_INSPECTED", year=YEAR)
    result = selectors.risk_plan(unit=commune, year=YEAR)
    assert result.target == 80 and "Chỉ tiêu của" in result.target_source
    assert result.needed == math.ceil(0.8 * 6) - 1


def test_page_and_exports_open(commune, places, member_factory, login):
    from docx import Document
    from openpyxl import load_workbook

    client = login(member_factory("r.coord", commune, Role.COORDINATOR))
    query = {"year": YEAR, "target": "100"}
    page = client.get(reverse("risk_plan"), query).content.decode()
    assert 'id="plan-needed">5' in page and "Cơ sở violator" in page
    assert f"/luot-kiem-tra/them/?co-so={places['violator'].pk}" in page  # one tap to record the visit
    form = client.get(reverse("visit_create"), {"co-so": places["violator"].pk}).content.decode()
    assert f'<option value="{places["violator"].pk}" selected>' in form
    xlsx = client.get(reverse("risk_plan_xlsx"), query)
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("TT", "Tháng dự kiến", "Cơ sở") and len(rows) == 6 and rows[1][2] == "Cơ sở violator"
    docx = client.get(reverse("risk_plan_docx"), query)
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "KẾ HOẠCH" in text and f"năm {YEAR}" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Cơ sở violator" in cells


def test_weights_are_editable_and_never_negative(commune, member_factory, login):
    client = login(member_factory("w.coord", commune, Role.COORDINATOR))
    fields = {"type_weight": "10", "violations_weight": "15", "tips_weight": "10", "hotspot_weight": "20",
              "months_weight": "1", "months_cap": "36", "workers_weight": "2"}
    bad = client.post(reverse("risk_weights"), {**fields, "hotspot_weight": "-5"})
    assert bad.status_code == 400 and "không được âm" in bad.content.decode()
    assert client.post(reverse("risk_weights"), {**fields, "hotspot_weight": "50"}).status_code == 302
    assert selectors.weights_for(commune).hotspot_weight == 50


def test_reader_cannot_change_weights_and_outsider_sees_no_plan(commune, reader, outsider, login):
    assert login(reader).post(reverse("risk_weights"), {}).status_code == 403
    client = login(outsider)
    assert client.get(reverse("risk_plan"), {"unit": commune.pk, "year": YEAR}).status_code == 200
    body = client.get(reverse("risk_plan"), {"unit": commune.pk, "year": YEAR}).content.decode()
    assert "Cơ sở never1" not in body  # the unit is not a choice for them: the form refuses it
    assert client.get(reverse("risk_plan_xlsx"), {"unit": commune.pk, "year": YEAR}).status_code == 404
