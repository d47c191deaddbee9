"""The whole support flow in real Chromium, through the pages (issue 13): a person asks for counselling on the
public page; the commune's case worker (two-factor login) registers a file from the request, records consents,
screens needs, plans and submits; the support supervisor approves (and sees "(hạn chế)" for the name); the worker
refers the client to a provider of the directory and reads the one-time code; the provider, anonymous, answers on
the public page (received, then served); the worker records the service, asks to close with "goals met"; the
supervisor approves and the file shows closed. A police officer gets no file. The file page and the referral form
fit a 375-px phone. Screenshots in test-artifacts/screenshots/support-*.png."""

import re

import pytest

from .conftest import PASSWORD
from .test_browser import SHOTS, watch_csp
from .test_public_browser import answer, chromium  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
NAME = "Trần Thị Thử"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"support-{name}.png"), full_page=True)


def open_context(browser, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page, watch_csp(page)


def log_in(page, base, username, *, two_factor=False):
    """The login page, then (for support roles) the authenticator's current code on the two-factor page."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    if two_factor:
        page.wait_for_url("**/xac-thuc-hai-lop/**")
        device = TOTPDevice.objects.get(user__username=username)
        page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
        page.click("form button[type=submit] >> text=Xác nhận")
    page.wait_for_selector("#current-membership", state="attached")


def step(page, label):
    """Click a step's button on the page in view (the file page or a referral page)."""
    with page.expect_navigation():
        page.click(f"a.btn:has-text('{label}')")


def fits(page, width) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(f"""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {width})
        .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert overflow <= width, f"{page.url}: the page is {overflow} px wide on a {width}-px phone: {wide}"


def test_support_flow_from_request_to_closed_file(live_server, chromium, member_factory):  # noqa: F811
    from django.core.cache import cache
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.support.models import CaseStatus, Client, CounsellingRequest, Provider, Referral, ReferralStatus

    cache.clear()  # rate-limit counters of earlier tests
    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    bd = bach_dang()
    worker = member_factory("walk.hotro", bd, Role.CASE_WORKER)
    supervisor = member_factory("walk.giamsat", bd, Role.SUPPORT_SUPERVISOR)
    member_factory("walk.congan", bd, Role.POLICE_OFFICER, "cong-an-xa")
    for user in (worker, supervisor):  # their authenticator apps (the enrolment page has its own tests)
        TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
    provider = Provider.objects.create(unit=bd, name="Trạm y tế phường Bạch Đằng (đi thử)", kind="health_station")
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    violations = []

    # 1. A person asks for counselling from a phone and keeps the receipt code.
    public, page, seen = open_context(chromium, PHONE)
    violations += seen
    page.goto(f"{base}/tu-van/")
    page.select_option("#id_tinh", "31")
    page.click("#province-button")
    page.select_option("#id_commune", str(bd.pk))
    page.check("input[name=needs][value=health]")
    page.check("input[name=needs][value=job]")
    page.fill("#id_message", "Em muốn đi khám sức khỏe và tìm việc làm khác, không muốn ai biết.")
    page.fill("#id_contact", "Zalo 0987 000 111, sau 20 giờ")
    page.fill("#id_challenge_answer", answer(page.inner_text("#challenge-question")))
    page.click("#counselling-submit")
    page.wait_for_selector("#receipt-code")
    assert len(re.sub(r"\D", "", page.inner_text("#receipt-code"))) == 16
    assert "trao đổi về đề nghị này" in page.inner_text("main")
    shot(page, "01-receipt")
    public.close()
    request = CounsellingRequest.objects.filter(unit=bd).latest("pk")
    assert request.contact.startswith("Zalo 0987")  # encrypted: read back, not filtered on

    # 2. The case worker: two-factor login, the inbox, the request, a file registered from it.
    desk, page, seen = open_context(chromium)
    violations += seen
    log_in(page, base, "walk.hotro", two_factor=True)
    page.goto(f"{base}/ho-tro/de-nghi-tu-van/")
    page.click(f"a[href='/ho-tro/de-nghi-tu-van/{request.pk}/']")
    assert "không muốn ai biết" in page.inner_text("#counselling-message")
    shot(page, "02-request")
    step(page, "Đăng ký hồ sơ từ đề nghị này")
    page.fill("#id_mother", "Lan")
    page.fill("#id_father", "Hùng")
    page.check("input[name=sex][value=F]")
    page.fill("#id_birth_year", "1998")
    page.fill("#id_full_name", NAME)
    page.fill("#id_phone", "0987 000 111")
    page.click("#save-button")
    if page.locator("#possible-duplicates").count():  # the demo may hold someone with the same code
        shot(page, "03-duplicates")
        page.check("#id_confirmed")
        page.click("#save-button")
    page.wait_for_selector("#client-status")
    client = Client.objects.get(intake=request)
    file_url = f"{base}/ho-tro/ho-so/{client.pk}/"
    assert page.url == file_url
    assert page.inner_text("#client-name") == NAME
    shot(page, "03-file-registered")
    page.click("text=Xem đề nghị")  # the request, now taken up, leads back to its file
    assert page.inner_text("#counselling-status") == "Đang hỗ trợ"
    page.click(f"#counselling-files >> text=Hồ sơ {client.code}")
    page.wait_for_url(file_url)

    # 3. Consents: every box starts unticked; services, reporting, and a referral to the directory's provider.
    step(page, "Ghi nhận đồng ý")
    boxes = page.locator("input[name=purposes]")
    assert boxes.count() >= 3 and all(not boxes.nth(i).is_checked() for i in range(boxes.count()))
    for purpose in ("services", "reporting", "referral"):
        page.check(f"input[name=purposes][value={purpose}]")
    page.select_option("#id_provider", str(provider.pk))
    page.check("input[name=method][value=verbal]")
    shot(page, "04-consent-form")
    page.click("#save-button")
    page.wait_for_selector("#client-status")
    assert page.inner_text("#client-consents").count("Đang hiệu lực") == 3, page.inner_text("#client-consents")

    # 4. Needs screening, a plan with one goal, submitted.
    step(page, "Đánh giá nhu cầu")
    page.check("input[name=needs][value=health]")
    page.check("input[name=needs][value=job]")
    page.check("#id_eligible")
    page.fill("#id_health_note", "Muốn xét nghiệm HIV/STI.")
    page.click("#save-button")
    page.wait_for_selector("#client-status")
    assert "Có nhu cầu, đủ điều kiện" in page.inner_text("#client-screenings")
    step(page, "Lập, sửa kế hoạch hỗ trợ")
    page.select_option("#id_goals-0-need", "health")
    page.fill("#id_goals-0-description", "Khám sức khỏe, xét nghiệm tại trạm y tế phường.")
    page.fill("#id_goals-0-due_on", "2026-10-31")
    page.click("#save-button")
    page.wait_for_selector("#client-status")
    assert "Khám sức khỏe, xét nghiệm" in page.inner_text("#client-plan")
    step(page, "Trình duyệt kế hoạch")
    page.click("#save-button")
    page.wait_for_selector("#client-status")
    assert "Chờ duyệt" in page.inner_text("#client-plan")
    shot(page, "05-plan-submitted")

    # A police officer of the same ward reaches no file.
    police, police_page, seen = open_context(chromium)
    violations += seen
    log_in(police_page, base, "walk.congan")
    response = police_page.goto(file_url)
    assert response.status in (403, 404)
    assert NAME not in police_page.content()
    police.close()

    # The supervisor (own browser): the name is hidden; approves the plan.
    boss, boss_page, seen = open_context(chromium)
    violations += seen
    log_in(boss_page, base, "walk.giamsat", two_factor=True)
    boss_page.goto(file_url)
    assert boss_page.inner_text("#client-name") == "(hạn chế)"
    assert NAME not in boss_page.content()
    step(boss_page, "Duyệt kế hoạch")
    boss_page.fill("#id_text", "Đồng ý kế hoạch.")
    boss_page.click("#save-button")
    boss_page.wait_for_selector("#client-status")
    assert "Đã duyệt" in boss_page.inner_text("#client-plan")
    shot(boss_page, "06-plan-approved-by-supervisor")

    # 5. The referral to the provider; the slip page shows the code once.
    page.reload()
    page.set_viewport_size(PHONE)  # the referral form on a phone
    page.click("#referral-create")
    page.wait_for_selector("#id_provider")
    fits(page, PHONE["width"])
    shot(page, "07-referral-form-phone")
    page.set_viewport_size(DESKTOP)
    page.select_option("#id_provider", str(provider.pk))
    page.select_option("#id_need", "health")
    page.fill("#id_note", "Khám sức khỏe tổng quát, xét nghiệm HIV/STI.")
    page.click("#save-button")
    page.wait_for_selector("#slip-code")
    code = re.search(r"Mã trả lời cho nơi nhận: ([0-9A-Z ]+)", page.inner_text("#slip-code")).group(1).strip()
    assert len(code.replace(" ", "")) == 26
    link = page.inner_text("#slip-link").strip()
    assert link == f"{base}/gioi-thieu/{code.replace(' ', '')}/"
    shot(page, "07-referral-code")
    referral_url = page.url
    referral = Referral.objects.get(client=client)
    boss_page.goto(referral_url)  # the code is kept nowhere but in the worker's session, for the slip
    assert boss_page.locator("#slip-code").count() == 0 and code not in boss_page.content()

    # 6. The provider, anonymous: the link from the slip (received), then the code typed on /gioi-thieu/ (served).
    outside, out_page, seen = open_context(chromium, PHONE)
    violations += seen
    out_page.goto(link)
    assert out_page.inner_text("#referral-file-code") == client.code
    assert NAME not in out_page.content()
    out_page.check("input[name=outcome][value=received]")
    shot(out_page, "08-provider-link")
    out_page.click("#referral-answer-button")
    out_page.wait_for_selector("#referral-answered")
    out_page.goto(f"{base}/gioi-thieu/")
    out_page.fill("#id_code", code)
    out_page.click("#referral-code-button")
    out_page.check("input[name=outcome][value=completed]")
    out_page.fill("#id_note", "Đã khám, xét nghiệm; hẹn tái khám sau 3 tháng.")
    out_page.click("#referral-answer-button")
    out_page.wait_for_selector("#referral-answered")
    shot(out_page, "09-provider-served")
    outside.close()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # 7. The worker sees the referral completed, records the service received.
    page.goto(referral_url)
    assert "Đã được cung cấp dịch vụ" in page.inner_text("h1")
    page.goto(file_url)
    page.click("#service-create")
    page.select_option("#id_kind", "sti_hiv_test")
    page.select_option("#id_provider", str(provider.pk))
    page.select_option("#id_referral", str(referral.pk))
    page.click("#save-button")
    page.wait_for_selector("#client-status")
    assert "Xét nghiệm HIV/STI" in page.inner_text("#client-services")
    shot(page, "10-service-recorded")

    # 8. Closure: the worker asks ("goals met"), the supervisor approves, the file shows closed.
    step(page, "Đề nghị kết thúc hồ sơ")
    page.select_option("#id_reason", "goals_met")
    page.click("#save-button")
    page.wait_for_selector("#client-status")
    boss_page.goto(file_url)
    step(boss_page, "Duyệt kết thúc hồ sơ")
    boss_page.click("#save-button")
    boss_page.wait_for_selector("#client-status")
    page.reload()
    assert page.inner_text("#client-status") == "Đã kết thúc"
    assert "Đã đạt mục tiêu" in page.inner_text("#client-fields")
    shot(page, "11-file-closed")
    client.refresh_from_db()
    assert client.status == CaseStatus.CLOSED
    boss.close()

    # A phone: the (closed) file page fits 375 px.
    page.set_viewport_size(PHONE)
    page.goto(file_url)
    fits(page, PHONE["width"])
    shot(page, "12-phone-file")
    desk.close()
    assert violations == [], "a page broke the Content-Security-Policy"
