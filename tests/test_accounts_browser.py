"""Account flows in real Chromium (issue 12): a province's system admin invites a case worker; the invitee opens the
mailed link, sets a password, enrols two-factor (the code computed from the key the page shows) and lands on the
home page; deactivated, the login is refused; "Quên mật khẩu" sets a new password that works; after a two-factor
reset the next login must enrol again. Screenshots in test-artifacts/screenshots/accounts-*.png."""

import re
from base64 import b32decode

import pytest

from .test_browser import SHOTS
from .test_public_browser import chromium  # noqa: F401  (fixture)
from .test_support_browser import log_in, open_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD, NEWER_PASSWORD = "Hoa-sen-nở-2026", "Sen-trắng-hồ-tây-7"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"accounts-{name}.png"), full_page=True)


def mailed_link(outbox, to) -> str:
    mail = [m for m in outbox if m.to == [to]][-1]
    return re.search(r"https?://\S+", mail.body).group(0)


def code_from_page(page, *, ahead: int = 0) -> str:
    from django_otp.oath import totp

    secret = page.inner_text("#otp-secret").strip()
    return f"{totp(b32decode(secret), t0=-30 * ahead):06d}"


def device_code(username, *, ahead: int = 0) -> str:
    """The current code of the person's authenticator (`ahead` steps on, since a code once used is spent)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - ahead * device.step, digits=device.digits):06d}"


def sign_in(page, base, username, password):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")


def admin_reason(page, base, user_pk, path, reason):
    page.goto(f"{base}/tai-khoan/{user_pk}/{path}/")
    page.fill("#id_reason", reason)
    with page.expect_navigation():
        page.click("#confirm-button")
    assert "Đã " in page.inner_text("main")


def test_invite_enrol_deactivate_forgot_and_reset_two_factor(live_server, chromium, member_factory):  # noqa: F811
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Agency, Role

    if not AdminUnit.objects.filter(code="31").exists():
        seed("demo")
    bd = bach_dang()
    admin = member_factory("b.hp.quantri", bd.province, Role.ADMIN)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    base = live_server.url
    mail.outbox.clear()

    # The province's admin invites a case worker of Bạch Đằng's health station.
    context, page, violations = open_context(chromium)
    log_in(page, base, "b.hp.quantri", two_factor=True)
    page.goto(f"{base}/tai-khoan/")
    assert "Tài khoản và phân quyền" in page.inner_text("h1")
    page.click("#account-create")
    page.fill("#id_full_name", "Phan Thị Thu Hà")
    page.fill("#id_email", "thuha.phan@example.vn")
    page.fill("#id_phone", "0913 222 333")
    page.select_option("#id_unit", str(bd.pk))
    with page.expect_navigation():
        page.click("#refresh-agencies")
    assert page.input_value("#id_full_name") == "Phan Thị Thu Hà"  # kept while the agencies load
    station = Agency.objects.get(unit=bd, kind__code="tram-y-te")
    page.select_option("#id_agency", str(station.pk))
    page.select_option("#id_role", Role.CASE_WORKER.value)
    shot(page, "01-create")
    with page.expect_navigation():
        page.click("#save-button")
    assert "Đã tạo tài khoản" in page.inner_text("main")
    assert "Bắt buộc, chưa cài" in page.inner_text("#two-factor-state")
    shot(page, "02-created")
    invitee = get_user_model().objects.get(email="thuha.phan@example.vn")

    # The invitee opens the mailed link, sets a password, signs in, enrols the authenticator, lands home.
    other, person, violations2 = open_context(chromium)
    person.goto(mailed_link(mail.outbox, "thuha.phan@example.vn"))
    assert invitee.username in person.inner_text("#invite-username")
    person.fill("#id_new_password1", NEW_PASSWORD)
    person.fill("#id_new_password2", NEW_PASSWORD)
    shot(person, "03-set-password")
    with person.expect_navigation():
        person.click("#set-password")
    assert "Đã đặt mật khẩu" in person.inner_text("main")
    sign_in(person, base, invitee.username, NEW_PASSWORD)
    person.wait_for_url("**/xac-thuc-hai-lop/cai-dat/**")
    shot(person, "04-enrol")
    person.fill("#id_token", code_from_page(person))
    person.click("form button[type=submit] >> text=Xác nhận")
    person.wait_for_url(f"{base}/")
    assert "Trạm Y tế" in person.inner_text("#current-membership")
    shot(person, "05-home")
    other.close()

    # Deactivated: the login is refused.
    admin_reason(page, base, invitee.pk, "vo-hieu-hoa", "Chuyển công tác sang tỉnh khác")
    assert "Đã vô hiệu hóa" in page.inner_text("#account-status")
    other, person, violations3 = open_context(chromium)
    sign_in(person, base, invitee.username, NEW_PASSWORD)
    assert "không đúng" in person.inner_text("#form-errors") or "vô hiệu" in person.inner_text("#form-errors")
    shot(person, "06-refused")
    other.close()
    admin_reason(page, base, invitee.pk, "mo-lai", "Quay lại công tác tại phường")

    # "Quên mật khẩu" from the login page: the new password works (then the existing authenticator's code).
    other, person, violations4 = open_context(chromium)
    person.goto(f"{base}/dang-nhap/")
    person.click("#forgot-password")
    person.fill("#id_email", "thuha.phan@example.vn")
    with person.expect_navigation():
        person.click("#send-reset")
    assert "kiểm tra hộp thư" in person.inner_text("#reset-done")
    person.goto(mailed_link(mail.outbox, "thuha.phan@example.vn"))
    person.fill("#id_new_password1", NEWER_PASSWORD)
    person.fill("#id_new_password2", NEWER_PASSWORD)
    with person.expect_navigation():
        person.click("#set-password")
    sign_in(person, base, invitee.username, NEWER_PASSWORD)
    person.wait_for_url("**/xac-thuc-hai-lop/?**")
    person.fill("#id_token", device_code(invitee.username, ahead=1))
    person.click("form button[type=submit] >> text=Xác nhận")
    person.wait_for_url(f"{base}/")
    other.close()

    # The admin resets the two-factor device: the next login must enrol a new authenticator.
    admin_reason(page, base, invitee.pk, "dat-lai-xac-thuc", "Mất điện thoại")
    assert "Bắt buộc, chưa cài" in page.inner_text("#two-factor-state")
    shot(page, "07-reset-two-factor")
    other, person, violations5 = open_context(chromium)
    sign_in(person, base, invitee.username, NEWER_PASSWORD)
    person.wait_for_url("**/xac-thuc-hai-lop/cai-dat/**")
    person.fill("#id_token", code_from_page(person))
    person.click("form button[type=submit] >> text=Xác nhận")
    person.wait_for_url(f"{base}/")
    other.close()

    page.goto(f"{base}/nhat-ky/")
    log = page.inner_text("#audit-table")
    for what in ("Tạo tài khoản", "Vô hiệu hóa tài khoản", "Cài đặt lại xác thực hai lớp"):
        assert what in log
    context.close()
    assert violations + violations2 + violations3 + violations4 + violations5 == []
