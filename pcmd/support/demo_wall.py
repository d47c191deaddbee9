"""Demo of the wall (runs after the support demo): a break-glass opening of a Bạch Đằng file by a support supervisor
of Ninh Bình (`ninhbinh.giamsat`), waiting for the case worker's acknowledgement and the review, and an erasure
request waiting for a supervisor. It uses the demo's clients; when there are none yet it registers two minimal
pseudonymous files. A second run adds nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pcmd.core.demo import (
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    NINH_BINH,
    DemoLogin,
    SeedContext,
    bach_dang,
    ensure_demo_totp,
)
from pcmd.geo.models import AdminUnit
from pcmd.org.models import Membership, Role

from .models import BreakGlass, CaseEvent, CaseEventAction, Client, ErasureRequest, Sex

SUPERVISOR = "ninhbinh.giamsat"


def _supervisor(ctx: SeedContext) -> Membership:
    province = AdminUnit.objects.get(code=NINH_BINH)
    user, made = get_user_model().objects.get_or_create(username=SUPERVISOR, defaults={
        "password": make_password(DEMO_PASSWORD), "first_name": "Giám sát hỗ trợ", "last_name": "Ninh Bình",
        "email": f"{SUPERVISOR}@{DEMO_EMAIL_DOMAIN}"})
    seat, _ = Membership.objects.get_or_create(user=user, unit=province, agency=None, role=Role.SUPPORT_SUPERVISOR)
    ensure_demo_totp([SUPERVISOR])
    ctx.logins.append(DemoLogin(username=SUPERVISOR, role=Role.SUPPORT_SUPERVISOR.label, place=province.name,
                                two_factor=True))
    return seat


def _clients(bd, worker_id) -> list[Client]:
    clients = list(Client.objects.filter(unit=bd, erased_at__isnull=True).order_by("pk")[:2])
    for number in range(len(clients) + 1, 3):  # a minimal file: a code and a UIC, nothing identifying
        clients.append(Client.objects.create(unit=bd, code=f"HT-{bd.code}-{number:06d}", uic=f"MADE{1990 + number}F",
                                             sex=Sex.FEMALE, case_worker_id=worker_id))
    return clients


def seed_wall(ctx: SeedContext) -> None:
    bd = bach_dang()
    if BreakGlass.objects.filter(client__unit=bd).exists():
        ctx.summary["lượt mở hồ sơ khẩn cấp mới"] = 0
        return
    seat = _supervisor(ctx)
    worker = Membership.objects.filter(unit=bd, role=Role.CASE_WORKER).values_list("user_id", flat=True).first()
    opened, asked = _clients(bd, worker)
    at = timezone.now() - datetime.timedelta(days=1, hours=3)
    reason = ("Người được hỗ trợ chuyển đến Ninh Bình và bị đe dọa; cần xem kế hoạch hỗ trợ để phối hợp "
              "tìm chỗ ở tạm thời ngay trong ngày.")
    BreakGlass.objects.create(client=opened, user_id=seat.user_id, membership=seat, reason=reason, opened_at=at,
                              expires_at=at + datetime.timedelta(hours=2))
    CaseEvent.objects.create(client=opened, at=at, actor_id=seat.user_id, action=CaseEventAction.BREAK_GLASS,
                             note=reason)
    ErasureRequest.objects.create(
        client=asked, requested_by_id=worker, requested_at=timezone.now() - datetime.timedelta(hours=5),
        reason="Người được hỗ trợ rút lại đồng ý và đề nghị xóa dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân "
               "91/2025/QH15); không còn nhận dịch vụ.")
    ctx.summary["lượt mở hồ sơ khẩn cấp mới"] = 1
