"""Demo tips: `seed_tips` runs from core.demo.SEEDERS after establishments, inspections and hotspots.

Phường Bạch Đằng gets a dozen hand-written tips across kinds, channels and every workflow state (some
overdue, one extended, one merged duplicate, one waiting in another commune's transfer box, one with
an attachment). At `demo` scale two more Hải Phòng communes, at `province` scale every Hải Phòng
commune, at `national` scale every commune get a few generated tips. Dates are counted back from the
day of seeding so that due-soon and overdue lists always have rows. Communes that already have tips
are skipped (a second run adds nothing); rows are bulk-inserted.
"""

import datetime
import random

from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone

from pcmd.core.demo import HAI_PHONG, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level
from pcmd.hotspots.models import Hotspot
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency, Membership, Role
from pcmd.venues.models import Establishment

from . import deadlines
from .models import (
    DeadlineRule,
    MessageDirection,
    Tip,
    TipAttachment,
    TipCategory,
    TipChannel,
    TipEvent,
    TipEventAction,
    TipKind,
    TipMessage,
    TipOutcome,
    TipStatus,
)

S, K, C, CH, OUT, A = TipStatus, TipKind, TipCategory, TipChannel, TipOutcome, TipEventAction
STAGES = [S.RECEIVED, S.VERIFYING, S.CLASSIFIED, S.ASSIGNED, S.HANDLED, S.CLOSED]

# (days ago, channel, category, summary, description, location, venue?, final status, kind, complex, outcome)
BACH_DANG = [
    (1, CH.HOTLINE, C.ESTABLISHMENT, "Nghi có hoạt động mua bán dâm tại quán karaoke",
     "Người gọi cho biết quán thường có khách vào phòng kín sau 23 giờ, có nhân viên nữ đưa đón.",
     "Phố Hoàng Văn Thụ", True, S.RECEIVED, "", False, ""),
    (3, CH.WEB, C.ONLINE, "Tài khoản mạng xã hội rao bán dâm",
     "Tài khoản đăng ảnh và số điện thoại, hẹn khách tại khu vực Bạch Đằng.",
     "Trên mạng xã hội", False, S.VERIFYING, "", False, ""),
    (6, CH.MAILBOX, C.PUBLIC_PLACE, "Người đứng đường mời chào khách ban đêm",
     "Thư gửi hòm thư tổ dân phố: có người đứng mời chào ở vỉa hè từ 22 giờ.",
     "Vỉa hè đường Bạch Đằng", False, S.CLASSIFIED, K.FEEDBACK, False, ""),
    (12, CH.IN_PERSON, C.ESTABLISHMENT, "Cơ sở xoa bóp có dấu hiệu trá hình",
     "Người dân đến trình báo cơ sở xoa bóp có nhân viên mời khách dịch vụ ngoài danh mục.",
     "Phố Tam Bạc", True, S.ASSIGNED, K.CRIMINAL, False, ""),
    (25, CH.HOTLINE, C.BROKERING, "Đối tượng môi giới tại nhà nghỉ",
     "Người báo nêu một người thường xuyên dẫn khách và gái bán dâm vào nhà nghỉ.",
     "Phố Cầu Đất", True, S.ASSIGNED, K.CRIMINAL, False, ""),  # overdue (20 days)
    (50, CH.TRANSFER, C.TRAFFICKING, "Nghi vấn đưa người ra nước ngoài bán dâm",
     "Công an tỉnh chuyển tin: một người tuyển lao động nữ đi làm ở nước ngoài với lương cao bất thường.",
     "Phường Bạch Đằng", False, S.ASSIGNED, K.CRIMINAL, True, ""),  # complex, extended
    (35, CH.PRESS, C.ESTABLISHMENT, "Báo phản ánh quán cà phê đèn mờ",
     "Bài báo điện tử phản ánh quán cà phê có phòng kín, tắt đèn.", "Phố Lê Lợi", True, S.HANDLED,
     K.FEEDBACK, False, OUT.INSPECTION),
    (60, CH.HOTLINE, C.PUBLIC_PLACE, "Tụ tập mời chào ở công viên",
     "Người dân phản ánh nhóm người mời chào tại công viên vào buổi tối.", "Công viên ven sông", False,
     S.CLOSED, K.FEEDBACK, False, OUT.HOTSPOT),
    (80, CH.WEB, C.OTHER, "Tin báo không có căn cứ",
     "Nội dung chung chung, không nêu địa điểm, không liên lạc được với người báo.", "", False, S.CLOSED,
     K.FEEDBACK, False, OUT.NOT_SUBSTANTIATED),
    (40, CH.IN_PERSON, C.MINOR, "Nghi có người dưới 18 tuổi làm việc tại quán karaoke",
     "Phụ huynh trình báo con gái 16 tuổi làm nhân viên phục vụ phòng hát, về muộn.", "Phố Hoàng Văn Thụ", True,
     S.CLOSED, K.DENUNCIATION, False, OUT.INSPECTION),
    (2, CH.HOTLINE, C.ESTABLISHMENT, "Karaoke có khách vào phòng kín sau 23 giờ",
     "Người gọi thứ hai cùng phản ánh quán karaoke như tin trước.", "Phố Hoàng Văn Thụ", True,
     S.VERIFYING, "", False, ""),
    (15, CH.HOTLINE, C.PUBLIC_PLACE, "Tin nhắn quấy rối đường dây nóng",
     "Tin nhắn lặp lại nhiều lần, nội dung không liên quan.", "", False, S.HANDLED, K.FEEDBACK, False, OUT.SPAM),
]
SUMMARIES = [
    (C.ESTABLISHMENT, "Nghi vấn hoạt động mại dâm tại cơ sở kinh doanh",
     "Người báo nghi có hoạt động mua bán dâm tại cơ sở."),
    (C.PUBLIC_PLACE, "Mời chào bán dâm ở nơi công cộng", "Có người mời chào khách vào buổi tối."),
    (C.ONLINE, "Quảng cáo dịch vụ bán dâm trên mạng", "Tài khoản mạng xã hội đăng quảng cáo dịch vụ."),
    (C.BROKERING, "Nghi có đối tượng môi giới mại dâm", "Một người thường xuyên dẫn khách đến các cơ sở lưu trú."),
]
CHANNELS = [CH.HOTLINE, CH.WEB, CH.MAILBOX, CH.IN_PERSON, CH.PRESS]


def seed_tips(ctx: SeedContext) -> None:
    now = timezone.now()
    deadlines.ensure_default_rules()
    rules = {(r.kind, r.is_complex): r for r in DeadlineRule.objects.all()}
    bd = bach_dang()
    plans: list[tuple[AdminUnit, list[tuple]]] = []
    if not Tip.objects.filter(unit=bd).exists():
        plans.append((bd, BACH_DANG))
    for commune in _other_communes(ctx.scale, bd):
        rng = random.Random(f"tips-{commune.code}")
        plans.append((commune, [_random_story(rng) for _ in range(rng.randint(1, 4 if ctx.scale == "demo" else 3))]))
    if not plans:
        ctx.summary["tin báo mới"] = 0
        return
    units = [u for u, _ in plans]
    agencies = {(a.unit_id, a.kind.code): a for a in Agency.objects.filter(unit__in=units).select_related("kind")}
    venues: dict[int, list[Establishment]] = {}
    for est in Establishment.objects.filter(unit__in=units).only("pk", "unit_id", "name", "address").order_by("pk"):
        venues.setdefault(est.unit_id, []).append(est)
    actors = dict(Membership.objects.filter(unit__in=units, role=Role.COORDINATOR).values_list("unit_id", "user_id"))
    links = {"visit": dict(Visit.objects.filter(unit__in=units).order_by("pk").values_list("unit_id", "pk")),
             "hotspot": dict(Hotspot.objects.filter(unit__in=units).order_by("pk").values_list("unit_id", "pk"))}
    counters = _counters(now.year)
    tips, events = [], []
    for unit, stories in plans:
        for story in stories:
            tip, story_events = _build(unit, story, now, rules, agencies, venues.get(unit.pk, []),
                                       actors.get(unit.pk), counters)
            if tip.outcome == OUT.INSPECTION:
                tip.visit_id = links["visit"].get(unit.pk)
            elif tip.outcome == OUT.HOTSPOT:
                tip.hotspot_id = links["hotspot"].get(unit.pk)
            tips.append(tip)
            events.append(story_events)
    Tip.objects.bulk_create(tips, batch_size=2000)
    for tip, story_events in zip(tips, events, strict=True):
        for event in story_events:
            event.tip_id = tip.pk
    TipEvent.objects.bulk_create([e for evs in events for e in evs], batch_size=5000)
    TipMessage.objects.bulk_create([
        TipMessage(tip=t, direction=MessageDirection.TO_REPORTER, text=t.outcome_note, author_id=actors.get(t.unit_id))
        for t in tips if t.status == S.CLOSED])
    if plans[0][0] == bd:
        _bach_dang_extras(bd, [t for t in tips if t.unit_id == bd.pk], actors.get(bd.pk))
    ctx.summary["tin báo mới"] = len(tips)


def _other_communes(scale: str, bd: AdminUnit) -> list[AdminUnit]:
    """The communes that get generated tips at this scale, less those that already have some."""
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).exclude(pk=bd.pk).order_by("code")
    if scale in ("demo", "province"):
        communes = communes.filter(province__code=HAI_PHONG)
    chosen = list(communes[:2]) if scale == "demo" else list(communes)
    have = set(Tip.objects.filter(unit__in=chosen).values_list("unit_id", flat=True).distinct())
    return [c for c in chosen if c.pk not in have]


def _random_story(rng: random.Random) -> tuple:
    category, summary, description = rng.choice(SUMMARIES)
    days_ago = rng.randint(1, 90)
    # Recent tips are anywhere in the workflow; older ones mostly handled (a few left overdue).
    status = rng.choice(STAGES) if days_ago <= 20 else rng.choice([S.HANDLED, S.CLOSED, S.CLOSED, S.ASSIGNED])
    kind = "" if status in (S.RECEIVED, S.VERIFYING) else rng.choice([K.CRIMINAL, K.FEEDBACK, K.DENUNCIATION])
    outcome = rng.choice([OUT.INSPECTION, OUT.NOT_SUBSTANTIATED]) if status in (S.HANDLED, S.CLOSED) else ""
    return (days_ago, rng.choice(CHANNELS), category, summary, description, "", True, status, kind,
            False, outcome)


def _counters(year: int) -> dict:
    counters = {}
    for row in Tip.objects.filter(code__contains=f"-{year}-").values("province__code").annotate(last=Max("code")):
        counters[row["province__code"]] = int(row["last"].rsplit("-", 1)[1])
    return counters


def _build(unit, story, now, rules, agencies, venues, actor_id, counters):
    days_ago, channel, category, summary, description, location, venue, status, kind, complex_, outcome = story
    received = now - datetime.timedelta(days=days_ago, hours=(days_ago * 7) % 10)
    counters[unit.province.code] = counters.get(unit.province.code, 0) + 1
    tip = Tip(unit=unit, province_id=unit.province_id, channel=channel, category=category, summary=summary,
              description=description, location=location, received_at=received, kind=kind, is_complex=complex_,
              code=f"TB{unit.province.code}-{received.year}-{counters[unit.province.code]:06d}",
              is_anonymous=days_ago % 3 != 0, status=status, status_changed_at=received,
              involves_minor=category == C.MINOR, involves_trafficking=category == C.TRAFFICKING,
              is_urgent=category in (C.MINOR, C.TRAFFICKING))
    if not tip.is_anonymous:
        tip.reporter_name = "Người báo (dữ liệu mẫu)"
        tip.reporter_contact = f"09{int(unit.code) % 100000000:08d}"
    if venue and venues:
        est = venues[days_ago % len(venues)]
        tip.establishment, tip.venue_name, tip.location = est, est.name, location or est.address
    tip.deadline_rule = rules.get((kind or deadlines.UNCLASSIFIED_KIND, complex_))
    tip.due_date = deadlines.due_date(received.date(), tip.deadline_rule)
    tip.accept_due_date = deadlines.accept_due_date(received.date(), tip.deadline_rule)
    tip.refresh_search_text()
    events = [TipEvent(at=received, actor_id=actor_id, action=A.RECEIVE, to_status=S.RECEIVED,
                       reason=tip.get_channel_display())]
    steps = {S.VERIFYING: (A.VERIFY, "Liên hệ tổ dân phố, công an phường để xác minh ban đầu."),
             S.CLASSIFIED: (A.CLASSIFY, "Phân loại theo nội dung đã xác minh."),
             S.ASSIGNED: (A.ASSIGN, "Giao cơ quan kiểm tra, xử lý theo thẩm quyền.")}
    last = STAGES.index(status)
    if outcome in (OUT.SPAM, OUT.NOT_SUBSTANTIATED):
        last_flow = min(last, STAGES.index(S.CLASSIFIED))
    else:
        last_flow = min(last, STAGES.index(S.ASSIGNED))
    for i, target in enumerate(STAGES[1:last_flow + 1], start=1):
        action, reason = steps[target]
        at = received + datetime.timedelta(days=min(i, days_ago), hours=1)
        agency = None
        if target == S.ASSIGNED:
            agency = agencies.get((unit.pk, "cong-an-xa")) or agencies.get((unit.pk, "phong-vhxh"))
            tip.assigned_agency = agency
        events.append(TipEvent(at=at, actor_id=actor_id, action=action, from_status=STAGES[i - 1], to_status=target,
                               reason=reason, agency=agency))
    if status in (S.HANDLED, S.CLOSED):
        handled = (received + datetime.timedelta(days=min(days_ago - 1, 14 if days_ago % 4 else 25))).date()
        tip.handled_on, tip.outcome = handled, outcome
        tip.outcome_note = {
            OUT.INSPECTION: "Đã phối hợp Đội 178 kiểm tra cơ sở, lập biên bản, yêu cầu chủ cơ sở ký cam kết.",
            OUT.HOTSPOT: "Đã xác định là điểm phức tạp, đưa vào danh sách theo dõi, tăng cường tuần tra.",
            OUT.NOT_SUBSTANTIATED: "Đã xác minh, không phát hiện vi phạm như nội dung tin báo.",
            OUT.SPAM: "Tin rác, không xử lý.",
        }.get(outcome, "Đã xử lý theo quy định.")
        events.append(TipEvent(at=datetime.datetime.combine(handled, datetime.time(16), tzinfo=received.tzinfo),
                               actor_id=actor_id, action=A.HANDLE, from_status=STAGES[last_flow],
                               to_status=S.HANDLED, reason=tip.outcome_note))
        if status == S.CLOSED:
            tip.closed_at = datetime.datetime.combine(handled, datetime.time(17), tzinfo=received.tzinfo)
            events.append(TipEvent(at=tip.closed_at, actor_id=actor_id, action=A.CLOSE, from_status=S.HANDLED,
                                   to_status=S.CLOSED, reason=tip.outcome_note))
    tip.status_changed_at = max(e.at for e in events)
    return tip, events


def _bach_dang_extras(bd, tips, actor_id) -> None:
    """The extension, the merged duplicate, the pending transfer and the attachment of Bạch Đằng's story."""
    by_summary = {t.summary: t for t in tips}
    extended = by_summary["Nghi vấn đưa người ra nước ngoài bán dâm"]
    new_due = extended.due_date + datetime.timedelta(days=30)
    TipEvent.objects.create(tip=extended, at=extended.received_at + datetime.timedelta(days=45), actor_id=actor_id,
                            action=A.EXTEND, reason="Cần xác minh tại nước ngoài qua cơ quan chức năng.",
                            approver="Viện kiểm sát nhân dân khu vực (văn bản mẫu)", new_due_date=new_due)
    Tip.objects.filter(pk=extended.pk).update(due_date=new_due, extensions=1)

    primary = by_summary["Nghi có hoạt động mua bán dâm tại quán karaoke"]
    duplicate = by_summary["Karaoke có khách vào phòng kín sau 23 giờ"]
    at = duplicate.received_at + datetime.timedelta(hours=3)
    Tip.objects.filter(pk=duplicate.pk).update(status=S.HANDLED, outcome=OUT.DUPLICATE, duplicate_of=primary,
                                               handled_on=at.date(), outcome_note=f"Trùng với tin {primary.code}.")
    TipEvent.objects.bulk_create([
        TipEvent(tip=duplicate, at=at, actor_id=actor_id, action=A.MERGE, from_status=S.VERIFYING,
                 to_status=S.HANDLED, reason="Cùng quán, cùng nội dung.", other_tip=primary),
        TipEvent(tip=primary, at=at, actor_id=actor_id, action=A.MERGE, other_tip=duplicate,
                 reason=f"Gộp tin {duplicate.code}: {duplicate.description}"),
    ])

    moving = by_summary["Người đứng đường mời chào khách ban đêm"]
    neighbour = (AdminUnit.objects.filter(level=Level.COMMUNE, province_id=bd.province_id, is_active=True)
                 .exclude(pk=bd.pk).order_by("code").first())
    if neighbour is not None:
        reason = "Vị trí nêu trong thư thuộc địa bàn phường lân cận."
        Tip.objects.filter(pk=moving.pk).update(transfer_to=neighbour, transfer_reason=reason)
        TipEvent.objects.create(tip=moving, at=moving.status_changed_at + datetime.timedelta(hours=2),
                                actor_id=actor_id, action=A.TRANSFER, reason=reason, unit=neighbour)

    first = by_summary["Cơ sở xoa bóp có dấu hiệu trá hình"]
    note = "Ghi chép tiếp nhận trực tiếp (dữ liệu mẫu): thời gian, địa điểm, nội dung người dân trình báo.\n"
    attachment = TipAttachment(tip=first, original_name="ghi-chep-tiep-nhan.txt", content_type="text/plain",
                               size=len(note.encode()))
    attachment.file.save("ghi-chep-tiep-nhan.txt", ContentFile(note.encode()), save=True)
