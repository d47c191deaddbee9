"""Demo support data: `seed_support` runs from core.demo.SEEDERS after the tips.

Every scale (`demo` and above):

- counselling requests in Phường Bạch Đằng in every state (the inbox of `bachdang.hotro`);
- case files in four communes — Phường Bạch Đằng and Phường Lê Chân (Hải Phòng), Phường Đống Đa and
  Phường Hoàng Mai (Hà Nội): 25 invented, pseudonymous clients each (file code "HT-<commune>-NNNNNN", a UIC,
  an encrypted name for about a third, marked "(tên mẫu)"), consents per purpose (some withdrawn, one expired,
  a few clients without reporting consent), screenings, case plans in every state, the commune's eight
  providers, referrals in every state (some overdue), services over the last 12 months, follow-ups,
  closures (goals met, moved, lost to follow-up, withdrew; one requested and waiting for approval) and the
  peer educators' outreach contacts of each month. Bạch Đằng's staff are the README logins
  (`bachdang.hotro`, `bachdang.giamsat`, `haiphong.giamsat`, made by core.demo.seed_users); the other three
  communes get a case worker and a supervisor of their own (`lechan.hotro`, `lechan.giamsat`…, not printed;
  `pcmd demo-otp` works for them).

`province` scale adds files in bulk to every Hải Phòng commune, `national` scale to every commune of the
country (~100,000 clients, ~1,000,000 services, ~200,000 referrals): see `seed_volume`.

Dates are relative to today (`timezone.localdate()`); each commune has its own random stream, so the data
do not depend on what other seeders drew. A second run adds nothing: a commune that already has its demo
files (or its bulk files) is left alone.
"""

import datetime
import random
import sys
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from pcmd.core.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, HA_NOI, HAI_PHONG, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency, Membership, Role
from pcmd.tips import receipts

from .models import (
    CaseEvent,
    CaseGoal,
    CasePlan,
    CaseStatus,
    Client,
    ClientSource,
    ClosureReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    CounsellingDirection,
    CounsellingEvent,
    CounsellingEventAction,
    CounsellingMessage,
    CounsellingRequest,
    FollowUp,
    FollowUpKind,
    GoalStatus,
    OutreachContact,
    PlanStatus,
    Provider,
    ProviderKind,
    Referral,
    ReferralStatus,
    Screening,
    ServiceKind,
    ServiceRecord,
    Sex,
    SupportNeed,
)
from .models import CaseEventAction as E
from .models import CounsellingStatus as S
from .uic import derive as derive_uic

A = CounsellingEventAction
N = SupportNeed

# ------------------------------------------------------------------------------------------------------
# Counselling requests (Bạch Đằng)
# ------------------------------------------------------------------------------------------------------

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
    seed_counselling(ctx)
    seed_case_files(ctx)
    if ctx.scale != "demo":
        seed_volume(ctx)


def seed_counselling(ctx: SeedContext) -> None:
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


# ------------------------------------------------------------------------------------------------------
# What the case files are made of
# ------------------------------------------------------------------------------------------------------

PER_COMMUNE = 25

# (province code, folded commune name, login prefix, area name for the district-level providers)
COMMUNES = [
    (HAI_PHONG, "phuong bach dang", "bachdang", "Bạch Đằng"),
    (HAI_PHONG, "phuong le chan", "lechan", "Lê Chân"),
    (HA_NOI, "phuong dong da", "dongda", "Đống Đa"),
    (HA_NOI, "phuong hoang mai", "hoangmai", "Hoàng Mai"),
]
CITY = {HAI_PHONG: "thành phố Hải Phòng", HA_NOI: "thành phố Hà Nội"}
# Fixed names for the staff made here (no faker: the other seeders' names stay as they were).
STAFF_NAMES = {"lechan": ("Vũ Thị Thanh Tâm", "Ngô Thị Bích Ngọc"), "dongda": ("Phan Thị Hồng Nhung", "Đinh Thị Lan"),
               "hoangmai": ("Trịnh Thị Thu Hiền", "Mai Thị Kim Oanh")}

# The directory every commune keeps: (kind, name; {commune} {area} {city} are filled in).
PROVIDERS = [
    (ProviderKind.HEALTH_STATION, "Trạm Y tế {commune}"),
    (ProviderKind.HEALTH_CENTRE, "Trung tâm Y tế khu vực {area}"),
    (ProviderKind.HIV_CLINIC, "Phòng khám ngoại trú HIV, PrEP khu vực {area}"),
    (ProviderKind.LEGAL_AID, "Trung tâm Trợ giúp pháp lý nhà nước {city} — điểm trợ giúp {area}"),
    (ProviderKind.VOCATIONAL, "Trường Trung cấp nghề Sao Mai {area} (tên mẫu)"),
    (ProviderKind.JOB_CENTRE, "Trung tâm Dịch vụ việc làm {city} — điểm giao dịch {area}"),
    (ProviderKind.SOCIAL_BANK, "Ngân hàng Chính sách xã hội — Phòng giao dịch {area}"),
    (ProviderKind.NGO, "Nhóm tự lực Vòng Tay Bạn {area} (tên mẫu)"),
]
STREETS = ["Hoa Phượng", "Bằng Lăng", "Hướng Dương", "Sao Mai", "Cẩm Tú", "Hoa Sữa", "Bình Minh", "Hải Đăng"]
# Which provider kind and which service answer a need.
NEED_PROVIDER = {
    N.HEALTH: ProviderKind.HEALTH_STATION, N.STI_HIV: ProviderKind.HIV_CLINIC, N.MENTAL: ProviderKind.HEALTH_CENTRE,
    N.VIOLENCE: ProviderKind.NGO, N.LEGAL: ProviderKind.LEGAL_AID, N.DOCUMENTS: ProviderKind.LEGAL_AID,
    N.VOCATIONAL: ProviderKind.VOCATIONAL, N.JOB: ProviderKind.JOB_CENTRE, N.LOAN: ProviderKind.SOCIAL_BANK,
    N.HOUSING: ProviderKind.NGO, N.CHILDREN: ProviderKind.HEALTH_STATION,
}
NEED_SERVICE = {
    N.HEALTH: ServiceKind.HEALTH_CHECK, N.STI_HIV: ServiceKind.STI_HIV_TEST, N.MENTAL: ServiceKind.COUNSELLING,
    N.VIOLENCE: ServiceKind.SHELTER, N.LEGAL: ServiceKind.LEGAL_AID, N.DOCUMENTS: ServiceKind.DOCUMENTS,
    N.VOCATIONAL: ServiceKind.VOCATIONAL, N.JOB: ServiceKind.JOB, N.LOAN: ServiceKind.LOAN,
    N.HOUSING: ServiceKind.SHELTER, N.CHILDREN: ServiceKind.OTHER,
}
# Needs drawn for a screening, weighted as programs report them (health and HIV/STI first).
NEED_WEIGHTS = [(N.STI_HIV, 9), (N.HEALTH, 7), (N.VOCATIONAL, 5), (N.JOB, 5), (N.DOCUMENTS, 4), (N.MENTAL, 4),
                (N.LOAN, 3), (N.LEGAL, 3), (N.VIOLENCE, 2), (N.CHILDREN, 2), (N.HOUSING, 2)]
GOALS = {
    N.HEALTH: "Khám sức khỏe tổng quát tại trạm y tế",
    N.STI_HIV: "Xét nghiệm HIV, giang mai; được tư vấn về PrEP",
    N.MENTAL: "Được tư vấn tâm lý ít nhất ba buổi",
    N.VIOLENCE: "Có kế hoạch an toàn và biết nơi tạm lánh khi cần",
    N.LEGAL: "Được trợ giúp pháp lý về tranh chấp tiền nhà trọ",
    N.DOCUMENTS: "Làm lại căn cước và đăng ký tạm trú",
    N.VOCATIONAL: "Theo học lớp nghề may công nghiệp (3 tháng)",
    N.JOB: "Có việc làm ổn định qua Trung tâm Dịch vụ việc làm",
    N.LOAN: "Được vay vốn giải quyết việc làm để mở quán ăn sáng",
    N.HOUSING: "Có chỗ ở ổn định, an toàn",
    N.CHILDREN: "Con được nhận vào trường mầm non gần nhà",
}
REFERRAL_NOTES = {
    N.HEALTH: "Đề nghị khám sức khỏe tổng quát; người được giới thiệu muốn được hẹn giờ vắng người.",
    N.STI_HIV: "Đề nghị tư vấn, xét nghiệm HIV và STI; xin giữ kín thông tin.",
    N.MENTAL: "Đề nghị tư vấn tâm lý; người được giới thiệu hay mất ngủ, lo âu.",
    N.VIOLENCE: "Cần chỗ tạm lánh và tư vấn an toàn; liên hệ qua cán bộ quản lý trường hợp.",
    N.LEGAL: "Đề nghị trợ giúp pháp lý miễn phí.",
    N.DOCUMENTS: "Đề nghị hướng dẫn làm lại giấy tờ tùy thân.",
    N.VOCATIONAL: "Đề nghị xét tuyển lớp nghề ngắn hạn được hỗ trợ học phí.",
    N.JOB: "Đề nghị giới thiệu việc làm phù hợp, ca ngày.",
    N.LOAN: "Đề nghị xem xét cho vay vốn giải quyết việc làm.",
    N.HOUSING: "Đề nghị hỗ trợ tìm chỗ ở an toàn.",
    N.CHILDREN: "Đề nghị hỗ trợ cho con đi học, tiêm chủng.",
}
OUTCOMES = {
    ReferralStatus.COMPLETED: "Đã được cung cấp dịch vụ, hẹn lần sau nếu cần.",
    ReferralStatus.NOT_SERVED: "Chưa đủ điều kiện theo quy định, đã hướng dẫn bổ sung giấy tờ.",
    ReferralStatus.RECEIVED: "Đã tiếp nhận, đang sắp xếp lịch.",
}
RETURN_REASONS = ["Mục tiêu việc làm chưa có hạn cụ thể, đề nghị bổ sung.",
                  "Chưa có đồng ý giới thiệu đến nơi nhận, đề nghị ghi nhận trước khi giới thiệu.",
                  "Cần tách mục tiêu giấy tờ và học nghề, ghi rõ ai hỗ trợ."]
FOLLOW_UP_NOTES = ["Sức khỏe ổn, đang chờ lịch học nghề.", "Đã đi xét nghiệm theo hẹn.",
                   "Không liên lạc được lần đầu, gọi lại buổi tối thì được.",
                   "Đã nhận việc, cần hỗ trợ chỗ ở gần nơi làm.",
                   "Tham gia sinh hoạt nhóm đồng đẳng tháng này.", ""]
GIVEN = ["Hoa", "Lan", "Mai", "Hương", "Thảo", "Trang", "Linh", "Ngọc", "Yến", "Hạnh", "Nhung", "Thu", "Hà", "Vân",
         "Quỳnh", "Diệp", "Phương", "Loan"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Thị", "Thị Thu", "Thị Ngọc", "Thị Thanh", "Thị Minh", "Thị Hồng"]
PARENTS = ["An", "Bình", "Cúc", "Dung", "Giang", "Hải", "Khánh", "Lương", "Minh", "Nam", "Oanh", "Phúc", "Quang",
           "Sơn", "Tâm", "Uyên", "Vinh", "Xuân"]
PLACES = ["Khu nhà trọ công nhân cuối ngõ {n}", "Quán cà phê ven đường số {n}", "Bến xe khách khu vực",
          "Công viên ven sông", "Khu karaoke đường {street}", "Nhà nghỉ khu vực chợ đầu mối"]
PEERS = ["Nhóm đồng đẳng Vòng Tay Bạn — chị H. (mẫu)", "Cộng tác viên Hội Phụ nữ — chị T. (mẫu)",
         "Nhóm đồng đẳng Vòng Tay Bạn — chị L. (mẫu)"]

# The course a file takes (25 a commune): it fixes what the file holds so every state is shown.
TRACKS = (["active"] * 13 + ["new", "new", "plan_draft", "plan_submitted", "plan_submitted", "plan_returned",
                             "goals_met", "goals_met", "moved", "lost", "closing", "withdrew"])
CLOSED_REASON = {"goals_met": ClosureReason.GOALS_MET, "moved": ClosureReason.MOVED, "lost": ClosureReason.LOST,
                 "withdrew": ClosureReason.WITHDREW}
CLOSE_NOTES = {"goals_met": "Đã có việc làm ổn định và được điều trị đều; đồng ý kết thúc hỗ trợ.",
               "moved": "Chuyển về quê sinh sống, đã giới thiệu đầu mối hỗ trợ ở nơi mới.",
               "lost": "Ba lần liên lạc trong ba tháng không được, nơi trọ báo đã chuyển đi.",
               "withdrew": "Người được hỗ trợ không muốn tiếp tục, đã rút lại đồng ý nhận dịch vụ.",
               "closing": "Đã đạt các mục tiêu của kế hoạch, đề nghị kết thúc."}
NO_REPORTING = {4, 17}       # track positions without reporting consent (a few)
REPORTING_WITHDRAWN = 5      # one withdraws reporting consent
PHONE_WITHDRAWN = 6          # one withdraws phone consent
EXPIRED_REFERRAL = 7         # one referral consent expired after its (completed) referral
# Referral states the first active files are sure to show, whatever the draw.
FORCED_REFERRAL = {0: "overdue", 1: "overdue", 2: ReferralStatus.RECEIVED, 3: "pending", 8: ReferralStatus.NOT_SERVED,
                   9: ReferralStatus.CANCELLED}


def uic(mother: str, father: str, birth_year: int, sex: str) -> str:
    """The file's UIC from invented answers, by the registration form's own rule (uic.derive)."""
    return derive_uic(mother=mother, father=father, sex=sex, birth_year=birth_year)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return min(at, timezone.now())


def _commune(province_code: str, folded: str) -> AdminUnit | None:
    return AdminUnit.objects.filter(level=Level.COMMUNE, province__code=province_code, search_text=folded,
                                    is_active=True).order_by("code").first()


def _staff(prefix: str, commune: AdminUnit) -> tuple[int | None, int | None]:
    """(case worker, supervisor) user ids of a demo commune; makes them for the communes other than Bạch Đằng."""
    User = get_user_model()
    if prefix == "bachdang":
        worker = User.objects.filter(username="bachdang.hotro").values_list("pk", flat=True).first()
        boss = User.objects.filter(username="bachdang.giamsat").values_list("pk", flat=True).first()
        return worker, boss
    from pcmd.core.demo import ensure_demo_totp

    ids = []
    agencies = {a.kind.code: a for a in Agency.objects.filter(unit=commune).select_related("kind")}
    for suffix, role, kind, name in (("hotro", Role.CASE_WORKER, "tram-y-te", STAFF_NAMES[prefix][0]),
                                     ("giamsat", Role.SUPPORT_SUPERVISOR, "phong-vhxh", STAFF_NAMES[prefix][1])):
        username = f"{prefix}.{suffix}"
        first, _, last = name.rpartition(" ")
        user, _ = User.objects.get_or_create(username=username, defaults=dict(
            password=make_password(DEMO_PASSWORD), first_name=first, last_name=last,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}"))
        Membership.objects.get_or_create(user=user, unit=commune, agency=agencies.get(kind), role=role)
        ids.append(user.pk)
    ensure_demo_totp([f"{prefix}.hotro", f"{prefix}.giamsat"])
    return ids[0], ids[1]


def _providers(commune: AdminUnit, area: str, rng: random.Random) -> list[Provider]:
    """The commune's directory; its health station answers referrals in PCMD (its agency is linked)."""
    city = CITY.get(commune.province.code, "tỉnh")
    health_station = Agency.objects.filter(unit=commune, kind__code="tram-y-te").values_list("pk", flat=True).first()
    return [Provider(unit_id=commune.pk, province_id=commune.province_id, kind=kind,
                     name=name.format(commune=commune.lower_name, area=area, city=city),
                     address=f"Số {rng.randint(2, 280)} đường {STREETS[n]}, {commune.lower_name} (địa chỉ mẫu)",
                     phone=f"0900 {rng.randint(100, 999)} {rng.randint(100, 999)} (mẫu)",
                     contact_person="Cán bộ đầu mối (tên mẫu)" if n in (0, 2, 7) else "",
                     agency_id=health_station if kind == ProviderKind.HEALTH_STATION else None)
            for n, (kind, name) in enumerate(PROVIDERS)]


def _needs(rng: random.Random, k: int) -> list[str]:
    codes, weights = zip(*NEED_WEIGHTS, strict=True)
    chosen = []
    while len(chosen) < k:
        need = rng.choices(codes, weights)[0]
        if need not in chosen:
            chosen.append(need)
    return [str(n) for n in chosen]


# ------------------------------------------------------------------------------------------------------
# The demo communes' files
# ------------------------------------------------------------------------------------------------------


def seed_case_files(ctx: SeedContext) -> None:
    today = timezone.localdate()
    made = {"hồ sơ hỗ trợ mới": 0, "giới thiệu dịch vụ mới": 0, "dịch vụ đã nhận mới": 0,
            "lượt tiếp cận cộng đồng mới": 0}
    for province_code, folded, prefix, area in COMMUNES:
        commune = _commune(province_code, folded)
        if commune is None or Client.objects.filter(unit=commune).exists():
            continue
        worker, boss = _staff(prefix, commune)
        counts = _seed_commune(commune, area, worker, boss, today, random.Random(f"pcmd-support-{commune.code}"))
        for key, value in counts.items():
            made[key] += value
    ctx.summary.update(made)


class _Files:
    """The rows of one commune's files, built in Python then inserted in bulk, parents first."""

    def __init__(self):
        self.clients, self.consents, self.screenings, self.plans, self.goals = [], [], [], [], []
        self.referrals, self.services, self.follow_ups, self.events = [], [], [], []


def _seed_commune(commune, area, worker, boss, today, rng) -> dict:
    providers = _providers(commune, area, rng)
    Provider.objects.bulk_create(providers)
    by_kind = {p.kind: p for p in providers}
    intake = (CounsellingRequest.objects.filter(unit=commune, status=S.CLOSED).order_by("received_at").first()
              if commune.pk == bach_dang().pk else None)
    files = _Files()
    tracks = list(TRACKS)
    # Registration dates by course: new files this week, closed ones a year ago or more…
    spans = {"active": (60, 400), "new": (1, 8), "plan_draft": (10, 25), "plan_submitted": (8, 30),
             "plan_returned": (12, 35), "goals_met": (240, 420), "moved": (150, 360), "lost": (200, 400),
             "withdrew": (90, 300), "closing": (200, 380)}
    drafts = []
    for position, track in enumerate(tracks):
        low, high = spans[track]
        registered = today - datetime.timedelta(days=rng.randint(low, high))
        if intake and track == "plan_draft":  # this file began as the counselling request, the day after it
            registered = timezone.localtime(intake.received_at).date() + datetime.timedelta(days=1)
        drafts.append((registered, position, track))
    drafts.sort()  # file numbers in registration order
    for number, (registered, position, track) in enumerate(drafts, start=1):
        _one_file(files, commune, number, registered, position, track, worker, boss, by_kind, today, rng,
                  intake if track == "plan_draft" else None)
    Client.objects.bulk_create(files.clients)
    Screening.objects.bulk_create(files.screenings)
    CasePlan.objects.bulk_create(files.plans)
    CaseGoal.objects.bulk_create(files.goals)
    Consent.objects.bulk_create(files.consents)
    Referral.objects.bulk_create(files.referrals)
    ServiceRecord.objects.bulk_create(files.services)
    FollowUp.objects.bulk_create(files.follow_ups)
    CaseEvent.objects.bulk_create(sorted(files.events, key=lambda e: e.at))
    contacts = _outreach(commune, worker, today, rng)
    OutreachContact.objects.bulk_create(contacts)
    return {"hồ sơ hỗ trợ mới": len(files.clients), "giới thiệu dịch vụ mới": len(files.referrals),
            "dịch vụ đã nhận mới": len(files.services), "lượt tiếp cận cộng đồng mới": len(contacts)}


def _one_file(files, commune, number, registered, position, track, worker, boss, by_kind, today, rng, intake):
    sex = Sex.MALE if position in (11, 12) else Sex.OTHER if position == 10 else Sex.FEMALE
    birth_year = today.year - rng.randint(19, 45)
    named = position % 3 == 0
    given = rng.choice(GIVEN)
    client = Client(
        unit_id=commune.pk, province_id=commune.province_id, code=f"HT-{commune.code}-{number:06d}",
        uic=uic(rng.choice(PARENTS), rng.choice(PARENTS), birth_year, sex), sex=sex, birth_year=birth_year,
        registered_on=registered, case_worker_id=worker,
        source=(ClientSource.COUNSELLING if intake else
                rng.choice([ClientSource.OUTREACH] * 4 + [ClientSource.SELF, ClientSource.REFERRED])),
        intake=intake,
        full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {given} (tên mẫu)" if named else "",
        phone=f"0900 {commune.code[-3:]} {number:03d} (mẫu)" if named or position % 4 == 1 else "",
        address=f"Nhà trọ ngõ {rng.randint(3, 90)}, {commune.lower_name} (địa chỉ mẫu)" if named else "",
        sex_work_history=("Làm tại quán karaoke, khoảng hai năm; nay làm tự do qua mạng xã hội."
                          if position % 4 == 0 else ""),
        legal_status="Mất căn cước, chưa đăng ký tạm trú." if position % 5 == 2 else "",
    )
    files.clients.append(client)
    events = files.events

    def event(day, action, hour=9, actor=worker, note=""):
        events.append(CaseEvent(client=client, at=_at(day, hour), actor_id=actor, action=action, note=note))

    def consent(purpose, day, *, provider=None, expires=None, withdrawn=None, note=""):
        files.consents.append(Consent(
            client=client, purpose=purpose, provider=provider, given_on=day, expires_on=expires,
            method=ConsentMethod.SIGNED if (position + len(files.consents)) % 2 else ConsentMethod.VERBAL,
            recorded_by_id=worker, recorded_at=_at(day, 9),
            withdrawn_at=_at(withdrawn, 15) if withdrawn else None, withdrawn_by_id=worker if withdrawn else None,
            withdrawal_note=note))
        event(day, E.CONSENT)
        if withdrawn:
            event(withdrawn, E.WITHDRAW, 15, note=note)

    event(registered, E.REGISTER, 8)
    closed_track = track in CLOSED_REASON
    end = today
    if closed_track or track == "closing":
        end = min(today - datetime.timedelta(days=rng.randint(5, 60)), registered + datetime.timedelta(days=200))
    withdrew_on = end if track == "withdrew" else None
    consent(ConsentPurpose.SERVICES, registered, withdrawn=withdrew_on,
            note="Không muốn tiếp tục nhận hỗ trợ." if withdrew_on else "")
    if position not in NO_REPORTING:
        gone = registered + (today - registered) // 2 if position == REPORTING_WITHDRAWN else None
        consent(ConsentPurpose.REPORTING, registered, withdrawn=gone,
                note="Không muốn được tính trong số liệu báo cáo nữa." if gone else "")
    if client.phone:
        gone = registered + (today - registered) // 3 if position == PHONE_WITHDRAWN else None
        consent(ConsentPurpose.PHONE, registered, withdrawn=gone,
                note="Đổi số, không muốn được gọi nữa." if gone else "")
    if position % 8 == 0 and track == "active":
        consent(ConsentPurpose.SHARING, registered, expires=registered + datetime.timedelta(days=365))
    if track == "new":
        return
    # Screening a few days after registration; long files are screened again half a year later.
    screened = min(registered + datetime.timedelta(days=rng.randint(0, 4)), today)
    needs = _needs(rng, rng.randint(2, 4))
    screening = Screening(
        client=client, screened_on=screened, needs=needs, eligible=True, screened_by_id=worker,
        health_note=("Chưa xét nghiệm HIV trong 12 tháng qua; muốn xét nghiệm kín đáo."
                     if N.STI_HIV in needs else ""),
        violence_note="Từng bị khách hành hung, chưa báo ai." if N.VIOLENCE in needs else "",
        legal_note="Mất căn cước công dân, chưa đăng ký tạm trú." if N.DOCUMENTS in needs else "",
        other_note="Có một con nhỏ 4 tuổi ở với bà ngoại." if N.CHILDREN in needs else "")
    files.screenings.append(screening)
    event(screened, E.SCREEN, 10)
    if (end - screened).days > 200 and track == "active":
        files.screenings.append(Screening(client=client, screened_on=screened + datetime.timedelta(days=180),
                                          needs=needs[1:] or needs, eligible=True, screened_by_id=worker))
        event(screened + datetime.timedelta(days=180), E.SCREEN, 10)
    # The case plan.
    planned = min(screened + datetime.timedelta(days=rng.randint(1, 3)), today)
    status = {"plan_draft": PlanStatus.DRAFT, "plan_submitted": PlanStatus.SUBMITTED,
              "plan_returned": PlanStatus.RETURNED}.get(track, PlanStatus.APPROVED)
    decided = min(planned + datetime.timedelta(days=2), today)
    plan = CasePlan(client=client, screening=screening, status=status, created_at=_at(planned, 14),
                    created_by_id=worker,
                    decided_at=_at(decided, 16) if status in (PlanStatus.APPROVED, PlanStatus.RETURNED) else None,
                    decided_by_id=boss if status in (PlanStatus.APPROVED, PlanStatus.RETURNED) else None,
                    return_reason=rng.choice(RETURN_REASONS) if status == PlanStatus.RETURNED else "")
    files.plans.append(plan)
    event(planned, E.PLAN, 14)
    if status != PlanStatus.DRAFT:
        event(planned, E.PLAN_SUBMIT, 15)
    if status == PlanStatus.APPROVED:
        event(decided, E.PLAN_APPROVE, 16, actor=boss)
    elif status == PlanStatus.RETURNED:
        event(decided, E.PLAN_RETURN, 16, actor=boss, note=plan.return_reason)
    goals = {}
    for need in needs[:3]:
        goal = CaseGoal(plan=plan, need=need, description=GOALS[need],
                        due_on=planned + datetime.timedelta(days=rng.choice((30, 60, 90, 120))),
                        status=GoalStatus.MET if track in ("goals_met", "closing") else GoalStatus.OPEN)
        goals[need] = goal
        files.goals.append(goal)
    # Referrals: after approval, for the plan's needs (a submitted plan may already have an urgent one).
    referrals = []
    if status == PlanStatus.APPROVED or track == "plan_submitted":
        wanted = needs[:1] if track == "plan_submitted" else needs[:3]
        for index, need in enumerate(wanted):
            referrals.append(_referral(files, client, need, by_kind, position, index, track, decided, end, today, rng,
                                       worker, event, consent, goals))
    # Services: those the referrals led to (in _referral) and the ones given directly over the last year.
    first = max(registered, today - datetime.timedelta(days=365))
    if (end - first).days > 20:
        for _ in range(rng.randint(1, 5)):
            day = first + datetime.timedelta(days=rng.randint(0, (end - first).days))
            kind = rng.choice([ServiceKind.PEER_GROUP, ServiceKind.PEER_GROUP, ServiceKind.COUNSELLING,
                               ServiceKind.LIVELIHOOD])
            files.services.append(ServiceRecord(client=client, unit_id=commune.pk, province_id=commune.province_id,
                                                kind=kind, received_on=day, recorded_by_id=worker,
                                                provider=by_kind[ProviderKind.NGO] if kind == ServiceKind.PEER_GROUP
                                                else None))
            event(day, E.SERVICE, 17)
    # Follow-ups every month or so until the file ends; an open file's next visit may already be late.
    day = registered + datetime.timedelta(days=rng.randint(14, 30))
    last = None
    while day < end:
        last = FollowUp(client=client, date=day, kind=rng.choice(list(FollowUpKind)), recorded_by_id=worker,
                        note=rng.choice(FOLLOW_UP_NOTES))
        files.follow_ups.append(last)
        event(day, E.FOLLOW_UP, 11)
        day += datetime.timedelta(days=rng.randint(25, 45))
    if last is not None and not closed_track:
        last.next_due = last.date + datetime.timedelta(days=30)
    # Closure: requested by the case worker, approved by the supervisor (one still waits).
    if closed_track or track == "closing":
        event(end, E.CLOSE_REQUEST, 15, note=CLOSE_NOTES[track])
        client.status = CaseStatus.CLOSING
        if closed_track:
            approved = min(end + datetime.timedelta(days=2), today)
            event(approved, E.CLOSE_APPROVE, 10, actor=boss)
            client.status, client.closed_on, client.closure_reason = CaseStatus.CLOSED, approved, CLOSED_REASON[track]


def _referral(files, client, need, by_kind, position, index, track, decided, end, today, rng, worker, event, consent,
              goals):
    provider = by_kind[NEED_PROVIDER[need]]
    forced = FORCED_REFERRAL.get(position) if index == 0 and track == "active" else None
    if position == EXPIRED_REFERRAL and index == 0:
        referred = decided  # long enough ago for its consent to have expired since
    elif forced == "overdue":
        referred = today - datetime.timedelta(days=rng.randint(16, 30))
    elif forced == "pending":
        referred = today - datetime.timedelta(days=rng.randint(1, 4))
    else:
        latest = max(decided, end - datetime.timedelta(days=20))
        referred = min(decided + datetime.timedelta(days=rng.randint(0, max(0, (latest - decided).days))), today)
    referred = max(referred, decided)
    due = referred + datetime.timedelta(days=14)
    if forced in ("overdue", "pending"):
        status = ReferralStatus.SENT
    elif forced:
        status = forced
    elif track in ("goals_met", "closing", "moved", "lost", "withdrew"):
        status = rng.choice([ReferralStatus.COMPLETED] * 4 + [ReferralStatus.NOT_SERVED])
    elif (today - referred).days < 10:
        status = rng.choice([ReferralStatus.SENT, ReferralStatus.RECEIVED])
    else:
        status = rng.choice([ReferralStatus.COMPLETED] * 6 + [ReferralStatus.RECEIVED, ReferralStatus.NOT_SERVED])
    # The referral consent names the provider; one expires a month after its (completed) referral.
    expires = None
    if position == EXPIRED_REFERRAL and index == 0 and (today - referred).days > 40:
        expires = referred + datetime.timedelta(days=30)
        status = ReferralStatus.COMPLETED
    consent(ConsentPurpose.REFERRAL, referred, provider=provider, expires=expires)
    received = completed = None
    if status in (ReferralStatus.RECEIVED, ReferralStatus.COMPLETED, ReferralStatus.NOT_SERVED):
        received = min(referred + datetime.timedelta(days=rng.randint(1, 5)), today)
    if status in (ReferralStatus.COMPLETED, ReferralStatus.NOT_SERVED):
        completed = min(received + datetime.timedelta(days=rng.randint(0, 10)), today)
    via = "" if status in (ReferralStatus.SENT, ReferralStatus.CANCELLED) else rng.choice(["app", "link", "worker"])
    if provider.kind == ProviderKind.HEALTH_STATION and via:
        via = "app"  # the health station has its PCMD account
    referral = Referral(client=client, unit_id=client.unit_id, province_id=client.province_id, provider=provider,
                        need=need, referred_on=referred, answer_due=due, note=REFERRAL_NOTES[need], status=status,
                        received_on=received, completed_on=completed if status == ReferralStatus.COMPLETED else None,
                        outcome_note=OUTCOMES.get(status, ""), answered_via=via, created_by_id=worker)
    files.referrals.append(referral)
    event(referred, E.REFER, 10)
    if received:
        event(received, E.REFERRAL_ANSWER, 16, actor=worker if via == "worker" else None)
    if status == ReferralStatus.COMPLETED:
        files.services.append(ServiceRecord(client=client, unit_id=client.unit_id, province_id=client.province_id,
                                            kind=NEED_SERVICE[need], received_on=completed, provider=provider,
                                            referral=referral, recorded_by_id=worker))
        event(completed, E.SERVICE, 17)
        if need in goals:
            goals[need].status = GoalStatus.MET
    if status == ReferralStatus.CANCELLED:
        event(min(referred + datetime.timedelta(days=3), today), E.EDIT, 9,
              note="Hủy giới thiệu: người được hỗ trợ đã tự đến nơi khác.")
    return referral


def _outreach(commune, worker, today, rng) -> list[OutreachContact]:
    """Peer educators' sessions: two to four a month over the last twelve months, in the commune's hamlets."""
    from pcmd.venues.models import Establishment

    hamlets = list(AdminUnit.objects.filter(parent=commune, level=Level.HAMLET).order_by("code")
                   .values_list("pk", flat=True)) or [commune.pk]
    venues = list(Establishment.objects.filter(unit=commune).order_by("pk").values_list("pk", flat=True)[:6])
    rows = []
    for months_ago in range(12):
        month_end = today - datetime.timedelta(days=30 * months_ago)
        for _ in range(rng.randint(2, 4)):
            day = month_end - datetime.timedelta(days=rng.randint(0, 29))
            reached = rng.randint(5, 25)
            venue = rng.choice(venues) if venues and rng.random() < 0.3 else None
            rows.append(OutreachContact(
                unit_id=rng.choice(hamlets), province_id=commune.province_id, date=day, establishment_id=venue,
                place="" if venue else rng.choice(PLACES).format(n=rng.randint(2, 60), street=rng.choice(STREETS)),
                worker=rng.choice(PEERS), people_reached=reached, new_people=rng.randint(0, reached // 2),
                info_materials=rng.randint(reached, 2 * reached), condoms=rng.randint(2, 8) * reached,
                referral_cards=rng.randint(0, reached // 3), recorded_by_id=worker))
    return rows


# ------------------------------------------------------------------------------------------------------
# Volume: province and national scale
# ------------------------------------------------------------------------------------------------------

BATCH = 5000
CHUNK_COMMUNES = 150     # communes built in memory at a time (~4,500 files, ~45,000 services)
VOLUME_PER_COMMUNE = (10, 50)   # ~30 files a commune: ~100,000 over 3,321 communes
SERVICES_PER_FILE = (3, 17)     # ~10: ~1,000,000 services
REFERRALS_PER_FILE = (1, 4)     # ~2 (at most one a need): ~200,000 referrals
REPORTING_SHARE = 0.9


def _progress(message: str) -> None:
    sys.stdout.write(f"  [hỗ trợ] {message}\n")
    sys.stdout.flush()


def seed_volume(ctx: SeedContext) -> None:
    """Files in bulk for every Hải Phòng commune (`province`) or every commune (`national`).

    Built from ids in plain loops and inserted with bulk_create in batches of 5,000, parents first; no
    per-row save. The encrypted fields (name, contact, notes) are left blank at scale: encrypting millions of
    values would take most of the run and the figures and pages measured read the plain columns; the demo
    communes above carry the encrypted ones. A commune that already has more files than its demo ones is
    skipped, so a second run adds nothing.
    """
    started = time.perf_counter()
    today = timezone.localdate()
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).order_by("code")
    if ctx.scale == "province":
        communes = communes.filter(province__code=HAI_PHONG)
    communes = list(communes.values_list("pk", "province_id", "code"))
    have = dict(_count_by_unit(Client.objects.all()))
    demo = {c.pk for c in (_commune(p, f) for p, f, _x, _y in COMMUNES) if c is not None}
    workers = dict(Membership.objects.filter(role=Role.CASE_WORKER, unit__level=Level.COMMUNE)
                   .order_by("-pk").values_list("unit_id", "user_id"))
    todo = [c for c in communes if have.get(c[0], 0) <= (PER_COMMUNE if c[0] in demo else 0)]
    totals = dict.fromkeys(("clients", "services", "referrals", "consents"), 0)
    _progress(f"{len(todo)} xã, phường cần thêm hồ sơ (quy mô {ctx.scale})")
    for start in range(0, len(todo), CHUNK_COMMUNES):
        chunk = todo[start:start + CHUNK_COMMUNES]
        counts = _volume_chunk(chunk, have, workers, today)
        for key, value in counts.items():
            totals[key] += value
        _progress(f"{min(start + CHUNK_COMMUNES, len(todo))}/{len(todo)} xã: {totals['clients']:,} hồ sơ, "
                  f"{totals['services']:,} dịch vụ, {totals['referrals']:,} giới thiệu "
                  f"({time.perf_counter() - started:.0f} giây)")
    ctx.summary["hồ sơ hỗ trợ mới (quy mô lớn)"] = totals["clients"]
    ctx.summary["dịch vụ đã nhận mới (quy mô lớn)"] = totals["services"]
    ctx.summary["giới thiệu dịch vụ mới (quy mô lớn)"] = totals["referrals"]
    ctx.summary["sự đồng ý mới (quy mô lớn)"] = totals["consents"]


def _count_by_unit(queryset):
    from django.db.models import Count

    return queryset.order_by().values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")


def _volume_chunk(chunk, have, workers, today) -> dict:
    providers, contacts = [], []
    for pk, province_id, code in chunk:
        if have.get(pk, 0):  # a demo commune keeps its own directory and outreach
            continue
        providers += [Provider(unit_id=pk, province_id=province_id, kind=kind, name=name.format(
            commune=f"xã, phường {code}", area=code, city="tỉnh")) for kind, name in PROVIDERS]
        rng = random.Random(f"pcmd-support-outreach-{code}")
        for months_ago in range(12):  # the peer educators' monthly session
            reached = rng.randint(3, 30)
            contacts.append(OutreachContact(unit_id=pk, province_id=province_id, people_reached=reached,
                                            date=today - datetime.timedelta(days=30 * months_ago + rng.randint(0, 29)),
                                            new_people=rng.randint(0, reached // 2), condoms=5 * reached))
    Provider.objects.bulk_create(providers, batch_size=BATCH)
    OutreachContact.objects.bulk_create(contacts, batch_size=BATCH)
    directory = {}
    for provider_id, unit_id, kind in (Provider.objects.filter(unit_id__in=[c[0] for c in chunk])
                                       .order_by("pk").values_list("pk", "unit_id", "kind")):
        directory.setdefault(unit_id, {}).setdefault(kind, provider_id)

    clients, plan_of = [], []
    for pk, province_id, code in chunk:
        rng = random.Random(f"pcmd-support-volume-{code}")
        first_number = have.get(pk, 0) + 1
        for n in range(rng.randint(*VOLUME_PER_COMMUNE)):
            registered = today - datetime.timedelta(days=rng.randint(1, 730))
            roll = rng.random()
            status, closed_on, reason = CaseStatus.OPEN, None, ""
            if roll < 0.22 and (today - registered).days > 120:
                status, closed_on = CaseStatus.CLOSED, registered + datetime.timedelta(days=rng.randint(90, 120))
                reason = rng.choice([ClosureReason.GOALS_MET, ClosureReason.GOALS_MET, ClosureReason.MOVED,
                                     ClosureReason.LOST, ClosureReason.WITHDREW])
            elif roll < 0.25:
                status = CaseStatus.CLOSING
            sex = Sex.FEMALE if rng.random() < 0.93 else Sex.MALE
            birth_year = today.year - rng.randint(18, 50)
            clients.append(Client(
                unit_id=pk, province_id=province_id, code=f"HT-{code}-{first_number + n:06d}",
                uic=uic(rng.choice(PARENTS), rng.choice(PARENTS), birth_year, sex), sex=sex, birth_year=birth_year,
                registered_on=registered, case_worker_id=workers.get(pk), status=status, closed_on=closed_on,
                closure_reason=reason, source=ClientSource.OUTREACH if rng.random() < 0.7 else ClientSource.SELF))
            plan_of.append(rng.random())
    Client.objects.bulk_create(clients, batch_size=BATCH)

    rng = random.Random(f"pcmd-support-volume-rows-{chunk[0][2]}")
    consents, screenings, plans, referrals, events, follow_ups = [], [], [], [], [], []
    pending_services = []  # (client, referral or None, kind, day, provider id)
    for client, roll in zip(clients, plan_of, strict=True):
        end = client.closed_on or today
        providers = directory[client.unit_id]
        reg = client.registered_on
        events.append(CaseEvent(client_id=client.pk, at=_at(reg, 8), action=E.REGISTER, actor_id=client.case_worker_id))
        consents.append(Consent(client_id=client.pk, purpose=ConsentPurpose.SERVICES, method=ConsentMethod.VERBAL,
                                given_on=reg, recorded_at=_at(reg, 9), recorded_by_id=client.case_worker_id))
        if rng.random() < REPORTING_SHARE:
            consents.append(Consent(client_id=client.pk, purpose=ConsentPurpose.REPORTING, given_on=reg,
                                    method=ConsentMethod.VERBAL, recorded_at=_at(reg, 9),
                                    recorded_by_id=client.case_worker_id))
        if roll < 0.04:  # not screened yet
            continue
        screened = min(reg + datetime.timedelta(days=rng.randint(0, 5)), today)
        needs = _needs(rng, rng.randint(2, 4))
        screening = Screening(client_id=client.pk, screened_on=screened, needs=needs, eligible=roll < 0.95,
                              screened_by_id=client.case_worker_id)
        screenings.append(screening)
        status = (PlanStatus.APPROVED if roll < 0.82 else PlanStatus.SUBMITTED if roll < 0.88
                  else PlanStatus.RETURNED if roll < 0.91 else PlanStatus.DRAFT)
        planned = min(screened + datetime.timedelta(days=2), today)
        # At scale plans carry no goals (their text is encrypted); the demo communes show them.
        plans.append(CasePlan(client_id=client.pk, screening=screening, status=status, created_at=_at(planned, 14),
                              created_by_id=client.case_worker_id,
                              decided_at=_at(planned, 16) if status in (PlanStatus.APPROVED, PlanStatus.RETURNED)
                              else None))
        span = max(0, (end - planned).days)
        for need in needs[:rng.randint(*REFERRALS_PER_FILE)]:
            referred = planned + datetime.timedelta(days=rng.randint(0, span))
            pick = rng.random()
            rstatus = (ReferralStatus.COMPLETED if pick < 0.6 else ReferralStatus.RECEIVED if pick < 0.7
                       else ReferralStatus.SENT if pick < 0.85 else ReferralStatus.NOT_SERVED if pick < 0.95
                       else ReferralStatus.CANCELLED)
            if client.status != CaseStatus.OPEN and rstatus in (ReferralStatus.SENT, ReferralStatus.RECEIVED):
                rstatus = ReferralStatus.COMPLETED  # a file is closed only once its referrals are answered
            provider_id = providers[NEED_PROVIDER[need]]
            answered = min(referred + datetime.timedelta(days=rng.randint(1, 12)), today)
            referral = Referral(client_id=client.pk, unit_id=client.unit_id, province_id=client.province_id,
                                provider_id=provider_id, need=need, referred_on=referred,
                                answer_due=referred + datetime.timedelta(days=14), status=rstatus,
                                received_on=answered if rstatus in (ReferralStatus.RECEIVED, ReferralStatus.COMPLETED,
                                                                    ReferralStatus.NOT_SERVED) else None,
                                completed_on=answered if rstatus == ReferralStatus.COMPLETED else None,
                                answered_via="worker" if rstatus not in (ReferralStatus.SENT,
                                                                         ReferralStatus.CANCELLED) else "",
                                created_by_id=client.case_worker_id)
            referrals.append(referral)
            consents.append(Consent(client_id=client.pk, purpose=ConsentPurpose.REFERRAL, provider_id=provider_id,
                                    given_on=referred, method=ConsentMethod.VERBAL, recorded_at=_at(referred, 9),
                                    recorded_by_id=client.case_worker_id))
            if rstatus == ReferralStatus.COMPLETED:
                pending_services.append((client, referral, NEED_SERVICE[need], answered, provider_id))
        for _ in range(rng.randint(1, 3)):
            follow_ups.append(FollowUp(client_id=client.pk, kind=FollowUpKind.PHONE,
                                       recorded_by_id=client.case_worker_id,
                                       date=reg + datetime.timedelta(days=rng.randint(0, (end - reg).days))))
        # Services over the file's life (received on or after registration, never in the future).
        for _ in range(rng.randint(*SERVICES_PER_FILE) - 1):
            kind = rng.choice((ServiceKind.PEER_GROUP, ServiceKind.COUNSELLING, ServiceKind.STI_HIV_TEST,
                               ServiceKind.HEALTH_CHECK, ServiceKind.LIVELIHOOD, ServiceKind.TREATMENT))
            day = reg + datetime.timedelta(days=rng.randint(0, (end - reg).days))
            pending_services.append((client, None, kind, day, None))
    Screening.objects.bulk_create(screenings, batch_size=BATCH)
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    services = [ServiceRecord(client_id=c.pk, unit_id=c.unit_id, province_id=c.province_id, kind=kind, received_on=day,
                              provider_id=provider_id, referral_id=referral.pk if referral else None,
                              recorded_by_id=c.case_worker_id)
                for c, referral, kind, day, provider_id in pending_services]
    for model, rows in ((Consent, consents), (CasePlan, plans), (CaseEvent, events),
                        (FollowUp, follow_ups), (ServiceRecord, services)):
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start:start + BATCH])
    return {"clients": len(clients), "services": len(services), "referrals": len(referrals),
            "consents": len(consents)}
