"""The wall around support case files (issue 13): no other role reaches a support page or sees support data;
break-glass; the access review; a client's own-data export and erasure; error pages show nothing of a file."""

import datetime
import io
import json
import re
import zipfile

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from pcmd.core.crud import REGISTRY
from pcmd.core.models import AccessLog
from pcmd.org.models import Role
from pcmd.support import owndata, wall
from pcmd.support.models import (
    BreakGlass,
    CaseEvent,
    CaseEventAction,
    CaseGoal,
    CasePlan,
    Client,
    Consent,
    ErasureRequest,
    ErasureStatus,
    FollowUp,
    Provider,
    Referral,
    Screening,
    ServiceRecord,
)

pytestmark = pytest.mark.django_db

OUTSIDERS = (Role.POLICE_OFFICER, Role.INSPECTOR, Role.LEADER, Role.AGENCY_OFFICER, Role.COORDINATOR, Role.ADMIN)
LEVELS = ("commune", "province", "national")
# What the distinctive client is made of: none of it may appear on an outsider's page or export.
SECRET_NAME = "Quỳnh Bí Mật Tường Vi"
SECRET_UIC = "QZXW1987F"
SECRET_NOTE = "ghi-chu-tuyet-mat-7f3a"
SECRET_CODE = "HT-TUYETMAT-424242"


# ---------------------------------------------------------------- helpers


def seat(member_factory, name, unit, role):
    user = member_factory(name, unit, role)
    return user, user.memberships.get()


def unit_at(level, bach_dang):
    return {"commune": bach_dang, "province": bach_dang.province, "national": None}[level]


def make_client(unit, *, code=SECRET_CODE, uic=SECRET_UIC, worker=None, **extra) -> Client:
    values = {"full_name": SECRET_NAME, "phone": "0900 111 222", "address": "Ngõ bí mật số 9",
              "sex_work_history": SECRET_NOTE, "legal_status": "Mất căn cước " + SECRET_NOTE, **extra}
    return Client.objects.create(unit=unit, code=code, uic=uic, sex="F", birth_year=1987, case_worker=worker,
                                 **values)


def full_file(client, user):
    """A file with a row of every kind, each carrying the secret note."""
    provider = Provider.objects.create(unit=client.unit, name="Trạm y tế thử", kind="health_station")
    Consent.objects.create(client=client, purpose="services", method="signed", recorded_by=user,
                           scan="support/consents/2026/phieu.pdf", withdrawal_note="rút vì " + SECRET_NOTE)
    Consent.objects.create(client=client, purpose="reporting", method="verbal", recorded_by=user)
    screening = Screening.objects.create(client=client, needs=["health", "legal"], eligible=True,
                                         health_note="HIV " + SECRET_NOTE, violence_note=SECRET_NOTE,
                                         legal_note=SECRET_NOTE, other_note=SECRET_NOTE, screened_by=user)
    plan = CasePlan.objects.create(client=client, screening=screening, created_by=user)
    CaseGoal.objects.create(plan=plan, need="health", description="Mục tiêu " + SECRET_NOTE,
                            due_on=timezone.localdate() + datetime.timedelta(days=30))
    referral = Referral.objects.create(client=client, unit=client.unit, provider=provider, need="health",
                                       answer_due=timezone.localdate() + datetime.timedelta(days=7),
                                       note=SECRET_NOTE, outcome_note=SECRET_NOTE, status="completed",
                                       token_lookup="lookup-" + SECRET_NOTE, token_hash="hash")
    ServiceRecord.objects.create(client=client, unit=client.unit, kind="sti_hiv_test",
                                 received_on=timezone.localdate(), provider=provider, referral=referral,
                                 note=SECRET_NOTE, recorded_by=user)
    FollowUp.objects.create(client=client, kind="phone", note=SECRET_NOTE, recorded_by=user)
    CaseEvent.objects.create(client=client, actor=user, action=CaseEventAction.REGISTER, note=SECRET_NOTE)
    return client


# The provider's answer pages (no login; tests/test_support_referrals.py checks the code flow).
PUBLIC_SUPPORT_PAGES = {"public_referral", "public_referral_link"}


def support_patterns():
    """Every named URL whose view lives in pcmd.support (its own urls and any other that points into it)."""
    from pcmd.support import urls as support_urls

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    yield from walk(entry)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry

    names = {p.name for p in support_urls.urlpatterns if p.name}
    for pattern in walk(get_resolver()):
        module = getattr(pattern.callback, "__module__", "") or ""
        wrapped = getattr(pattern.callback, "__wrapped__", None)
        module = getattr(wrapped, "__module__", module) if wrapped else module
        if pattern.name in names or module.startswith("pcmd.support"):
            yield pattern


def sample_url(pattern, pk):
    """The pattern's address with `pk` for every integer and a plausible slug for every slug."""
    route = str(pattern.pattern)
    route = re.sub(r"<int:\w+>", str(pk), route)
    route = re.sub(r"<slug:\w+>", "xem", route)
    route = re.sub(r"<(str:)?\w+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


def body_text(response) -> str:
    """What a response shows or downloads, with zipped files (Word, Excel, zip) opened."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


# ---------------------------------------------------------------- (a) every support URL, every other role


def test_support_patterns_are_found():
    names = {p.name for p in support_patterns()}
    assert {"counselling_list", "break_glass_list", "break_glass_open", "access_review", "client_export",
            "client_erase_request", "client_erase_confirm", "break_glass_action", "erasure_list"} <= names


@pytest.mark.parametrize("level", LEVELS)
def test_no_other_role_reaches_a_support_url(level, member_factory, verified_login, bach_dang, client):
    client.raise_request_exception = False
    target = make_client(bach_dang)
    grant_user, grant_seat = seat(member_factory, f"bg.{level}", bach_dang, Role.CASE_WORKER)
    grant = BreakGlass.objects.create(client=target, user=grant_user, membership=grant_seat, reason="x" * 30,
                                      expires_at=timezone.now() + datetime.timedelta(hours=2))
    ErasureRequest.objects.create(client=target, reason="y" * 30, requested_by=grant_user)
    patterns = list(support_patterns())
    wrong = []
    for role in OUTSIDERS:
        user = member_factory(f"wall.{role}.{level}", unit_at(level, bach_dang), role)
        http = verified_login(user)
        for pattern in patterns:
            pk = grant.pk if pattern.name == "break_glass_action" else target.pk
            url = sample_url(pattern, pk)
            for method in ("get", "post"):
                response = getattr(http, method)(url)
                if pattern.name in PUBLIC_SUPPORT_PAGES:
                    # Open to anyone by design (a provider answering from the slip's code), so they must show
                    # nothing of a file without a valid code.
                    text = body_text(response)
                    if response.status_code == 500 or any(s in text for s in (SECRET_CODE, SECRET_UIC)):
                        wrong.append(f"{role}@{level} {method.upper()} {pattern.name} {url}: shows the file")
                elif response.status_code not in (403, 404):
                    wrong.append(f"{role}@{level} {method.upper()} {pattern.name} {url}: {response.status_code}")
    assert wrong == []


# ---------------------------------------------------------------- (b) support data appears nowhere for them


def _outsider_pages(bach_dang):
    year = timezone.localdate().year
    # Searches ask for a part of the code and of the name (the query itself is echoed on the page).
    pages = [reverse("home"), reverse("audit_log"), reverse("unit_search") + "?q=TUYETMAT",
             reverse("unit_search") + "?q=Quynh", reverse("dhis2_export") + f"?nguon=computed&nam={year}",
             reverse("dhis2_export") + f"?nam={year}", reverse("dashboard"),
             reverse("dashboard_scorecard"), reverse("dashboard_overview"), reverse("permission_matrix")]
    for crud in REGISTRY:
        pages += [reverse(crud.url_name("list")), reverse(crud.url_name("list")) + "?q=TUYETMAT",
                  reverse(crud.url_name("list")) + "?q=Quynh",
                  reverse(crud.url_name("export"))]
    return pages


@pytest.mark.parametrize("level", ("commune", "province"))
def test_support_data_appears_nowhere_for_other_roles(level, member_factory, verified_login, bach_dang, client):
    worker, _ = seat(member_factory, f"leak.worker.{level}", bach_dang, Role.CASE_WORKER)
    full_file(make_client(bach_dang, worker=worker), worker)
    client.raise_request_exception = False
    secrets_ = (SECRET_NAME, SECRET_UIC, SECRET_CODE, SECRET_NOTE, "Quỳnh Bí Mật")
    pages = _outsider_pages(bach_dang)
    leaks, opened = [], 0
    for role in OUTSIDERS:
        http = verified_login(member_factory(f"leak.{role}.{level}", unit_at(level, bach_dang), role))
        for url in pages:
            response = http.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            text = body_text(response)
            leaks += [f"{role}@{level} {url}: {s}" for s in secrets_ if s in text]
    assert opened > 30
    assert leaks == []


def test_support_models_are_not_in_the_audit_log(member_factory, bach_dang):
    worker, worker_seat = seat(member_factory, "audit.worker", bach_dang, Role.CASE_WORKER)
    target = full_file(make_client(bach_dang, worker=worker), worker)
    target.full_name = "Tên khác"
    target.save()
    supervisor, sup_seat = seat(member_factory, "audit.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    owndata.request_erasure(worker_seat, target, "Người được hỗ trợ đề nghị xóa theo Luật 91/2025/QH15")
    owndata.confirm_erasure(sup_seat, target)
    support_types = ContentType.objects.filter(app_label="support")
    assert not LogEntry.objects.filter(content_type__in=support_types).exists()


# ---------------------------------------------------------------- (c) break-glass


@pytest.fixture
def far_file(ninh_binh_commune):
    return make_client(ninh_binh_commune, code="HT-NB-000777", uic="NBXY1990F")


def test_break_glass_is_refused_without_reason_or_for_other_roles(member_factory, bach_dang, far_file):
    _, sup = seat(member_factory, "bg.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    for reason in ("", "   ", "cần xem"):
        with pytest.raises(ValidationError) as exc:
            wall.open_break_glass(sup, far_file.code, reason)
        assert "reason" in exc.value.message_dict
    _, worker = seat(member_factory, "bg.worker", bach_dang, Role.CASE_WORKER)
    with pytest.raises(PermissionDenied):
        wall.open_break_glass(worker, far_file.code, "Lý do đủ dài để mở hồ sơ khẩn cấp ngay")
    with pytest.raises(ValidationError) as exc:
        wall.open_break_glass(sup, "HT-NB-00077", "Lý do đủ dài để mở hồ sơ khẩn cấp ngay")  # not exact
    assert "code" in exc.value.message_dict
    own = make_client(bach_dang, code="HT-BD-000001", uic="BDXY1990F")
    with pytest.raises(ValidationError) as exc:
        wall.open_break_glass(sup, own.code, "Lý do đủ dài để mở hồ sơ khẩn cấp ngay")
    assert "phạm vi của bạn" in exc.value.message_dict["code"][0]
    assert not BreakGlass.objects.filter(client__in=[far_file, own]).exists()


def test_break_glass_page_refuses_a_missing_reason(member_factory, verified_login, bach_dang, far_file):
    user, _ = seat(member_factory, "bg.page", bach_dang, Role.SUPPORT_SUPERVISOR)
    http = verified_login(user)
    response = http.post(reverse("break_glass_open"), {"code": far_file.code, "reason": "ngắn"})
    assert response.status_code == 400
    assert "ít nhất 20 ký tự" in response.content.decode() and far_file.code in response.content.decode()
    assert not BreakGlass.objects.filter(client=far_file).exists()


def test_break_glass_grant_reads_for_two_hours_then_404(member_factory, bach_dang, far_file, ninh_binh_commune):
    _, sup = seat(member_factory, "bg.read", bach_dang, Role.SUPPORT_SUPERVISOR)
    request = RequestFactory().get("/")
    request.membership = sup
    with pytest.raises(Http404):
        wall.client_or_404(request, far_file.pk)
    reason = "Người được hỗ trợ chuyển đến địa bàn, đang gặp nguy hiểm, cần phối hợp ngay"
    grant = wall.open_break_glass(sup, far_file.code, reason)
    assert grant.expires_at - grant.opened_at == datetime.timedelta(hours=2)
    assert CaseEvent.objects.filter(client=far_file, action=CaseEventAction.BREAK_GLASS).count() == 1
    assert AccessLog.objects.filter(target="support.client", object_id=str(far_file.pk), action="break_glass",
                                    user=sup.user, detail__contains=reason).exists()
    assert wall.client_or_404(request, far_file.pk) == far_file  # read ...
    with pytest.raises(Http404):
        wall.client_or_404(request, far_file.pk, action="change")  # ... only
    with time_machine.travel(grant.expires_at + datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(Http404):
            wall.client_or_404(request, far_file.pk)
    # The owning commune's case worker is told, on the home page, until acknowledged.
    _, worker = seat(member_factory, "bg.owner", ninh_binh_commune, Role.CASE_WORKER)
    assert list(wall.unacknowledged(worker)) == [grant]
    assert wall.unacknowledged_count(worker) == 1
    wall.acknowledge(worker, grant)
    assert wall.unacknowledged_count(worker) == 0


def test_case_worker_sees_and_acknowledges_the_notice(member_factory, verified_login, bach_dang, far_file,
                                                      ninh_binh_commune):
    _, sup = seat(member_factory, "bg.n.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    grant = wall.open_break_glass(sup, far_file.code, "Cần phối hợp khẩn cấp vì người này đang gặp nguy hiểm")
    user, _ = seat(member_factory, "bg.n.worker", ninh_binh_commune, Role.CASE_WORKER)
    http = verified_login(user)
    page = http.get(reverse("home")).content.decode()
    assert "Hồ sơ được mở khẩn cấp" in page and far_file.code in page and 'id="break-glass-notice"' in page
    response = http.post(reverse("break_glass_action", args=[grant.pk, "da-biet"]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.acknowledged_at is not None
    assert 'id="break-glass-notice"' not in http.get(reverse("home")).content.decode()


def test_break_glass_review(member_factory, verified_login, bach_dang, far_file, ninh_binh_commune):
    _, sup = seat(member_factory, "bg.r.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    grant = wall.open_break_glass(sup, far_file.code, "Cần phối hợp khẩn cấp vì người này đang gặp nguy hiểm")
    reviewer, reviewer_seat = seat(member_factory, "bg.r.nb", ninh_binh_commune.province, Role.SUPPORT_SUPERVISOR)
    assert wall.unreviewed_count(reviewer_seat) == 1
    assert grant not in wall.grants_in_scope(sup)  # the opener's own openings are not in their review list
    http = verified_login(reviewer)
    listing = http.get(reverse("break_glass_list") + "?tinh-trang=chua-ra-soat").content.decode()
    assert far_file.code in listing
    assert http.post(reverse("break_glass_action", args=[grant.pk, "ra-soat"]), {"note": ""}).status_code == 400
    response = http.post(reverse("break_glass_action", args=[grant.pk, "ra-soat"]), {"note": "Lý do chính đáng"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == reviewer and grant.review_note == "Lý do chính đáng"
    with pytest.raises(PermissionDenied):  # outside the file's scope: not the opener's to review
        wall.review(sup, grant, "tự rà soát")


# ---------------------------------------------------------------- (d) access review


def test_access_review_lists_reads_and_flags_a_burst(member_factory, verified_login, bach_dang, ninh_binh_commune):
    reader_user, reader = seat(member_factory, "ar.reader", bach_dang, Role.CASE_WORKER)
    files = [make_client(bach_dang, code=f"HT-AR-{n:06d}", uic=f"ARXY{n:04d}F") for n in range(40)]
    quiet_user, quiet = seat(member_factory, "ar.quiet", bach_dang, Role.CASE_WORKER)
    AccessLog.record(membership=quiet, obj=files[0], detail="Kiểm tra kế hoạch")
    for client_file in files[:35]:
        AccessLog.record(membership=reader, obj=client_file, detail="Đọc hàng loạt")
    far = make_client(ninh_binh_commune, code="HT-NB-000888", uic="NBAR1990F")
    _, nb_worker = seat(member_factory, "ar.nb", ninh_binh_commune, Role.CASE_WORKER)
    AccessLog.record(membership=nb_worker, obj=far, detail="Ngoài phạm vi của giám sát")
    sup_user, sup = seat(member_factory, "ar.sup", bach_dang.province, Role.SUPPORT_SUPERVISOR)

    rows = wall.access_rows(sup)
    assert rows.filter(object_id=str(far.pk)).count() == 0  # another province's reads are not in the review
    flagged = wall.bursts(rows, timezone.localdate(), timezone.localdate())
    assert [(b["user_id"], b["files"]) for b in flagged] == [(reader_user.pk, 35)]

    http = verified_login(sup_user)
    page = http.get(reverse("access_review")).content.decode()
    assert 'id="bursts"' in page and "Bất thường" in page and "HT-AR-000001" in page
    assert "HT-NB-000888" not in page
    readers = page[page.index('id="readers"'):]
    assert readers.index(reader_user.last_name) < readers.index(quiet_user.last_name)  # unusual first
    assert 'id="reads-chart"' in page and "chart.umd.min.js" in page
    only_quiet = http.get(reverse("access_review"), {"user": quiet_user.pk}).content.decode()
    assert "HT-AR-000000" in only_quiet and "Đọc hàng loạt" not in only_quiet
    assert http.get(reverse("access_review"), {"date_from": "2026-13-01"}).status_code == 200


def test_relative_burst_needs_history(member_factory, bach_dang):
    user, reader = seat(member_factory, "ar.rel", bach_dang, Role.CASE_WORKER)
    files = [make_client(bach_dang, code=f"HT-RL-{n:06d}", uic=f"RLXY{n:04d}F") for n in range(12)]
    today = timezone.localdate()
    for days_ago in (3, 5, 8):  # a usual day: two files
        with time_machine.travel(timezone.now() - datetime.timedelta(days=days_ago), tick=False):
            for client_file in files[:2]:
                AccessLog.record(membership=reader, obj=client_file)
    for client_file in files[:7]:  # today 7 > 3 × 2
        AccessLog.record(membership=reader, obj=client_file)
    _, sup = seat(member_factory, "ar.rel.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    flagged = wall.bursts(wall.access_rows(sup), today, today)
    assert [(b["files"], b["median"]) for b in flagged] == [(7, 2)]


# ---------------------------------------------------------------- (e) own-data export and erasure


def test_export_asks_the_reason_and_logs_it(member_factory, verified_login, bach_dang):
    user, worker = seat(member_factory, "ex.worker", bach_dang, Role.CASE_WORKER)
    target = full_file(make_client(bach_dang, worker=user), user)
    http = verified_login(user)
    url = reverse("client_export", args=[target.pk])
    assert http.get(url).status_code == 200
    response = http.post(url, {"reason": "ngắn"})
    assert response.status_code == 400 and not CaseEvent.objects.filter(action=CaseEventAction.EXPORT).exists()
    reason = "Người được hỗ trợ đề nghị xem dữ liệu của mình ngày hôm nay"
    response = http.post(url, {"reason": reason})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read(f"{target.code}.json"))
    assert data["Hồ sơ"]["Họ và tên"] == SECRET_NAME
    assert data["Sự đồng ý"][0]["Mục đích"] and data["Đánh giá nhu cầu"][0]["Nhu cầu"]
    assert data["Kế hoạch hỗ trợ"][0]["Mục tiêu"][0]["Mục tiêu"] == "Mục tiêu " + SECRET_NOTE
    assert {"Giới thiệu, chuyển gửi dịch vụ", "Dịch vụ đã nhận", "Theo dõi, thăm lại", "Diễn biến hồ sơ"} <= set(data)
    assert "token" not in json.dumps(data).lower()
    assert SECRET_NAME in body_text(type("R", (), {"streaming": False, "content": archive.read(f"{target.code}.docx")}))
    assert AccessLog.objects.filter(action="export", object_id=str(target.pk), detail__contains=reason).exists()
    assert [e.note for e in CaseEvent.objects.filter(client=target, action=CaseEventAction.EXPORT)] == [reason]
    # A supervisor (no identity right) does not export.
    sup_user, _ = seat(member_factory, "ex.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    assert verified_login(sup_user).get(url).status_code == 403


def _raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608 (fixed names)
        return cursor.fetchone()[0]


def test_erasure_two_steps_blanks_the_raw_columns(member_factory, verified_login, bach_dang):
    user, worker = seat(member_factory, "er.worker", bach_dang, Role.CASE_WORKER)
    sup_user, sup = seat(member_factory, "er.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    target = full_file(make_client(bach_dang, worker=user), user)
    assert _raw("support_client", "full_name", target.pk) not in ("", SECRET_NAME)  # encrypted, not blank
    http = verified_login(user)
    request_url = reverse("client_erase_request", args=[target.pk])
    assert http.post(request_url, {"reason": "xóa"}).status_code == 400
    reason = "Người được hỗ trợ rút lại đồng ý, đề nghị xóa dữ liệu"
    assert http.post(request_url, {"reason": reason}).status_code == 302
    assert ErasureRequest.objects.get(client=target).status == ErasureStatus.REQUESTED
    with pytest.raises(PermissionDenied):  # the case worker does not confirm
        owndata.confirm_erasure(worker, target)
    sup_http = verified_login(sup_user)
    assert target.code in sup_http.get(reverse("erasure_list")).content.decode()
    confirm_url = reverse("client_erase_confirm", args=[target.pk])
    assert sup_http.post(confirm_url, {}).status_code == 400  # the box must be ticked
    assert sup_http.post(confirm_url, {"confirm": "on"}).status_code == 302

    target.refresh_from_db()
    assert target.erased_at is not None and target.uic.startswith("XOA-") and target.uic != SECRET_UIC
    for column in ("full_name", "phone", "address", "sex_work_history", "legal_status"):
        assert _raw("support_client", column, target.pk) == "", column
    screening = Screening.objects.get(client=target)
    for column in ("health_note", "violence_note", "legal_note", "other_note"):
        assert _raw("support_screening", column, screening.pk) == ""
    referral = Referral.objects.get(client=target)
    assert _raw("support_referral", "note", referral.pk) == _raw("support_referral", "outcome_note", referral.pk) == ""
    assert referral.status == "completed" and referral.token_lookup is None  # the count stays, the link dies
    assert _raw("support_casegoal", "description", CaseGoal.objects.get(plan__client=target).pk) == ""
    service = ServiceRecord.objects.get(client=target)
    assert _raw("support_servicerecord", "note", service.pk) == "" and service.kind == "sti_hiv_test"
    assert _raw("support_followup", "note", FollowUp.objects.get(client=target).pk) == ""
    consents = Consent.objects.filter(client=target)
    assert sorted(consents.values_list("purpose", flat=True)) == ["reporting", "services"]
    assert all(not c.scan and not c.withdrawal_note for c in consents)
    notes = [_raw("support_caseevent", "note", e.pk) for e in CaseEvent.objects.filter(client=target)
             .exclude(action=CaseEventAction.ERASE)]
    assert notes and set(notes) == {""}
    assert CaseEvent.objects.filter(client=target, action=CaseEventAction.ERASE).count() == 1
    # An erased file opens for no one and is in no list.
    assert not wall.visible_clients(worker).filter(pk=target.pk).exists()
    request = RequestFactory().get("/")
    request.membership = worker
    with pytest.raises(Http404):
        wall.client_or_404(request, target.pk)
    http = verified_login(user)  # the test client is the case worker's again
    assert http.get(reverse("client_export", args=[target.pk])).status_code == 404
    assert http.get(request_url).status_code == 404


def test_erasure_can_be_refused_with_a_reason(member_factory, bach_dang):
    _, worker = seat(member_factory, "rf.worker", bach_dang, Role.CASE_WORKER)
    _, sup = seat(member_factory, "rf.sup", bach_dang, Role.SUPPORT_SUPERVISOR)
    target = make_client(bach_dang)
    owndata.request_erasure(worker, target, "Người được hỗ trợ đề nghị xóa toàn bộ dữ liệu")
    with pytest.raises(ValidationError):
        owndata.request_erasure(worker, target, "Người được hỗ trợ đề nghị xóa toàn bộ dữ liệu")  # already asked
    with pytest.raises(ValidationError):
        owndata.refuse_erasure(sup, target, "")
    owndata.refuse_erasure(sup, target, "Hồ sơ đang phục vụ vụ việc trợ giúp pháp lý chưa kết thúc")
    target.refresh_from_db()
    assert target.erased_at is None and target.full_name == SECRET_NAME


# ---------------------------------------------------------------- error pages


@pytest.mark.parametrize("template", ["403.html", "404.html", "500.html"])
def test_error_pages_render_no_record(template):
    """The error pages show the seat at most (role, place), never the object a view was looking at."""
    from django.template.loader import get_template

    source = get_template(template).template.source
    variables = set(re.findall(r"{{\s*([\w.]+)", source)) | set(re.findall(r"{%\s*if\s+([\w.]+)", source))
    allowed = {"membership", "membership.get_role_display", "membership.place_label"}
    assert variables <= allowed, variables


def test_a_support_404_shows_nothing_of_the_file(member_factory, verified_login, ninh_binh_commune, bach_dang,
                                                  client):
    far = make_client(ninh_binh_commune)
    user, _ = seat(member_factory, "err.worker", bach_dang, Role.CASE_WORKER)
    http = verified_login(user)
    for url in (reverse("client_export", args=[far.pk]), reverse("client_erase_request", args=[far.pk])):
        response = http.get(url)
        assert response.status_code == 404
        text = response.content.decode()
        assert SECRET_CODE not in text and SECRET_NAME not in text and SECRET_UIC not in text
