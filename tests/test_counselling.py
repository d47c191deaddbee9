"""Counselling requests (`/tu-van/`) are never tips: only the support roles of the commune read them (issue 11).

The leak tests post through the public form and then look where a tip would show: the tip list, its search,
its Excel export, the tips notices, the change history and the audit page.
"""

import importlib
import io

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from pcmd.core.models import AccessLog
from pcmd.geo.models import AdminUnit, Level
from pcmd.inbox.models import SUPPORT_KINDS, Notification
from pcmd.org.models import Role
from pcmd.support.models import CounsellingMessage, CounsellingRequest
from pcmd.tips import receipts
from pcmd.tips.models import MessageDirection, Tip, TipAttachment, TipEvent, TipMessage
from pcmd.tips.receipts import lookup_key
from pcmd.tips.services import tip_create
from tests.test_public import form_page, receipt_of, solve

pytestmark = pytest.mark.django_db

COUNSELLING = reverse("public_counselling")
LOOKUP = reverse("public_lookup")
MESSAGE = "Em muốn xét nghiệm kín đáo và học nghề may (chuỗi-kiểm-thử-TV7)."
CONTACT = "Zalo 0987 654 321"
# Anything that would betray the request where it must not be.
TELLS = ("chuỗi-kiểm-thử-TV7", "0987 654 321", "Đề nghị tư vấn", "tư vấn, hỗ trợ", "De nghi tu van")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(client):
    client.defaults.update(REMOTE_ADDR="203.0.113.90")
    return client


def ask(client, commune, **extra) -> str:
    """Send a counselling request for `commune` as a citizen; returns the receipt code (16 digits)."""
    data = {"tinh": commune.province.code, "commune": commune.pk, "needs": ["health", "job"], "message": MESSAGE,
            "contact": CONTACT, **extra}
    response = client.post(COUNSELLING, {**data, **solve(form_page(client, COUNSELLING, commune.province.code))},
                           follow=True)
    return receipt_of(response).replace(" ", "")


def tells(text: str) -> list[str]:
    return [t for t in TELLS if t in text]


def workbook_text(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                    for v in row if v is not None)


# ---------------------------------------------------------------- never a tip

def test_a_counselling_request_makes_no_tip_no_tips_notice_and_no_audit_entry(public, bach_dang):
    not_support = Notification.objects.exclude(kind__in=SUPPORT_KINDS)
    tips, notices, last_entry = Tip.objects.count(), not_support.count(), LogEntry.objects.order_by("pk").last()
    code = ask(public, bach_dang)
    assert Tip.objects.count() == tips and not Tip.objects.filter(receipt_lookup=lookup_key(code)).exists()
    assert not_support.count() == notices  # only the support staff hear of it, and the notice names nobody
    for notice in Notification.objects.filter(kind__in=SUPPORT_KINDS):  # the person's words and contact: never
        assert "chuỗi-kiểm-thử-TV7" not in notice.title and "0987 654 321" not in notice.title
        assert notice.recipient.memberships.filter(role__in=["case_worker", "support_supervisor"]).exists()
    for entry in LogEntry.objects.filter(pk__gt=last_entry.pk if last_entry else 0):
        assert not tells(f"{entry.object_repr} {entry.changes} {entry.changes_text} {entry.additional_data}")


@pytest.mark.parametrize("role", [Role.POLICE_OFFICER, Role.LEADER, Role.COORDINATOR, Role.AGENCY_OFFICER])
def test_tip_readers_of_the_commune_never_see_it(role, public, bach_dang, member_factory, client):
    ask(public, bach_dang)
    client.force_login(member_factory(f"tv.{role}", bach_dang, role, "cong-an-xa"))
    for url in (reverse("tip_list"), reverse("tip_list") + "?q=de+nghi+tu+van", reverse("tip_list") + "?q=tu+van",
                reverse("tip_deadlines"), reverse("home")):
        response = client.get(url)
        assert response.status_code == 200 and not tells(response.content.decode()), url
    export = client.get(reverse("tip_export"))
    assert export.status_code == 200 and not tells(workbook_text(export))


def test_the_admin_sees_it_neither_in_tips_nor_in_the_audit_page(public, bach_dang, verified_login):
    from django.contrib.auth import get_user_model

    ask(public, bach_dang)
    client = verified_login(get_user_model().objects.get(username="admin"))
    for url in (reverse("tip_list"), reverse("tip_list") + "?q=tu+van", reverse("audit_log"),
                reverse("audit_log") + "?q=tu+van"):
        response = client.get(url)
        assert response.status_code == 200 and not tells(response.content.decode()), url
    assert not tells(workbook_text(client.get(reverse("tip_export"))))


# ---------------------------------------------------------------- the wall around the inbox

def inbox_urls(item) -> list[str]:
    return [reverse("counselling_list"), reverse("counselling_detail", args=[item.pk]),
            reverse("counselling_action", args=[item.pk, "tra-loi"])]


@pytest.mark.parametrize("role", [Role.POLICE_OFFICER, Role.INSPECTOR, Role.LEADER, Role.COORDINATOR,
                                  Role.AGENCY_OFFICER, Role.ADMIN])
def test_roles_outside_support_are_refused_the_inbox(role, public, bach_dang, member_factory, verified_login):
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(ask(public, bach_dang)))
    client = verified_login(member_factory(f"tv.no.{role}", bach_dang, role))
    for url in inbox_urls(item):
        assert client.get(url).status_code == 403, url
    assert client.post(inbox_urls(item)[2], {"text": "Trả lời thử"}).status_code == 403
    assert not item.messages.exists()


def test_the_case_worker_of_the_commune_reads_it_and_every_read_is_logged(public, bach_dang, member_factory,
                                                                          verified_login):
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(ask(public, bach_dang)))
    worker = member_factory("tv.hotro", bach_dang, Role.CASE_WORKER)
    client = verified_login(worker)
    before = AccessLog.objects.count()
    listing = client.get(reverse("counselling_list"), {"tinh_trang": "new"})
    html = listing.content.decode()
    assert listing.status_code == 200 and reverse("counselling_detail", args=[item.pk]) in html
    assert "Sức khỏe, xét nghiệm, điều trị; Học nghề, việc làm, vay vốn" in html
    assert MESSAGE not in html and "0987" not in html, "the list shows no message text nor contact"
    assert "no-store" in listing["Cache-Control"]
    logged = AccessLog.objects.order_by("pk")[before:]
    assert [(e.target, e.object_id, e.action, e.user_id) for e in logged] == [
        ("support.counsellingrequest", "", "list", worker.pk)]
    assert logged[0].count >= 1 and logged[0].query == "tinh_trang=new"

    detail = client.get(reverse("counselling_detail", args=[item.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and MESSAGE in html and CONTACT in html
    entry = AccessLog.objects.order_by("pk").last()
    assert (entry.target, entry.object_id, entry.action, entry.user_id, entry.unit_id) == (
        "support.counsellingrequest", str(item.pk), "view", worker.pk, bach_dang.pk)
    # Home and menu: the number of new requests, nothing of their content.
    home = client.get(reverse("home")).content.decode()
    assert "Đề nghị tư vấn, hỗ trợ" in home and MESSAGE not in home


def test_message_and_contact_are_stored_encrypted(public, bach_dang):
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(ask(public, bach_dang)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT message, contact, receipt_hash FROM support_counsellingrequest WHERE id = %s",
                       [item.pk])
        message, contact, receipt_hash = cursor.fetchone()
    assert message and "TV7" not in message and "xét nghiệm" not in message
    assert contact and "0987" not in contact and receipt_hash
    assert item.message == MESSAGE and item.contact == CONTACT and item.needs == ["health", "job"]


def test_support_roles_elsewhere(public, bach_dang, hai_phong, ninh_binh_commune, member_factory, verified_login):
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(ask(public, bach_dang)))
    neighbour = (AdminUnit.objects.filter(level=Level.COMMUNE, province=hai_phong, is_active=True)
                 .exclude(pk=bach_dang.pk).order_by("code").first())
    for n, unit in enumerate([neighbour, ninh_binh_commune]):
        client = verified_login(member_factory(f"tv.xa{n}", unit, Role.CASE_WORKER))
        for url in inbox_urls(item)[1:]:
            assert client.get(url).status_code == 404, url
        assert reverse("counselling_detail", args=[item.pk]) not in client.get(inbox_urls(item)[0]).content.decode()
        client.logout()
    # The province's support supervisor supervises its communes.
    client = verified_login(member_factory("tv.giamsat", hai_phong, Role.SUPPORT_SUPERVISOR))
    assert MESSAGE in client.get(reverse("counselling_detail", args=[item.pk])).content.decode()


# ---------------------------------------------------------------- answering, and the person's status page

def signed_in(user) -> Client:
    """A second browser, for a case worker who has passed the second factor (the first is the citizen's)."""
    device = TOTPDevice.objects.create(user=user, name="kiểm thử", confirmed=True)
    browser = Client()
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def test_the_reply_reaches_the_public_status_page_and_the_person_answers(public, bach_dang, member_factory):
    code = ask(public, bach_dang)
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(code))
    page = public.post(LOOKUP, {"code": code}).content.decode()
    assert "Đề nghị tư vấn, hỗ trợ gửi ngày" in page and "Đã tiếp nhận" in page and MESSAGE in page
    assert CONTACT not in page

    staff = signed_in(member_factory("tv.traloi", bach_dang, Role.CASE_WORKER))
    url = reverse("counselling_action", args=[item.pk, "tra-loi"])
    refused = staff.post(url, {"text": "   "})
    assert refused.status_code == 400 and "Vui lòng nhập nội dung trả lời." in refused.content.decode()
    reply = "Chào bạn, trạm y tế phường xét nghiệm miễn phí và giữ bí mật, sáng thứ Bảy."
    assert staff.post(url, {"text": reply}).status_code == 302
    item.refresh_from_db()
    assert item.status == "answered"

    page = public.post(LOOKUP, {"code": code}).content.decode()
    assert reply in page and "Đã có trả lời" in page and 'id="reply-form"' in page
    empty = public.post(LOOKUP, {"code": code, "action": "reply", "text": ""}).content.decode()
    assert "Vui lòng nhập nội dung." in empty and item.messages.count() == 1
    sent = public.post(LOOKUP, {"code": code, "action": "reply", "text": "Em cảm ơn, em sẽ đến."}).content.decode()
    assert 'id="reply-sent"' in sent and "Em cảm ơn, em sẽ đến." in sent
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert list(item.messages.values_list("direction", flat=True)) == ["out", "in"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM support_counsellingmessage WHERE request_id = %s", [item.pk])
        assert not any("trạm y tế" in row[0] or "cảm ơn" in row[0] for row in cursor.fetchall())
    # Nothing of the conversation reached any notice either.
    assert not Notification.objects.filter(title__icontains="trạm y tế").exists()
    assert not Notification.objects.exclude(kind__in=SUPPORT_KINDS).filter(title__icontains="tư vấn").exists()


def test_steps_follow_the_table_and_keep_typed_text(public, bach_dang, member_factory, verified_login):
    code = ask(public, bach_dang)
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(code))
    client = verified_login(member_factory("tv.buoc", bach_dang, Role.CASE_WORKER))
    assert client.post(reverse("counselling_action", args=[item.pk, "bat-dau"]), {"text": ""}).status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    close = reverse("counselling_action", args=[item.pk, "ket-thuc"])
    refused = client.post(close, {"text": ""})
    assert refused.status_code == 400 and "Vui lòng nhập lý do kết thúc." in refused.content.decode()
    assert client.post(close, {"text": "Đã giới thiệu đến phòng khám."}).status_code == 302
    item.refresh_from_db()
    assert item.status == "closed"
    again = client.get(reverse("counselling_action", args=[item.pk, "tra-loi"]), follow=True)
    assert "Không thể “trả lời người đề nghị” khi đề nghị đang ở tình trạng “Đã kết thúc”." in again.content.decode()
    assert client.get(reverse("counselling_action", args=[item.pk, "khong-co"])).status_code == 404
    assert [e.action for e in item.events.order_by("at", "pk")] == ["receive", "start", "close"]
    page = public.post(LOOKUP, {"code": code}).content.decode()
    assert "Đã kết thúc" in page and 'id="reply-form"' not in page
    assert client.get(reverse("counselling_list"), {"tinh_trang": "xyz"}).status_code == 200


# ---------------------------------------------------------------- moving the old counselling tips

def old_counselling_tip(unit, code: str) -> Tip:
    """A counselling request as the intake before issue 11 recorded it: a public tip."""
    tip = tip_create(channel="web", data={
        "unit": unit, "category": "other", "summary": "Đề nghị tư vấn, hỗ trợ: Tâm lý, tinh thần, Pháp lý, giấy tờ",
        "description": "Đề nghị tư vấn, hỗ trợ (gửi qua cổng công khai, bảo mật).\n"
                       "Cần hỗ trợ về: Tâm lý, tinh thần, Pháp lý, giấy tờ.\n\nEm cần người nói chuyện (cũ-TV9).",
        "is_anonymous": True, "reporter_contact": "ĐT 0911 222 333", **receipts.hashes(code)})
    TipMessage.objects.create(tip=tip, direction=MessageDirection.TO_REPORTER, text="Chào bạn (trả lời cũ).")
    TipMessage.objects.create(tip=tip, direction=MessageDirection.FROM_REPORTER, text="Em cảm ơn (cũ).")
    return tip


def test_the_migration_moves_old_counselling_tips_out_of_the_tips_table(bach_dang, public, settings, tmp_path,
                                                                         member_factory):
    from django.apps import apps
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    move = importlib.import_module("pcmd.support.migrations.0002_move_counselling_tips").move_counselling_tips
    code = receipts.new_code()
    tip = old_counselling_tip(bach_dang, code)
    police = member_factory("tv.congan.cu", bach_dang, Role.POLICE_OFFICER)
    attachment = TipAttachment(tip=tip, original_name="anh.txt", content_type="text/plain", size=3)
    attachment.file.save("anh.txt", ContentFile(b"abc"), save=True)
    AccessLog.objects.create(user=police, role=Role.POLICE_OFFICER, target="tips.tip", object_id=str(tip.pk),
                             unit=bach_dang)
    other = Tip.objects.filter(unit=bach_dang).exclude(pk=tip.pk).order_by("pk").first()
    TipEvent.objects.create(tip=other, at=tip.received_at, action="merge", other_tip=tip, reason="Gộp tin: cũ-TV9")
    assert LogEntry.objects.filter(content_type__model="tip", object_pk=str(tip.pk)).exists()
    tips = Tip.objects.count()

    assert move(apps) == 1

    assert not Tip.objects.filter(pk=tip.pk).exists() and Tip.objects.count() == tips - 1
    assert Tip.objects.filter(pk=other.pk).exists() and not TipEvent.objects.filter(other_tip_id=tip.pk).exists()
    assert not TipEvent.objects.filter(tip_id=tip.pk).exists() and not TipMessage.objects.filter(tip_id=tip.pk)
    assert not TipAttachment.objects.filter(tip_id=tip.pk).exists()
    assert not LogEntry.objects.filter(content_type__model="tip", object_pk=str(tip.pk)).exists()
    item = CounsellingRequest.objects.get(receipt_lookup=lookup_key(code))
    assert item.unit == bach_dang and item.received_at == tip.received_at and item.status == "new"
    assert item.needs == ["psychological", "legal"] and item.message == "Em cần người nói chuyện (cũ-TV9)."
    assert item.contact == "ĐT 0911 222 333"
    assert [(m.direction, m.text) for m in item.messages.all()] == [
        ("out", "Chào bạn (trả lời cũ)."), ("in", "Em cảm ơn (cũ).")]
    assert AccessLog.objects.filter(target="support.counsellingrequest", object_id=str(item.pk),
                                    user=police).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM support_counsellingrequest WHERE id = %s", [item.pk])
        assert "0911" not in cursor.fetchone()[0]
    # The person's code still works, now on the counselling status page.
    page = public.post(LOOKUP, {"code": code}).content.decode()
    assert "Đề nghị tư vấn, hỗ trợ gửi ngày" in page and "Chào bạn (trả lời cũ)." in page
    assert move(apps) == 0 and CounsellingMessage.objects.filter(request=item).count() == 2
