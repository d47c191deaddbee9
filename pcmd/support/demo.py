"""Demo counselling requests: `seed_support` runs from core.demo.SEEDERS after the tips.

Phường Bạch Đằng gets a few invented requests in every state (new, in progress, answered with a reply,
closed), so `bachdang.hotro` (case worker) has an inbox. Their receipt codes are random and not kept: the
demo does not need them. A second run adds nothing.
"""

import datetime

from django.utils import timezone

from pcmd.core.demo import SeedContext, bach_dang
from pcmd.org.models import Membership, Role
from pcmd.tips import receipts

from .models import (
    CounsellingDirection,
    CounsellingEvent,
    CounsellingEventAction,
    CounsellingMessage,
    CounsellingRequest,
)
from .models import CounsellingStatus as S

A = CounsellingEventAction
# (days ago, needs, message, contact, status, reply from the case worker, the person's answer)
BACH_DANG = [
    (1, ["health"], "Em muốn đi xét nghiệm nhưng ngại đến trạm y tế phường, có chỗ nào kín đáo không ạ?", "",
     S.NEW, "", ""),
    (3, ["job", "legal"], "Chị muốn học nghề làm tóc và làm lại căn cước vì bị mất giấy tờ.", "SĐT 0900 000 001 (mẫu)",
     S.IN_PROGRESS, "", ""),
    (6, ["psychological", "safety"], "Em đang bị người quen đe dọa, cần chỗ ở tạm vài hôm.", "",
     S.ANSWERED, "Chào bạn, bạn có thể đến Nhà tạm lánh của Hội Liên hiệp Phụ nữ quận vào giờ hành chính, hoặc gọi "
                 "đường dây 1900 969 680 bất cứ lúc nào. Nếu đang nguy hiểm, hãy gọi 113.", ""),
    (20, ["health"], "", "Zalo 0900 000 002 (mẫu), gọi sau 18 giờ", S.CLOSED,
     "Cán bộ đã gọi điện và giới thiệu bạn đến phòng khám ngoại trú; chúc bạn nhiều sức khỏe.",
     "Em đã đi khám rồi, cảm ơn cán bộ."),
]


def seed_support(ctx: SeedContext) -> None:
    bd = bach_dang()
    if CounsellingRequest.objects.filter(unit=bd).exists():
        ctx.summary["đề nghị tư vấn mới"] = 0
        return
    worker = Membership.objects.filter(unit=bd, role=Role.CASE_WORKER).values_list("user_id", flat=True).first()
    now = timezone.now()
    for days, needs, message, contact, status, reply, answer in BACH_DANG:
        at = now - datetime.timedelta(days=days, hours=2)
        item = CounsellingRequest.objects.create(unit=bd, received_at=at, needs=needs, message=message,
                                                 contact=contact, status=status, status_changed_at=at,
                                                 **receipts.hashes(receipts.new_code()))
        events = [CounsellingEvent(request=item, at=at, action=A.RECEIVE, to_status=S.NEW)]
        step = at + datetime.timedelta(hours=5)
        if status != S.NEW:
            events.append(CounsellingEvent(request=item, at=step, actor_id=worker, action=A.START, from_status=S.NEW,
                                           to_status=S.IN_PROGRESS))
        if reply:
            step += datetime.timedelta(hours=3)
            events.append(CounsellingEvent(request=item, at=step, actor_id=worker, action=A.REPLY,
                                           from_status=S.IN_PROGRESS, to_status=S.ANSWERED))
            CounsellingMessage.objects.create(request=item, direction=CounsellingDirection.TO_REQUESTER, text=reply,
                                              author_id=worker, created_at=step)
        if answer:
            step += datetime.timedelta(days=1)
            events.append(CounsellingEvent(request=item, at=step, action=A.REQUESTER_MESSAGE, from_status=S.ANSWERED,
                                           to_status=S.IN_PROGRESS))
            CounsellingMessage.objects.create(request=item, direction=CounsellingDirection.FROM_REQUESTER, text=answer,
                                              created_at=step)
        if status == S.CLOSED:
            events.append(CounsellingEvent(request=item, at=step + datetime.timedelta(hours=1), actor_id=worker,
                                           action=A.CLOSE, from_status=S.IN_PROGRESS if answer else S.ANSWERED,
                                           to_status=S.CLOSED,
                                           note="Đã được khám và tư vấn tại phòng khám ngoại trú."))
        CounsellingEvent.objects.bulk_create(events)
        CounsellingRequest.objects.filter(pk=item.pk).update(status_changed_at=events[-1].at)
    ctx.summary["đề nghị tư vấn mới"] = len(BACH_DANG)
