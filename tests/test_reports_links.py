"""Which report type fulfils each reporting duty a plan import found (shown on the plan page)."""

import pytest
from django.urls import reverse

from pcmd.geo.models import AdminUnit
from pcmd.org.models import Role
from pcmd.plans.models import Plan
from pcmd.reports.links import link_duties
from pcmd.reports.models import ReportType

pytestmark = pytest.mark.django_db


@pytest.fixture
def ha_noi_plan():
    return Plan.objects.filter(unit__code="01", reporting_duties__isnull=False).distinct().get()


def links_by_frequency(plan):
    duties = list(plan.reporting_duties.all())
    links = link_duties(plan, duties)
    return {d.frequency: links[d.pk] for d in duties}


def test_ha_noi_wards_duties_are_the_commune_types(ha_noi_plan):
    links = links_by_frequency(ha_noi_plan)  # "… 6 tháng (trước ngày 17/6) … năm (trước ngày 17/12) … gửi Sở Y tế"
    assert links["S"].report_type.code == "xa-6-thang" and links["S"].note == ""
    assert links["Y"].report_type.code == "xa-nam" and links["Y"].note == ""
    assert links["adhoc"].report_type is None and "đột xuất" in links["adhoc"].note


def test_a_commune_plans_duties_and_those_without_a_type(bach_dang):
    plan = Plan.objects.filter(unit=bach_dang, reporting_duties__isnull=False).distinct().first()
    links = links_by_frequency(plan)
    assert links["Y"].report_type.code == "xa-nam"
    assert links["M"].report_type is None and "Chưa có loại báo cáo" in links["M"].note


def test_a_provinces_own_type_wins_and_a_different_deadline_is_said(ha_noi_plan, login, client, member_factory):
    general = ReportType.objects.get(code="xa-6-thang")
    own = ReportType.objects.create(
        code="ha-noi-xa-6-thang", name="Báo cáo 6 tháng của phường (Hà Nội)", level="commune", frequency="S",
        province=AdminUnit.objects.get(code="01"), start_day=15, start_month=12, end_day=14, end_month=6,
        due_day=20, due_month=6, recipient="Sở Y tế", outline=general.outline)
    link = links_by_frequency(ha_noi_plan)["S"]
    assert link.report_type == own and link.note == "Hạn trong kế hoạch 17/06, hạn của loại báo cáo 20/06."
    login(member_factory("kh.tw", None, Role.COORDINATOR))
    page = client.get(reverse("plan_detail", args=[ha_noi_plan.pk])).content.decode()
    assert "Thực hiện bằng: " in page and "Báo cáo 6 tháng của phường (Hà Nội)" in page
    assert "Hạn trong kế hoạch 17/06" in page
