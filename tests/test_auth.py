"""Login, lockout, two-factor, expired sessions and membership switching."""

from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcmd.org.models import Membership, Role

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client, username, password, next_url=""):
    return client.post("/dang-nhap/", {"username": username, "password": password, "next": next_url})


def test_passwords_are_hashed_with_argon2_in_production():
    from importlib import import_module

    assert import_module("pcmd.settings").PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_wrong_password_says_so_in_vietnamese_and_keeps_the_username(client, owner):
    response = post_login(client, "p.owner", "sai-mat-khau")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text and 'value="p.owner"' in text


def test_login_lands_on_home_with_the_membership(client, owner):
    response = post_login(client, "p.owner", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Cơ quan thường trực" in home and "Phường Bạch Đằng" in home and "/co-quan/" in home


def test_repeated_failures_lock_the_account_with_a_clear_message(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "p.owner", "sai-mat-khau")
    response = post_login(client, "p.owner", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_session_sends_back_to_login_then_to_the_page(client, owner):
    response = client.get("/co-quan/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=/co-quan/")
    page = client.get(response["Location"]).content.decode()
    assert "phiên làm việc đã hết hạn" in page
    response = post_login(client, "p.owner", PASSWORD, next_url="/co-quan/")
    assert response["Location"] == "/co-quan/"


def code_for_secret(secret: str) -> str:
    """The code an authenticator app shows for the base32 secret printed on the setup page."""
    return f"{totp(b32decode(secret)):06d}"


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_case_worker_must_set_up_two_factor_before_anything(client, member_factory, bach_dang):
    user = member_factory("p.caseworker", bach_dang, Role.CASE_WORKER, "tram-y-te")
    post_login(client, "p.caseworker", PASSWORD)
    response = client.get("/co-quan/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))
    setup = client.get(response["Location"])
    assert "<svg" in setup.content.decode() and setup.context["secret"]
    code = code_for_secret(setup.context["secret"])
    wrong = client.post(reverse("otp_setup"), {"token": f"{(int(code) + 1) % 1000000:06d}"})
    assert "Mã không đúng" in wrong.content.decode()
    assert wrong.context["secret"] == setup.context["secret"]  # the same pending key until confirmed
    assert not TOTPDevice.objects.filter(user=user).exists()  # a wrong code leaves no row behind
    before = client.session.session_key
    response = client.post(reverse("otp_setup") + "?next=/co-quan/", {"token": code, "next": "/co-quan/"})
    assert response.status_code == 302 and response["Location"] == "/co-quan/"
    assert client.session.session_key != before
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and code_for(device) == code
    assert client.get("/co-quan/").status_code == 200
    replay = Client()  # the confirming code cannot be used again for a second login
    post_login(replay, "p.caseworker", PASSWORD)
    assert replay.post(reverse("otp_verify"), {"token": code}).status_code == 200


def test_user_with_an_authenticator_passes_the_second_step(client, member_factory, bach_dang):
    user = member_factory("p.supervisor", bach_dang, Role.SUPPORT_SUPERVISOR)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    post_login(client, "p.supervisor", PASSWORD)
    response = client.get("/")
    assert response["Location"].startswith(reverse("otp_verify"))
    assert client.post(reverse("otp_verify"), {"token": "12345"}).context["form"].errors
    before = client.session.session_key
    assert client.post(reverse("otp_verify"), {"token": code_for(device)})["Location"] == "/"
    assert client.session.session_key != before  # a session id seen before the second factor is worth nothing
    assert client.get("/").status_code == 200


# The three kinds of account that must use two-factor login: (role, agency kind, unit or national).
TWO_FACTOR_SEATS = [
    pytest.param(Role.ADMIN, None, False, id="admin"),
    pytest.param(Role.CASE_WORKER, "tram-y-te", True, id="case-worker"),
    pytest.param(Role.SUPPORT_SUPERVISOR, None, True, id="support-supervisor"),
]


@pytest.mark.parametrize(("role", "agency", "in_commune"), TWO_FACTOR_SEATS)
def test_the_password_alone_cannot_enrol_a_new_authenticator(client, member_factory, bach_dang, role, agency,
                                                             in_commune):
    """Someone who knows only the password must not get a verified session by enrolling their own phone."""
    user = member_factory("p.victim", bach_dang if in_commune else None, role, agency)
    TOTPDevice.objects.create(user=user, name="điện thoại của chủ tài khoản", confirmed=True)
    assert post_login(client, "p.victim", PASSWORD).status_code == 302
    setup = client.get(reverse("otp_setup") + "?next=/")
    assert setup.status_code == 302 and setup["Location"].startswith(reverse("otp_verify"))
    assert "secret" not in (setup.context or {})
    assert "đã có ứng dụng xác thực" in client.get(setup["Location"]).content.decode()
    # Posting a code for a secret of the attacker's choosing does not help either.
    forged = client.post(reverse("otp_setup"), {"token": code_for_secret("JBSWY3DPEHPK3PXP")})
    assert forged.status_code == 302 and forged["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get("/").status_code == 302  # still asked for the second factor
    from django_otp import DEVICE_ID_SESSION_KEY

    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize(("role", "agency", "in_commune"), TWO_FACTOR_SEATS)
def test_first_enrolment_creates_no_device_on_get_and_rotates_the_session(client, member_factory, bach_dang, role,
                                                                          agency, in_commune):
    user = member_factory("p.newcomer", bach_dang if in_commune else None, role, agency)
    post_login(client, "p.newcomer", PASSWORD)
    first = client.get(reverse("otp_setup"))
    again = client.get(reverse("otp_setup"))
    assert first.status_code == 200 and again.context["secret"] == first.context["secret"]
    assert not TOTPDevice.objects.filter(user=user).exists()  # looking at the page enrols nothing
    before = client.session.session_key
    response = client.post(reverse("otp_setup"), {"token": code_for_secret(first.context["secret"])})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session.session_key != before
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert client.get("/").status_code == 200


def test_a_verified_session_may_enrol_another_authenticator(client, member_factory, bach_dang):
    user = member_factory("p.verified", bach_dang, Role.CASE_WORKER, "tram-y-te")
    device = TOTPDevice.objects.create(user=user, name="điện thoại cũ", confirmed=True)
    post_login(client, "p.verified", PASSWORD)
    client.post(reverse("otp_verify"), {"token": code_for(device)})
    setup = client.get(reverse("otp_setup"))
    assert setup.status_code == 200
    client.post(reverse("otp_setup"), {"token": code_for_secret(setup.context["secret"])})
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 2


def test_roles_without_sensitive_data_are_not_forced_into_two_factor(login, owner):
    assert login(owner).get("/co-quan/").status_code == 200


def test_switching_membership_changes_what_the_user_may_do(login, owner, bach_dang):
    Membership.objects.create(user=owner, unit=bach_dang, role=Role.LEADER)
    client = login(owner)
    assert client.get("/co-quan/them/").status_code == 200
    leader = Membership.objects.get(user=owner, role=Role.LEADER)
    client.post("/doi-vai-tro/", {"membership": leader.pk})
    assert client.get("/co-quan/them/").status_code == 403


def test_one_cannot_switch_into_someone_elses_membership(login, owner, outsider):
    theirs = Membership.objects.get(user=outsider)
    assert login(owner).post("/doi-vai-tro/", {"membership": theirs.pk}).status_code == 404


def test_user_without_membership_is_told_to_ask_for_access(login, db):
    user = get_user_model().objects.create_user("p.nobody", password=PASSWORD)
    client = login(user)
    assert "chưa được phân quyền" in client.get("/").content.decode()
    assert client.get("/co-quan/").status_code == 403


def test_logout(login, owner):
    client = login(owner)
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/").status_code == 302
