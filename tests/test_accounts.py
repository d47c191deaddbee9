"""Account management (pcmd.accounts): the grant rule, crafted POSTs, deactivation and resets with reasons,
proposals, invitation and "quên mật khẩu" links, the Excel import, and the Django admin for superusers only."""

import datetime
import io
import re

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook, load_workbook

from pcmd.accounts import services
from pcmd.accounts.importers import AccountImporter
from pcmd.accounts.models import AccountProposal
from pcmd.core import imports
from pcmd.core.pickers import PICKER_LIMIT
from pcmd.core.scoping import unit_choices
from pcmd.org.models import Agency, Membership, Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def hp_admin(hai_phong, member_factory):
    return member_factory("t.hp.admin", hai_phong, Role.ADMIN)


@pytest.fixture
def national_admin(member_factory):
    return member_factory("t.nat.admin", None, Role.ADMIN)


def seat(user):
    return user.memberships.get()


def unit_value(membership, unit):
    """What the unit picker posts: the pk from a drop-down, the code from the search box (large scopes)."""
    return unit.code if unit_choices(membership).count() > PICKER_LIMIT else unit.pk


def can_login(username, password) -> bool:
    """Through the PCMD login page, as a person would (the lockout backend needs the request)."""
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def link_in(mail) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.body).group(1)


# --- the rule ----------------------------------------------------------------------------------------------------

def test_roles_granted_never_rank_above_the_granter(hp_admin, owner):
    assert Role.ADMIN in services.grantable_roles(seat(hp_admin))
    proposable = services.grantable_roles(seat(owner))  # a commune coordinator proposes
    assert Role.ADMIN not in proposable and Role.AGENCY_OFFICER in proposable
    assert services.grantable_roles(None) == []


def test_units_beyond_the_scope_are_refused(hp_admin, national_admin, bach_dang, ninh_binh_commune):
    services.check_grant(seat(hp_admin), unit=bach_dang, agency=None, role=Role.AGENCY_OFFICER)
    with pytest.raises(ValidationError) as refused:
        services.check_grant(seat(hp_admin), unit=ninh_binh_commune, agency=None, role=Role.AGENCY_OFFICER)
    assert "ngoài phạm vi" in str(refused.value)
    with pytest.raises(ValidationError, match="Trung ương"):  # only national grants national
        services.check_grant(seat(hp_admin), unit=None, agency=None, role=Role.ADMIN)
    services.check_grant(seat(national_admin), unit=None, agency=None, role=Role.ADMIN)
    other_agency = Agency.objects.filter(unit=ninh_binh_commune).first()
    with pytest.raises(ValidationError, match="Cơ quan"):
        services.check_grant(seat(hp_admin), unit=bach_dang, agency=other_agency, role=Role.AGENCY_OFFICER)


def test_accounts_outside_or_above_are_not_managed(hp_admin, national_admin, member_factory, bach_dang,
                                                   ninh_binh_commune):
    both = member_factory("t.two.provinces", bach_dang, Role.AGENCY_OFFICER)
    Membership.objects.create(user=both, unit=ninh_binh_commune, role=Role.AGENCY_OFFICER)
    assert not services.may_manage(seat(hp_admin), both)  # a seat in Ninh Bình: not Hải Phòng's to lock
    assert services.may_manage(seat(national_admin), both)
    assert not services.may_manage(seat(hp_admin), national_admin)
    assert not services.may_manage(seat(hp_admin), hp_admin)  # not oneself
    with pytest.raises(PermissionDenied):
        services.account_deactivate(membership=seat(hp_admin), actor=hp_admin, user=both, reason="thử khóa chéo")
    assert national_admin not in services.accounts_in_scope(seat(hp_admin))


def test_crafted_posts_cannot_escalate(verified_login, hp_admin, ninh_binh_commune, bach_dang, login, owner):
    client = verified_login(hp_admin)
    membership = seat(hp_admin)
    base = {"full_name": "Người Thử", "email": "nguoi.thu@example.vn", "role": Role.AGENCY_OFFICER}
    # a unit of another province, a national seat, a role that does not exist
    for crafted in ({"unit": ninh_binh_commune.pk}, {"unit": ninh_binh_commune.code}, {"unit": ""},
                    {"unit": unit_value(membership, bach_dang), "role": "superuser"}):
        response = client.post(reverse("account_create"), {**base, **crafted})
        assert response.status_code == 400, crafted
    assert not User.objects.filter(email="nguoi.thu@example.vn").exists()
    # an agency of another province with a unit of one's own
    other = Agency.objects.filter(unit=ninh_binh_commune).first()
    response = client.post(reverse("account_create"), {**base, "unit": unit_value(membership, bach_dang),
                                                       "agency": other.pk})
    assert response.status_code == 400 and not User.objects.filter(email="nguoi.thu@example.vn").exists()
    # a coordinator proposing an admin
    client = login(owner)
    response = client.post(reverse("account_proposal_create"), {**base, "role": Role.ADMIN,
                                                                "unit": unit_value(seat(owner), bach_dang)})
    assert response.status_code == 400 and not AccountProposal.objects.filter(email=base["email"]).exists()
    # a coordinator cannot create accounts directly at all
    assert client.post(reverse("account_create"), base).status_code == 403


def test_seat_add_in_scope_only(verified_login, hp_admin, member_factory, bach_dang, ninh_binh_commune):
    person = member_factory("t.person", bach_dang, Role.AGENCY_OFFICER)
    client = verified_login(hp_admin)
    url = reverse("account_seat_add", args=[person.pk])
    assert client.post(url, {"unit": ninh_binh_commune.pk, "role": Role.LEADER}).status_code == 400
    response = client.post(url, {"unit": unit_value(seat(hp_admin), bach_dang), "role": Role.LEADER})
    assert response.status_code == 302
    assert person.memberships.filter(role=Role.LEADER, unit=bach_dang, is_active=True).exists()
    added = person.memberships.get(role=Role.LEADER)
    response = client.post(reverse("account_seat_remove", args=[person.pk, added.pk]), {"reason": "chuyển công tác"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert not added.is_active


# --- create, invite, set password, 2FA -----------------------------------------------------------------------

def test_create_invites_and_the_link_is_single_use(client, verified_login, hp_admin, bach_dang, mailoutbox):
    admin_client = verified_login(hp_admin)
    agency = Agency.objects.get(unit=bach_dang, kind__code="hlhpn-xa")
    response = admin_client.post(reverse("account_create"), {
        "full_name": "Lê Thị Mai", "email": "Mai.Le@Example.vn", "phone": "0912 000 111",
        "unit": unit_value(seat(hp_admin), bach_dang), "agency": agency.pk, "role": Role.AGENCY_OFFICER})
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="mai.le@example.vn")
    assert not user.has_usable_password() and user.account_profile.phone == "0912 000 111"
    assert user.memberships.get().agency == agency
    entry = LogEntry.objects.filter(object_pk=str(user.pk), actor=hp_admin, additional_data__account="Tạo tài khoản")
    assert entry.exists() and entry.first().additional_data["province"] == bach_dang.province_id
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["mai.le@example.vn"]
    link = link_in(mailoutbox[0])
    client.logout()
    page = client.get(link, follow=True)
    assert "Đặt mật khẩu" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert can_login(user.username, "Mat-khau-moi-2026")
    again = client.get(link, follow=True)
    assert "không còn dùng được" in again.content.decode()


def test_invitation_link_expires(client, hp_admin, member_factory, bach_dang, mailoutbox):
    user = member_factory("t.late", bach_dang, Role.AGENCY_OFFICER)
    user.email = "late@example.vn"
    user.save()
    services.send_invitation(user=user, base_url="http://testserver/")
    link = link_in(mailoutbox[0])
    # well past the 72 hours (the session's clock is Việt Nam's; a nested travel's naive clock is UTC)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=100)):
        page = client.get(link, follow=True)
    assert "không còn dùng được" in page.content.decode()


def test_an_admin_invitation_cannot_serve_as_a_reset_link(client, member_factory, bach_dang, mailoutbox):
    user = member_factory("t.salt", bach_dang, Role.AGENCY_OFFICER)
    user.email = "salt@example.vn"
    user.save()
    services.send_invitation(user=user, base_url="http://testserver/")
    link = link_in(mailoutbox[0]).replace("/kich-hoat/", "/quen-mat-khau/")
    assert "không còn dùng được" in client.get(link, follow=True).content.decode()


# --- deactivate, resets ----------------------------------------------------------------------------------------

def test_deactivate_needs_a_reason_and_stops_login(client, verified_login, hp_admin, member_factory, bach_dang):
    person = member_factory("t.leaving", bach_dang, Role.AGENCY_OFFICER)
    admin_client = verified_login(hp_admin)
    url = reverse("account_deactivate", args=[person.pk])
    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 400 and "lý do" in response.content.decode()
    assert admin_client.post(url, {"reason": "Nghỉ hưu từ 01/09"}).status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    entry = LogEntry.objects.get(object_pk=str(person.pk), additional_data__reason="Nghỉ hưu từ 01/09")
    assert entry.actor == hp_admin
    assert not can_login("t.leaving", PASSWORD)
    assert admin_client.post(reverse("account_reactivate", args=[person.pk]),
                             {"reason": "Quay lại làm việc"}).status_code == 302
    person.refresh_from_db()
    assert person.is_active


def test_password_and_two_factor_resets(verified_login, hp_admin, member_factory, bach_dang, mailoutbox):
    person = member_factory("t.lost", bach_dang, Role.CASE_WORKER)
    person.email = "lost@example.vn"
    person.save()
    TOTPDevice.objects.create(user=person, name="cũ", confirmed=True)
    admin_client = verified_login(hp_admin)
    response = admin_client.post(reverse("account_otp_reset", args=[person.pk]), {"reason": "Mất điện thoại"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=person).exists()
    response = admin_client.post(reverse("account_password_reset", args=[person.pk]), {"reason": "Quên mật khẩu"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.has_usable_password() and mailoutbox[-1].to == ["lost@example.vn"]
    reasons = set(LogEntry.objects.filter(object_pk=str(person.pk)).values_list("additional_data__reason", flat=True))
    assert {"Mất điện thoại", "Quên mật khẩu"} <= reasons


# --- "quên mật khẩu" ---------------------------------------------------------------------------------------

def test_forgot_password_same_answer_and_rate_limited(client, member_factory, bach_dang, mailoutbox, settings):
    from django.core.cache import cache

    cache.clear()
    person = member_factory("t.forgot", bach_dang, Role.AGENCY_OFFICER)
    person.email = "forgot@example.vn"
    person.save()
    known = client.post(reverse("password_reset"), {"email": "forgot@example.vn"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1
    link = link_in(mailoutbox[0])
    page = client.get(link, follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "Mot-mat-khau-khac-9",
                                                        "new_password2": "Mot-mat-khau-khac-9"})
    assert response.status_code == 302
    assert can_login("t.forgot", "Mot-mat-khau-khac-9")
    for _ in range(settings.PUBLIC_RESET_PER_CLIENT_HOUR):
        client.post(reverse("password_reset"), {"email": "nobody@example.vn"})
    assert client.post(reverse("password_reset"), {"email": "nobody@example.vn"}).status_code == 429
    cache.clear()


def test_login_page_links_to_forgot_password(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


# --- proposals ------------------------------------------------------------------------------------------------

def test_commune_proposes_province_approves_or_rejects(login, verified_login, owner, hp_admin, bach_dang,
                                                        mailoutbox, client):
    coordinator = login(owner)
    agency = Agency.objects.get(unit=bach_dang, kind__code="doan-tn-xa")
    data = {"full_name": "Đỗ Văn Nam", "email": "nam.do@example.vn", "unit": unit_value(seat(owner), bach_dang),
            "agency": agency.pk, "role": Role.AGENCY_OFFICER, "note": "cán bộ Đoàn"}
    assert coordinator.post(reverse("account_proposal_create"), data).status_code == 302
    proposal = AccountProposal.objects.get(email="nam.do@example.vn")
    assert proposal.status == "proposed" and not User.objects.filter(email="nam.do@example.vn").exists()
    assert coordinator.post(reverse("account_proposal_approve", args=[proposal.pk])).status_code == 403
    client.logout()
    admin_client = verified_login(hp_admin)
    assert "Đỗ Văn Nam" in admin_client.get(reverse("account_proposal_list")).content.decode()
    assert admin_client.post(reverse("account_proposal_approve", args=[proposal.pk]), {}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.account.memberships.get().agency == agency
    assert mailoutbox[-1].to == ["nam.do@example.vn"]
    assert admin_client.post(reverse("account_proposal_reject", args=[proposal.pk]),
                             {"reason": "muộn quá"}).status_code == 302  # refused: already decided
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    second = AccountProposal.objects.create(unit=bach_dang, role=Role.LEADER, full_name="B", email="b@example.vn",
                                            proposed_by=owner)
    assert admin_client.post(reverse("account_proposal_reject", args=[second.pk]), {"reason": ""}).status_code == 400
    assert admin_client.post(reverse("account_proposal_reject", args=[second.pk]),
                             {"reason": "Không thuộc biên chế"}).status_code == 302
    second.refresh_from_db()
    assert second.status == "rejected" and second.decision_reason == "Không thuộc biên chế"


def test_outsider_admin_does_not_find_the_accounts(verified_login, member_factory, ninh_binh_commune, bach_dang):
    far = member_factory("t.far.admin", ninh_binh_commune.province, Role.ADMIN)
    person = Membership.objects.filter(unit=bach_dang, user__username="bachdang.canbo").get().user
    client = verified_login(far)
    for name in ("account_detail", "account_deactivate", "account_password_reset", "account_otp_reset"):
        assert client.get(reverse(name, args=[person.pk])).status_code == 404, name
        assert client.post(reverse(name, args=[person.pk]), {"reason": "thử chéo tỉnh"}).status_code == 404, name
    assert "bachdang.canbo" not in client.get(reverse("account_list")).content.decode()


def test_list_filters_and_search(verified_login, hp_admin, bach_dang):
    client = verified_login(hp_admin)
    page = client.get(reverse("account_list"), {"q": "bachdang", "role": Role.POLICE_OFFICER, "active": "1"})
    text = page.content.decode()
    assert page.status_code == 200 and "bachdang.congan" in text and "bachdang.canbo" not in text
    assert "ninhbinh.thuongtruc" not in client.get(reverse("account_list")).content.decode()
    assert client.get(reverse("account_list"), {"unit": "junk", "page": "x", "active": "7"}).status_code == 200


# --- Excel ---------------------------------------------------------------------------------------------------

def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.header for c in AccountImporter.columns])
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_excel_import_checks_each_row_and_invites(verified_login, hp_admin, bach_dang, ninh_binh_commune, tmp_path,
                                                   settings, mailoutbox):
    settings.MEDIA_ROOT = tmp_path
    client = verified_login(hp_admin)
    assert "Mỗi thư điện tử một tài khoản" in client.get(reverse("account_import")).content.decode()
    template = client.get(reverse("account_import_template"))
    assert template.status_code == 200
    headers = [c.value for c in load_workbook(io.BytesIO(b"".join(template.streaming_content))).active[1]]
    assert headers == ["Họ và tên", "Thư điện tử", "Điện thoại", "Đơn vị", "Cơ quan", "Vai trò"]
    path = tmp_path / "tai-khoan.xlsx"
    path.write_bytes(_xlsx([
        ["Hoàng Văn Tư", "tu.hoang@example.vn", "0912111222", bach_dang.code, "Công an", "Cán bộ công an"],
        ["Ngô Thị Năm", "nam.ngo@example.vn", "", "phuong bach dang, thanh pho hai phong", "",
         "Lãnh đạo (xem báo cáo)"],
        ["Người Ngoài", "ngoai@example.vn", "", ninh_binh_commune.code, "", "Cán bộ công an"],
        ["Vai Trò Lạ", "la@example.vn", "", bach_dang.code, "", "Thượng đế"],
        ["Trùng Thư", "tu.hoang@example.vn", "", bach_dang.code, "", "Cán bộ công an"],
    ]))
    scope = imports.ImportScope(unit=seat(hp_admin).unit, membership=seat(hp_admin), user=hp_admin)
    job = imports.import_all(importer=imports.IMPORTERS["accounts"], path=path, scope=scope, mode="valid")
    reasons = {number: reason for number, _column, reason in job.preview["errors"]}
    assert set(reasons) == {4, 5, 6}, job.preview["errors"]
    assert "ngoài phạm vi" in reasons[4] or "phạm vi" in reasons[4]
    assert job.created == 2 and job.rejected == 3
    tu = User.objects.get(email="tu.hoang@example.vn")
    assert tu.memberships.get().agency.kind.code == "cong-an-xa"
    assert User.objects.get(email="nam.ngo@example.vn").memberships.get().unit == bach_dang
    assert sorted(m.to[0] for m in mailoutbox) == ["nam.ngo@example.vn", "tu.hoang@example.vn"]


# --- the Django admin -------------------------------------------------------------------------------------------

def test_django_admin_is_for_the_verified_superuser_only(client, verified_login, national_admin, bach_dang):
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert verified_login(national_admin).get("/quan-tri/", follow=True).status_code == 404
    root = User.objects.create_superuser("t.root", "root@example.vn", PASSWORD)
    Membership.objects.create(user=root, unit=None, role=Role.ADMIN)
    page = verified_login(root).get("/quan-tri/")
    assert page.status_code == 200 and "Quản trị kỹ thuật PCMD" in page.content.decode()


def test_reloading_agencies_keeps_the_typing_and_saves_nothing(verified_login, login, hp_admin, owner, bach_dang):
    client = verified_login(hp_admin)
    data = {"full_name": "Chưa Xong", "email": "chua.xong@example.vn", "unit": unit_value(seat(hp_admin), bach_dang),
            "refresh": "1"}
    page = client.post(reverse("account_create"), data)
    text = page.content.decode()
    assert page.status_code == 200 and "Chưa Xong" in text and "Trạm Y tế phường Bạch Đằng" in text
    assert "form-errors" not in text and not User.objects.filter(email="chua.xong@example.vn").exists()
    page = login(owner).post(reverse("account_proposal_create"), {**data, "role": Role.AGENCY_OFFICER})
    assert "Đã tải danh sách cơ quan" in page.content.decode()
    assert not AccountProposal.objects.filter(email="chua.xong@example.vn").exists()
