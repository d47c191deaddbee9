"""Referrals with a closed loop, services received, outreach contacts (pcmd/support/referrals.py and its pages).

Each rule through the services; the public answer page (answer, reuse refused, expired, wrong code); the slip
(.docx with the code and the file code, never a name); who reaches the pages (police, leaders, admins: 403;
another commune: 404; the provider's agency: its inbox only)."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from pcmd.core.models import AccessLog
from pcmd.org.models import Agency, Role
from pcmd.support import referral_selectors, referrals, slip
from pcmd.support.models import (
    CaseEvent,
    CaseStatus,
    Client,
    Consent,
    OutreachContact,
    Provider,
    Referral,
    ServiceRecord,
)

pytestmark = pytest.mark.django_db
NAME = "Nguyễn Thị Thử"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(member_factory, bach_dang):
    return member_factory("gt.worker", bach_dang, Role.CASE_WORKER)


@pytest.fixture
def seat(worker):
    return worker.memberships.get()


@pytest.fixture
def provider(bach_dang):
    return Provider.objects.create(unit=bach_dang, name="Trạm thử nghiệm", kind="health_station")


@pytest.fixture
def other_provider(bach_dang):
    return Provider.objects.create(unit=bach_dang, name="Phòng khám thử", kind="hiv_clinic")


@pytest.fixture
def client_file(bach_dang, today):
    return Client.objects.create(unit=bach_dang, code="HT-TEST-000001", uic="THUTEST96F", sex="F",
                                 registered_on=today - datetime.timedelta(days=30), full_name=NAME)


def give(client, purpose, provider=None, on=None):
    return Consent.objects.create(client=client, purpose=purpose, provider=provider, method="verbal",
                                  given_on=on or client.registered_on)


@pytest.fixture
def consented(client_file, provider):
    give(client_file, "services")
    give(client_file, "referral", provider)
    return client_file


def refer(client, seat, provider, **kw):
    return referrals.referral_create(client=client, membership=seat, provider=provider, need="sti_hiv", **kw)


# ------------------------------------------------------------------------------------------- creation rules

def test_referral_needs_both_consents_and_names_the_provider(client_file, seat, provider, other_provider):
    with pytest.raises(ValidationError, match="nhận dịch vụ hỗ trợ"):
        refer(client_file, seat, provider)
    give(client_file, "services")
    give(client_file, "referral", other_provider)
    with pytest.raises(ValidationError, match="giới thiệu đến nơi nhận này"):
        refer(client_file, seat, provider)
    assert not Referral.objects.filter(client=client_file).exists()
    assert not CaseEvent.objects.filter(client=client_file).exists()


def test_withdrawn_referral_consent_refuses(consented, seat, provider):
    Consent.objects.filter(client=consented, purpose="referral").update(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError):
        refer(consented, seat, provider)


def test_closed_file_refuses_a_referral_and_a_service(consented, seat, provider, today):
    Client.objects.filter(pk=consented.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(ValidationError, match="Đã kết thúc"):
        refer(consented, seat, provider)
    with pytest.raises(ValidationError, match="Đã kết thúc"):
        referrals.service_create(client=consented, membership=seat, kind="counselling", received_on=today)
    assert not Referral.objects.exists() or not Referral.objects.filter(client=consented).exists()


def test_referral_made_with_a_one_time_code_stored_only_as_hashes(consented, seat, provider, today):
    referral, code = refer(consented, seat, provider, note="Xét nghiệm HIV")
    assert referral.status == "sent" and referral.answer_due == today + datetime.timedelta(days=14)
    assert len(code) == 26 and set(code) <= set(referrals.ALPHABET)
    row = Referral.objects.filter(pk=referral.pk).values().get()
    assert code not in str(row)
    assert referrals.find_by_code(code) == referral
    assert referrals.find_by_code(referrals.grouped(code).lower()) == referral  # spaces, lower case
    assert referrals.find_by_code("A" * 26) is None and referrals.find_by_code("xyz") is None
    assert referral.token_expires_at.date() == referral.answer_due + datetime.timedelta(days=30)
    assert CaseEvent.objects.filter(client=consented, action="refer").count() == 1


def test_codes_are_random_128_bits():
    codes = {referrals.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert len(referrals.ALPHABET) ** referrals.CODE_LENGTH >= 2 ** 128


def test_deadline_and_provider_checks(consented, seat, provider, today, ninh_binh_commune):
    with pytest.raises(ValidationError, match="trước ngày giới thiệu"):
        refer(consented, seat, provider, answer_due=today - datetime.timedelta(days=1))
    far = Provider.objects.create(unit=ninh_binh_commune, name="Nơi khác tỉnh", kind="ngo")
    give(consented, "referral", far)
    with pytest.raises(ValidationError, match="danh bạ"):
        refer(consented, seat, far)


def test_province_directory_is_offered_to_the_commune(seat, bach_dang, ninh_binh_commune):
    shared = Provider.objects.create(unit=bach_dang.province, name="Trung tâm của thành phố", kind="legal_aid")
    far = Provider.objects.create(unit=ninh_binh_commune.province, name="Trung tâm tỉnh khác", kind="legal_aid")
    offered = set(referrals.provider_choices(seat))
    assert shared in offered and far not in offered


# ------------------------------------------------------------------------------------------- answers and states

def test_link_answer_received_then_completed_then_used(consented, seat, provider, today):
    referral, code = refer(consented, seat, provider)
    referrals.referral_answer(referral=referral, via="link", outcome="received", received_on=today)
    referral.refresh_from_db()
    assert referral.status == "received" and referrals.link_problem(referral) == ""
    referrals.referral_answer(referral=referral, via="link", outcome="completed", received_on=None, note="Đã khám")
    referral.refresh_from_db()
    assert (referral.status, referral.answered_via, referral.completed_on) == ("completed", "link", today)
    assert referrals.link_problem(referral) == referrals.LINK_USED
    with pytest.raises(ValidationError):
        referrals.referral_answer(referral=referral, via="link", outcome="not_served", received_on=today)
    assert CaseEvent.objects.filter(client=consented, action="referral_answer").count() == 2


def test_answer_dates_are_checked(consented, seat, provider, today):
    referral, _ = refer(consented, seat, provider)
    with pytest.raises(ValidationError, match="tương lai"):
        referrals.referral_answer(referral=referral, via="link", outcome="received",
                                  received_on=today + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="trước ngày giới thiệu"):
        referrals.referral_answer(referral=referral, via="link", outcome="received",
                                  received_on=today - datetime.timedelta(days=1))
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_expired_link_is_refused(consented, seat, provider, today):
    referral, _ = refer(consented, seat, provider)
    Referral.objects.filter(pk=referral.pk).update(token_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    referral.refresh_from_db()
    assert referrals.link_problem(referral) == referrals.LINK_EXPIRED
    with pytest.raises(ValidationError, match="hết hạn"):
        referrals.referral_answer(referral=referral, via="link", outcome="received", received_on=today)


def test_reissue_rotates_the_code(consented, seat, provider):
    referral, old = refer(consented, seat, provider)
    new = referrals.referral_reissue(referral=referral, membership=seat)
    assert new != old
    assert referrals.find_by_code(old) is None and referrals.find_by_code(new) == referral
    assert CaseEvent.objects.filter(client=consented, action="refer", note__isnull=False).count() == 2


def test_cancel_needs_a_reason(consented, seat, provider):
    referral, _ = refer(consented, seat, provider)
    with pytest.raises(ValidationError, match="lý do hủy"):
        referrals.referral_cancel(referral=referral, membership=seat, reason="  ")
    referrals.referral_cancel(referral=referral, membership=seat, reason="Người được giới thiệu chuyển nơi ở")
    referral.refresh_from_db()
    assert referral.status == "cancelled" and referrals.link_problem(referral) == referrals.LINK_CANCELLED
    with pytest.raises(ValidationError):
        referrals.referral_cancel(referral=referral, membership=seat, reason="lần nữa")


def test_worker_records_completion_and_the_service_in_one_step(consented, seat, provider, today):
    referral, _ = refer(consented, seat, provider)
    referrals.referral_answer(referral=referral, via="worker", membership=seat, outcome="completed",
                              received_on=today, service_kind="sti_hiv_test")
    service = ServiceRecord.objects.get(referral=referral)
    assert (service.kind, service.received_on, service.provider) == ("sti_hiv_test", today, provider)
    assert Referral.objects.get(pk=referral.pk).answered_via == "worker"


def test_service_with_a_refused_step_saves_nothing(consented, seat, provider, today):
    referral, _ = refer(consented, seat, provider)
    with pytest.raises(ValidationError):  # a service only with "completed"
        referrals.referral_answer(referral=referral, via="worker", membership=seat, outcome="received",
                                  received_on=today, service_kind="sti_hiv_test")
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert not ServiceRecord.objects.filter(client=consented).exists()


def test_another_commune_cannot_write(consented, seat, provider, member_factory, ninh_binh_commune, today):
    referral, _ = refer(consented, seat, provider)
    far = member_factory("gt.far", ninh_binh_commune, Role.CASE_WORKER).memberships.get()
    with pytest.raises(PermissionDenied):
        referrals.referral_cancel(referral=referral, membership=far, reason="x")
    with pytest.raises(PermissionDenied):
        referrals.service_create(client=consented, membership=far, kind="counselling", received_on=today)


# ------------------------------------------------------------------------------------------- services received

def test_service_rules(client_file, seat, today):
    with pytest.raises(ValidationError, match="nhận dịch vụ"):
        referrals.service_create(client=client_file, membership=seat, kind="counselling", received_on=today)
    give(client_file, "services")
    with pytest.raises(ValidationError, match="trước ngày đăng ký"):
        referrals.service_create(client=client_file, membership=seat, kind="counselling",
                                 received_on=client_file.registered_on - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="tương lai"):
        referrals.service_create(client=client_file, membership=seat, kind="counselling",
                                 received_on=today + datetime.timedelta(days=1))
    assert not ServiceRecord.objects.filter(client=client_file).exists()
    referrals.service_create(client=client_file, membership=seat, kind="counselling", received_on=today)
    assert CaseEvent.objects.filter(client=client_file, action="service").count() == 1


# ------------------------------------------------------------------------------------------- outreach contacts

def test_outreach_counts(seat, bach_dang, today):
    base = {"date": today, "unit": bach_dang, "people_reached": 5, "new_people": 6}
    with pytest.raises(ValidationError) as refused:
        referrals.outreach_create(membership=seat, data=base)
    assert "new_people" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        referrals.outreach_create(membership=seat, data={**base, "new_people": 1, "condoms": -1})
    assert "condoms" in refused.value.error_dict
    assert not OutreachContact.objects.filter(unit=bach_dang, people_reached=5).exists()
    contact = referrals.outreach_create(membership=seat, data={**base, "new_people": 2, "condoms": 10})
    assert contact.recorded_by_id == seat.user_id


def test_outreach_form_refuses_new_above_reached(verified_login, worker, today):
    client = verified_login(worker)
    response = client.post(reverse("outreach_contact_create"), {
        "date": today.isoformat(), "unit": worker.memberships.get().unit_id, "people_reached": 3, "new_people": 4,
        "info_materials": 0, "condoms": 0, "referral_cards": 0})
    assert response.status_code == 400
    assert "không thể lớn hơn" in response.content.decode()


# ------------------------------------------------------------------------------------------- overdue, inbox

def test_overdue_selector(consented, seat, provider, today):
    referral, _ = refer(consented, seat, provider)
    before = referral_selectors.overdue_count(seat)
    Referral.objects.filter(pk=referral.pk).update(answer_due=today - datetime.timedelta(days=1))
    assert referral_selectors.overdue_count(seat) == before + 1
    assert referral in referral_selectors.overdue(seat)


def test_provider_agency_answers_in_its_inbox(consented, seat, provider, member_factory, verified_login,
                                              ninh_binh_commune, today):
    agency = Agency.objects.filter(unit=ninh_binh_commune).order_by("pk").first()
    Provider.objects.filter(pk=provider.pk).update(agency=agency)
    referral, _ = refer(consented, seat, Provider.objects.get(pk=provider.pk))
    staff = member_factory("gt.provider", ninh_binh_commune, Role.CASE_WORKER, agency.kind.code)
    assert staff.memberships.get().agency == agency
    client = verified_login(staff)
    inbox = client.get(reverse("referral_incoming")).content.decode()
    assert consented.code in inbox and NAME not in inbox
    assert client.get(reverse("referral_detail", args=[referral.pk])).status_code == 404  # not the file
    response = client.post(reverse("referral_action", args=[referral.pk, "don-vi-tra-loi"]),
                           {"received_on": today.isoformat(), "outcome": "not_served", "note": "Hết thuốc"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.answered_via) == ("not_served", "app")
    # a support seat of the same commune without that agency sees nothing
    other = member_factory("gt.noagency", ninh_binh_commune, Role.CASE_WORKER).memberships.get()
    assert not referral_selectors.incoming(other).exists()


# ------------------------------------------------------------------------------------------- public page

def test_public_link_flow(client, consented, seat, provider, today):
    referral, code = refer(consented, seat, provider, note="Cần xét nghiệm")
    url = reverse("public_referral_link", args=[code])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and consented.code in text and "Cần xét nghiệm" in text and NAME not in text
    answered = client.post(url, {"action": "answer", "received_on": today.isoformat(), "outcome": "completed",
                                 "note": "Đã xét nghiệm"})
    assert answered.status_code == 200 and "Đã gửi trả lời" in answered.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.answered_via) == ("completed", "link")
    again = client.post(url, {"action": "answer", "received_on": today.isoformat(), "outcome": "not_served"})
    assert again.status_code == 200 and referrals.LINK_USED in again.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "completed"


def test_public_code_form_and_bad_codes(client, consented, seat, provider, today):
    _, code = refer(consented, seat, provider)
    assert client.get(reverse("public_referral")).status_code == 200
    found = client.post(reverse("public_referral"), {"code": referrals.grouped(code)})
    assert found.status_code == 200 and consented.code in found.content.decode()
    answered = client.post(reverse("public_referral"), {"code": code, "action": "answer",
                                                        "received_on": today.isoformat(), "outcome": "received"})
    assert "Đã gửi trả lời" in answered.content.decode()
    wrong = client.post(reverse("public_referral"), {"code": "0" * 26})
    assert wrong.status_code == 400 and "Không tìm thấy" in wrong.content.decode()
    assert client.get(reverse("public_referral_link", args=["khong-co"])).status_code == 404
    bad = client.post(reverse("public_referral_link", args=[code]), {"action": "answer", "done_on": "32/13/2026",
                                                                     "outcome": "completed"})
    assert bad.status_code == 400 and "Ngày không hợp lệ" in bad.content.decode()


def test_public_expired_page_is_a_message(client, consented, seat, provider):
    referral, code = refer(consented, seat, provider)
    Referral.objects.filter(pk=referral.pk).update(token_expires_at=timezone.now() - datetime.timedelta(days=1))
    page = client.get(reverse("public_referral_link", args=[code]))
    assert page.status_code == 200 and referrals.LINK_EXPIRED in page.content.decode()


def test_public_page_is_rate_limited(client, settings):
    settings.PUBLIC_LOOKUP_PER_CLIENT_HOUR = 2
    for _ in range(2):
        client.get(reverse("public_referral_link", args=["0" * 26]))
    assert client.get(reverse("public_referral_link", args=["0" * 26])).status_code == 429


# ------------------------------------------------------------------------------------------- the slip

def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_slip_has_the_code_and_the_file_code_never_the_name(consented, seat, provider):
    referral, code = refer(consented, seat, provider)
    text = _docx_text(slip.build(referral, code=code, base_url="https://pcmd.example/"))
    assert referrals.grouped(code) in text and consented.code in text and f"/gioi-thieu/{code}/" in text
    assert NAME not in text and "PHIẾU GIỚI THIỆU" in text
    later = _docx_text(slip.build(referral, code="", base_url="https://pcmd.example/"))
    assert code not in later and "chỉ hiện một lần" in later


def test_create_page_then_slip_with_the_code_once(verified_login, worker, consented, provider, today):
    client = verified_login(worker)
    response = client.post(reverse("referral_create", args=[consented.pk]), {
        "provider": provider.pk, "need": "sti_hiv", "answer_due": (today + datetime.timedelta(days=10)).isoformat(),
        "note": "Xét nghiệm"})
    referral = Referral.objects.get(client=consented)
    assert response.status_code == 302 and response["Location"] == reverse("referral_detail", args=[referral.pk])
    detail = client.get(response["Location"]).content.decode()
    code = client.session["support_referral_slip"]["code"]
    assert referrals.grouped(code) in detail
    docx = client.get(reverse("referral_slip_docx", args=[referral.pk]))
    assert docx.status_code == 200 and referrals.grouped(code) in _docx_text(docx.content)
    assert AccessLog.objects.filter(object_id=str(referral.pk), action="print").exists()
    session = client.session
    del session["support_referral_slip"]
    session.save()
    assert code not in _docx_text(client.get(reverse("referral_slip_docx", args=[referral.pk])).content)


def test_create_page_refuses_without_consent_and_keeps_the_input(verified_login, worker, client_file, provider,
                                                                 today):
    client = verified_login(worker)
    response = client.post(reverse("referral_create", args=[client_file.pk]), {
        "provider": provider.pk, "need": "legal", "answer_due": today.isoformat(), "note": "Ghi chú giữ lại"})
    text = response.content.decode()
    assert response.status_code == 400 and "chưa đồng ý" in text and "Ghi chú giữ lại" in text
    assert not Referral.objects.filter(client=client_file).exists()


def test_service_page_refuses_before_registration(verified_login, worker, consented):
    client = verified_login(worker)
    day = consented.registered_on - datetime.timedelta(days=3)
    response = client.post(reverse("service_create", args=[consented.pk]),
                           {"kind": "counselling", "received_on": day.isoformat()})
    assert response.status_code == 400 and "trước ngày đăng ký" in response.content.decode()


def test_pdf_slip(verified_login, worker, consented, seat, provider, system_tool):
    system_tool("soffice", "libreoffice")
    referral, _ = refer(consented, seat, provider)
    response = verified_login(worker).get(reverse("referral_slip_pdf", args=[referral.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# ------------------------------------------------------------------------------------------- who reaches what

@pytest.mark.parametrize("role", [Role.POLICE_OFFICER, Role.LEADER, Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR])
def test_other_roles_never_reach_referrals(role, member_factory, verified_login, bach_dang, consented, seat, provider):
    referral, _ = refer(consented, seat, provider)
    client = verified_login(member_factory(f"gt.deny.{role}", bach_dang, role))
    client.raise_request_exception = False
    urls = [reverse(name) for name in ("referral_list", "referral_overdue", "referral_incoming", "provider_list",
                                       "outreach_contact_list", "provider_create", "outreach_contact_create")]
    urls += [reverse("referral_create", args=[consented.pk]), reverse("service_create", args=[consented.pk]),
             reverse("referral_detail", args=[referral.pk]), reverse("referral_slip_docx", args=[referral.pk]),
             reverse("referral_action", args=[referral.pk, "huy"]),
             reverse("referral_action", args=[referral.pk, "don-vi-tra-loi"])]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url).status_code in (403, 404), url
    assert Referral.objects.get(pk=referral.pk).status == "sent"


def test_another_commune_gets_404(member_factory, verified_login, ninh_binh_commune, consented, seat, provider):
    referral, _ = refer(consented, seat, provider)
    client = verified_login(member_factory("gt.far2", ninh_binh_commune, Role.CASE_WORKER))
    for url in (reverse("referral_detail", args=[referral.pk]), reverse("referral_create", args=[consented.pk]),
                reverse("referral_action", args=[referral.pk, "huy"])):
        assert client.get(url).status_code == 404, url


def test_reads_are_logged(verified_login, worker, consented, seat, provider):
    referral, _ = refer(consented, seat, provider)
    client = verified_login(worker)
    client.get(reverse("referral_list"))
    client.get(reverse("referral_overdue"))
    client.get(reverse("referral_detail", args=[referral.pk]))
    logs = AccessLog.objects.filter(user=worker, target="support.referral")
    assert logs.filter(action="list").count() == 2 and logs.filter(object_id=str(referral.pk)).exists()
