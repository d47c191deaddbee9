"""Rules in services, not forms: each rule is refused by the service itself (so import, derive, the CLI
and any other caller meet it), and the form still shows it on its field with the typed data kept.

Rules: a plan target's percentage 0–100 and range maximum ≥ minimum; a reporting duty's deadline; a
team member's name or account; a named tip's reporter name.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pcmd.inspections import services as inspections
from pcmd.inspections.models import Team, TeamMember
from pcmd.plans import derive
from pcmd.plans import services as plans
from pcmd.plans.models import Plan, PlanStatus, ReportingDuty, Target
from pcmd.tips import services as tips
from pcmd.tips.models import Tip, TipChannel

from .test_plans_review import target_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(bach_dang):
    plan = Plan.objects.create(unit=bach_dang, title="Kế hoạch thử quy tắc", period="2026", status=PlanStatus.DRAFT)
    Target.objects.create(plan=plan, order=1, text="Tỷ lệ cơ sở được kiểm tra đạt 60%", metric="percent",
                          comparator="gte", value=60, year=2026, line_start=3, line_end=3)
    return plan


def refused(call, field: str, words: str):
    with pytest.raises(ValidationError) as exc:
        call()
    assert words in " ".join(exc.value.message_dict[field])


# --- plan targets and reporting duties ------------------------------------------------------------------------

def target_fields(**changes):
    return {"section": "", "text": "Tỷ lệ cơ sở được kiểm tra", "metric": "percent", "comparator": "gte",
            "value": Decimal(60), "value_max": None, "year": 2026, "population": "", "scope": "",
            "indicator": "", "line_start": None, "line_end": None, **changes}


def test_target_service_refuses_a_percentage_above_100_and_a_range_upside_down(draft):
    refused(lambda: plans.item_create(plan=draft, model=Target, data=target_fields(value=Decimal(150))),
            "value", "Tỷ lệ phải từ 0 đến 100")
    target = draft.targets.filter(metric="percent").first()
    refused(lambda: plans.item_update(instance=target, data=target_fields(
        comparator="range", value=Decimal(90), value_max=Decimal(80))), "value_max", "lớn hơn hoặc bằng")
    target.refresh_from_db()
    assert target.value_max is None or target.value_max >= (target.value or 0)
    assert plans.item_create(plan=draft, model=Target, data=target_fields(value=Decimal(100))).pk


def test_duty_service_refuses_a_half_deadline(draft):
    duty = {"text": "Báo cáo 6 tháng", "reporter": "", "recipient": "", "via": "", "frequency": "",
            "line_start": None, "line_end": None}
    refused(lambda: plans.item_create(plan=draft, model=ReportingDuty,
                                      data={**duty, "deadline_day": 15, "deadline_month": None}),
            "deadline_month", "cả ngày và tháng")
    refused(lambda: plans.item_create(plan=draft, model=ReportingDuty,
                                      data={**duty, "deadline_day": 31, "deadline_month": 13}),
            "deadline_day", "không hợp lệ")


def test_import_refuses_a_document_whose_target_breaks_the_rules(owner, bach_dang, monkeypatch):
    from pcmd.plans.parsing import parser

    monkeypatch.setattr(parser, "parse_plan", lambda text: {"targets": [
        {"text": "Tỷ lệ cơ sở được kiểm tra đạt 150%", "metric": "percent", "comparator": "gte", "value": "150",
         "lines": [7]}]})
    before = Plan.objects.count()
    with pytest.raises(ValidationError) as exc:
        plans.plan_import(unit=bach_dang, file_name="ke-hoach.txt", data="Kế hoạch thử".encode(), user=owner)
    assert "dòng 7" in exc.value.messages[0] and "Tỷ lệ phải từ 0 đến 100" in exc.value.messages[0]
    assert Plan.objects.count() == before


def test_derive_does_not_copy_a_target_that_breaks_the_rules(bach_dang):
    province = bach_dang.province
    parent = Plan.objects.create(unit=province, title="Kế hoạch của thành phố", period="2026",
                                 status=PlanStatus.ISSUED)
    good = Target.objects.create(plan=parent, order=1, text="Tỷ lệ cơ sở được kiểm tra đạt 60%", metric="percent",
                                 comparator="gte", value=60)
    bad = Target.objects.create(plan=parent, order=2, text="Tỷ lệ cán bộ được tập huấn đạt 180%",
                                metric="percent", comparator="gte", value=180)  # saved before the rule existed
    preview = derive.derive_preview(parent=parent, unit=bach_dang, year=2026)
    assert [c.source for c in preview.targets] == [good]
    assert any(t == bad and "Tỷ lệ phải từ 0 đến 100" in why for t, why in preview.skipped_targets)


def test_target_form_shows_the_services_rule_on_the_field(owner, login, draft):
    target = draft.targets.filter(metric="percent").first()
    url = reverse("plan_item_edit", args=["chi-tieu", target.pk])
    response = login(owner).post(url, target_data(target, value="150", population="cán bộ đã gõ"))
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["Tỷ lệ phải từ 0 đến 100."]
    body = response.content.decode()
    assert 'value="150"' in body and "cán bộ đã gõ" in body


def test_duty_form_shows_the_services_rule_on_the_field(owner, login, draft):
    response = login(owner).post(reverse("plan_item_add", args=[draft.pk, "bao-cao"]), {
        "text": "Báo cáo năm gõ tay", "reporter": "", "recipient": "", "via": "", "frequency": "",
        "deadline_day": "15", "deadline_month": "", "line_start": "", "line_end": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["deadline_month"] == ["Hạn báo cáo cần cả ngày và tháng."]
    assert "Báo cáo năm gõ tay" in response.content.decode()


# --- team members ------------------------------------------------------------------------------------------------

def test_team_member_service_needs_a_name_or_an_account(bach_dang):
    team = Team.objects.filter(unit=bach_dang).first()
    refused(lambda: inspections.team_member_create(membership=None, data={"team": team, "full_name": "  ",
                                                                          "position": "Thành viên"}),
            "full_name", "Hãy nhập họ tên hoặc chọn tài khoản")
    member = inspections.team_member_create(membership=None, data={"team": team, "full_name": "Lê Văn Thử"})
    refused(lambda: inspections.team_member_update(instance=member, data={"full_name": ""}),
            "full_name", "Hãy nhập họ tên hoặc chọn tài khoản")
    assert TeamMember.objects.get(pk=member.pk).full_name == "Lê Văn Thử"


def test_team_member_form_shows_the_rule_and_keeps_the_position(owner, login, bach_dang):
    team = Team.objects.filter(unit=bach_dang).first()
    response = login(owner).post(reverse("team_member_create"), {"team": team.pk, "position": "Tổ viên gõ tay"})
    assert response.status_code == 400
    assert response.context["form"].errors["full_name"] == ["Hãy nhập họ tên hoặc chọn tài khoản của thành viên."]
    assert "Tổ viên gõ tay" in response.content.decode()


# --- named tips --------------------------------------------------------------------------------------------------

def test_tip_service_needs_the_reporter_name_of_a_named_tip(bach_dang):
    data = {"unit": bach_dang, "summary": "Tin có danh tính thử", "description": "Nội dung", "is_anonymous": False,
            "reporter_name": "   "}
    refused(lambda: tips.tip_create(channel=TipChannel.HOTLINE, data=data), "reporter_name", "cần họ tên người báo")
    assert not Tip.objects.filter(summary="Tin có danh tính thử").exists()
    tip = tips.tip_create(channel=TipChannel.HOTLINE, data={**data, "is_anonymous": True})
    refused(lambda: tips.tip_update(instance=tip, data={"is_anonymous": False}), "reporter_name",
            "cần họ tên người báo")
    assert Tip.objects.get(pk=tip.pk).is_anonymous


def test_tip_form_shows_the_rule_on_the_reporter_field(owner, login, bach_dang):
    response = login(owner).post(reverse("tip_create"), {
        "unit": bach_dang.pk, "channel": "hotline", "category": "establishment", "summary": "Quán gõ tay",
        "description": "Chi tiết", "is_anonymous": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reporter_name"] == ["Tin báo có danh tính cần họ tên người báo."]
    assert "Quán gõ tay" in response.content.decode()
