"""The public channel: anonymous tips, receipt codes, status page, attachments, abuse limits (issue 5)."""

import datetime
import io
import re

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from PIL import Image

from pcmd.public import challenge
from pcmd.support.models import CounsellingRequest
from pcmd.tips import receipts
from pcmd.tips.models import MessageDirection, Tip, TipAttachment, TipMessage
from pcmd.tips.receipts import code_matches, lookup_key, new_code
from pcmd.venues.models import Establishment
from tests.conftest import TODAY

OCCURRED = TODAY - datetime.timedelta(days=15)  # a recent past day, whatever day the suite freezes

pytestmark = pytest.mark.django_db

ADDRESS, AGENT = "203.0.113.77", "TrinhDuyetThu/9.9 (kiem-thu)"
URL = reverse("public_tip")
LOOKUP = reverse("public_lookup")


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # attachments of these tests go away with them
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(client):
    client.defaults.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    return client


def solve(html: str) -> dict:
    """Answer the challenge of a rendered form as a person would."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
    question = re.search(r'id="challenge-question">([^<]+)<', html).group(1)
    first, rest = question.split(" cộng ")
    second = rest.split(" bằng ")[0]
    answer = challenge.WORDS.index(first.lower()) + challenge.WORDS.index(second)
    return {"challenge_token": token, "challenge_answer": str(answer)}


def form_page(client, url=URL, province="31"):
    response = client.get(url, {"tinh": province})
    assert response.status_code == 200
    return response.content.decode()


def tip_data(bach_dang, **extra):
    data = {"tinh": "31", "commune": bach_dang.pk, "category": "establishment", "report_type": "anonymous",
            "description": "Quán karaoke đầu ngõ có người môi giới mại dâm cho khách vào các tối cuối tuần.",
            "location": "Số 12 phố Thử Nghiệm", "venue_name": "", "occurred_on": OCCURRED.strftime("%d/%m/%Y"),
            "occurred_when": "khoảng 22 giờ"}
    data.update(extra)
    return data


def submit(client, bach_dang, **extra):
    html = form_page(client)
    return client.post(URL, {**tip_data(bach_dang, **extra), **solve(html)}, follow=True)


def receipt_of(response) -> str:
    match = re.search(r'id="receipt-code">([\d ]+)<', response.content.decode())
    assert match, response.content.decode()[:3000]
    return match.group(1)


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "MayAnhThu"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (20.0, 51.0, 30.0), "E", (106.0, 41.0, 15.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825), "the test image must carry GPS"
    return data


def upload(name, data, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


# ---------------------------------------------------------------- form and receipt

def test_province_first_then_its_communes(public, bach_dang, ninh_binh_commune):
    start = public.get(URL).content.decode()
    assert 'id="province-form"' in start and 'id="tip-form"' not in start
    html = form_page(public)
    assert 'id="tip-form"' in html and bach_dang.name in html and ninh_binh_commune.name not in html
    assert "<script" not in html.split("</nav>", 1)[1], "the form needs no script"


def test_submission_gives_a_receipt_once_and_stores_only_hashes(public, bach_dang):
    before = Tip.objects.count()
    response = submit(public, bach_dang)
    assert response.status_code == 200
    shown = receipt_of(response)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown)
    code = shown.replace(" ", "")
    assert "no-store" in response["Cache-Control"]
    tip = Tip.objects.get(receipt_lookup=lookup_key(code))
    assert Tip.objects.count() == before + 1
    assert tip.channel == "web" and tip.unit == bach_dang and tip.received_by is None and tip.is_anonymous
    assert code_matches(code, tip.receipt_hash) and not code_matches(new_code(), tip.receipt_hash)
    assert code not in tip.receipt_hash
    assert tip.occurred_on == OCCURRED and tip.location == "Số 12 phố Thử Nghiệm"
    # Neither the code nor the connection is anywhere in the database rows of the tip.
    with connection.cursor() as cursor:
        for table in ("tips_tip", "tips_tipevent"):
            cursor.execute(f"SELECT * FROM {table} WHERE {'id' if table == 'tips_tip' else 'tip_id'} = %s",
                           [tip.pk])
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                assert code not in text and ADDRESS not in text and AGENT not in text
    entries = LogEntry.objects.filter(object_pk=str(tip.pk), content_type__model="tip")
    assert entries.exists()  # the tip's creation is audited, without the sender's address
    for entry in entries:
        assert entry.remote_addr is None and ADDRESS not in str(entry.changes)
    # Rate-limit counters know the client only by a pseudonym.
    assert not any(ADDRESS in str(key) for key in cache._cache)  # locmem's store


def test_officers_of_the_commune_are_notified(public, bach_dang, owner, outsider):
    from pcmd.inbox.models import Notification

    tip, code = _tip_with_code(public, bach_dang)
    url = reverse("tip_detail", args=[tip.pk])
    assert Notification.objects.filter(recipient=owner, url=url, kind="tip_new",
                                       title__contains="cổng công khai").exists()
    assert not Notification.objects.filter(recipient=outsider).exists()
    public.post(LOOKUP, {"code": code, "action": "reply", "text": "Thêm thông tin."})
    assert Notification.objects.filter(recipient=owner, url=url, title__contains="bổ sung thông tin").exists()


def test_the_same_form_cannot_be_sent_twice(public, bach_dang):
    html = form_page(public)
    data = {**tip_data(bach_dang), **solve(html)}
    receipt_of(public.post(URL, data, follow=True))
    count = Tip.objects.count()
    again = public.post(URL, data).content.decode()
    assert "Biểu mẫu này đã được gửi" in again and 'id="receipt-code"' not in again
    assert Tip.objects.count() == count


def test_named_denunciation_needs_name_and_contact(public, bach_dang):
    html = submit(public, bach_dang, report_type="named").content.decode()
    assert "Tố cáo cần ghi rõ họ tên" in html and "Tố cáo cần ghi rõ địa chỉ" in html
    response = submit(public, bach_dang, report_type="named", reporter_name="Nguyễn Văn Thử",
                      reporter_contact="0912 345 678")
    tip = Tip.objects.get(receipt_lookup=lookup_key(receipt_of(response).replace(" ", "")))
    assert not tip.is_anonymous and tip.reporter_name == "Nguyễn Văn Thử"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_contact FROM tips_tip WHERE id = %s", [tip.pk])
        raw = " ".join(cursor.fetchone())
    assert "Nguyễn" not in raw and "0912" not in raw  # encrypted at rest


def test_anonymous_report_drops_a_typed_name(public, bach_dang):
    response = submit(public, bach_dang, reporter_name="Trần Thị Thử", reporter_contact="thu@example.vn")
    tip = Tip.objects.get(receipt_lookup=lookup_key(receipt_of(response).replace(" ", "")))
    assert tip.is_anonymous and tip.reporter_name == "" and tip.reporter_contact == "thu@example.vn"


def test_venue_is_matched_without_telling_the_public(public, bach_dang):
    venue = Establishment.objects.filter(unit=bach_dang).order_by("pk").first()
    matched = submit(public, bach_dang, venue_name=venue.name.upper(), location=venue.address)
    unknown = submit(public, bach_dang, venue_name="Quán không có trong sổ")
    tip = Tip.objects.get(receipt_lookup=lookup_key(receipt_of(matched).replace(" ", "")))
    other = Tip.objects.get(receipt_lookup=lookup_key(receipt_of(unknown).replace(" ", "")))
    assert tip.establishment == venue and other.establishment is None
    secret = r'\d{4} \d{4} \d{4} \d{4}|(?<=csrfmiddlewaretoken" value=")[^"]+|(?<=X-CSRFToken": ")[^"]+'
    assert re.sub(secret, "", matched.content.decode()) == re.sub(secret, "", unknown.content.decode())


def test_bad_input_keeps_what_was_typed(public, bach_dang):
    html = submit(public, bach_dang, description="Ngắn quá", location="x" * 300, category="",
                  online_link="khong-phai-link", occurred_on="31/02/2026").content.decode()
    assert "Vui lòng mô tả cụ thể hơn" in html and "Ngắn quá" in html
    assert "tối đa 255 ký tự" in html or "255" in html
    assert "Vui lòng chọn một mục." in html and "Ngày không hợp lệ" in html
    assert "Đường dẫn không hợp lệ" in html and 'id="receipt-code"' not in html
    online = submit(public, bach_dang, category="online").content.decode()
    assert "Vui lòng cho biết đường dẫn" in online
    future = submit(public, bach_dang, occurred_on="01/01/2099").content.decode()
    assert "không thể sau ngày hôm nay" in future
    empty = public.post(URL, {"tinh": "31"}).content.decode()
    assert "Vui lòng chọn xã, phường" in empty and "Vui lòng mô tả sự việc." in empty


def test_challenge_is_required(public, bach_dang):
    count = Tip.objects.count()
    missing = public.post(URL, tip_data(bach_dang)).content.decode()
    assert "Câu hỏi kiểm tra không hợp lệ" in missing
    html = form_page(public)
    wrong = {**solve(html)}
    wrong["challenge_answer"] = str(int(wrong["challenge_answer"]) + 1)
    assert "chưa đúng" in public.post(URL, {**tip_data(bach_dang), **wrong}).content.decode()
    forged = {**solve(html), "challenge_token": solve(html)["challenge_token"][:-2] + "xx"}
    assert "không hợp lệ" in public.post(URL, {**tip_data(bach_dang), **forged}).content.decode()
    assert Tip.objects.count() == count


def test_expired_challenge_is_refused(public, bach_dang, settings):
    html = form_page(public)
    settings.PUBLIC_CHALLENGE_MAX_AGE = -1
    assert "đã hết hạn" in public.post(URL, {**tip_data(bach_dang), **solve(html)}).content.decode()


def test_a_post_without_the_csrf_cookie_is_explained_in_vietnamese(bach_dang):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(LOOKUP, {"code": "1234 5678 9012 3456"})
    assert response.status_code == 403 and "Chưa gửi được biểu mẫu" in response.content.decode()


def test_receipt_can_be_downloaded_as_text(public):
    response = public.post(reverse("public_receipt_text"), {"code": "1234 5678 9012 3456"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "1234 5678 9012 3456" in response.content.decode()
    assert public.post(reverse("public_receipt_text"), {"code": "12345"}).status_code == 400
    assert public.get(reverse("public_receipt_text")).status_code == 405


# ---------------------------------------------------------------- attachments

def test_photo_gps_is_stripped_and_pdf_kept(public, bach_dang):
    pdf = io.BytesIO()
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Nguoi Gui That"})
    writer.write(pdf)
    response = submit(public, bach_dang, files=[upload("anh.jpg", jpeg_with_gps()),
                                                upload("bien-ban.pdf", pdf.getvalue(), "application/pdf")])
    tip = Tip.objects.get(receipt_lookup=lookup_key(receipt_of(response).replace(" ", "")))
    document, photo = tip.attachments.order_by("content_type")
    assert (photo.content_type, document.content_type) == ("image/jpeg", "application/pdf")
    assert photo.original_name == "anh.jpg" and "anh" not in photo.file.name
    stored = photo.file.read()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (64, 48) and not image.getexif() and b"Exif" not in stored
    assert b"Nguoi Gui That" not in document.file.read()


def test_forged_type_is_refused_and_text_kept(public, bach_dang):
    count = Tip.objects.count()
    html = submit(public, bach_dang, files=[upload("anh.jpg", b"MZ\x90\x00 not an image at all")]).content.decode()
    assert "không phải ảnh (JPG, PNG, WEBP) hoặc PDF" in html and "Quán karaoke đầu ngõ" in html
    assert "tệp đính kèm cần chọn lại" in html
    broken = submit(public, bach_dang, files=[upload("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)])
    assert "bị hỏng" in broken.content.decode()
    assert Tip.objects.count() == count


def test_files_are_not_processed_before_the_rest_is_valid(public, bach_dang, monkeypatch):
    from pcmd.public import uploads

    calls = []
    monkeypatch.setattr(uploads, "_reencode_image", lambda data, kind: calls.append(kind) or data)
    html = form_page(public)
    no_answer = {**tip_data(bach_dang), **solve(html), "challenge_answer": "",
                 "files": [upload("a.jpg", b"\xff\xd8\xff")]}
    assert "Vui lòng trả lời câu hỏi" in public.post(URL, no_answer).content.decode()
    named = submit(public, bach_dang, report_type="named", files=[upload("a.jpg", b"\xff\xd8\xff")])
    assert "Tố cáo cần ghi rõ họ tên" in named.content.decode() and calls == []
    receipt_of(submit(public, bach_dang, files=[upload("a.jpg", jpeg_with_gps())]))
    assert calls == ["jpeg"]


def test_too_many_or_too_big_files_are_refused(public, bach_dang, settings):
    settings.PUBLIC_MAX_FILES = 2
    settings.PUBLIC_MAX_FILE_MB = 1
    photo = jpeg_with_gps()
    many = submit(public, bach_dang, files=[upload(f"a{i}.jpg", photo) for i in range(3)]).content.decode()
    assert "tối đa 2 tệp" in many
    big = submit(public, bach_dang, files=[upload("to.jpg", photo + b"\x00" * (1024 * 1024))]).content.decode()
    assert "lớn hơn 1 MB" in big
    assert not TipAttachment.objects.filter(original_name__in=["a0.jpg", "to.jpg"]).exists()


# ---------------------------------------------------------------- status page

def _tip_with_code(public, bach_dang, **extra):
    response = submit(public, bach_dang, **extra)
    shown = receipt_of(response)
    return Tip.objects.get(receipt_lookup=lookup_key(shown.replace(" ", ""))), shown


def test_status_page_shows_only_its_own_tip(public, bach_dang, owner):
    mine, code = _tip_with_code(public, bach_dang, description="Nội dung phản ánh thứ nhất, đủ dài để ghi nhận.")
    other, _ = _tip_with_code(public, bach_dang, description="Nội dung phản ánh thứ hai của một người khác.")
    TipMessage.objects.create(tip=mine, direction=MessageDirection.TO_REPORTER, text="Cán bộ đã xác minh.",
                              author=owner)
    TipMessage.objects.create(tip=other, direction=MessageDirection.TO_REPORTER, text="Tin nhắn của tin khác.")
    html = public.post(LOOKUP, {"code": code}).content.decode()
    assert "thứ nhất" in html and "Cán bộ đã xác minh." in html and "Đã tiếp nhận" in html
    assert "thứ hai" not in html and "Tin nhắn của tin khác." not in html
    assert mine.code not in html and owner.username not in html  # internal number and officer stay inside
    compact = public.post(LOOKUP, {"code": code.replace(" ", "-")}).content.decode()
    assert "thứ nhất" in compact


@pytest.mark.parametrize("typed", ["0000 0000 0000 0000", "1234", "abcd efgh ijkl mnop", "ABCD-EFGH-JKLM",
                                   "1" * 40])
def test_wrong_or_malformed_code_sees_nothing(public, bach_dang, typed):
    _tip_with_code(public, bach_dang)
    html = public.post(LOOKUP, {"code": typed}).content.decode()
    assert "Không tìm thấy phản ánh nào với mã tra cứu này" in html
    assert 'id="public-status"' not in html and "Quán karaoke" not in html


def test_a_code_given_at_staff_intake_works_too(public, bach_dang):
    from pcmd.tips.receipts import issue_receipt

    tip = Tip.objects.filter(unit=bach_dang).order_by("pk").first()
    code = issue_receipt(tip)
    html = public.post(LOOKUP, {"code": code}).content.decode()
    assert 'id="public-status"' in html and tip.description[:30] in html


def test_lookup_is_post_only(public):
    html = public.get(LOOKUP, {"code": "1234567890123456"}).content.decode()
    assert 'id="lookup-form"' in html and "Không tìm thấy" not in html


def test_reporter_replies_with_text_and_photo(public, bach_dang):
    tip, code = _tip_with_code(public, bach_dang)
    html = public.post(LOOKUP, {"code": code, "action": "reply", "text": "Tối qua lại thấy có người đón khách.",
                                "files": [upload("them.jpg", jpeg_with_gps())]}).content.decode()
    assert 'id="reply-sent"' in html and "Tối qua lại thấy" in html
    message = tip.messages.get(direction=MessageDirection.FROM_REPORTER)
    assert message.attachments.count() == 1 and tip.events.filter(action="message").exists()
    empty = public.post(LOOKUP, {"code": code, "action": "reply", "text": ""}).content.decode()
    assert "Vui lòng nhập nội dung hoặc chọn tệp" in empty


def test_a_signed_in_outsider_gets_nothing_more(public, bach_dang, outsider):
    _tip_with_code(public, bach_dang)
    public.force_login(outsider)
    html = public.post(LOOKUP, {"code": "9999 9999 9999 9999"}).content.decode()
    assert "Không tìm thấy phản ánh" in html and 'id="public-status"' not in html


# ---------------------------------------------------------------- abuse limits

def test_lookup_rate_limit_per_client_and_overall(public, bach_dang, settings, client):
    tip, code = _tip_with_code(public, bach_dang)
    settings.PUBLIC_LOOKUP_PER_CLIENT_HOUR = 3
    for _ in range(3):
        assert public.post(LOOKUP, {"code": "1111 2222 3333 4444"}).status_code == 200
    blocked = public.post(LOOKUP, {"code": code})
    assert blocked.status_code == 429 and 'id="public-status"' not in blocked.content.decode()
    other = public.post(LOOKUP, {"code": code}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200 and 'id="public-status"' in other.content.decode()
    settings.PUBLIC_LOOKUP_GLOBAL_HOUR = 5  # 4 counted so far (3 + the other client's)
    assert public.post(LOOKUP, {"code": code}, REMOTE_ADDR="198.51.100.10").status_code == 200
    assert public.post(LOOKUP, {"code": code}, REMOTE_ADDR="198.51.100.11").status_code == 429


def test_behind_a_proxy_the_client_comes_from_the_forwarded_address(public, settings, bach_dang):
    settings.PCMD_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.PUBLIC_LOOKUP_PER_CLIENT_HOUR = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    assert public.post(LOOKUP, {"code": "1"}, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy).status_code == 200
    assert public.post(LOOKUP, {"code": "1"}, HTTP_X_FORWARDED_FOR="192.0.2.2", **proxy).status_code == 200
    assert public.post(LOOKUP, {"code": "1"}, HTTP_X_FORWARDED_FOR="192.0.2.1", **proxy).status_code == 429


def test_merged_tip_shows_the_common_status(public, bach_dang):
    first, _ = _tip_with_code(public, bach_dang)
    second, code = _tip_with_code(public, bach_dang)
    Tip.objects.filter(pk=second.pk).update(duplicate_of=first, status="handled")
    html = public.post(LOOKUP, {"code": code}).content.decode()
    assert 'id="merged-note"' in html and "Đã tiếp nhận" in html


def test_a_tip_the_service_refuses_is_an_error_on_the_form_not_a_server_error(public, bach_dang, monkeypatch):
    """The intake can still refuse after the form is valid (no number could be given): the person reads why and
    keeps what they typed (it was a 500, found by the public-channel bench)."""
    from django.core.exceptions import ValidationError

    from pcmd.public import services as public_services

    def refuse(**_kwargs):
        raise ValidationError("Không cấp được số tin, vui lòng thử lại.")

    monkeypatch.setattr(public_services, "public_tip_submit", refuse)
    count = Tip.objects.count()
    response = submit(public, bach_dang, description="Quán karaoke Ánh Trăng có dấu hiệu môi giới mại dâm ban đêm.")
    html = response.content.decode()
    assert response.status_code == 200 and "Không cấp được số tin, vui lòng thử lại." in html
    assert "Quán karaoke Ánh Trăng có dấu hiệu môi giới mại dâm ban đêm." in html and Tip.objects.count() == count


def test_submit_rate_limit(public, bach_dang, settings):
    settings.PUBLIC_SUBMIT_PER_CLIENT_HOUR = 1
    receipt_of(submit(public, bach_dang))
    count = Tip.objects.count()
    second = submit(public, bach_dang)
    assert second.status_code == 429 and "quá nhiều yêu cầu" in second.content.decode()
    assert Tip.objects.count() == count
    settings.PUBLIC_SUBMIT_GLOBAL_HOUR = 1
    assert submit(public, bach_dang, REMOTE_ADDR="198.51.100.20").status_code == 429


# ---------------------------------------------------------------- counselling

def test_counselling_request_reaches_the_commune_confidentially(public, bach_dang):
    """The form is unchanged for the citizen; the request goes to the support inbox (tests/test_counselling.py)."""
    url = reverse("public_counselling")
    html = form_page(public, url)
    refused = public.post(url, {"tinh": "31", "commune": bach_dang.pk, **solve(html)}).content.decode()
    assert "Vui lòng chọn ít nhất một mục." in refused
    tips = Tip.objects.count()
    response = public.post(url, {"tinh": "31", "commune": bach_dang.pk, "needs": ["health", "job"],
                                 "message": "Tôi muốn được xét nghiệm và học nghề.", "contact": "Zalo 0987 000 111",
                                 **solve(form_page(public, url))}, follow=True)
    code = receipt_of(response)
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(code.replace(" ", "")))
    assert item.unit == bach_dang and item.needs == ["health", "job"] and Tip.objects.count() == tips
    assert item.contact == "Zalo 0987 000 111" and receipts.find(code) is None  # not a tip
    assert "<h1 class=\"h4\">Đề nghị tư vấn, hỗ trợ gửi ngày" in public.post(LOOKUP, {"code": code}).content.decode()


# ---------------------------------------------------------------- receipts

def test_receipt_codes():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) == 16 and c.isdigit() for c in codes)
    assert receipts.grouped("1234567890123456") == "1234 5678 9012 3456"
    assert receipts.normalise(" 1234-5678.9012 3456 ") == "1234567890123456"
    assert receipts.normalise("１２３４５６７８９０１２３４５６") is None  # full-width digits
    assert receipts.normalise("123456789012345") is None and receipts.find("") is None


@pytest.mark.parametrize("url_name", ["public_tip", "public_counselling"])
def test_the_receipt_page_survives_a_refresh_without_a_second_send(public, bach_dang, url_name):
    """Issue 12, defect 2: POST-redirect-GET; the code is shown once, a refresh says how to look it up."""
    url = reverse(url_name)
    data = ({"tinh": "31", "commune": bach_dang.pk, "needs": ["health"], "message": "Tôi cần tư vấn."}
            if url_name == "public_counselling" else tip_data(bach_dang))
    response = public.post(url, {**data, **solve(form_page(public, url))})
    assert response.status_code == 302 and response["Location"] == reverse("public_receipt")
    shown = public.get(reverse("public_receipt"))
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt_of(shown)) and "no-store" in shown["Cache-Control"]
    again = public.get(reverse("public_receipt")).content.decode()
    assert 'id="receipt-code"' not in again and 'id="receipt-shown"' in again
    assert "đã được hiển thị một lần" in again and reverse("public_lookup") in again


def test_receipt_hash_is_sized_to_the_code_and_older_hashes_still_verify():
    """A 16-digit random code behind an HMAC key gets a memory-hard hash of a few MiB, not the 100 MiB of a
    password; receipts hashed by earlier releases (Django's argon2 password parameters) still open."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    code = new_code()
    stored = receipts.code_hash(code)
    assert stored.startswith("argon2$argon2id$v=19$m=4096,t=2,p=1$")
    assert code_matches(code, stored) and not code_matches(new_code(), stored)
    legacy = Argon2PasswordHasher().encode(code, Argon2PasswordHasher().salt())
    assert "m=102400" in legacy
    assert code_matches(code, legacy) and not code_matches(new_code(), legacy)
    assert not code_matches(code, "argon2$garbage")
