"""A tip end to end in real Chromium: the public sends it with a photo and keeps the receipt; an officer
verifies, classifies, assigns, handles and closes it with a message; the public status page shows it."""

import io
import re

import pytest
from PIL import Image

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer(page) -> str:
    from pcmd.public import challenge

    question = page.inner_text("#challenge-question")
    first, second = re.match(r"(.+?) cộng (.+?) bằng", question).groups()
    return str(challenge.WORDS.index(first.lower()) + challenge.WORDS.index(second))


def act(page, base, pk, slug, fill):
    page.goto(f"{base}/tin-bao/{pk}/xu-ly/{slug}/")
    fill()
    page.click("#save-button")
    page.wait_for_selector("#tip-timeline")


def test_public_tip_handled_by_an_officer(live_server, browser_page, member_factory, settings, tmp_path):  # noqa: F811
    from django.core.cache import cache

    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Agency, Role
    from pcmd.tips.models import Tip, TipStatus

    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    bd = bach_dang()
    member_factory("b.tips", bd, Role.COORDINATOR, "phong-vhxh")
    photo = tmp_path / "anh-chup.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    page = browser_page
    base = live_server.url

    # The public: province, then the form; the receipt is shown once.
    page.goto(f"{base}/phan-anh/")
    page.select_option("#id_tinh", "31")
    page.click("#province-button")
    page.select_option("#id_commune", str(bd.pk))
    page.check("input[name=category][value=establishment]")
    page.fill("#id_description", "Quán karaoke trên phố có phòng kín, nhân viên nữ mời khách sau 23 giờ.")
    page.fill("#id_venue_name", "Karaoke Ánh Trăng")
    page.set_input_files("#id_files", str(photo))
    page.fill("#id_challenge_answer", answer(page))
    page.click("#tip-submit")
    page.wait_for_selector("#receipt-code")
    code = page.inner_text("#receipt-code").strip()
    assert len(re.sub(r"\D", "", code)) == 16
    shot(page, "tips-01-receipt")
    tip = Tip.objects.get(venue_name="Karaoke Ánh Trăng")
    assert tip.attachments.count() == 1 and tip.status == TipStatus.RECEIVED

    # The officer.
    page.goto(f"{base}/tin-bao/{tip.pk}/")
    page.fill("#id_username", "b.tips")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#tip-timeline")
    assert "anh-chup" in page.inner_text("#tip-attachments")
    act(page, base, tip.pk, "xac-minh", lambda: page.fill("#id_reason", "Gọi tổ trưởng tổ dân phố xác minh."))
    act(page, base, tip.pk, "phan-loai", lambda: (page.select_option("#id_kind", "criminal"),
                                                   page.fill("#id_reason", "Có dấu hiệu chứa mại dâm.")))
    police = Agency.objects.get(unit=bd, kind__code="cong-an-xa")
    act(page, base, tip.pk, "giao-xu-ly", lambda: (page.select_option("#id_agency", str(police.pk)),
                                                    page.fill("#id_reason", "Giao Công an phường kiểm tra.")))
    act(page, base, tip.pk, "ket-qua", lambda: (page.select_option("#id_outcome", "not_substantiated"),
                                                 page.fill("#id_reason", "Kiểm tra đột xuất, không phát hiện.")))
    act(page, base, tip.pk, "dong", lambda: page.fill(
        "#id_reason", "Cảm ơn bạn. Công an phường đã kiểm tra, chưa phát hiện vi phạm; sẽ tiếp tục theo dõi."))
    assert "Đã đóng" in page.inner_text("#tip-status")
    assert len(page.query_selector_all("#tip-timeline li")) == 6
    shot(page, "tips-02-officer-timeline")
    page.goto(f"{base}/tin-bao/thoi-han/")
    assert "Không có tin được xử lý trong kỳ" not in page.inner_text("#on-time-table")
    shot(page, "tips-02b-deadlines")

    # The public again, with the receipt.
    page.context.clear_cookies()
    page.goto(f"{base}/phan-anh/tra-cuu/")
    page.fill("#id_code", code)
    page.click("#lookup-button")
    page.wait_for_selector("#public-status")
    assert page.inner_text("#public-status") == "Đã kết thúc"
    assert "chưa phát hiện vi phạm" in page.inner_text("#messages")
    shot(page, "tips-03-public-status")
