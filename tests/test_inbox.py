"""The one inbox (issue 12): each kind created by the service that causes it, the daily scan without duplicates,
support notices only to support seats (never to enforcement), the pages (own notices only, another's → 404,
opening marks read and leads to the record, mark all read, filters), the navbar count and the e-mail digest."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pcmd.geo.models import AdminUnit, Level
from pcmd.inbox import services as inbox
from pcmd.inbox.models import SUPPORT_KINDS, InboxPreference, Kind, Notification
from pcmd.org.models import Agency, Membership, Role
from pcmd.plans.models import Plan, PlanStatus, Task
from pcmd.plans.services import plan_issue
from pcmd.reports import services as report_services
from pcmd.reports.models import Report
from pcmd.support.services import counselling_request_create
from pcmd.tips import services as tip_services
from pcmd.tips.models import TipChannel, TipKind

pytestmark = pytest.mark.django_db


def seat(user):
    return Membership.objects.filter(user=user).first()


def new_tip(unit):
    return tip_services.tip_create(channel=TipChannel.HOTLINE, data={
        "unit": unit, "summary": "Nghi có mua bán dâm tại nhà nghỉ", "description": "Nội dung",
        "location": "Phố Lạch Tray", "is_anonymous": True})


def classified(tip, m):
    tip = tip_services.tip_start_verification(tip=tip, membership=m, reason="Xác minh")
    return tip_services.tip_classify(tip=tip, membership=m, kind=TipKind.CRIMINAL, reason="Có dấu hiệu")


def notices(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(kind=kind) if kind else qs


@pytest.fixture
def other_commune(bach_dang):
    return AdminUnit.objects.filter(province=bach_dang.province, level=Level.COMMUNE, is_active=True) \
        .exclude(pk=bach_dang.pk).order_by("code").first()


# ---------------------------------------------------------------- each kind from its service

def test_assigning_a_tip_tells_the_agency_officers(bach_dang, owner, bd_agency, member_factory):
    officer = member_factory("ib.canbo", bach_dang, Role.AGENCY_OFFICER, "cong-an-xa")
    other = member_factory("ib.canbo.khac", bach_dang, Role.AGENCY_OFFICER, "phong-vhxh")
    tip = tip_services.tip_assign(tip=classified(new_tip(bach_dang), seat(owner)), membership=seat(owner),
                                  agency=bd_agency, reason="Giao công an phường")
    notice = notices(officer, Kind.TIP_ASSIGNED).get()
    assert tip.code in notice.title and notice.url == reverse("tip_detail", args=[tip.pk])
    assert notice.unit == bach_dang
    assert not notices(other).exists() and not notices(owner, Kind.TIP_ASSIGNED).exists()


def test_transferring_a_tip_tells_the_receiving_commune(bach_dang, owner, other_commune, member_factory):
    theirs = member_factory("ib.nhan", other_commune, Role.COORDINATOR, "phong-vhxh")
    police = member_factory("ib.nhan.ca", other_commune, Role.POLICE_OFFICER)
    leader = member_factory("ib.nhan.ld", other_commune, Role.LEADER)
    tip = tip_services.tip_transfer(tip=new_tip(bach_dang), membership=seat(owner), to_unit=other_commune,
                                    reason="Địa điểm thuộc phường khác")
    for user in (theirs, police):
        notice = notices(user, Kind.TIP_TRANSFER).get()
        assert tip.code in notice.title and notice.url == reverse("tip_incoming") and notice.unit == other_commune
    assert not notices(leader).exists() and not notices(owner, Kind.TIP_TRANSFER).exists()


def test_returning_and_approving_a_report_tell_its_unit(bach_dang, hai_phong, member_factory, today):
    writer = member_factory("ib.bc.xa", bach_dang, Role.COORDINATOR, "phong-vhxh")
    reviewer = member_factory("ib.bc.tinh", hai_phong, Role.COORDINATOR, "so-y-te")
    report = Report.objects.get(unit=bach_dang, year=today.year, type__code="xa-6-thang")
    report_services.report_submit(report=report, membership=seat(writer))
    report_services.report_return(report=report, membership=seat(reviewer), reason="Bổ sung số liệu phần II")
    returned = notices(writer, Kind.REPORT_RETURNED).get()
    assert "Bổ sung số liệu phần II" in returned.title and returned.url == report.get_absolute_url()
    assert not notices(reviewer, Kind.REPORT_RETURNED).exists()
    report_services.report_submit(report=report, membership=seat(writer))
    report_services.report_approve(report=report, membership=seat(reviewer))
    assert notices(writer, Kind.REPORT_APPROVED).get().url == report.get_absolute_url()


def test_issuing_a_province_plan_tells_its_communes_and_the_lead_agencies(bach_dang, hai_phong, ninh_binh_commune,
                                                                          member_factory):
    commune = member_factory("ib.kh.xa", bach_dang, Role.COORDINATOR, "phong-vhxh")
    far = member_factory("ib.kh.xa.xa", ninh_binh_commune, Role.COORDINATOR, "phong-vhxh")
    own = member_factory("ib.kh.tinh", hai_phong, Role.COORDINATOR, "so-y-te")
    lead = member_factory("ib.kh.so", hai_phong, Role.AGENCY_OFFICER, "so-y-te")
    plan = Plan.objects.create(unit=hai_phong, title="Kế hoạch thử phòng, chống mại dâm", number="99/KH-UBND",
                               status=PlanStatus.DRAFT)
    task = Task.objects.create(plan=plan, title="Kiểm tra cơ sở kinh doanh dịch vụ", order=1)
    task.lead_agencies.add(Agency.objects.get(unit=hai_phong, kind__code="so-y-te"))
    assert not notices(commune, Kind.PLAN_ISSUED).exists()  # a draft is nobody's business yet
    plan_issue(plan=plan)
    issued = notices(commune, Kind.PLAN_ISSUED).get()
    assert "99/KH-UBND" in issued.title and issued.url == reverse("plan_detail", args=[plan.pk])
    assert not notices(far).exists() and not notices(own, Kind.PLAN_ISSUED).exists()
    assert "1 nhiệm vụ" in notices(lead, Kind.TASK_ASSIGNED).get().title
    # The commune coordinator opens it: the plan of the level above is there.
    assert reverse("plan_detail", args=[plan.pk]) == issued.url


def test_the_daily_scan_finds_task_deadlines_once(bach_dang, hai_phong, member_factory, today):
    coordinator = member_factory("ib.nv.tinh", hai_phong, Role.COORDINATOR, "so-y-te")
    lead = member_factory("ib.nv.so", hai_phong, Role.AGENCY_OFFICER, "cong-an-tinh")
    plan = Plan.objects.create(unit=hai_phong, title="Kế hoạch có hạn", status=PlanStatus.ISSUED)
    day = datetime.timedelta(days=1)
    soon = Task.objects.create(plan=plan, title="Tổng kết 6 tháng", order=1, due_date=today + 3 * day)
    late = Task.objects.create(plan=plan, title="Rà soát tụ điểm", order=2, due_date=today - day)
    Task.objects.create(plan=plan, title="Việc còn xa", order=3, due_date=today + 60 * day)
    agency = Agency.objects.filter(unit=hai_phong, kind__code="cong-an-tinh").first() \
        or Membership.objects.get(user=lead).agency
    for task in (soon, late):
        task.lead_agencies.add(agency)
    first = inbox.scan_task_deadlines(today=today)
    assert first >= 4
    titles = set(notices(lead, Kind.TASK_DEADLINE).values_list("title", flat=True))
    assert any("Tổng kết 6 tháng" in t and "sắp đến hạn" in t for t in titles)
    assert any("Rà soát tụ điểm" in t and "quá hạn" in t for t in titles)
    assert not any("Việc còn xa" in t for t in titles)
    assert notices(coordinator, Kind.TASK_DEADLINE).count() == 2
    assert inbox.scan_task_deadlines(today=today) == 0  # the same day again: nothing new
    out = io.StringIO()
    call_command("inbox_scan", stdout=out)  # the command is the same idempotent run
    assert "Thông báo mới" in out.getvalue() and notices(lead, Kind.TASK_DEADLINE).count() == 2


# ---------------------------------------------------------------- the wall: support notices

def test_counselling_requests_reach_only_support_staff_and_name_nobody(bach_dang, member_factory):
    worker = member_factory("ib.ht.cb", bach_dang, Role.CASE_WORKER)
    supervisor = member_factory("ib.ht.gs", bach_dang, Role.SUPPORT_SUPERVISOR)
    enforcement = [member_factory(f"ib.ht.{role}", bach_dang, role, "cong-an-xa")
                   for role in (Role.POLICE_OFFICER, Role.INSPECTOR, Role.COORDINATOR, Role.AGENCY_OFFICER,
                                Role.LEADER)]
    counselling_request_create(unit=bach_dang, needs=["legal"], message="Em tên Lan, ở nhà trọ số 5",
                               contact="0912 345 678")
    for user in (worker, supervisor):
        notice = notices(user, Kind.SUPPORT_COUNSELLING).get()
        assert "Lan" not in notice.title and "0912" not in notice.title and "nhà trọ" not in notice.title
    for user in enforcement:
        assert not notices(user).filter(kind__in=list(SUPPORT_KINDS)).exists(), user.username


def test_a_support_notice_is_never_given_to_an_enforcement_role(bach_dang, member_factory):
    police = member_factory("ib.tuong.ca", bach_dang, Role.POLICE_OFFICER)
    # Whatever a caller passes, notify() keeps support kinds to support seats.
    assert inbox.notify([police.pk], Kind.SUPPORT_REFERRAL, "1 giới thiệu quá hạn", unit=bach_dang) == 0
    assert inbox.notify_many([({police.pk}, Kind.SUPPORT_COUNSELLING, "x", "", bach_dang, None)]) == 0
    assert not notices(police).exists()


def test_overdue_referrals_reach_support_staff_only_and_a_police_seat_does_not_show_them(
        bach_dang, member_factory, verified_login, today):
    from pcmd.support.models import Referral, ReferralStatus

    late = Referral.objects.filter(unit=bach_dang, status=ReferralStatus.SENT, answer_due__lt=today).count()
    assert late > 0, "the demo seeds overdue referrals in Bạch Đằng"
    both = member_factory("ib.ht.hai", bach_dang, Role.CASE_WORKER)
    Membership.objects.create(user=both, unit=bach_dang, role=Role.POLICE_OFFICER)
    police = member_factory("ib.ht.ca", bach_dang, Role.POLICE_OFFICER)
    inbox.scan_referrals(today=today)
    notice = notices(both, Kind.SUPPORT_REFERRAL).get()
    assert notice.title.startswith(f"{late} giới thiệu") and notice.url == reverse("referral_overdue")
    assert not notices(police).exists()
    # In the police seat, the same person's inbox does not show the support notice.
    client = verified_login(both)
    support_seat = Membership.objects.get(user=both, role=Role.CASE_WORKER)
    client.post(reverse("membership_switch"), {"membership": support_seat.pk})
    page = client.get(reverse("inbox"), {"trang_thai": "tat-ca"})
    assert page.status_code == 200 and notice.title in page.content.decode()
    police_seat = Membership.objects.get(user=both, role=Role.POLICE_OFFICER)
    client.post(reverse("membership_switch"), {"membership": police_seat.pk})
    page = client.get(reverse("inbox"), {"trang_thai": "tat-ca"})
    assert page.status_code == 200 and notice.title not in page.content.decode()
    assert client.get(reverse("inbox_open", args=[notice.pk])).status_code == 404


# ---------------------------------------------------------------- pages

def _mine(user, n=3, kind=Kind.TIP_DEADLINE, url="/tin-bao/thoi-han/"):
    inbox.notify([user.pk], kind, "Thông báo thử 0", url=url)
    for i in range(1, n):
        inbox.notify([user.pk], kind, f"Thông báo thử {i}", url=url)
    return list(notices(user).order_by("pk"))


def test_opening_a_notice_marks_it_read_and_goes_to_the_record(owner, outsider, login):
    mine = _mine(owner)
    client = login(owner)
    page = client.get(reverse("inbox")).content.decode()
    assert 'id="inbox-count"' in page and all(n.title in page for n in mine)
    count = Notification.objects.filter(recipient=owner, read_at__isnull=True).count()
    assert f'id="inbox-count">{count}<' in page
    response = client.get(reverse("inbox_open", args=[mine[0].pk]))
    assert response.status_code == 302 and response["Location"] == "/tin-bao/thoi-han/"
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    assert f'id="inbox-count">{count - 1}<' in client.get(reverse("inbox")).content.decode()
    # Another person's notice is simply not there.
    inbox.notify([outsider.pk], Kind.TIP_DEADLINE, "Thông báo của người khác", url="/tin-bao/")
    theirs = notices(outsider).get()
    assert client.get(reverse("inbox_open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("inbox_open", args=[10 ** 9])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None and theirs.title not in client.get(reverse("inbox"), {"trang_thai": "tat-ca"}) \
        .content.decode()


def test_a_notice_never_redirects_off_site(owner, login):
    inbox.notify([owner.pk], Kind.TIP_NEW, "Liên kết lạ", url="https://example.com/x")
    inbox.notify([owner.pk], Kind.TIP_NEW, "Liên kết lạ 2", url="//example.com/x")
    client = login(owner)
    for n in notices(owner, Kind.TIP_NEW):
        assert client.get(reverse("inbox_open", args=[n.pk]))["Location"] == reverse("inbox")


def test_mark_all_read_filters_and_paging(owner, login):
    _mine(owner, 2, kind=Kind.REPORT_DUE, url="/bao-cao/")
    _mine(owner, 33)
    client = login(owner)
    page = client.get(reverse("inbox"), {"loai": Kind.REPORT_DUE}).content.decode()
    assert page.count("data-notice=") == 2 and "Trang 1/" not in page
    first = client.get(reverse("inbox")).content.decode()
    assert first.count("data-notice=") == 30 and "Trang 1/" in first
    assert client.get(reverse("inbox"), {"loai": "khong-co", "trang_thai": "?"}).status_code == 200
    assert client.get(reverse("inbox"), {"page": "x"}).status_code == 200
    response = client.post(reverse("inbox"), {"action": "doc-het"}, follow=True)
    assert "Đã đánh dấu" in response.content.decode()
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    after = client.get(reverse("inbox")).content.decode()
    assert 'id="inbox-count"' not in after and 'id="inbox-empty"' in after
    assert client.get(reverse("inbox"), {"trang_thai": "tat-ca"}).content.decode().count("data-notice=") == 30


def test_the_navbar_count_is_one_query(owner, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _mine(owner, 2)
    client = login(owner)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("permission_matrix"))
    inbox_queries = [q["sql"] for q in queries.captured_queries if "inbox_notification" in q["sql"]]
    assert len(inbox_queries) == 1 and "COUNT" in inbox_queries[0].upper()


# ---------------------------------------------------------------- preferences and the digest

def test_preferences_choose_the_kinds_of_the_digest(owner, member_factory, bach_dang, login, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner.email = "thuongtruc@example.vn"
    owner.save()
    client = login(owner)
    page = client.get(reverse("inbox_preferences")).content.decode()
    assert "Hạn xử lý tin báo" in page and "Đề nghị tư vấn" not in page  # support kinds only in a support seat
    response = client.post(reverse("inbox_preferences"), {"email_kinds": [Kind.REPORT_RETURNED, Kind.PLAN_ISSUED]})
    assert response.status_code == 302
    assert sorted(InboxPreference.objects.get(user=owner).email_kinds) == ["plan_issued", "report_returned"]
    bad = client.post(reverse("inbox_preferences"), {"email_kinds": ["khong-co"]})
    assert bad.status_code == 200 and "Hãy chọn" in bad.content.decode()
    inbox.notify([owner.pk], Kind.REPORT_RETURNED, "Báo cáo 6 tháng bị trả lại: bổ sung", url="/bao-cao/")
    inbox.notify([owner.pk], Kind.TIP_DEADLINE, "Tin TB-1 sắp đến hạn", url="/tin-bao/")
    read = Notification.objects.create(recipient=owner, kind=Kind.PLAN_ISSUED, title="Đã đọc rồi",
                                       read_at=timezone.now())
    no_mail = member_factory("ib.khong.mail", bach_dang, Role.COORDINATOR)
    inbox.notify([no_mail.pk], Kind.REPORT_RETURNED, "Không có e-mail")
    mail.outbox = []
    out = io.StringIO()
    call_command("inbox_digest", stdout=out)
    mine = [m for m in mail.outbox if m.to == ["thuongtruc@example.vn"]]
    assert len(mine) == 1 and len(mail.outbox) == len({tuple(m.to) for m in mail.outbox})
    assert "bị trả lại" in mine[0].body and "TB-1" not in mine[0].body and read.title not in mine[0].body
    assert "e-mail đã gửi" in out.getvalue()
    assert Notification.objects.get(recipient=owner, kind=Kind.REPORT_RETURNED).emailed_at is not None
    assert Notification.objects.get(recipient=owner, kind=Kind.TIP_DEADLINE).emailed_at is None
    mail.outbox = []
    inbox.digest()  # once e-mailed, never again
    assert not [m for m in mail.outbox if m.to == ["thuongtruc@example.vn"]]


def test_the_digest_job_and_the_schedule(settings):
    from pcmd.inbox.tasks import inbox_digest, inbox_scan
    from pcmd.ops.tasks import SCHEDULED_COMMANDS

    scheduled = {e["args"][0] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "pcmd.ops.run_command"}
    assert {"inbox_scan", "inbox_digest"} <= scheduled and scheduled <= set(SCHEDULED_COMMANDS)
    assert set(inbox_scan.delay().get()) == {"tips", "reports", "tasks", "referrals"}  # inline without a broker
    assert set(inbox_digest.delay().get()) == {"users", "notices", "emails"}


def test_the_demo_logins_have_notices():
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["bachdang.vhxh", "bachdang.congan", "haiphong.thuongtruc", "bachdang.hotro"])}
    kinds = {name: set(Notification.objects.filter(recipient=u).values_list("kind", flat=True))
             for name, u in users.items()}
    assert {"tip_deadline", "task_assigned", "report_overdue"} <= kinds["bachdang.vhxh"], kinds
    assert "tip_deadline" in kinds["bachdang.congan"] and not kinds["bachdang.congan"] & set(SUPPORT_KINDS)
    assert kinds["haiphong.thuongtruc"] & {"report_overdue", "report_due"}, kinds
    assert "support_referral" in kinds["bachdang.hotro"], kinds


@pytest.mark.parametrize("junk", ["", "x" * 5000, "1' OR 1=1", "\x00", "-1", "999999999999999999999"])
def test_junk_is_never_a_500(owner, login, junk):
    client = login(owner)
    client.raise_request_exception = False
    for params in ({"loai": junk}, {"trang_thai": junk}, {"page": junk}, {"loai": [junk, "tip_deadline"]}):
        assert client.get(reverse("inbox"), params).status_code in (200, 400), params
    assert client.post(reverse("inbox"), {"action": junk}).status_code in (302, 400)
    assert client.post(reverse("inbox_preferences"), {"email_kinds": [junk]}).status_code in (200, 302, 400)
