"""In real Chromium: a member of the public WITHOUT JavaScript sends a tip with a photo and gets a
receipt; an officer classifies, assigns, handles and closes it with a message; the public status
page shows the result and the message. Screenshots in test-artifacts/screenshots/public-*.png."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from .conftest import PASSWORD
from .test_browser import CHROMIUM, FLAGS, SHOTS, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does).")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def photo_with_gps() -> bytes:
    img = Image.new("RGB", (320, 240), (90, 120, 60))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 51.0, 30.0), 3: "E", 4: (106.0, 41.0, 15.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def answer(question: str) -> str:
    from pcmd.public.challenge import WORDS

    first, rest = question.split(" cộng ")
    return str(WORDS.index(first.lower()) + WORDS.index(rest.split(" bằng ")[0]))


def test_public_tip_from_phone_to_officer_and_back(live_server, chromium, member_factory, settings, tmp_path):
    from django.core.cache import cache

    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.tips import receipts

    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # rate-limit counters of earlier tests
    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    commune = bach_dang()
    member_factory("pb.officer", commune, Role.COORDINATOR, "phong-vhxh")
    base = live_server.url

    # A phone without JavaScript.
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", java_script_enabled=False)
    page = phone.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/dang-nhap/")
    page.click("text=Gửi phản ánh, tin báo")
    page.select_option("#id_tinh", "31")
    page.click("#province-button")
    page.select_option("#id_commune", str(commune.pk))
    page.check("#id_category_0")
    page.fill("#id_description", "Quán karaoke gần chợ có người dẫn khách vào phòng riêng, nghi môi giới mại dâm.")
    page.fill("#id_location", "Gần chợ Bạch Đằng")
    page.set_input_files("#id_files", files=[{"name": "anh-quan.jpg", "mimeType": "image/jpeg",
                                               "buffer": photo_with_gps()}])
    page.fill("#id_challenge_answer", answer(page.inner_text("#challenge-question")))
    page.screenshot(path=str(SHOTS / "public-1-form.png"), full_page=True)
    page.click("#tip-submit")
    code = page.inner_text("#receipt-code").strip()
    assert len(code.replace(" ", "")) == 16
    page.screenshot(path=str(SHOTS / "public-2-receipt.png"), full_page=True)
    tip = receipts.find(code)
    assert tip is not None and tip.attachments.count() == 1

    # The officer handles it through the tips pages.
    office = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = office.new_page()
    desk.set_default_timeout(15000)
    violations = watch_csp(desk)
    desk.goto(f"{base}/dang-nhap/")
    desk.fill("#id_username", "pb.officer")
    desk.fill("#id_password", PASSWORD)
    desk.click("#login-button")
    desk.wait_for_url(f"{base}/")
    desk.goto(f"{base}/tin-bao/{tip.pk}/")
    assert "anh-quan.jpg" in desk.inner_text("#tip-attachments")

    def step(slug, **fields):
        desk.goto(f"{base}/tin-bao/{tip.pk}/xu-ly/{slug}/")
        for selector, value in fields.items():
            if selector.startswith("select:"):
                if value is None:
                    desk.select_option(selector[7:], index=1)
                else:
                    desk.select_option(selector[7:], value)
            else:
                desk.fill(selector, value)
        desk.click("#save-button")
        desk.wait_for_url(f"{base}/tin-bao/{tip.pk}/")

    step("xac-minh", **{"#id_reason": "Tiếp nhận từ cổng công khai, cử cán bộ xác minh."})
    step("phan-loai", **{"select:#id_kind": "criminal", "#id_reason": "Có dấu hiệu môi giới mại dâm."})
    step("giao-xu-ly", **{"select:#id_agency": None, "#id_reason": "Giao xác minh tại chỗ."})
    step("ket-qua", **{"select:#id_outcome": "not_substantiated",
                       "#id_reason": "Đã kiểm tra, chưa phát hiện vi phạm; tiếp tục theo dõi."})
    step("dong", **{"#id_reason": "Cảm ơn bạn. Cơ quan đã kiểm tra quán và sẽ tiếp tục theo dõi."})
    assert "Đã đóng" in desk.inner_text("#tip-status")
    desk.screenshot(path=str(SHOTS / "public-3-officer.png"), full_page=True)
    office.close()
    assert violations == []

    # Back on the phone with the receipt.
    page.goto(f"{base}/phan-anh/tra-cuu/")
    page.fill("#id_code", code)
    page.click("#lookup-button")
    assert page.inner_text("#public-status") == "Đã kết thúc"
    assert "Cơ quan đã kiểm tra quán" in page.inner_text("#messages")
    page.screenshot(path=str(SHOTS / "public-4-status.png"), full_page=True)
    page.fill("#id_text", "Cảm ơn cán bộ.")
    page.click("#reply-button")
    assert page.locator("#reply-sent").is_visible()
    phone.close()
