"""Issue 12, defect 10: the approval page shows the figures it is about to lock, and the home page card of
"Phê duyệt số liệu" says what the seat may do there (a leader approves: not "Chỉ xem")."""

import pytest
from django.urls import reverse

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import services
from pcmd.indicators.models import DataApproval, DataValue
from pcmd.org.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    unit = AdminUnit.objects.create(code="TB9", name="Tỉnh Phê Duyệt", level=Level.PROVINCE, path="TB9/")
    unit.province = unit
    unit.save()
    for n in (1, 2):
        AdminUnit.objects.create(code=f"TB9{n}", name=f"Xã Duyệt {n}", level=Level.COMMUNE, parent=unit,
                                 province=unit, path=f"TB9/TB9{n}/")
    return unit


def _put(unit, code, period, numerator, denominator=None):
    p = Period.parse(period)
    return DataValue.objects.create(indicator=code, unit=unit, period=p.code, period_kind=p.kind,
                                    period_start=p.start, period_end=p.end, numerator=numerator,
                                    denominator=denominator)


def test_the_page_shows_the_figures_before_approving_them(province, member_factory, login):
    entered = services.entered_indicators()[0]  # people reached who were supported (a percentage)
    communes = list(AdminUnit.objects.filter(parent=province).order_by("code"))
    _put(communes[0], entered.code, "2026", 40, 50)
    _put(communes[1], entered.code, "2026", 60, 100)
    client = login(member_factory("ap.coord", province, Role.COORDINATOR))
    page = client.get(reverse("indicator_approvals"), {"ky": "2026"})
    body = page.content.decode()
    section = body[body.index('id="approval-figures"'):]
    assert entered.name in section and "66,7% (100/150)" in section and "2/3" in section
    assert 'name="ky" value="2026"' in section and 'id="approve-form"' in section
    figures = {f.code: f for f in page.context["figures"]}
    assert figures[entered.code].entered == 2
    response = client.post(reverse("indicator_approvals"), {"step": "approve", "don-vi": province.code, "ky": "2026"})
    assert response.status_code == 302
    approval = DataApproval.objects.get(unit=province)
    assert approval.period == "2026"
    again = client.get(reverse("indicator_approvals"), {"ky": "2026"}).content.decode()
    assert "Đã khóa" in again and 'id="approve-form"' not in again


def test_small_counts_about_people_stay_hidden(province, member_factory, login):
    sensitive = [i for i in services.entered_indicators() if i.sensitive]
    if not sensitive:
        pytest.fail("the catalogue has no sensitive entered indicator to check")
    commune = AdminUnit.objects.filter(parent=province).first()
    _put(commune, sensitive[0].code, "2026", 3) if sensitive[0].metric == "count" else \
        _put(commune, sensitive[0].code, "2026", 3, 10)
    page = login(member_factory("ap.coord2", province, Role.COORDINATOR)).get(reverse("indicator_approvals"),
                                                                               {"ky": "2026"})
    figures = {f.code: f for f in page.context["figures"]}
    assert figures[sensitive[0].code].value == "<5"


def _card(page: str, label: str) -> str:
    page = page[page.index('id="modules"'):]
    start = page.index(f"</i> {label}")
    return page[start:page.index("</a>", start)]


def test_the_home_card_tells_the_truth(member_factory, login, hai_phong):
    leader = login(member_factory("ap.leader", hai_phong, Role.LEADER)).get(reverse("home")).content.decode()
    assert services.can_approve(Membership.objects.get(user__username="ap.leader"))
    card = _card(leader, "Phê duyệt số liệu")
    assert "Xem và phê duyệt" in card and "Chỉ xem" not in card
    officer = member_factory("ap.officer", hai_phong, Role.AGENCY_OFFICER)
    if not services.can_approve(Membership.objects.get(user=officer)):
        page = login(officer).get(reverse("home")).content.decode()
        if "Phê duyệt số liệu" in page:
            assert "Chỉ xem" in _card(page, "Phê duyệt số liệu")
    assert "sẽ hiện ở đây" not in leader
