"""Inspections: scoping of every registry, the visit entry page and every rule of a visit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pcmd.inspections import services
from pcmd.inspections.models import (
    InspectionRound,
    Sanction,
    SanctionKind,
    Team,
    TeamMember,
    ViolationType,
    Visit,
    VisitResult,
)
from pcmd.org.models import Membership, Role
from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_establishment(unit, name="Karaoke Thử Nghiệm", status=EstablishmentStatus.OPERATING, workers=10,
                       type_code=None):
    etype = (EstablishmentType.objects.get(code=type_code) if type_code
             else EstablishmentType.objects.order_by("pk").first())
    e = Establishment(name=name, type=etype, address=f"Số 1 {name}", unit=unit, status=status,
                      workers_total=workers)
    e.save()
    return e


def visit_post(establishment, *, date=None, result="compliant", violations=(), sanctions=(), **extra):
    data = {
        "establishment": establishment.pk, "date": (date or TODAY).isoformat(), "time": "21:30", "kind": "planned",
        "result": result, "found_selling": "0", "found_buying": "0", "found_brokering": "0",
        "found_staff_no_papers": "0", "notes": "Ghi chú gõ tay còn giữ",
        "violations-TOTAL_FORMS": str(len(violations)), "violations-INITIAL_FORMS": "0",
        "violations-MIN_NUM_FORMS": "0", "violations-MAX_NUM_FORMS": "1000",
        "sanctions-TOTAL_FORMS": str(len(sanctions)), "sanctions-INITIAL_FORMS": "0",
        "sanctions-MIN_NUM_FORMS": "0", "sanctions-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(violations):
        data.update({f"violations-{i}-{k}": v for k, v in row.items()})
    for i, row in enumerate(sanctions):
        data.update({f"sanctions-{i}-target": "organisation", f"sanctions-{i}-individuals": "0"})
        data.update({f"sanctions-{i}-{k}": v for k, v in row.items()})
    data.update(extra)
    return data


@pytest.fixture
def inspector(bach_dang, member_factory):
    return member_factory("i.inspector", bach_dang, Role.INSPECTOR, "ubnd-xa")


@pytest.fixture
def vtype():
    return ViolationType.objects.get(code="luu-tru")


@pytest.fixture
def place(bach_dang):
    return make_establishment(bach_dang)


# --- Scoping of every registry ------------------------------------------------------------------------------------

REGISTRIES = [("team", Team, "unit"), ("team_member", TeamMember, "team__unit"),
              ("round", InspectionRound, "unit"), ("visit", Visit, "unit")]


@pytest.mark.parametrize("name,model,unit_field", REGISTRIES)
def test_outsider_sees_no_record_of_bach_dang(name, model, unit_field, outsider, login, bach_dang):
    obj = model.objects.filter(**{unit_field: bach_dang}).first()
    client = login(outsider)
    assert client.get(reverse(f"{name}_detail", args=[obj.pk])).status_code == 404
    assert client.get(reverse(f"{name}_edit", args=[obj.pk])).status_code == 404
    listing = client.get(reverse(f"{name}_list"))
    assert listing.status_code == 200
    assert reverse(f"{name}_detail", args=[obj.pk]) not in listing.content.decode()


@pytest.mark.parametrize("name,model,unit_field", REGISTRIES)
def test_reader_may_read_but_not_write(name, model, unit_field, reader, login, bach_dang):
    obj = model.objects.filter(**{unit_field: bach_dang}).first()
    client = login(reader)
    assert client.get(reverse(f"{name}_detail", args=[obj.pk])).status_code == 200
    assert client.get(reverse(f"{name}_create")).status_code == 403
    assert client.get(reverse(f"{name}_edit", args=[obj.pk])).status_code == 403
    assert client.post(reverse(f"{name}_delete", args=[obj.pk])).status_code == 403


def test_inspector_records_a_visit_with_a_violation_and_a_fine(inspector, login, place, vtype):
    client = login(inspector)
    assert client.get(reverse("visit_create")).status_code == 200
    response = client.post(reverse("visit_create"), visit_post(
        place, result="violations", violations=[{"type": vtype.pk, "note": "Sổ lưu trú bỏ trống"}],
        sanctions=[{"kind": "fine", "amount": "7500000", "decision_number": "12/QĐ-XPHC",
                    "decision_date": TODAY.isoformat()}]))
    assert response.status_code == 302
    visit = Visit.objects.get(establishment=place)
    assert visit.unit == place.unit and visit.province_id == place.province_id
    assert visit.recorded_by == inspector
    assert [v.type for v in visit.violations.all()] == [vtype]
    assert list(visit.sanctions.values_list("kind", "amount")) == [("fine", 7_500_000)]
    detail = client.get(response["Location"]).content.decode()
    assert "Sổ lưu trú bỏ trống" in detail and "7.500.000" in detail


def test_outsider_cannot_record_a_visit_for_an_establishment_of_another_province(outsider, login, place):
    client = login(outsider)
    response = client.post(reverse("visit_create"), visit_post(place))
    assert response.status_code == 400
    assert not Visit.objects.filter(establishment=place).exists()


def test_service_refuses_an_establishment_outside_the_users_scope(outsider, place):
    membership = Membership.objects.get(user=outsider)
    with pytest.raises(ValidationError) as exc:
        services.visit_create(membership=membership, data={"establishment": place, "date": TODAY,
                                                           "result": VisitResult.COMPLIANT})
    assert "không thuộc phạm vi" in str(exc.value.message_dict["establishment"])


def test_editing_a_visit_replaces_its_rows_and_checks_the_version(inspector, login, place, vtype):
    client = login(inspector)
    client.post(reverse("visit_create"), visit_post(place, result="violations", violations=[{"type": vtype.pk}]))
    visit = Visit.objects.get(establishment=place)
    url = reverse("visit_edit", args=[visit.pk])
    assert client.get(url).status_code == 200
    stale = visit_post(place, result="compliant", version=str(visit.version - 1 if visit.version > 1 else 99))
    assert client.post(url, stale).status_code == 400
    ok = client.post(url, visit_post(place, result="compliant", version=str(visit.version)))
    assert ok.status_code == 302
    visit.refresh_from_db()
    assert visit.result == "compliant" and visit.violations.count() == 0


# --- Bad input: a clear Vietnamese message, nothing lost ----------------------------------------------------------


def _bad(client, data):
    response = client.post(reverse("visit_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ghi chú gõ tay còn giữ" in body  # what was typed is still there
    return body


def test_visit_in_the_future_is_refused(inspector, login, place):
    body = _bad(login(inspector), visit_post(place, date=TODAY + datetime.timedelta(days=1)))
    assert "ở tương lai" in body
    assert not Visit.objects.filter(establishment=place).exists()


def test_visit_to_a_closed_establishment_is_refused(inspector, login, bach_dang):
    closed = make_establishment(bach_dang, name="Nhà nghỉ Đã Đóng", status=EstablishmentStatus.CLOSED)
    body = _bad(login(inspector), visit_post(closed))
    assert "đã đóng cửa" in body


def test_negative_fine_is_refused(inspector, login, place, vtype):
    body = _bad(login(inspector), visit_post(place, result="violations", violations=[{"type": vtype.pk}],
                                             sanctions=[{"kind": "fine", "amount": "-500000"}]))
    assert "không được âm" in body
    assert "-500000" in body
    assert not Sanction.objects.filter(visit__establishment=place).exists()


def test_fine_needs_an_amount(inspector, login, place, vtype):
    body = _bad(login(inspector), visit_post(place, result="violations", violations=[{"type": vtype.pk}],
                                             sanctions=[{"kind": "fine", "amount": ""}]))
    assert "cần số tiền phạt" in body


def test_violations_found_needs_a_violation(inspector, login, place):
    body = _bad(login(inspector), visit_post(place, result="violations"))
    assert "cần ít nhất một hành vi vi phạm" in body


def test_compliant_visit_has_no_violation(inspector, login, place, vtype):
    body = _bad(login(inspector), visit_post(place, result="compliant", violations=[{"type": vtype.pk}]))
    assert "không đi kèm vi phạm" in body


def test_follow_up_must_be_after_the_visit(inspector, login, place):
    body = _bad(login(inspector), visit_post(place, follow_up_due=TODAY.isoformat()))
    assert "Hạn kiểm tra lại phải sau ngày kiểm tra" in body


def test_suspension_needs_months(inspector, login, place, vtype):
    body = _bad(login(inspector), visit_post(place, result="violations", violations=[{"type": vtype.pk}],
                                             sanctions=[{"kind": SanctionKind.SUSPENSION}]))
    assert "cần số tháng" in body


def test_negative_people_count_is_refused(inspector, login, place):
    body = _bad(login(inspector), visit_post(place, found_selling="-2"))
    assert "không được âm" in body


def test_team_of_another_commune_is_refused(inspector, login, place, bach_dang):
    other = Team.objects.exclude(unit=bach_dang).filter(unit__province=bach_dang.province).first()
    membership = Membership.objects.get(user=inspector)
    with pytest.raises(ValidationError) as exc:
        services.visit_create(membership=membership, data={"establishment": place, "date": TODAY, "team": other,
                                                           "result": VisitResult.COMPLIANT})
    assert "không phụ trách" in str(exc.value.message_dict["team"])


def test_round_period_must_be_in_order(owner, login, bach_dang):
    client = login(owner)
    response = client.post(reverse("round_create"), {
        "unit": bach_dang.pk, "name": "Đợt thử", "start_date": "2026-05-10", "end_date": "2026-05-01"})
    assert response.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu" in response.content.decode()


def test_team_member_needs_a_name_or_an_account(owner, login, bach_dang):
    team = Team.objects.filter(unit=bach_dang).first()
    response = login(owner).post(reverse("team_member_create"), {"team": team.pk, "position": "Thành viên"})
    assert response.status_code == 400
    assert "Hãy nhập họ tên hoặc chọn tài khoản" in response.content.decode()


def test_demo_teams_of_bach_dang_have_members_from_its_agencies(bach_dang):
    team = Team.objects.get(unit=bach_dang)
    kinds = set(team.members.exclude(agency=None).values_list("agency__kind__code", flat=True))
    assert {"ubnd-xa", "cong-an-xa", "phong-vhxh"} <= kinds
    assert team.members.filter(is_leader=True).exists()


def test_demo_seed_is_idempotent():
    from pcmd.core.demo import SeedContext
    from pcmd.inspections.demo import seed_inspections

    before = (Visit.objects.count(), Team.objects.count(), Sanction.objects.count())
    import random

    from faker import Faker
    seed_inspections(SeedContext(scale="demo", faker=Faker("vi_VN"), rng=random.Random(1)))
    assert (Visit.objects.count(), Team.objects.count(), Sanction.objects.count()) == before
    assert before[0] > 0 and before[2] > 0


def test_owner_adds_a_team_member_and_finds_visits_by_establishment_name(owner, login, bach_dang, place):
    client = login(owner)
    team = Team.objects.get(unit=bach_dang)
    response = client.post(reverse("team_member_create"), {"team": team.pk, "full_name": "Lê Thị Thử",
                                                           "position": "Thành viên"})
    assert response.status_code == 302
    assert team.members.filter(full_name="Lê Thị Thử").exists()
    Visit.objects.create(establishment=place, unit=bach_dang, date=TODAY, result="compliant")
    found = client.get(reverse("visit_list"), {"q": "karaoke thu nghiem"}).content.decode()
    assert reverse("visit_detail", args=[Visit.objects.get(establishment=place).pk]) in found
    members = client.get(reverse("team_member_list"), {"q": "le thi thu"}).content.decode()
    assert "Lê Thị Thử" in members


def test_owner_creates_a_team_and_a_round(owner, login, bach_dang):
    client = login(owner)
    assert client.post(reverse("team_create"), {"unit": bach_dang.pk, "name": "Đội 178 thứ hai",
                                                "is_active": "on"}).status_code == 302
    team = Team.objects.get(name="Đội 178 thứ hai")
    response = client.post(reverse("round_create"), {"unit": bach_dang.pk, "name": "Đợt cao điểm",
                                                     "start_date": "2026-01-10", "end_date": "2026-02-10",
                                                     "team": team.pk})
    assert response.status_code == 302
    assert InspectionRound.objects.get(name="Đợt cao điểm").unit == bach_dang


def test_pickers_offer_only_units_and_accounts_in_scope(owner, outsider, login, bach_dang, ninh_binh_commune,
                                                       member_factory):
    """The unit and account pickers come from core.scoping: a commune member is offered their commune and the
    accounts seated in it, never another commune's (nor the neighbouring commune of the same city)."""
    from pcmd.geo.models import AdminUnit, Level

    neighbour = (AdminUnit.objects.filter(province=bach_dang.province, level=Level.COMMUNE)
                 .exclude(pk=bach_dang.pk).first())
    member_factory("hp.neighbour", neighbour, Role.POLICE_OFFICER)
    client = login(owner)
    for name in ("team_create", "round_create"):
        units = client.get(reverse(name)).context["form"].fields["unit"].queryset
        assert list(units) == [bach_dang]
    users = client.get(reverse("team_member_create")).context["form"].fields["user"].queryset
    names = set(users.values_list("username", flat=True))
    assert owner.username in names and "hp.neighbour" not in names and outsider.username not in names
    risk_units = client.get(reverse("risk_plan")).context["form"].fields["unit"].queryset
    assert list(risk_units) == [bach_dang]
    team = Team.objects.filter(unit=bach_dang).first()
    refused = client.post(reverse("team_member_create"), {"team": team.pk, "user": outsider.pk, "position": "x"})
    assert refused.status_code == 400 and not TeamMember.objects.filter(user=outsider).exists()
