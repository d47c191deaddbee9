"""Demo hotspots: `seed_hotspots` runs from core.demo.SEEDERS after establishments and inspections.

Phường Bạch Đằng gets four hand-written hotspots with histories (one suppressed and under monitoring,
one re-emerged, one online, one closed). At `province` scale every other Hải Phòng commune, at
`national` scale every commune, gets 0–3 hotspots with plausible lifecycles between 2023 and the
reference date. Each commune has its own random stream (seeded from its code); communes that already
have hotspots are skipped, so a second run adds nothing. Everything is bulk-inserted.
"""

import datetime
import random
from dataclasses import dataclass, field

from pcmd.core.demo import HAI_PHONG, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.venues.models import Establishment

from .models import Hotspot, HotspotEvent, HotspotKind, HotspotStatus
from .services import add_months, replay

S = HotspotStatus
REFERENCE_DATE = datetime.date(2026, 10, 31)  # fixed, so the data is the same whatever day it is seeded
PUBLIC_PLACES = [
    "Khu vực vỉa hè đường {street}", "Khu vực công viên {street}", "Bãi đất trống cuối đường {street}",
    "Khu vực chân cầu {street}", "Khu vực bến xe, bến phà {street}", "Dãy quán ven đường {street}",
]
ONLINE_PLACES = ["Nhóm mạng xã hội “{street} 24/7”", "Trang quảng cáo dịch vụ “Thư giãn {street}”",
                 "Tài khoản rao dịch vụ “{street} VIP”"]
STREETS = ["Lạch Tray", "Tam Bạc", "Cầu Đất", "Lê Lợi", "Văn Cao", "Trần Phú", "Hùng Vương", "Nguyễn Trãi",
           "Quang Trung", "Minh Khai", "Hoàng Văn Thụ", "Tô Hiệu", "Điện Biên Phủ", "Phan Bội Châu"]
METHODS = [
    "Tuần tra, kiểm soát thường xuyên; lập biên bản, xử phạt các trường hợp vi phạm.",
    "Kiểm tra, xử phạt cơ sở; yêu cầu chủ cơ sở ký cam kết; tăng cường camera an ninh.",
    "Phối hợp tổ dân phố vận động, tuyên truyền; bố trí lực lượng chốt chặn.",
    "Đề nghị gỡ bỏ nội dung, khóa tài khoản; triệu tập người quản trị để làm việc.",
]


@dataclass
class Story:
    hotspot: Hotspot
    steps: list[tuple] = field(default_factory=list)  # (date, target status, method, agency, months)
    establishments: list[Establishment] = field(default_factory=list)


def seed_hotspots(ctx: SeedContext) -> None:
    today = min(REFERENCE_DATE, datetime.date.today())
    stories: list[Story] = []
    bd = bach_dang()
    if not Hotspot.objects.filter(unit=bd).exists():
        stories += _bach_dang_stories(bd, today)
    communes = _other_communes(ctx.scale, bd)
    if communes:
        have = set(Hotspot.objects.filter(unit__in=communes).values_list("unit_id", flat=True).distinct())
        communes = [c for c in communes if c.pk not in have]
        police = dict(Agency.objects.filter(unit__in=communes, kind__code="cong-an-xa").values_list("unit_id", "pk"))
        venues: dict[int, list[Establishment]] = {}
        for est in Establishment.objects.filter(unit__in=communes).only("pk", "unit_id", "name").order_by("pk"):
            venues.setdefault(est.unit_id, []).append(est)
        for commune in communes:
            stories += _random_stories(commune, police.get(commune.pk), venues.get(commune.pk, []), today)
    created = _save(stories)
    ctx.summary["điểm, tụ điểm phức tạp mới"] = created


def _other_communes(scale: str, bd: AdminUnit) -> list[AdminUnit]:
    if scale == "demo":
        return []
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).exclude(pk=bd.pk).order_by("code")
    if scale == "province":
        communes = communes.filter(province__code=HAI_PHONG)
    return list(communes)


def _hotspot(commune, name, kind, first, *, location="", url="", description="", hamlet=None) -> Hotspot:
    hotspot = Hotspot(unit=commune, province_id=commune.province_id, name=name, kind=kind, first_identified=first,
                      location=location, url=url, description=description, hamlet=hamlet)
    hotspot.refresh_search_text()
    return hotspot


def _bach_dang_stories(bd: AdminUnit, today: datetime.date) -> list[Story]:
    police = Agency.objects.filter(unit=bd, kind__code="cong-an-xa").first()
    hamlets = list(AdminUnit.objects.filter(parent=bd, level=Level.HAMLET).order_by("code")[:3]) or [None] * 3
    venues = list(Establishment.objects.filter(unit=bd).order_by("pk")[:3])
    d = datetime.date
    monitored = Story(_hotspot(bd, "Khu vực vỉa hè đường Bạch Đằng gần bến phà", HotspotKind.PUBLIC, d(2025, 11, 8),
                               location="Đường Bạch Đằng, đoạn gần bến phà", hamlet=hamlets[0],
                               description="Người môi giới đứng đón khách vào buổi tối."),
                      [(d(2026, 4, 20), S.SUPPRESSED, METHODS[0], police, None),
                       (d(2026, 5, 1), S.MONITORED, "", None, 12)])
    reemerged = Story(_hotspot(bd, "Cụm nhà nghỉ, karaoke đường Tam Bạc", HotspotKind.ESTABLISHMENT,
                               d(2024, 11, 2), location="Đường Tam Bạc", hamlet=hamlets[1],
                               description="Cơ sở bố trí phòng cho người mua bán dâm."),
                      [(d(2025, 2, 20), S.SUPPRESSED, METHODS[1], police, None),
                       (d(2025, 3, 1), S.MONITORED, "", None, 6),
                       (d(2025, 8, 12), S.ACTIVE, "Phát hiện hoạt động trở lại qua tin báo của tổ dân phố.", police,
                        None)],
                      venues[:2])
    online = Story(_hotspot(bd, "Nhóm mạng xã hội “Thư giãn Hải Phòng 24/7”", HotspotKind.ONLINE, d(2026, 2, 14),
                            url="https://example.invalid/nhom-thu-gian-hai-phong",
                            description="Nhóm kín rao dịch vụ, hẹn gặp tại khu vực phường."))
    closed = Story(_hotspot(bd, "Bãi đất trống sau chợ Tam Bạc", HotspotKind.PUBLIC, d(2023, 6, 1),
                            location="Sau chợ Tam Bạc", hamlet=hamlets[2]),
                   [(d(2023, 10, 5), S.SUPPRESSED, METHODS[2], police, None),
                    (d(2023, 10, 5), S.MONITORED, "", None, 12),
                    (d(2024, 10, 10), S.CLOSED, "", None, None)],
                   venues[2:3])
    stories = [monitored, reemerged, online, closed]
    for story in stories:
        story.steps = [s for s in story.steps if s[0] <= today]
    return stories


def _random_stories(commune, police_id, venues, today) -> list[Story]:
    rng = random.Random(f"hotspots:{commune.code}")
    count = rng.choices([0, 1, 2, 3], weights=[50, 30, 15, 5])[0]
    stories = []
    for _ in range(count):
        street = rng.choice(STREETS)
        kind = rng.choices([HotspotKind.PUBLIC, HotspotKind.ESTABLISHMENT, HotspotKind.ONLINE], weights=[40, 45, 15])[0]
        if kind == HotspotKind.ESTABLISHMENT and not venues:
            kind = HotspotKind.PUBLIC
        first = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, (today - datetime.date(2023, 1, 1))
                                                                                  .days - 30))
        linked = []
        if kind == HotspotKind.ESTABLISHMENT:
            linked = rng.sample(venues, min(len(venues), rng.randint(1, 2)))
            hotspot = _hotspot(commune, f"Khu vực cơ sở {linked[0].name}", kind, first, location=f"Đường {street}")
        elif kind == HotspotKind.ONLINE:
            hotspot = _hotspot(commune, rng.choice(ONLINE_PLACES).format(street=street), kind, first,
                               url=f"https://example.invalid/{commune.code}/{rng.randint(100, 999)}")
        else:
            hotspot = _hotspot(commune, rng.choice(PUBLIC_PLACES).format(street=street), kind, first,
                               location=f"Đường {street}")
        stories.append(Story(hotspot, _random_steps(rng, first, police_id, today, kind), linked))
    return stories


def _random_steps(rng, first, police_id, today, kind) -> list[tuple]:
    steps, day = [], first
    for _ in range(3):  # at most three suppress / re-emerge cycles
        if rng.random() > 0.65:
            break
        day = day + datetime.timedelta(days=rng.randint(30, 240))
        if day > today:
            break
        method = METHODS[3] if kind == HotspotKind.ONLINE else rng.choice(METHODS[:3])
        steps.append((day, S.SUPPRESSED, method, police_id, None))
        months = rng.choice([6, 6, 12])
        day = day + datetime.timedelta(days=rng.randint(0, 10))
        if day > today:
            break
        steps.append((day, S.MONITORED, "", None, months))
        until = add_months(day, months)
        if rng.random() < 0.15:  # re-emerges during or after monitoring
            day = day + datetime.timedelta(days=rng.randint(20, 400))
            if day > today:
                break
            steps.append((day, S.ACTIVE, "Phát hiện hoạt động trở lại.", police_id, None))
            continue
        close_day = until + datetime.timedelta(days=rng.randint(0, 20))
        if close_day <= today and rng.random() < 0.85:
            steps.append((close_day, S.CLOSED, "", None, None))
        break
    return steps


def _apply(story: Story) -> list[HotspotEvent]:
    """Play the story on the hotspot's fields and return its events (to save once the hotspot has a pk)."""
    h = story.hotspot
    events = [HotspotEvent(date=h.first_identified, from_status="", to_status=S.ACTIVE,
                           note="Phát hiện điểm, tụ điểm.")]
    status = S.ACTIVE
    for day, target, method, agency, months in story.steps:
        agency_id = agency.pk if isinstance(agency, Agency) else agency
        suppression = target == S.SUPPRESSED
        events.append(HotspotEvent(date=day, from_status=status, to_status=target, is_reemergence=target == S.ACTIVE,
                                   method=method if suppression else "", monitor_months=months,
                                   note="" if suppression else method, agency_id=agency_id))
        status = target
    replay(h, events)
    return events


def _save(stories: list[Story]) -> int:
    if not stories:
        return 0
    events_by_story = [_apply(story) for story in stories]
    Hotspot.objects.bulk_create([s.hotspot for s in stories], batch_size=2000)
    events, links, visit_links = [], [], []
    Link = Hotspot.establishments.through
    VisitLink = Hotspot.visits.through
    establishment_ids = {est.pk for s in stories for est in s.establishments}
    visits: dict[int, list[int]] = {}
    for est_id, visit_id in (Visit.objects.filter(establishment_id__in=establishment_ids)
                             .order_by("date", "pk").values_list("establishment_id", "pk")):
        visits.setdefault(est_id, []).append(visit_id)
    for story, story_events in zip(stories, events_by_story, strict=True):
        for event in story_events:
            event.hotspot_id = story.hotspot.pk
            events.append(event)
        for est in story.establishments:
            links.append(Link(hotspot_id=story.hotspot.pk, establishment_id=est.pk))
            visit_links += [VisitLink(hotspot_id=story.hotspot.pk, visit_id=v) for v in visits.get(est.pk, [])[-3:]]
    HotspotEvent.objects.bulk_create(events, batch_size=5000)
    Link.objects.bulk_create(links, batch_size=5000)
    VisitLink.objects.bulk_create(visit_links, batch_size=5000)
    return len(stories)
