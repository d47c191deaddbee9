"""Dashboards on a hand-computed fixture: Tỉnh Bảng Điểm with two communes, year 2020 (ended, so met/missed).

- CASES_DETECTED (count): commune 1 has 3 cases, commune 2 has 1; each commune plan targets ≥ 2.
  -> c1 3 (met), c2 1 (missed), province 4.
- VENUES_INSPECTED (percent): c1 2 operating, 1 visited (50%); c2 1 operating, visited (100%).
  -> province 2/3 = 66,7% (not the 75% average of the communes).
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from pcmd.dashboard import selectors
from pcmd.enforcement.models import CriminalCase
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.inspections.models import Visit
from pcmd.org.models import Role
from pcmd.plans.models import Plan, PlanStatus, Target
from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType

pytestmark = pytest.mark.django_db

Y = 2020
PERIOD = str(Y)


@pytest.fixture
def board(db):
    p = AdminUnit.objects.create(code="DB9", name="Tỉnh Bảng Điểm", level=Level.PROVINCE, path="DB9/")
    p.province = p
    p.save()
    c1, c2 = (AdminUnit.objects.create(code=f"DB9{n}", name=f"Xã Bảng Điểm {n}", level=Level.COMMUNE, parent=p,
                                       province=p, path=f"DB9/DB9{n}/") for n in (1, 2))
    etype = EstablishmentType.objects.order_by("pk").first()

    def est(unit, name):
        e = Establishment(name=name, type=etype, address="Số 1", unit=unit, status=EstablishmentStatus.OPERATING)
        e.save()
        return e

    e1, _e2, e3 = est(c1, "Cơ sở 1"), est(c1, "Cơ sở 2"), est(c2, "Cơ sở 3")
    for e in (e1, e3):
        Visit.objects.create(establishment=e, unit=e.unit, date=datetime.date(Y, 3, 1), result="compliant")
    for unit, days in ((c1, (1, 2, 3)), (c2, (4,))):
        for day in days:
            case = CriminalCase(name=f"Vụ {unit.code}-{day}", offence="327", unit=unit,
                                detected_on=datetime.date(Y, day, 10))
            case.save()
    for unit in (c1, c2):
        plan = Plan(unit=unit, title="Kế hoạch năm 2020", number=f"01/KH-{unit.code}", period=PERIOD,
                    status=PlanStatus.ISSUED)
        plan.save()
        Target.objects.create(plan=plan, text="Phát hiện ít nhất 02 vụ án", metric="count", comparator="gte",
                              value=Decimal(2), indicator="CASES_DETECTED")
    plan = Plan(unit=p, title="Kế hoạch của tỉnh", number="09/KH-UBND", period=PERIOD, status=PlanStatus.ISSUED)
    plan.save()
    Target.objects.create(plan=plan, text="80% cơ sở được kiểm tra", metric="percent", comparator="gte",
                          value=Decimal(80), indicator="VENUES_INSPECTED")
    return p, c1, c2


def _cells(card, code):
    index = [i.code for i in card.indicators].index(code)
    return {row.unit_id: row.cells[index] for row in card.rows}, card.total.cells[index] if card.total else None


def test_scorecard_numbers_and_total_row(board):
    p, c1, c2 = board
    card = selectors.scorecard(selectors.Focus(p), engine.Period.parse(PERIOD), datetime.date(Y + 1, 1, 15))
    assert [r.unit_id for r in card.rows] == [c1.pk, c2.pk]
    cases, cases_total = _cells(card, "CASES_DETECTED")
    assert (cases[c1.pk].value.value, cases[c2.pk].value.value, cases_total.value.value) == (3, 1, 4)
    venues, venues_total = _cells(card, "VENUES_INSPECTED")
    assert venues[c1.pk].value.value == 50 and venues[c2.pk].value.value == 100
    assert (venues_total.value.numerator, venues_total.value.denominator) == (2, 3)  # not the 75% average
    assert venues_total.text == "66,7%"
    # The total row is the engine's province value.
    province = engine.compute("VENUES_INSPECTED", level="province", units=[p.pk], period=card.period)[p.pk]
    assert venues_total.value == province


def test_scorecard_status_and_targets(board):
    p, c1, c2 = board
    card = selectors.scorecard(selectors.Focus(p), engine.Period.parse(PERIOD), datetime.date(Y + 1, 1, 15))
    cases, _ = _cells(card, "CASES_DETECTED")
    assert cases[c1.pk].target == "≥ 2" and cases[c2.pk].target == "≥ 2"
    assert cases[c1.pk].judgement.status == "dat" and cases[c1.pk].colour == "success"
    assert cases[c2.pk].judgement.status == "khong_dat" and cases[c2.pk].colour == "danger"
    _, venues_total = _cells(card, "VENUES_INSPECTED")
    assert venues_total.target == "≥ 80%" and venues_total.judgement.status == "khong_dat"
    worst = {r.unit_id: [c.indicator.code for c in r.bad_cells] for r in selectors.worst_rows(card)}
    assert "CASES_DETECTED" in worst[c2.pk] and "CASES_DETECTED" not in worst.get(c1.pk, [])


def test_drill_down_links(board):
    p, c1, _c2 = board
    period = engine.Period.parse(PERIOD)
    country = selectors.scorecard(selectors.Focus(None), period, datetime.date(Y + 1, 1, 15),
                                  codes=["CASES_DETECTED", "VENUES_INSPECTED"])
    row = next(r for r in country.rows if r.unit_id == p.pk)
    assert row.link == f"{reverse('dashboard_scorecard')}?don-vi={p.code}&ky={PERIOD}"  # province -> communes
    assert row.cells[0].link.startswith(reverse("dashboard_indicator", args=[row.cells[0].indicator.code, p.pk]))
    card = selectors.scorecard(selectors.Focus(p), period, datetime.date(Y + 1, 1, 15))
    venues, _ = _cells(card, "VENUES_INSPECTED")
    link = venues[c1.pk].link  # commune cell -> the establishments not inspected in the year
    assert link.startswith(reverse("inspection_coverage_establishments"))
    assert f"don-vi={c1.code}" in link and "loai=not_visited" in link and f"nam={Y}" in link
    tips, _ = _cells(card, "TIPS_ON_TIME")
    assert tips[c1.pk].link == f"{reverse('tip_list')}?unit={c1.pk}&deadline=overdue"


def test_every_page_renders_for_a_province_member(board, member_factory, login):
    p, c1, _c2 = board
    client = login(member_factory("db.province", p, Role.COORDINATOR))
    for url in (reverse("dashboard"), reverse("dashboard_scorecard"), reverse("dashboard_overview"),
                reverse("dashboard_indicator", args=["CASES_DETECTED", p.pk]),
                reverse("dashboard_indicator", args=["VENUES_INSPECTED", c1.pk])):
        response = client.get(url, {"ky": PERIOD})
        assert response.status_code == 200, url
    page = client.get(reverse("dashboard_scorecard"), {"ky": PERIOD}).content.decode()
    assert "Xã Bảng Điểm 1" in page and 'id="total-row"' in page and "66,7%" in page
    overview = client.get(reverse("dashboard_overview"), {"ky": PERIOD}).content.decode()
    assert 'id="plans-issued">2/2' in overview
    drill = client.get(reverse("dashboard_scorecard"), {"don-vi": c1.code, "ky": PERIOD}).content.decode()
    table = drill[drill.index('id="scorecard"'):]  # the picker above offers the province's communes
    assert "Xã Bảng Điểm 1" in table and "Xã Bảng Điểm 2" not in table


def test_indicator_page_chart_table_and_excel(board, member_factory, login):
    p, _c1, _c2 = board
    client = login(member_factory("db.chart", p, Role.COORDINATOR))
    url = reverse("dashboard_indicator", args=["CASES_DETECTED", p.pk])
    page = client.get(url, {"ky": PERIOD}).content.decode()
    assert 'id="trend-chart"' in page and 'id="trend-table"' in page and 'id="breakdown"' in page
    trend = selectors.trend(engine.BY_CODE["CASES_DETECTED"], selectors.Focus(p), Y, datetime.date(Y + 1, 1, 1))
    assert trend.monthly[:4] == [1, 1, 1, 1] and trend.cumulative[11] == 4
    response = client.get(url, {"ky": PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Tháng", "Trong tháng", "Lũy kế")
    assert rows[1][:3] == ("Th1", 1, 1) and rows[12][:3] == ("Th12", 0, 4)


def test_scorecard_excel(board, member_factory, login):
    p, _c1, _c2 = board
    client = login(member_factory("db.xlsx", p, Role.COORDINATOR))
    response = client.get(reverse("dashboard_scorecard"), {"ky": PERIOD, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index(next(h for h in rows[0] if h and h.startswith("Tỷ lệ cơ sở kinh doanh dịch vụ dễ bị")))
    assert [r[0] for r in rows[1:]] == ["Xã Bảng Điểm 1", "Xã Bảng Điểm 2", "Tỉnh Bảng Điểm"]
    assert [r[column] for r in rows[1:]] == [50, 100, 66.7]


def test_period_error_is_vietnamese(board, member_factory, login):
    p, _c1, _c2 = board
    client = login(member_factory("db.period", p, Role.COORDINATOR))
    page = client.get(reverse("dashboard_scorecard"), {"ky": "2026X9"}).content.decode()
    assert 'id="picker-error"' in page and "không hợp lệ" in page


def test_outsider_gets_404_and_no_numbers(board, outsider, login):
    p, c1, _c2 = board
    client = login(outsider)
    assert client.get(reverse("dashboard_scorecard"), {"don-vi": p.code}).status_code == 404
    assert client.get(reverse("dashboard_scorecard"), {"don-vi": c1.code}).status_code == 404
    assert client.get(reverse("dashboard_scorecard"), {"unit": 0}).status_code == 301  # the country (old name)
    assert client.get(reverse("dashboard_scorecard"), {"don-vi": "0"}).status_code == 404
    assert client.get(reverse("dashboard_scorecard"), {"don-vi": "x"}).status_code == 404
    assert client.get(reverse("dashboard_indicator", args=["CASES_DETECTED", p.pk])).status_code == 404
    assert client.get(reverse("dashboard_overview"), {"don-vi": p.code}).status_code == 404
    own = client.get(reverse("dashboard_scorecard"), {"ky": PERIOD}).content.decode()
    assert "Bảng Điểm" not in own and "Bạch Đằng" not in own


def test_commune_member_sees_only_its_commune(board, member_factory, login):
    p, c1, c2 = board
    client = login(member_factory("db.commune", c1, Role.COORDINATOR))
    assert client.get(reverse("dashboard_scorecard"), {"don-vi": p.code}).status_code == 404
    assert client.get(reverse("dashboard_scorecard"), {"don-vi": c2.code}).status_code == 404
    page = client.get(reverse("dashboard_scorecard"), {"ky": PERIOD}).content.decode()
    assert "Xã Bảng Điểm 1" in page and "Xã Bảng Điểm 2" not in page


def test_reader_can_view(reader, login, bach_dang):
    client = login(reader)
    for name in ("dashboard", "dashboard_scorecard", "dashboard_overview"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("dashboard_indicator", args=["TIPS_ON_TIME", bach_dang.pk])).status_code == 200
    assert client.get(reverse("dashboard_indicator", args=["NO_SUCH", bach_dang.pk])).status_code == 404


def test_dashboard_is_first_in_the_menu(owner, login):
    from pcmd.core.navigation import menu_for
    from pcmd.org.models import Membership

    menu = menu_for(Membership.objects.get(user=owner))
    assert menu[0]["label"] == "Bảng điều hành"
    assert menu[0]["pages"][0]["url"] == reverse("dashboard")


def test_commitment_and_integration_cells_drill_into_their_commune(board, member_factory, login):
    """Issue 12, defect 6: the drill-down of these two cells keeps the commune (`?don-vi=<code>`)."""
    from pcmd.outreach.models import Commitment, Integration

    p, c1, c2 = board
    card = selectors.scorecard(selectors.Focus(p), engine.Period.parse(PERIOD), datetime.date(Y + 1, 1, 15),
                               codes=["COMMITMENTS_SIGNED", "COMMUNES_INTEGRATING"])
    client = login(member_factory("db.province", p, Role.COORDINATOR))
    for unit, mark in ((c1, "A"), (c2, "B")):
        place = Establishment.objects.filter(unit=unit).first()
        Commitment.objects.create(establishment=place, date=datetime.date(Y, 2, 1), signed_by=f"Người ký {mark}")
        Integration.objects.create(unit=unit, year=Y, document_number=f"0{mark}/KH", document_title="Lồng ghép",
                                   document_date=datetime.date(Y, 1, 5))
    for code, shown, hidden in (("COMMITMENTS_SIGNED", "Người ký A", "Người ký B"),
                                ("COMMUNES_INTEGRATING", "0A/KH", "0B/KH")):
        cells, _ = _cells(card, code)
        link = cells[c1.pk].link
        assert f"don-vi={c1.code}" in link, link
        page = client.get(link).content.decode()
        assert shown in page and hidden not in page
