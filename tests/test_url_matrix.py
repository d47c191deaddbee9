"""Walk every URL of the project, GET and POST, for every role at every level, against the permission matrix.

Every URL must say what it requires: CRUD registries by their module, function views through
`core.scoping.module_view` (kept on the view as `permission`), the rest in PAGES below; a view whose
POST needs more than its GET says so in POST_NEEDS. URLs with arguments take a record of Phường Bạch
Đằng from the demo data (CRUD) or from SAMPLE_ARGS, so a new page cannot slip in without its
permission check. Users sit in Bạch Đằng (commune), Hải Phòng (province) or nowhere (national), so
every sample is in their scope. Allowed -> GET 200, POST anything but 403/404/500 (an empty body
is usually refused as invalid); not allowed -> 403; a record of another province -> 404; anonymous
-> login. Each POST runs in a savepoint that is rolled back, so one POST never changes what the next
request sees. MUST_DENY is a short hand-written list that does not read the matrix.
"""

import functools

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

from pcmd.core.actions import actions_for
from pcmd.core.crud import REGISTRY
from pcmd.core.scoping import within
from pcmd.hotspots.models import Hotspot
from pcmd.org.models import Agency, Role
from pcmd.org.permissions import MODULES, allowed
from pcmd.tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db

CRUD_ACTIONS = {"list": "view", "export": "view", "detail": "view", "create": "add", "edit": "change",
                "delete": "delete"}
# Views without a declared permission: (module, action) they require, or None for every signed-in user.
PAGES = {
    "home": None,
    "unit_search": None,
    "permission_matrix": None,
    "otp_setup": None,
    "audit_log": ("audit", "view"),
    # the inbox: every signed-in person's own notices (tests/test_inbox.py: another's notice is 404)
    "inbox": None,
    "inbox_preferences": None,
    "api_tokens": None,  # the user's own API keys (pcmd.api)
    "api_token_new": None,
}
# Pages that are not for signed-in work: checked elsewhere (test_auth) or not pages at all.
NOT_WALKED = {"login", "logout", "otp_verify", "membership_switch"}
# public pages: tests/test_public*.py (no login; they never show scoped records)
# opening a notice redirects to its record and only for its recipient (404 otherwise): tests/test_inbox.py
NOT_WALKED |= {"inbox_open"}
NOT_WALKED |= {"public_tip", "public_lookup", "public_receipt_text", "public_counselling",
               "public_receipt"}
# Views whose POST needs more than the permission they declare for GET: name -> rule on the membership.
POST_NEEDS = {
    "dhis2_import": lambda m: allowed(m.role, "indicators", "add"),  # the page reads; an upload adds figures
    "indicator_approvals": lambda m: m.role in (Role.LEADER, Role.COORDINATOR),  # approving locks a period
    # progress: the lead/partner agencies and the coordinators (walking seats have no agency)
    "task_detail": lambda m: m.role == Role.COORDINATOR,
    "risk_weights": lambda m: m.unit_id is not None,  # weights belong to a province or commune
}
# Pages a national seat must tell which unit (the seat has none; without it they answer 404): name -> query.
NATIONAL_QUERY = {
    "risk_plan_xlsx": lambda unit: {"unit": unit.code, "year": timezone.localdate().year},
    "risk_plan_docx": lambda unit: {"unit": unit.code, "year": timezone.localdate().year},
}
# Arguments for non-CRUD URLs that take some: name -> function(bach_dang unit) -> args.
SAMPLE_ARGS: dict = {}
SAMPLE_ARGS["hotspot_transition"] = lambda unit: [
    Hotspot.objects.filter(unit__path__startswith=unit.path, status="active").order_by("pk").first().pk, "triet-xoa"]
SAMPLE_ARGS["hotspot_transition_undo"] = lambda unit: [
    Hotspot.objects.filter(unit__path__startswith=unit.path, reemergence_count__gt=0).order_by("pk").first().pk]


def _plan_sample(unit):
    from pcmd.plans.models import Plan

    return Plan.objects.filter(unit__path__startswith=unit.path).order_by("pk").first()


def _progress_sample(unit):
    from pcmd.plans.models import TaskProgress

    return TaskProgress.objects.filter(task__plan__unit__path__startswith=unit.path).exclude(attachment="").first()


SAMPLE_ARGS.update({
    "plan_review": lambda unit: [_plan_sample(unit).pk],
    "plan_item_add": lambda unit: [_plan_sample(unit).pk, "chi-tieu"],
    "plan_item_edit": lambda unit: ["chi-tieu", _plan_sample(unit).targets.order_by("pk").first().pk],
    "plan_item_delete": lambda unit: ["nhiem-vu", _plan_sample(unit).tasks.order_by("pk").first().pk],
    "task_detail": lambda unit: [_plan_sample(unit).tasks.order_by("pk").first().pk],
    "progress_attachment": lambda unit: [_progress_sample(unit).pk],
})
SAMPLE_ARGS["plan_export_docx"] = lambda unit: [_plan_sample(unit).pk]


def _course_sample(unit):
    from pcmd.outreach.models import Course

    return Course.objects.filter(unit=unit).order_by("pk").first()


SAMPLE_ARGS["course_participants"] = lambda unit: [_course_sample(unit).pk]


def _commitment_sample(unit):
    from pcmd.outreach.models import Commitment

    return Commitment.objects.filter(establishment__unit__path__startswith=unit.path).exclude(scan="").first()


SAMPLE_ARGS["commitment_scan"] = lambda unit: [_commitment_sample(unit).pk]


def _photo_sample(unit):
    from pcmd.outreach.models import ActivityPhoto

    return ActivityPhoto.objects.filter(activity__unit__path__startswith=unit.path).order_by("pk").first()


SAMPLE_ARGS["activity_photo"] = lambda unit: [_photo_sample(unit).pk]
SAMPLE_ARGS["activity_photo_upload"] = lambda unit: [_photo_sample(unit).activity_id]
# Tips: a received tip of Bạch Đằng (start verification) and the demo attachment.
SAMPLE_ARGS["tip_action"] = lambda unit: [
    Tip.objects.filter(unit__path__startswith=unit.path, status="received").order_by("pk").first().pk, "xac-minh"]
SAMPLE_ARGS["tip_attachment"] = lambda unit: [
    TipAttachment.objects.filter(tip__unit__path__startswith=unit.path).order_by("pk").first().pk]


def url_patterns(resolver=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: staff only, has its own tests upstream
            if str(entry.pattern) == "api/v1/":
                continue  # the API (key authentication, not sessions): tests/test_api_matrix.py walks it
            yield from url_patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def url_names():
    return [p.name for p in url_patterns()]


def crud_for(name):
    for crud in REGISTRY:
        for view, action in CRUD_ACTIONS.items():
            if name == crud.url_name(view):
                return crud, view, action
    return None


def declared(pattern):
    """(module, action) a non-CRUD view declares, or the PAGES entry; KeyError if neither."""
    callback = pattern.callback
    permission = getattr(callback, "permission", None) or getattr(getattr(callback, "view_class", None),
                                                                   "permission", None)
    return permission if permission else PAGES[pattern.name]


def role_ok(name, role) -> bool:
    """A support page for some roles only (`support.wall.role_view` keeps them on the view as `roles`)."""
    roles = getattr(_patterns()[name].callback, "roles", None)
    return roles is None or role in roles


def crud_sample(crud, unit):
    sample = within(crud.queryset(), unit).order_by("pk").first()
    assert sample is not None, f"the demo data has no {crud.name} in {unit}: seed one for this test"
    return sample


_walks: dict = {}


def walk(unit):
    """(name, args, module, action) for every walked URL, with arguments from unit's records. The demo data
    is the same for the whole session (each test rolls back), so the samples are looked up once."""
    if unit.pk not in _walks:
        _walks[unit.pk] = list(_walk(unit))
    return _walks[unit.pk]


def takes_post(name) -> bool:
    """False for class-based views without a POST handler: they answer 405 after the same check as GET."""
    view_class = getattr(_patterns()[name].callback, "view_class", None)
    return view_class is None or hasattr(view_class, "post")


@functools.cache
def _patterns() -> dict:
    return {p.name: p for p in url_patterns()}


def _walk(unit):
    for pattern in url_patterns():
        if pattern.name in NOT_WALKED:
            continue
        found = crud_for(pattern.name)
        if found:
            crud, view, action = found
            args = [crud_sample(crud, unit).pk] if view in ("detail", "edit", "delete") else []
            yield pattern.name, args, crud.module, action
            continue
        need = declared(pattern)
        module, action = need if need else (None, None)
        args = SAMPLE_ARGS[pattern.name](unit) if pattern.pattern.converters else []
        yield pattern.name, args, module, action


def test_every_url_is_classified():
    unknown = []
    for pattern in url_patterns():
        if pattern.name in NOT_WALKED or crud_for(pattern.name):
            continue
        try:
            declared(pattern)
        except KeyError:
            unknown.append(pattern.name)
            continue
        if pattern.pattern.converters and pattern.name not in SAMPLE_ARGS:
            unknown.append(pattern.name)
    assert unknown == []


LEVELS = ("commune", "province", "national")


def seat_unit(level, bach_dang):
    """Where a walking user sits: every level sees Bạch Đằng's records."""
    return {"commune": bach_dang, "province": bach_dang.province, "national": None}[level]


def _is_write(sql: str) -> bool:
    return sql.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")


@functools.cache
def _tables() -> frozenset[str]:
    """The project's tables, less those a request may write whatever it does: the session, the access log,
    the reader's own notices marked read."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    from pcmd.core.models import AccessLog
    from pcmd.inbox.models import InboxPreference, Notification

    bookkeeping = {Session._meta.db_table, AccessLog._meta.db_table, Notification._meta.db_table,
                   InboxPreference._meta.db_table}
    return frozenset(connection.introspection.table_names()) - bookkeeping


def post(client, url):
    """POST an empty body in a savepoint that is rolled back; (status, tables written)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = client.post(url)
        transaction.set_rollback(True)
    tables = _tables()
    written = {table for q in queries.captured_queries if _is_write(q["sql"])
               for table in tables if f'"{table}"' in q["sql"]}
    return response.status_code, written


def post_allowed(name, membership, module, action) -> bool:
    if module is not None and not allowed(membership.role, module, action):
        return False
    if not role_ok(name, membership.role):
        return False
    need = POST_NEEDS.get(name)
    return need is None or need(membership)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", list(Role))
def test_every_url_for_every_role(role, level, member_factory, verified_login, bach_dang):
    user = member_factory(f"walk.{role}.{level}", seat_unit(level, bach_dang), role)
    client = verified_login(user)
    client.raise_request_exception = False  # a 500 is reported with the others, not raised
    membership = user.memberships.get()
    wrong = []
    checked = 0
    for name, args, module, action in walk(bach_dang):
        url = reverse(name, args=args)
        if level == "national" and name in NATIONAL_QUERY:
            url += "?" + urlencode(NATIONAL_QUERY[name](bach_dang))
        expected = 200 if (module is None or allowed(role, module, action)) and role_ok(name, role) else 403
        got = client.get(url).status_code
        if got != expected:
            wrong.append(f"GET {name}: {got} != {expected}")
        checked += 1
        if not takes_post(name):
            continue
        got, written = post(client, url)
        if not post_allowed(name, membership, module, action):
            if got != 403:
                wrong.append(f"POST {name}: {got} != 403")
        elif got in (403, 404, 500):
            wrong.append(f"POST {name}: {got}, allowed")
        # A POST that writes must be a write the role may do (a page declared "view" that writes
        # needs its own rule in POST_NEEDS); pages for every signed-in user write only the user's own.
        if written and module is not None and action == "view" and name not in POST_NEEDS:
            wrong.append(f"POST {name} wrote {sorted(written)} on a page that only needs view")
    assert wrong == [], f"{role} at {level} level: " + "; ".join(wrong)
    assert checked >= 100


FAR_LEVELS = ("commune", "province")


@pytest.mark.parametrize("level", FAR_LEVELS)
@pytest.mark.parametrize("role", list(Role))
def test_records_of_another_province_are_not_found_for_any_role(role, level, member_factory, verified_login,
                                                                 ninh_binh_commune, bach_dang):
    unit = ninh_binh_commune if level == "commune" else ninh_binh_commune.province
    client = verified_login(member_factory(f"far.{role}.{level}", unit, role))
    client.raise_request_exception = False
    wrong = []
    for name, args, module, action in walk(bach_dang):
        if not args:
            continue
        url = reverse(name, args=args)
        # Without the module at all the answer is 403 before any lookup; otherwise the record is not there.
        expected = 404 if (module is None or allowed(role, module, action)) and role_ok(name, role) else 403
        answers = [("GET", client.get(url).status_code)]
        if takes_post(name):
            answers.append(("POST", post(client, url)[0]))
        for method, got in answers:
            if got != expected:
                wrong.append(f"{method} {name}: {got} != {expected}")
    assert wrong == [], f"{role} at {level} level: " + "; ".join(wrong)


def test_anonymous_is_sent_to_login_everywhere(client, bach_dang):
    for name, args, _module, _action in walk(bach_dang):
        for response in (client.get(reverse(name, args=args)), client.post(reverse(name, args=args))):
            assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), name


# --- must-deny: written by hand, not read from the matrix ----------------------------------------------------

ENFORCEMENT = (Role.POLICE_OFFICER, Role.INSPECTOR)
WRITES = ("add", "change", "delete")


@pytest.mark.parametrize("role", ENFORCEMENT)
def test_enforcement_never_reaches_support(role, member_factory, verified_login, bach_dang):
    assert not any(allowed(role, "support", a) for a in ("view", *WRITES)), "the matrix opens support to police"
    client = verified_login(member_factory(f"deny.{role}", bach_dang, role))
    for name, args, module, _action in walk(bach_dang):
        if module == "support":
            url = reverse(name, args=args)
            assert client.get(url).status_code == 403, name
            assert post(client, url)[0] == 403, name


def test_leader_writes_nothing(member_factory, verified_login, bach_dang):
    assert not any(allowed(Role.LEADER, m, a) for m in MODULES for a in WRITES), "the matrix lets leaders write"
    client = verified_login(member_factory("deny.leader", bach_dang, Role.LEADER))
    writes = 0
    for name, args, _module, action in walk(bach_dang):
        if action in WRITES:
            writes += 1
            status, written = post(client, reverse(name, args=args))
            assert (status, written) == (403, set()), name
    assert writes >= 30


def test_agency_officer_does_not_see_other_agencies_tips(member_factory, login, bach_dang):
    tip = Tip.objects.filter(unit=bach_dang, assigned_agency__isnull=False).order_by("pk").first()
    assert tip is not None, "the demo data has no assigned tip in Bạch Đằng: seed one for this test"
    other = Agency.objects.filter(unit=bach_dang).exclude(pk=tip.assigned_agency_id).order_by("pk").first()
    user = member_factory("deny.officer", bach_dang, Role.AGENCY_OFFICER, other.kind.code)
    assert user.memberships.get().agency == other
    client = login(user)
    client.raise_request_exception = False
    urls = [reverse("tip_detail", args=[tip.pk]), reverse("tip_edit", args=[tip.pk])]
    urls += [reverse("tip_action", args=[tip.pk, slug]) for slug in actions_for(Tip)]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert post(client, url)[0] == 404, url



# Support: a counselling request of Bạch Đằng from the demo that is still open (so "reply" is a page).


def _counselling_sample(unit):
    from pcmd.support.models import CounsellingRequest

    return CounsellingRequest.objects.filter(unit__path__startswith=unit.path).exclude(status="closed").order_by(
        "pk").first()


SAMPLE_ARGS["counselling_detail"] = lambda unit: [_counselling_sample(unit).pk]
SAMPLE_ARGS["counselling_action"] = lambda unit: [_counselling_sample(unit).pk, "tra-loi"]


# Support case files: an open file of Bạch Đằng from the demo (so "record a follow-up" is a page). The signed
# consent's scan is checked in tests/test_support_cases.py (the demo uploads no sheet).
def _client_sample(unit):
    from pcmd.support.models import Client

    sample = Client.objects.filter(unit__path__startswith=unit.path, status="open", merged_into__isnull=True,
                                   erased_at__isnull=True).order_by("pk").first()
    assert sample is not None, "the demo data has no open case file in Bạch Đằng: seed one for this test"
    return sample


SAMPLE_ARGS["client_detail"] = lambda unit: [_client_sample(unit).pk]
SAMPLE_ARGS["client_action"] = lambda unit: [_client_sample(unit).pk, "theo-doi"]
NOT_WALKED |= {"consent_scan"}


# Dashboards: one indicator of the unit (the unit is in the path, so another province's is 404).
SAMPLE_ARGS["dashboard_indicator"] = lambda unit: ["TIPS_ON_TIME", unit.pk]


# Reports: Bạch Đằng's 6-month report of this year (demo: written, a draft, so "send" is a page).
def _report_sample(unit):
    from pcmd.reports.models import Report

    return Report.objects.filter(unit=unit, type__code="xa-6-thang").order_by("-year").first()


SAMPLE_ARGS["report_detail"] = lambda unit: [_report_sample(unit).pk]
SAMPLE_ARGS["report_action"] = lambda unit: [_report_sample(unit).pk, "gui"]
SAMPLE_ARGS["report_docx"] = lambda unit: [_report_sample(unit).pk]
SAMPLE_ARGS["report_xlsx"] = lambda unit: [_report_sample(unit).pk]
SAMPLE_ARGS["report_pdf"] = lambda unit: [_report_sample(unit).pk]  # LibreOffice converts once, then cached
SAMPLE_ARGS["report_attach"] = lambda unit: [_report_sample(unit).pk]
SAMPLE_ARGS["report_attachment"] = lambda unit: [_report_sample(unit).attachments.order_by("pk").first().pk]


def _report_type_sample(unit):  # Hải Phòng's own year type (demo): another province does not find it
    from pcmd.reports.models import ReportType

    return ReportType.objects.get(code=f"tinh-nam-{unit.province.code}")


SAMPLE_ARGS["report_type_edit"] = lambda unit: [_report_type_sample(unit).pk]
SAMPLE_ARGS["report_type_copy"] = lambda unit: [_report_type_sample(unit).pk]



# The support wall: a break-glass opening of a Bạch Đằng file waiting for review, a file to export or to ask an
# erasure for, and one whose erasure request waits for a supervisor (support/demo_wall.py seeds them).


def _wall_grant(unit):
    from pcmd.support.models import BreakGlass

    return BreakGlass.objects.filter(client__unit__path__startswith=unit.path, reviewed_at__isnull=True,
                                     acknowledged_at__isnull=True).order_by("pk").first()


def _wall_client(unit, pending: bool):
    from pcmd.support.models import Client

    rows = Client.objects.filter(unit__path__startswith=unit.path, erased_at__isnull=True)
    asked = rows.filter(erasure_requests__status="requested")
    return (asked if pending else rows.exclude(pk__in=asked.values("pk"))).order_by("pk").first()


SAMPLE_ARGS["break_glass_action"] = lambda unit: [_wall_grant(unit).pk, "ra-soat"]
SAMPLE_ARGS["client_export"] = lambda unit: [_wall_client(unit, False).pk]
SAMPLE_ARGS["client_erase_request"] = lambda unit: [_wall_client(unit, False).pk]
SAMPLE_ARGS["client_erase_confirm"] = lambda unit: [_wall_client(unit, True).pk]
SAMPLE_ARGS["client_erase_refuse"] = lambda unit: [_wall_client(unit, True).pk]


# Support referrals: an open file of Bạch Đằng with a referral waiting for the answer (from the demo).
def _referral_sample(unit):
    from pcmd.support.models import Referral

    return Referral.objects.filter(unit__path__startswith=unit.path, status__in=["sent", "received"],
                                   client__status="open").order_by("pk").first()


SAMPLE_ARGS["referral_create"] = lambda unit: [_referral_sample(unit).client_id]
SAMPLE_ARGS["service_create"] = lambda unit: [_referral_sample(unit).client_id]
SAMPLE_ARGS["referral_detail"] = lambda unit: [_referral_sample(unit).pk]
SAMPLE_ARGS["referral_slip_docx"] = lambda unit: [_referral_sample(unit).pk]
SAMPLE_ARGS["referral_slip_pdf"] = lambda unit: [_referral_sample(unit).pk]
SAMPLE_ARGS["referral_action"] = lambda unit: [_referral_sample(unit).pk, "ghi-nhan-tra-loi"]
# the provider's answer page (no login): tests/test_support_referrals.py
NOT_WALKED |= {"public_referral", "public_referral_link"}


# A job of Bạch Đằng for "Chạy lại": the walk's arguments are looked up once per session, so the row is made with
# the same id in every test (each test's changes are rolled back; the demo has no job rows).
JOB_SAMPLE_PK = 900_001


@pytest.fixture(autouse=True)
def _job_sample(db, bach_dang):
    from pcmd.ops.models import JobRun, JobState

    JobRun.objects.get_or_create(pk=JOB_SAMPLE_PK, defaults={
        "task_id": "url-matrix-sample", "name": "pcmd.ops.run_command", "label": "Nhắc hạn xử lý tin báo",
        "unit": bach_dang, "province_id": bach_dang.province_id, "state": JobState.DONE})


SAMPLE_ARGS["job_run_again"] = lambda unit: [JOB_SAMPLE_PK]
NOT_WALKED |= {"healthz"}  # no login, no records: tests/test_ops_jobs.py
# Webhooks: the demo's subscription of Bạch Đằng (pcmd/webhooks/demo.py); DHIS2 mapping has no arguments.
def _webhook_sample(unit):
    from pcmd.webhooks.models import Subscription

    return Subscription.objects.filter(unit=unit).order_by("pk").first()


SAMPLE_ARGS["webhook_detail"] = lambda unit: [_webhook_sample(unit).pk]
# Accounts (pcmd.accounts): an account of Bạch Đằng from the demo (an agency officer, so every admin level may manage
# it) and its seat; the demo's pending proposal of Bạch Đằng.
def _account_sample(unit):
    from pcmd.org.models import Membership

    return Membership.objects.filter(unit=unit, role=Role.AGENCY_OFFICER, user__username="bachdang.canbo").get()


def _proposal_sample(unit):
    from pcmd.accounts.models import AccountProposal

    return AccountProposal.objects.filter(unit=unit, status="proposed").order_by("pk").first()


for _name in ("account_detail", "account_seat_add", "account_deactivate", "account_reactivate",
              "account_password_reset", "account_otp_reset", "account_invite"):
    SAMPLE_ARGS[_name] = lambda unit: [_account_sample(unit).user_id]
SAMPLE_ARGS["account_seat_remove"] = lambda unit: [_account_sample(unit).user_id, _account_sample(unit).pk]
SAMPLE_ARGS["account_proposal_approve"] = lambda unit: [_proposal_sample(unit).pk]
SAMPLE_ARGS["account_proposal_reject"] = lambda unit: [_proposal_sample(unit).pk]
# The invitation link and "quên mật khẩu" are pages without login: tests/test_accounts.py.
NOT_WALKED |= {"account_invitation", "password_reset", "password_reset_done", "password_reset_confirm"}
