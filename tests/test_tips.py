import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pcmd.core.models import AccessLog
from pcmd.core.periods import Period
from pcmd.inbox.models import Notification
from pcmd.indicators import engine
from pcmd.org.models import Agency, Membership, Role
from pcmd.tips import deadlines, selectors, services
from pcmd.tips.models import (
    DeadlineNotice,
    DeadlineRule,
    Tip,
    TipChannel,
    TipEvent,
    TipKind,
    TipOutcome,
    TipStatus,
)
from pcmd.tips.notifications import notify_deadlines

pytestmark = pytest.mark.django_db


def seat(user):
    return Membership.objects.get(user=user)


def new_tip(unit, **extra):
    data = {"unit": unit, "summary": "Nghi có mua bán dâm tại quán karaoke", "description": "Nội dung tin báo",
            "location": "Phố Hoàng Văn Thụ", "is_anonymous": True, **extra}
    return services.tip_create(channel=TipChannel.HOTLINE, data=data)


def to_assigned(tip, m, agency, kind=TipKind.CRIMINAL):
    tip = services.tip_start_verification(tip=tip, membership=m, reason="Liên hệ tổ dân phố")
    tip = services.tip_classify(tip=tip, membership=m, kind=kind, reason="Có dấu hiệu tội phạm")
    return services.tip_assign(tip=tip, membership=m, agency=agency, reason="Giao công an phường")


# ---------------------------------------------------------------- deadlines

def test_working_days_skip_weekend_and_tet():
    # Friday 13/02/2026; Tết Bính Ngọ: 16–20/02/2026 are public holidays in the holidays package.
    start = datetime.date(2026, 2, 13)
    assert deadlines.add_days(start, 3, working=False) == datetime.date(2026, 2, 16)
    assert deadlines.add_days(start, 3, working=True) == datetime.date(2026, 2, 25)
    assert not deadlines.is_working_day(datetime.date(2026, 2, 17))
    assert deadlines.is_working_day(datetime.date(2026, 2, 23))


def test_intake_computes_code_and_due_date_from_the_rule(bach_dang):
    received = timezone.make_aware(datetime.datetime(2026, 2, 13, 9, 0))
    tip = new_tip(bach_dang, received_at=received)
    assert tip.code.startswith("TB31-2026-")
    assert tip.status == TipStatus.RECEIVED
    assert tip.due_date == datetime.date(2026, 3, 5)  # unclassified: criminal-tip limit, 20 calendar days
    assert tip.events.get().action == "receive"
    rule = DeadlineRule.objects.get(kind=TipKind.FEEDBACK, is_complex=False)
    rule.days, rule.working_days = 3, True
    rule.save()
    feedback = new_tip(bach_dang, received_at=received, kind=TipKind.FEEDBACK)
    assert feedback.due_date == datetime.date(2026, 2, 25)  # 3 working days over Tết


def test_reclassification_recomputes_due_date(bach_dang, owner):
    m = seat(owner)
    tip = new_tip(bach_dang)
    services.tip_start_verification(tip=tip, membership=m, reason="Xác minh")
    tip = services.tip_classify(tip=tip, membership=m, kind=TipKind.COMPLAINT, is_complex=True, reason="Khiếu nại")
    assert tip.due_date == timezone.localdate(tip.received_at) + datetime.timedelta(days=45)
    assert tip.events.filter(action="classify", new_due_date=tip.due_date).exists()


# ---------------------------------------------------------------- workflow rules

def test_full_workflow_with_timeline(bach_dang, owner, bd_agency):
    m = seat(owner)
    tip = to_assigned(new_tip(bach_dang), m, bd_agency)
    assert tip.status == TipStatus.ASSIGNED and tip.assigned_agency == bd_agency
    tip = services.tip_handle(tip=tip, membership=m, outcome=TipOutcome.NOT_SUBSTANTIATED, note="Không vi phạm")
    assert tip.status == TipStatus.HANDLED and tip.handled_on == timezone.localdate()
    tip = services.tip_close(tip=tip, membership=m, message="Cảm ơn ông/bà, đã kiểm tra, không phát hiện vi phạm.")
    assert tip.status == TipStatus.CLOSED
    actions = list(tip.events.values_list("action", "from_status", "to_status", "actor"))
    assert [a[0] for a in actions] == ["receive", "verify", "classify", "assign", "handle", "close"]
    assert all(a[3] == owner.pk for a in actions[1:])
    assert tip.messages.get().text.startswith("Cảm ơn")


@pytest.mark.parametrize("step", ["classify", "assign", "handle", "close"])
def test_steps_out_of_order_are_refused(bach_dang, owner, bd_agency, step):
    m = seat(owner)
    tip = new_tip(bach_dang)
    call = {
        "classify": lambda: services.tip_classify(tip=tip, membership=m, kind=TipKind.CRIMINAL, reason="x"),
        "assign": lambda: services.tip_assign(tip=tip, membership=m, agency=bd_agency, reason="x"),
        "handle": lambda: services.tip_handle(tip=tip, membership=m, outcome=TipOutcome.INSPECTION, note="x"),
        "close": lambda: services.tip_close(tip=tip, membership=m, message="x"),
    }[step]
    with pytest.raises(ValidationError):
        call()
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RECEIVED


def test_every_step_needs_a_reason(bach_dang, owner):
    tip = new_tip(bach_dang)
    with pytest.raises(ValidationError):
        services.tip_start_verification(tip=tip, membership=seat(owner), reason="  ")
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.RECEIVED


def test_spam_may_be_closed_without_assignment_but_inspection_needs_a_visit(bach_dang, owner, bd_agency):
    m = seat(owner)
    spam = new_tip(bach_dang)
    services.tip_start_verification(tip=spam, membership=m, reason="Gọi lại không được")
    assert services.tip_handle(tip=spam, membership=m, outcome=TipOutcome.SPAM, note="Tin rác").status == "handled"
    other = new_tip(bach_dang)
    services.tip_start_verification(tip=other, membership=m, reason="Xác minh")
    with pytest.raises(ValidationError):  # an inspection outcome needs the assignment first
        services.tip_handle(tip=other, membership=m, outcome=TipOutcome.INSPECTION, note="Đã kiểm tra")
    other = to_assigned(new_tip(bach_dang), m, bd_agency)
    with pytest.raises(ValidationError):  # ... and the visit it led to
        services.tip_handle(tip=other, membership=m, outcome=TipOutcome.INSPECTION, note="Đã kiểm tra")


def test_assign_only_to_an_agency_of_the_unit(bach_dang, owner, ninh_binh_commune):
    m = seat(owner)
    tip = new_tip(bach_dang)
    services.tip_start_verification(tip=tip, membership=m, reason="x")
    services.tip_classify(tip=tip, membership=m, kind=TipKind.CRIMINAL, reason="x")
    far = Agency.objects.filter(unit=ninh_binh_commune).first()
    with pytest.raises(ValidationError):
        services.tip_assign(tip=tip, membership=m, agency=far, reason="x")


def test_leader_and_outsider_cannot_change(bach_dang, reader, outsider):
    tip = new_tip(bach_dang)
    for user in (reader, outsider):
        with pytest.raises(PermissionDenied):
            services.tip_start_verification(tip=tip, membership=seat(user), reason="x")


# ---------------------------------------------------------------- extensions

def test_extension_needs_reason_and_approver_and_respects_the_rule(bach_dang, owner, bd_agency):
    m = seat(owner)
    tip = to_assigned(new_tip(bach_dang), m, bd_agency)  # criminal tip: one extension of up to 60 days
    later = tip.due_date + datetime.timedelta(days=30)
    with pytest.raises(ValidationError):
        services.tip_extend(tip=tip, membership=m, reason="", approver="VKS khu vực", new_due_date=later)
    with pytest.raises(ValidationError):
        services.tip_extend(tip=tip, membership=m, reason="Cần giám định", approver="", new_due_date=later)
    with pytest.raises(ValidationError):
        services.tip_extend(tip=tip, membership=m, reason="Cần giám định", approver="VKS",
                            new_due_date=tip.due_date + datetime.timedelta(days=61))
    tip = services.tip_extend(tip=tip, membership=m, reason="Cần giám định", approver="VKS khu vực",
                              new_due_date=later)
    assert tip.due_date == later and tip.extensions == 1
    event = tip.events.get(action="extend")
    assert (event.reason, event.approver, event.new_due_date) == ("Cần giám định", "VKS khu vực", later)
    with pytest.raises(ValidationError):  # no second extension for a criminal tip
        services.tip_extend(tip=tip, membership=m, reason="Thêm", approver="VKS",
                            new_due_date=later + datetime.timedelta(days=5))


# ---------------------------------------------------------------- transfer

def test_transfer_accept_and_return(bach_dang, owner, member_factory, ninh_binh_commune):
    m = seat(owner)
    other_owner = seat(member_factory("nb.coord", ninh_binh_commune, Role.COORDINATOR, "phong-vhxh"))
    tip = new_tip(bach_dang)
    with pytest.raises(ValidationError):
        services.tip_transfer(tip=tip, membership=m, to_unit=ninh_binh_commune, reason="")
    services.tip_transfer(tip=tip, membership=m, to_unit=ninh_binh_commune, reason="Địa điểm thuộc xã khác")
    assert list(selectors.incoming(other_owner)) == [Tip.objects.get(pk=tip.pk)]
    with pytest.raises(PermissionDenied):  # the sender cannot accept its own transfer
        services.tip_transfer_accept(tip=tip, membership=m)
    with pytest.raises(ValidationError):
        services.tip_transfer_return(tip=tip, membership=other_owner, reason="")
    services.tip_transfer_return(tip=tip, membership=other_owner, reason="Không thuộc địa bàn")
    tip.refresh_from_db()
    assert tip.unit == bach_dang and tip.transfer_to is None
    services.tip_transfer(tip=tip, membership=m, to_unit=ninh_binh_commune, reason="Chuyển lại")
    tip = services.tip_transfer_accept(tip=tip, membership=other_owner)
    assert tip.unit == ninh_binh_commune and tip.province_id == ninh_binh_commune.province_id
    assert not selectors.visible(m).filter(pk=tip.pk).exists()
    assert [e.action for e in tip.events.all()][-4:] == ["transfer", "transfer_return", "transfer", "transfer_accept"]


# ---------------------------------------------------------------- duplicates

def test_merge_keeps_both_texts(bach_dang, owner):
    m = seat(owner)
    primary = new_tip(bach_dang, venue_name="Karaoke Hoàng Gia", description="Lần báo thứ nhất")
    duplicate = new_tip(bach_dang, venue_name="Karaoke Hoàng Gia", description="Lần báo thứ hai")
    assert primary in selectors.duplicate_candidates(duplicate, m)
    services.tip_merge(duplicate=duplicate, primary=primary, membership=m, reason="Cùng quán")
    duplicate.refresh_from_db()
    primary.refresh_from_db()
    assert duplicate.description == "Lần báo thứ hai" and primary.description == "Lần báo thứ nhất"
    assert duplicate.outcome == TipOutcome.DUPLICATE and duplicate.duplicate_of == primary
    assert duplicate.status == TipStatus.HANDLED and primary.status == TipStatus.RECEIVED
    assert "Lần báo thứ hai" in primary.events.get(action="merge").reason
    with pytest.raises(ValidationError):
        services.tip_merge(duplicate=primary, primary=primary, membership=m, reason="x")


# ---------------------------------------------------------------- visibility, identity, access log

def test_outsider_sees_nothing(bach_dang, outsider, login):
    tip = new_tip(bach_dang)
    assert not selectors.visible(seat(outsider)).filter(unit=bach_dang).exists()
    client = login(outsider)
    assert tip.code not in client.get(reverse("tip_list")).content.decode()
    assert client.get(reverse("tip_detail", args=[tip.pk])).status_code == 404
    assert client.get(reverse("tip_action", args=[tip.pk, "xac-minh"])).status_code == 404
    assert tip.code not in client.get(reverse("tip_deadlines")).content.decode()


def test_agency_officer_sees_only_assigned_tips(bach_dang, owner, bd_agency, member_factory, login):
    m = seat(owner)
    assigned = to_assigned(new_tip(bach_dang), m, bd_agency)
    other = new_tip(bach_dang)
    officer = member_factory("bd.police.officer", bach_dang, Role.AGENCY_OFFICER, "cong-an-xa")
    visible = selectors.visible(seat(officer))
    assert visible.filter(pk=assigned.pk).exists() and not visible.filter(pk=other.pk).exists()
    client = login(officer)
    assert client.get(reverse("tip_detail", args=[assigned.pk])).status_code == 200
    assert client.get(reverse("tip_detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("tip_list")).content.decode()
    assert assigned.code in listing and other.code not in listing


def test_identity_shown_to_coordinators_and_police_only(bach_dang, owner, reader, bd_agency, member_factory,
                                                        login):
    tip = new_tip(bach_dang, is_anonymous=False, reporter_name="Phạm Thị Hoa", reporter_contact="0912000111")
    to_assigned(tip, seat(owner), bd_agency)
    officer = member_factory("bd.agency.officer", bach_dang, Role.AGENCY_OFFICER, "cong-an-xa")
    police = member_factory("bd.police", bach_dang, Role.POLICE_OFFICER, "cong-an-xa")
    for user, shown in ((owner, True), (police, True), (reader, False), (officer, False)):
        page = login(user).get(reverse("tip_detail", args=[tip.pk]))
        assert page.status_code == 200
        assert ("Phạm Thị Hoa" in page.content.decode()) is shown, user.username
        assert ("0912000111" in page.content.decode()) is shown, user.username
    # Nor in the correction form of an agency officer who may edit the tip assigned to his agency.
    client = login(officer)
    edit = client.get(reverse("tip_edit", args=[tip.pk]))
    assert edit.status_code == 200 and "Phạm Thị Hoa" not in edit.content.decode()
    assert "0912000111" not in edit.content.decode() and 'name="is_anonymous"' not in edit.content.decode()
    assert "Phạm Thị Hoa" in login(owner).get(reverse("tip_edit", args=[tip.pk])).content.decode()


def test_every_view_is_logged(bach_dang, reader, login):
    tip = new_tip(bach_dang)
    client = login(reader)
    client.get(reverse("tip_detail", args=[tip.pk]))
    client.get(reverse("tip_detail", args=[tip.pk]))
    logs = AccessLog.objects.filter(target="tips.tip", object_id=str(tip.pk), user=reader)
    assert logs.count() == 2 and logs.first().role == Role.LEADER and logs.first().unit == bach_dang


def test_opening_the_correction_form_is_logged_too(bach_dang, owner, login):
    tip = new_tip(bach_dang)
    assert login(owner).get(reverse("tip_edit", args=[tip.pk])).status_code == 200
    assert AccessLog.objects.filter(target="tips.tip", object_id=str(tip.pk), user=owner, action="edit").exists()


def test_attachment_download_is_scoped_and_logged(bach_dang, owner, outsider, login):
    from pcmd.tips.models import TipAttachment

    attachment = TipAttachment.objects.filter(tip__unit=bach_dang).first()
    assert login(outsider).get(reverse("tip_attachment", args=[attachment.pk])).status_code == 404
    response = login(owner).get(reverse("tip_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)
    assert AccessLog.objects.filter(object_id=str(attachment.tip_id), action="download", user=owner).exists()


# ---------------------------------------------------------------- pages

def test_staff_intake_form_keeps_input_and_explains(bach_dang, owner, login):
    client = login(owner)
    response = client.post(reverse("tip_create"), {"unit": bach_dang.pk, "channel": "hotline",
                                                   "category": "establishment", "summary": "Quán hát có phòng kín",
                                                   "description": "", "is_anonymous": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Quán hát có phòng kín" in page and "Tin báo có danh tính cần họ tên người báo." in page
    response = client.post(reverse("tip_create"), {"unit": bach_dang.pk, "channel": "hotline",
                                                   "category": "establishment", "summary": "Quán hát có phòng kín",
                                                   "description": "Gọi lúc 22 giờ", "is_anonymous": "on"})
    tip = Tip.objects.get(summary="Quán hát có phòng kín")
    assert response.status_code == 302 and tip.received_by == owner and tip.due_date
    assert tip.channel == TipChannel.HOTLINE


def test_action_pages_run_the_workflow(bach_dang, owner, login):
    tip = new_tip(bach_dang)
    client = login(owner)
    url = reverse("tip_action", args=[tip.pk, "xac-minh"])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Đã gọi tổ trưởng"}).status_code == 302
    assert Tip.objects.get(pk=tip.pk).status == TipStatus.VERIFYING
    # the same step again is not offered
    assert client.get(url).status_code == 302
    page = client.get(reverse("tip_detail", args=[tip.pk])).content.decode()
    assert "Đã gọi tổ trưởng" in page and "Phân loại" in page


def test_deadline_lists(bach_dang, owner, bd_agency, login):
    m = seat(owner)
    late = to_assigned(new_tip(bach_dang, received_at=timezone.now() - datetime.timedelta(days=30)), m, bd_agency)
    soon = to_assigned(new_tip(bach_dang, received_at=timezone.now() - datetime.timedelta(days=17)), m, bd_agency)
    qs = selectors.visible(m)
    assert selectors.overdue(qs).filter(pk=late.pk).exists()
    assert selectors.due_soon(qs).filter(pk=soon.pk).exists() and not selectors.overdue(qs).filter(pk=soon.pk)
    page = login(owner).get(reverse("tip_deadlines")).content.decode()
    assert late.code in page and soon.code in page
    summary = {row["name"]: row for row in selectors.deadline_summary(qs, "assigned_agency__name")}
    assert summary[bd_agency.name]["overdue"] >= 1


# ---------------------------------------------------------------- notifications

def test_notifications_once_per_tip_and_threshold(bach_dang, owner, bd_agency, member_factory):
    m = seat(owner)
    officer = member_factory("bd.notice.officer", bach_dang, Role.AGENCY_OFFICER, "cong-an-xa")
    late = to_assigned(new_tip(bach_dang, received_at=timezone.now() - datetime.timedelta(days=30)), m, bd_agency)
    first = notify_deadlines()
    assert first["notices"] > 0
    url = reverse("tip_detail", args=[late.pk])
    assert Notification.objects.filter(recipient=owner, url=url, title__contains="quá hạn").count() == 1
    assert Notification.objects.filter(recipient=officer, url=url, kind="tip_deadline").count() == 1
    second = notify_deadlines()
    assert second == {"tips": 0, "notices": 0}
    assert DeadlineNotice.objects.filter(tip=late).count() == 1
    call_command("notify_tip_deadlines")  # the command is the same idempotent run
    assert Notification.objects.filter(recipient=owner, url=url, kind="tip_deadline").count() == 1
    # an extension gives a new due date: the new due-soon threshold is notified again
    services.tip_extend(tip=late, membership=m, reason="Cần thêm thời gian", approver="VKS",
                        new_due_date=timezone.localdate() + datetime.timedelta(days=2))
    notify_deadlines()
    assert Notification.objects.filter(recipient=owner, url=url, title__contains="sắp đến hạn").count() == 1


def test_home_page_shows_notices_until_the_tip_is_opened(bach_dang, owner, bd_agency, login):
    m = seat(owner)
    late = to_assigned(new_tip(bach_dang, received_at=timezone.now() - datetime.timedelta(days=30)), m, bd_agency)
    notify_deadlines()
    client = login(owner)
    assert late.code in client.get(reverse("home")).content.decode()
    client.get(reverse("tip_detail", args=[late.pk]))
    assert late.code not in client.get(reverse("home")).content.decode()


# ---------------------------------------------------------------- on-time rate

def test_complaint_must_be_accepted_within_ten_days(bach_dang, owner):
    m = seat(owner)
    received = timezone.now() - datetime.timedelta(days=12)
    complaint = new_tip(bach_dang, kind=TipKind.COMPLAINT, received_at=received)
    assert complaint.accept_due_date == timezone.localdate(received) + datetime.timedelta(days=10)
    assert complaint.due_date == timezone.localdate(received) + datetime.timedelta(days=30)
    assert new_tip(bach_dang, kind=TipKind.CRIMINAL).accept_due_date is None
    qs = selectors.visible(m)
    assert selectors.accept_overdue(qs).filter(pk=complaint.pk).exists()
    assert not selectors.overdue(qs).filter(pk=complaint.pk).exists()
    late = Notification.objects.filter(recipient=owner, url=reverse("tip_detail", args=[complaint.pk]),
                                       title__contains="quá hạn thụ lý")
    notify_deadlines()
    assert late.count() == 1
    notify_deadlines()
    assert late.count() == 1
    services.tip_start_verification(tip=complaint, membership=m, reason="Xác minh")
    services.tip_classify(tip=complaint, membership=m, kind=TipKind.COMPLAINT, reason="Thụ lý khiếu nại")
    assert not selectors.accept_overdue(qs).filter(pk=complaint.pk).exists()


def test_demo_tips_cover_the_workflow_and_seeding_is_idempotent(bach_dang):
    import random

    from faker import Faker

    from pcmd.core.demo import SeedContext
    from pcmd.tips.demo import seed_tips

    bd = Tip.objects.filter(unit=bach_dang)
    assert set(bd.values_list("status", flat=True)) == set(TipStatus.values)
    assert len(set(bd.values_list("channel", flat=True))) >= 5 and len(set(bd.values_list("kind", flat=True))) >= 4
    assert selectors.overdue(bd).exists() and bd.filter(extensions=1).exists()
    assert bd.filter(outcome=TipOutcome.DUPLICATE, duplicate_of__isnull=False).exists()
    assert bd.filter(transfer_to__isnull=False).exists() and bd.filter(attachments__isnull=False).exists()
    assert Tip.objects.exclude(unit=bach_dang).exists()
    counts = (Tip.objects.count(), TipEvent.objects.count())
    ctx = SeedContext(scale="demo", faker=Faker("vi_VN"), rng=random.Random(1))
    seed_tips(ctx)
    assert ctx.summary["tin báo mới"] == 0
    assert (Tip.objects.count(), TipEvent.objects.count()) == counts


def test_deadline_page_shows_the_on_time_rate_for_a_period(bach_dang, owner, bd_agency, login):
    m = seat(owner)
    tip = to_assigned(new_tip(bach_dang, received_at=timezone.now() - datetime.timedelta(days=40)), m, bd_agency)
    services.tip_handle(tip=tip, membership=m, outcome=TipOutcome.NOT_SUBSTANTIATED, note="Xong muộn")
    today = timezone.localdate()
    client = login(owner)
    page = client.get(reverse("tip_deadlines"), {"ky": f"{today.year}{today.month:02d}"})
    assert page.status_code == 200
    period = Period.parse(f"{today.year}{today.month:02d}")
    expected = engine.compute("TIPS_ON_TIME", level="commune", units=[bach_dang], period=period)[bach_dang.pk]
    assert expected.denominator >= 1 and expected.numerator < expected.denominator
    table = page.content.decode().split('id="on-time-table"')[1].split("</table>")[0]
    rate = f"{expected.value:.1f}".replace(".", ",")
    assert bach_dang.name in table and f"{rate}%" in table
    bad = client.get(reverse("tip_deadlines"), {"ky": "2026Q9"})
    assert bad.status_code == 200 and "picker-error" in bad.content.decode() and "không hợp lệ" in bad.content.decode()


def test_correcting_a_tip_keeps_it_in_its_commune_and_refuses_closed_ones(bach_dang, owner, ninh_binh_commune,
                                                                          login):
    tip = new_tip(bach_dang, is_anonymous=False, reporter_name="Đỗ Văn Nam")
    client = login(owner)
    form = {"unit": ninh_binh_commune.pk, "channel": "press", "category": "online", "summary": "Tóm tắt đã sửa",
            "description": "Nội dung", "is_anonymous": "on", "version": tip.version}
    assert client.post(reverse("tip_edit", args=[tip.pk]), form).status_code == 302
    tip.refresh_from_db()
    assert tip.summary == "Tóm tắt đã sửa" and tip.unit == bach_dang and tip.channel == TipChannel.HOTLINE
    assert tip.reporter_name == ""  # made anonymous: the identity is dropped
    Tip.objects.filter(pk=tip.pk).update(status=TipStatus.CLOSED)
    form["summary"], form["version"] = "Sửa sau khi đóng", tip.version
    response = client.post(reverse("tip_edit", args=[tip.pk]), form)
    assert response.status_code == 400 and "Tin đã đóng" in response.content.decode()
    assert Tip.objects.get(pk=tip.pk).summary == "Tóm tắt đã sửa"


def test_receipt_code_for_a_reporter_met_at_staff_intake(bach_dang, owner, login):
    from pcmd.tips.receipts import find

    tip = new_tip(bach_dang)
    client = login(owner)
    url = reverse("tip_action", args=[tip.pk, "cap-ma"])
    assert "Cấp mã tra cứu" in client.get(reverse("tip_detail", args=[tip.pk])).content.decode()
    page = client.post(url, {})
    assert page.status_code == 200
    code = page.content.decode().split('id="staff-receipt-code">')[1].split("<")[0]
    assert find(code) == tip
    assert code not in str(Tip.objects.filter(pk=tip.pk).values().get())  # only hashes are stored
    assert tip.events.filter(action="receipt", actor=owner).exists()
    assert client.post(url, {}).status_code == 302  # a second code would lock the first one out
    with pytest.raises(ValidationError):
        services.tip_issue_receipt(tip=tip, membership=seat(owner))
    assert find(code) == tip
