"""The case worker's client file (issue 13): UIC, registration and duplicates, consent ledger, screening, case plan,
follow-ups, closure, merge — the services called directly (each rule, each refusal) and the pages for a case worker,
a support supervisor, a police officer and a case worker of another province."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pcmd.core.models import AccessLog
from pcmd.org.models import Membership, Role
from pcmd.support import cases, uic
from pcmd.support.models import (
    CaseEvent,
    CaseEventAction,
    CasePlan,
    CaseStatus,
    Client,
    Consent,
    CounsellingRequest,
    FollowUp,
    PlanStatus,
    Provider,
    Referral,
    Screening,
    ServiceRecord,
)
from tests.hostile_files import pdf

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Hòa"
PHONE = "0912 345 678"


@pytest.fixture
def worker(member_factory, bach_dang):
    return member_factory("cases.worker", bach_dang, Role.CASE_WORKER).memberships.get()


@pytest.fixture
def supervisor(member_factory, bach_dang):
    return member_factory("cases.supervisor", bach_dang, Role.SUPPORT_SUPERVISOR).memberships.get()


@pytest.fixture
def provider(bach_dang):
    return Provider.objects.create(unit=bach_dang, name="Trạm y tế phường Bạch Đằng (thử)", kind="health_station")


# UICs with a Z: no Vietnamese given name has one, so the demo's files never share them.
def register(worker, unit, *, uic_code="ZAZUF1995", confirmed=True, **extra) -> Client:
    return cases.register_client(membership=worker, unit=unit, uic_code=uic_code, sex=uic_code[4],
                                 birth_year=int(uic_code[5:]), source="outreach", confirmed=confirmed, **extra)


def consent(client, worker, *purposes, **extra):
    return cases.consent_record(client=client, membership=worker, purposes=list(purposes) or ["services"],
                                method="verbal", **extra)


@pytest.fixture
def client_file(worker, bach_dang) -> Client:
    return register(worker, bach_dang, full_name=NAME, phone=PHONE,
                    registered_on=timezone.localdate() - datetime.timedelta(days=30))


@pytest.fixture
def served(client_file, worker) -> Client:
    """A file with a services consent and a screening."""
    consent(client_file, worker, "services")
    cases.screening_record(client=client_file, membership=worker, needs=["health", "job"], eligible=True,
                           health_note="Cần xét nghiệm (thử)")
    return client_file


def goals(n=1):
    due = timezone.localdate() + datetime.timedelta(days=30)
    return [{"need": "health", "description": f"Đi xét nghiệm lần {i}", "due_on": due} for i in range(1, n + 1)]


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


# ---------------------------------------------------------------- UIC

def test_uic_from_the_answers():
    assert uic.derive(mother="Nguyễn Thị Lan", father="Trần Văn Hùng", sex="F", birth_year=1995) == "LAHUF1995"
    assert uic.derive(mother="Đào", father="", sex="M", birth_year=2001) == "DAXXM2001"  # Đ folded, unknown father
    assert uic.derive(mother="Ý", father="Ánh", sex="K", birth_year=None) == "YXANK0000"


@pytest.mark.parametrize("mother", ["Lan2", "L@n", "12"])
def test_uic_refuses_unknown_letters(mother):
    with pytest.raises(ValidationError) as exc:
        uic.derive(mother=mother, father="Hùng", sex="F", birth_year=1995)
    assert "chữ cái" in messages_of(exc)


@pytest.mark.parametrize("typed, message", [("LAHU1995", "4 chữ cái"), ("LAHUQ1995", "giới tính"),
                                            ("LAHUM1995", "không khớp với giới tính"),
                                            ("LAHUF1996", "Năm sinh trong mã")])
def test_typed_uic_is_checked(typed, message):
    with pytest.raises(ValidationError) as exc:
        uic.normalise(typed, sex="F", birth_year=1995)
    assert message in messages_of(exc)
    assert uic.normalise(" lahuf 1995 ", sex="F", birth_year=1995) == "LAHUF1995"


def test_birth_year_out_of_range_is_refused():
    with pytest.raises(ValidationError):
        uic.derive(mother="Lan", father="Hùng", sex="F", birth_year=1800)


# ---------------------------------------------------------------- registration and duplicates

def test_registration_numbers_files_per_commune(worker, bach_dang):
    first = register(worker, bach_dang)
    second = register(worker, bach_dang, uic_code="ZOZOM1990")
    assert first.code.startswith(f"HT-{bach_dang.code}-") and len(first.code.rsplit("-", 1)[1]) == 6
    assert int(second.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1
    assert first.case_worker_id == worker.user_id and first.status == CaseStatus.OPEN
    assert first.events.get().action == CaseEventAction.REGISTER


def test_registration_refuses_a_supervisor(supervisor, bach_dang):
    with pytest.raises(PermissionDenied):
        register(supervisor, bach_dang)
    assert not Client.objects.filter(unit=bach_dang, uic="ZAZUF1995").exists()


def test_registration_outside_scope_is_refused(worker, ninh_binh_commune):
    with pytest.raises(ValidationError):
        register(worker, ninh_binh_commune)


def test_same_uic_is_a_possible_duplicate(worker, client_file, bach_dang):
    with pytest.raises(cases.PossibleDuplicates) as exc:
        register(worker, bach_dang, confirmed=False)
    assert [m.client for m in exc.value.matches] == [client_file]
    assert "cùng mã định danh" in exc.value.matches[0].reasons
    assert Client.objects.filter(unit=bach_dang, uic="ZAZUF1995").count() == 1  # nothing saved


def test_fuzzy_name_and_phone_find_a_duplicate(worker, client_file, bach_dang):
    with pytest.raises(cases.PossibleDuplicates) as exc:
        register(worker, bach_dang, uic_code="XXZUF1995", full_name="Nguyen Thi Hoa", confirmed=False)
    assert exc.value.matches[0].client == client_file
    assert exc.value.matches[0].reasons == ["họ tên gần giống"]
    found = cases.possible_duplicates(unit=bach_dang, uic_code="ZEZEF2000", phone="+84 912-345-678")
    assert [(d.client, d.reasons) for d in found] == [(client_file, ["cùng số điện thoại"])]
    assert cases.possible_duplicates(unit=bach_dang, uic_code="ZEZEF2000", full_name="Lê Văn Bình") == []
    confirmed = register(worker, bach_dang, uic_code="XXZUF1995", full_name="Nguyen Thi Hoa")
    assert confirmed.pk != client_file.pk


# ---------------------------------------------------------------- consent ledger

def test_consent_one_row_per_purpose_and_refusals(client_file, worker, provider):
    rows = consent(client_file, worker, "services", "reporting", "referral", provider=provider)
    assert sorted(r.purpose for r in rows) == ["referral", "reporting", "services"]
    assert [r.provider for r in rows if r.purpose == "referral"] == [provider]
    assert [r.provider for r in rows if r.purpose != "referral"] == [None, None]
    for kwargs, field in (({"purposes": []}, "purposes"), ({"purposes": ["referral"]}, "provider"),
                          ({"purposes": ["services"], "method": "signed"}, "scan"),
                          ({"purposes": ["services"], "given_on": timezone.localdate() + datetime.timedelta(days=1)},
                           "given_on")):
        with pytest.raises(ValidationError) as exc:
            cases.consent_record(client=client_file, membership=worker, **{"method": "verbal", **kwargs})
        assert field in exc.value.error_dict
    assert client_file.consents.count() == 3


def test_signed_consent_keeps_the_scan(client_file, worker):
    scan = SimpleUploadedFile("phieu.pdf", pdf(), content_type="application/pdf")
    rows = cases.consent_record(client=client_file, membership=worker, purposes=["services", "phone"],
                                method="signed", scan=scan)
    assert rows[0].scan.name and rows[0].scan.name == rows[1].scan.name
    bad = SimpleUploadedFile("phieu.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        cases.consent_record(client=client_file, membership=worker, purposes=["services"], method="signed", scan=bad)
    assert "scan" in exc.value.error_dict


def test_withdrawal_keeps_the_row_and_stops_processing(client_file, worker):
    given = consent(client_file, worker, "services")[0]
    cases.consent_withdraw(client=client_file, membership=worker, consent=given, note="Người đó không muốn nữa")
    given.refresh_from_db()
    assert given.withdrawn_at is not None and given.withdrawn_by_id == worker.user_id
    assert client_file.events.filter(action=CaseEventAction.WITHDRAW).exists()
    with pytest.raises(ValidationError) as exc:  # the withdrawn consent is not used again
        cases.screening_record(client=client_file, membership=worker, needs=["health"])
    assert "rút lại" in messages_of(exc)
    assert not Screening.objects.filter(client=client_file).exists()
    with pytest.raises(ValidationError):
        cases.consent_withdraw(client=client_file, membership=worker, consent=given, note="lần hai")
    with pytest.raises(ValidationError):
        cases.consent_withdraw(client=client_file, membership=worker, consent=consent(client_file, worker)[0],
                               note="")


def test_expired_consent_is_not_used(client_file, worker):
    today = timezone.localdate()
    consent(client_file, worker, "services", given_on=today - datetime.timedelta(days=20),
            expires_on=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        cases.screening_record(client=client_file, membership=worker, needs=["health"])


# ---------------------------------------------------------------- screening and plan

def test_screening_needs_services_consent(client_file, worker):
    with pytest.raises(ValidationError) as exc:
        cases.screening_record(client=client_file, membership=worker, needs=["health"])
    assert "nhận dịch vụ" in messages_of(exc)
    assert not client_file.screenings.exists()
    assert not client_file.events.filter(action=CaseEventAction.SCREEN).exists()


def test_screening_refusals(served, worker, supervisor):
    with pytest.raises(ValidationError):
        cases.screening_record(client=served, membership=worker, needs=["flying"])
    with pytest.raises(ValidationError):
        cases.screening_record(client=served, membership=worker, needs=[],
                               screened_on=served.registered_on - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        cases.screening_record(client=served, membership=supervisor, needs=["health"])


def test_plan_submit_approve_and_new_version(served, worker, supervisor):
    screening = served.screenings.get()
    plan = cases.plan_save(client=served, membership=worker, screening=screening, goals=goals(2))
    assert (plan.status, plan.version, plan.goals.count()) == (PlanStatus.DRAFT, 1, 2)
    cases.plan_submit(client=served, membership=worker)
    with pytest.raises(ValidationError):  # not while it waits for approval
        cases.plan_save(client=served, membership=worker, screening=screening, goals=goals(1))
    with pytest.raises(PermissionDenied):  # a case worker does not approve
        cases.plan_decide(client=served, membership=worker, approve=True)
    with pytest.raises(ValidationError) as exc:
        cases.plan_decide(client=served, membership=supervisor, approve=False, reason="")
    assert "lý do trả lại" in messages_of(exc)
    cases.plan_decide(client=served, membership=supervisor, approve=False, reason="Thiếu mục tiêu việc làm")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "Thiếu mục tiêu việc làm"
    cases.plan_save(client=served, membership=worker, screening=screening, goals=goals(3))  # edited in place
    cases.plan_submit(client=served, membership=worker)
    cases.plan_decide(client=served, membership=supervisor, approve=True)
    plan.refresh_from_db()
    assert (plan.status, plan.goals.count(), plan.decided_by_id) == (PlanStatus.APPROVED, 3, supervisor.user_id)
    draft = cases.plan_save(client=served, membership=worker, screening=screening, goals=goals(1))
    assert (draft.pk != plan.pk, draft.version, draft.status) == (True, 2, PlanStatus.DRAFT)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.goals.count() == 3  # what was approved stays


def test_plan_refusals(served, worker):
    screening = served.screenings.get()
    with pytest.raises(ValidationError):
        cases.plan_save(client=served, membership=worker, screening=screening, goals=[])
    with pytest.raises(ValidationError):
        cases.plan_save(client=served, membership=worker, screening=None, goals=goals())
    late = [{**goals()[0], "due_on": served.registered_on - datetime.timedelta(days=1)}]
    with pytest.raises(ValidationError):
        cases.plan_save(client=served, membership=worker, screening=screening, goals=late)
    assert not CasePlan.objects.filter(client=served).exists()


def test_author_cannot_approve_own_plan(served, worker, bach_dang):
    # the same person holds a case worker seat and a supervisor seat
    own = Membership.objects.create(user_id=worker.user_id, unit=bach_dang, role=Role.SUPPORT_SUPERVISOR)
    cases.plan_save(client=served, membership=worker, screening=served.screenings.get(), goals=goals())
    cases.plan_submit(client=served, membership=worker)
    with pytest.raises(ValidationError) as exc:
        cases.plan_decide(client=served, membership=own, approve=True)
    assert "không tự duyệt" in messages_of(exc)
    assert cases.current_plan(served).status == PlanStatus.SUBMITTED


# ---------------------------------------------------------------- follow-ups, closure, reopening

def test_follow_up_rules(served, worker):
    day = timezone.localdate()
    row = cases.follow_up_record(client=served, membership=worker, date=day, kind="visit",
                                 next_due=day + datetime.timedelta(days=14))
    assert row.client == served
    for kwargs, field in (({"date": served.registered_on - datetime.timedelta(days=1)}, "date"),
                          ({"date": day + datetime.timedelta(days=1)}, "date"),
                          ({"next_due": day}, "next_due")):
        with pytest.raises(ValidationError) as exc:
            cases.follow_up_record(client=served, membership=worker, **{"date": day, "kind": "visit", **kwargs})
        assert field in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:  # a phone call needs the phone consent
        cases.follow_up_record(client=served, membership=worker, date=day, kind="phone")
    assert "điện thoại" in messages_of(exc)
    assert FollowUp.objects.filter(client=served).count() == 1


def test_closure_refused_with_open_referrals_then_approved_and_reopened(served, worker, supervisor, provider):
    referral = Referral.objects.create(client=served, unit=served.unit, provider=provider, need="health",
                                       answer_due=timezone.localdate() + datetime.timedelta(days=7))
    with pytest.raises(ValidationError) as exc:
        cases.closure_request(client=served, membership=worker, reason="goals_met")
    assert "giới thiệu" in messages_of(exc)
    served.refresh_from_db()
    assert served.status == CaseStatus.OPEN
    Referral.objects.filter(pk=referral.pk).update(status="completed")
    cases.closure_request(client=served, membership=worker, reason="goals_met")
    with pytest.raises(PermissionDenied):
        cases.closure_decide(client=served, membership=worker, approve=True)
    with pytest.raises(ValidationError):
        cases.closure_decide(client=served, membership=supervisor, approve=False, reason=" ")
    cases.closure_decide(client=served, membership=supervisor, approve=True)
    served.refresh_from_db()
    assert (served.status, served.closed_on, served.closure_reason) == (CaseStatus.CLOSED, timezone.localdate(),
                                                                        "goals_met")
    with pytest.raises(ValidationError):
        cases.reopen(client=served, membership=worker, reason="")
    cases.reopen(client=served, membership=supervisor, reason="Người đó quay lại xin hỗ trợ")
    served.refresh_from_db()
    assert (served.status, served.closed_on) == (CaseStatus.OPEN, None)
    actions = list(served.events.values_list("action", flat=True))
    assert actions[-3:] == [CaseEventAction.CLOSE_REQUEST, CaseEventAction.CLOSE_APPROVE, CaseEventAction.REOPEN]


def test_closure_returned_goes_back_to_open(served, worker, supervisor):
    cases.closure_request(client=served, membership=worker, reason="moved")
    cases.closure_decide(client=served, membership=supervisor, approve=False, reason="Còn mục tiêu đang làm")
    served.refresh_from_db()
    assert (served.status, served.closure_reason) == (CaseStatus.OPEN, "")


# ---------------------------------------------------------------- merge

def test_merge_moves_records(served, worker, supervisor, bach_dang, provider):
    duplicate = register(worker, bach_dang, uic_code="ZAZUF1995")
    consent(duplicate, worker, "services")
    cases.screening_record(client=duplicate, membership=worker, needs=["job"])
    cases.follow_up_record(client=duplicate, membership=worker, kind="visit")
    ServiceRecord.objects.create(client=duplicate, unit=bach_dang, kind="job", received_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        cases.merge(kept=served, duplicate=duplicate, membership=worker)
    cases.merge(kept=served, duplicate=duplicate, membership=supervisor, note="Cùng một người")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == served
    assert served.screenings.count() == 2 and served.consents.count() == 2
    assert served.follow_ups.count() == 1 and served.services.count() == 1
    assert not Consent.objects.filter(client=duplicate).exists()
    assert served.events.filter(action=CaseEventAction.MERGE).exists()
    assert list(duplicate.events.values_list("action", flat=True)) == [CaseEventAction.MERGE]
    assert duplicate not in cases.client_list(supervisor)
    with pytest.raises(PermissionDenied):  # a merged file takes no more steps
        cases.follow_up_record(client=duplicate, membership=worker, kind="visit")


def test_merge_refuses_the_same_file(served, supervisor):
    with pytest.raises(ValidationError):
        cases.merge(kept=served, duplicate=served, membership=supervisor)


# ---------------------------------------------------------------- pages

@pytest.fixture
def as_worker(worker, verified_login):
    return verified_login(worker.user)


def test_list_shows_codes_not_names_and_is_logged(client_file, as_worker, worker):
    before = AccessLog.objects.filter(user_id=worker.user_id, action="list").count()
    response = as_worker.get(reverse("client_list"), {"q": client_file.uic})
    page = response.content.decode()
    assert response.status_code == 200 and client_file.code in page and "ZAZUF1995" in page
    assert "Hòa" not in page and "0912" not in page
    assert AccessLog.objects.filter(user_id=worker.user_id, action="list").count() == before + 1
    found = as_worker.get(reverse("client_list"), {"q": client_file.code[:-2].lower()}).content.decode()
    assert client_file.code in found
    assert client_file.code not in as_worker.get(reverse("client_list"), {"q": "ZZZZ"}).content.decode()
    assert as_worker.get(reverse("client_list"), {"tinh_trang": "bogus", "page": "x"}).status_code == 200


def test_detail_masks_identity_for_the_supervisor(client_file, as_worker, supervisor, verified_login, client):
    url = reverse("client_detail", args=[client_file.pk])
    page = as_worker.get(url).content.decode()
    assert NAME in page and PHONE in page
    assert AccessLog.objects.filter(object_id=str(client_file.pk), target="support.client").exists()
    client.logout()
    page = verified_login(supervisor.user).get(url).content.decode()
    assert NAME not in page and PHONE not in page and "(hạn chế)" in page


def test_police_and_outsiders_do_not_reach_files(client_file, member_factory, verified_login, client,
                                                 ninh_binh_commune, bach_dang):
    police = verified_login(member_factory("cases.police", bach_dang, Role.POLICE_OFFICER))
    for url in (reverse("client_list"), reverse("client_detail", args=[client_file.pk]),
                reverse("client_action", args=[client_file.pk, "theo-doi"]), reverse("client_register")):
        assert police.get(url).status_code == 403, url
    client.logout()
    far = verified_login(member_factory("cases.far", ninh_binh_commune, Role.CASE_WORKER))
    assert far.get(reverse("client_detail", args=[client_file.pk])).status_code == 404
    assert far.get(reverse("client_action", args=[client_file.pk, "theo-doi"])).status_code == 404
    assert client_file.code not in far.get(reverse("client_list")).content.decode()


def test_each_seat_sees_its_own_buttons(served, worker, supervisor, as_worker, verified_login, client):
    url = reverse("client_detail", args=[served.pk])
    page = as_worker.get(url).content.decode()
    assert "Ghi lần theo dõi" in page and "Gộp hồ sơ trùng" not in page
    client.logout()
    page = verified_login(supervisor.user).get(url).content.decode()
    assert "Gộp hồ sơ trùng" in page and "Ghi lần theo dõi" not in page


def test_follow_up_through_its_action_page(served, as_worker):
    url = reverse("client_action", args=[served.pk, "theo-doi"])
    assert as_worker.get(url).status_code == 200
    early = (served.registered_on - datetime.timedelta(days=3)).isoformat()
    response = as_worker.post(url, {"date": early, "kind": "visit", "note": "Gặp ở quán"})
    assert response.status_code == 400 and "trước ngày đăng ký" in response.content.decode()
    assert "Gặp ở quán" in response.content.decode()  # what was typed is kept
    response = as_worker.post(url, {"date": timezone.localdate().isoformat(), "kind": "visit"})
    assert response.status_code == 302 and served.follow_ups.count() == 1


def test_consent_page_never_pre_ticks(served, as_worker):
    page = as_worker.get(reverse("client_action", args=[served.pk, "dong-y"])).content.decode()
    assert 'name="purposes"' in page and "checked" not in page


def test_plan_page_saves_goals(served, as_worker):
    url = reverse("client_action", args=[served.pk, "ke-hoach"])
    assert as_worker.get(url).status_code == 200
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    data = {"screening": served.screenings.get().pk, "goals-TOTAL_FORMS": "2", "goals-INITIAL_FORMS": "0",
            "goals-0-need": "health", "goals-0-description": "Xét nghiệm HIV", "goals-0-due_on": due,
            "goals-1-need": "", "goals-1-description": "", "goals-1-due_on": ""}
    assert as_worker.post(url, data).status_code == 302
    assert cases.current_plan(served).goals.get().description == "Xét nghiệm HIV"


def test_registration_page_shows_possible_duplicates(client_file, as_worker):
    data = {"mother": "", "father": "", "uic": "", "sex": "F", "birth_year": "1995", "source": "outreach",
            "registered_on": timezone.localdate().isoformat(), "full_name": "nguyen thi hoa"}
    response = as_worker.post(reverse("client_register"), data)
    page = response.content.decode()
    assert response.status_code == 400 and "possible-duplicates" in page and client_file.code in page
    response = as_worker.post(reverse("client_register"), {**data, "confirmed": "on"})
    assert response.status_code == 302
    created = Client.objects.exclude(pk=client_file.pk).get(unit=client_file.unit, full_name__isnull=False,
                                                            pk=response.url.rstrip("/").rsplit("/", 1)[-1])
    assert created.uic == "XXXXF1995"


def test_registration_from_a_counselling_request(worker, as_worker, bach_dang):
    request = CounsellingRequest.objects.filter(unit=bach_dang).order_by("pk").first()
    detail = as_worker.get(reverse("counselling_detail", args=[request.pk])).content.decode()
    url = reverse("counselling_action", args=[request.pk, "dang-ky-ho-so"])
    assert url in detail
    data = {"mother": "Mai", "father": "Tùng", "sex": "F", "birth_year": "1999",
            "registered_on": timezone.localdate().isoformat(), "confirmed": "on"}
    response = as_worker.post(url, data)
    assert response.status_code == 302
    created = Client.objects.get(intake=request)
    assert (created.source, created.uic, created.unit) == ("counselling", "MATUF1999", bach_dang)
    assert as_worker.get(reverse("counselling_detail", args=[request.pk])).content.decode().count(url) == 0


def test_only_a_case_worker_is_offered_the_registration_from_a_request(supervisor, verified_login, bach_dang):
    request = CounsellingRequest.objects.filter(unit=bach_dang).order_by("pk").first()
    page = verified_login(supervisor.user).get(reverse("counselling_detail", args=[request.pk])).content.decode()
    assert reverse("counselling_action", args=[request.pk, "dang-ky-ho-so"]) not in page
    with pytest.raises(PermissionDenied):
        cases.register_client(membership=supervisor, unit=bach_dang, uic_code="MATUF1999", sex="F", intake=request)


def test_merged_file_leads_to_the_kept_one(served, worker, supervisor, bach_dang, as_worker):
    duplicate = register(worker, bach_dang, uic_code="ZAZUF1995")
    cases.merge(kept=served, duplicate=duplicate, membership=supervisor)
    response = as_worker.get(reverse("client_detail", args=[duplicate.pk]))
    assert response.status_code == 302 and response.url == reverse("client_detail", args=[served.pk])
    assert CaseEvent.objects.filter(client=duplicate, action=CaseEventAction.MERGE).exists()


def test_consent_scan_only_for_those_who_read_the_file(client_file, worker, as_worker, member_factory,
                                                      verified_login, client, ninh_binh_commune, bach_dang):
    scan = SimpleUploadedFile("phieu.pdf", pdf(), content_type="application/pdf")
    signed = cases.consent_record(client=client_file, membership=worker, purposes=["services"], method="signed",
                                  scan=scan)[0]
    url = reverse("consent_scan", args=[client_file.pk, signed.pk])
    response = as_worker.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AccessLog.objects.filter(user_id=worker.user_id, action="attachment",
                                    object_id=str(client_file.pk)).exists()
    verbal = consent(client_file, worker, "reporting")[0]
    assert as_worker.get(reverse("consent_scan", args=[client_file.pk, verbal.pk])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to login
    police = verified_login(member_factory("scan.police", bach_dang, Role.POLICE_OFFICER))
    assert police.get(url).status_code == 403
    client.logout()
    far = verified_login(member_factory("scan.far", ninh_binh_commune, Role.CASE_WORKER))
    assert far.get(url).status_code == 404


def test_goals_of_the_approved_plan_are_marked_met_or_dropped(served, worker, supervisor, verified_login):
    today = timezone.localdate()
    plan = cases.plan_save(client=served, membership=worker, screening=served.screenings.get(),
                           goals=[{"need": "job", "description": "Tìm việc làm ổn định", "due_on": today},
                                  {"need": "loan", "description": "Vay vốn", "due_on": today}])
    job, loan = plan.goals.order_by("pk")
    with pytest.raises(ValidationError):  # not approved yet
        cases.goals_update(client=served, membership=worker, statuses={job.pk: "met"})
    cases.plan_submit(client=served, membership=worker)
    cases.plan_decide(client=served, membership=supervisor, approve=True)
    with pytest.raises(PermissionDenied):  # the supervisor approves; the case worker does the work
        cases.goals_update(client=served, membership=supervisor, statuses={job.pk: "met"})
    http = verified_login(worker.user)
    url = reverse("client_action", args=[served.pk, "muc-tieu"])
    response = http.post(url, {f"goal_{job.pk}": "met", f"goal_{loan.pk}": "bogus", "note": ""})
    assert response.status_code == 400 and job.__class__.objects.get(pk=job.pk).status == "open"
    response = http.post(url, {f"goal_{job.pk}": "met", f"goal_{loan.pk}": "dropped", "note": "Đã có việc."})
    assert response.status_code == 302
    assert [g.status for g in plan.goals.order_by("pk")] == ["met", "dropped"]
    assert any("Cập nhật mục tiêu" in e.note for e in served.events.all())  # notes are encrypted: read back
    with pytest.raises(ValidationError):  # nothing changed
        cases.goals_update(client=served, membership=worker, statuses={job.pk: "met"})
