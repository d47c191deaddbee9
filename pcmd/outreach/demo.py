"""Demo outreach data: `seed_outreach` runs from core.demo.SEEDERS after establishments.

The catalogue of forms; “maintained regularly” rules for Hải Phòng and Ninh Bình; two years of
communication activities (last year and the reference year up to the reference date) for Phường Bạch
Đằng, the demo's Ninh Bình communes and a few more Hải Phòng communes (every Hải Phòng commune at
`province` scale, every commune at `national` scale), each commune with its own diligence so some lag
(quarters without any activity, hamlets seldom covered); denominators for the communes with hamlets.
Each commune has its own random stream (seeded from its code); communes that already have activities
are skipped, so a second run adds nothing. Everything is bulk-inserted.
"""

import datetime
import random

from pcmd.core.demo import HAI_PHONG, NINH_BINH, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency

from .models import (
    REACH_FIELDS,
    Activity,
    ActivityKind,
    Audience,
    BudgetLine,
    Commendation,
    Commitment,
    Course,
    Denominator,
    Integration,
    Participant,
    RegularityRule,
    Spending,
    StaffCategory,
    StaffMember,
    TrainingLevel,
)
from .selectors import proposed_establishment_workers
from .services import activity_kinds_load

REFERENCE_DATE = datetime.date(2026, 10, 31)  # fixed, so the data is the same whatever day it is seeded
AGENCY_KINDS = ["phong-vhxh", "hlhpn-xa", "cong-an-xa", "tram-y-te", "ubnd-xa"]
TOPICS = [
    "Tuyên truyền Luật Phòng, chống mại dâm và các văn bản hướng dẫn",
    "Phòng, chống mua bán người, xâm hại tình dục trẻ em",
    "Phòng, chống HIV/AIDS, các bệnh lây truyền qua đường tình dục",
    "Trách nhiệm của chủ cơ sở kinh doanh dịch vụ trong phòng, chống mại dâm",
    "Giảm kỳ thị, phân biệt đối xử với người bán dâm; hỗ trợ hòa nhập cộng đồng",
    "Phòng, chống bạo lực trên cơ sở giới, bạo lực gia đình",
    "Cảnh giác với thủ đoạn môi giới mại dâm qua mạng xã hội",
]
# kind code -> (weight, hamlets covered (min, max), audiences with (min, max) reached)
PATTERNS = {
    "loa-phat-thanh": (6, (99, 99), {"residents": (300, 1500)}),
    "hoi-nghi": (4, (1, 3), {"residents": (40, 150), "officials": (5, 30)}),
    "to-roi": (3, (1, 4), {"residents": (50, 300), "est_workers": (5, 40)}),
    "pano-bang-ron": (2, (1, 2), {}),
    "mang-xa-hoi": (3, (0, 0), {"residents": (100, 2000)}),
    "bao-chi": (1, (0, 0), {}),
    "ngoai-khoa": (2, (0, 1), {"hs_students": (80, 600)}),
    "truc-tiep-co-so": (3, (0, 2), {"est_workers": (5, 60), "high_risk": (0, 8)}),
    "dong-dang": (1, (0, 1), {"high_risk": (3, 20)}),
}


def seed_outreach(ctx: SeedContext) -> None:
    seed_activities(ctx)
    seed_trainings(ctx)
    seed_integrations(ctx)
    seed_commitments(ctx)
    seed_commendations(ctx)
    seed_budget(ctx)
    seed_photo()


def seed_activities(ctx: SeedContext) -> None:
    activity_kinds_load()
    _rules(bach_dang())
    today = min(REFERENCE_DATE, datetime.date.today())
    bd = bach_dang()
    communes = [bd, *_other_communes(ctx.scale, bd)]
    have = set(Activity.objects.filter(unit__in=communes).values_list("unit_id", flat=True).distinct())
    communes = [c for c in communes if c.pk not in have]
    if not communes:
        return
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    agencies: dict[int, list[int]] = {}
    for unit_id, pk in (Agency.objects.filter(unit__in=communes, kind__code__in=AGENCY_KINDS)
                        .order_by("unit_id", "pk").values_list("unit_id", "pk")):
        agencies.setdefault(unit_id, []).append(pk)
    hamlets: dict[int, list[int]] = {}
    for parent, pk in (AdminUnit.objects.filter(parent__in=communes, level=Level.HAMLET)
                       .order_by("parent_id", "code").values_list("parent_id", "pk")):
        hamlets.setdefault(parent, []).append(pk)
    activities, links = [], []
    for commune in communes:
        rng = random.Random(f"outreach:{commune.code}")
        # Bạch Đằng keeps up; elsewhere diligence varies, so some communes and hamlets lag.
        diligence = 2.2 if commune.pk == bd.pk else rng.choice([0.3, 0.6, 1.2, 1.8, 2.5])
        for year in (today.year - 1, today.year):
            for month in range(1, 13):
                first = datetime.date(year, month, 1)
                if first > today:
                    break
                for _ in range(_count(rng, diligence)):
                    day = first.replace(day=rng.randint(1, 28))
                    if day > today:
                        continue
                    activity, covered = _activity(rng, commune, day, kinds, agencies.get(commune.pk, []),
                                                  hamlets.get(commune.pk, []))
                    activities.append(activity)
                    links.append(covered)
    created = Activity.objects.bulk_create(activities, batch_size=2000)
    through = Activity.hamlets.through
    through.objects.bulk_create([through(activity_id=a.pk, adminunit_id=h) for a, covered in zip(created, links,
                                                                                                 strict=True)
                                 for h in covered], batch_size=5000)
    ctx.summary["hoạt động tuyên truyền mới"] = len(created)
    reached: dict[tuple, int] = {}
    for a in created:
        for name, group in REACH_FIELDS.items():
            key = (a.unit_id, a.date.year, group)
            reached[key] = reached.get(key, 0) + getattr(a, name)
    ctx.summary["số đối tượng mới"] = _denominators([c for c in communes if c.pk in hamlets], today, hamlets,
                                                    reached)


def _other_communes(scale: str, bd: AdminUnit) -> list[AdminUnit]:
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).exclude(pk=bd.pk).order_by("code")
    if scale == "demo":
        return [*AdminUnit.objects.filter(province__code=NINH_BINH, level=Level.COMMUNE)[:3],
                *communes.filter(province__code=HAI_PHONG)[:8]]
    if scale == "province":
        communes = communes.filter(province__code=HAI_PHONG)
    return list(communes)


def _count(rng: random.Random, diligence: float) -> int:
    """Activities in a month: around `diligence`, often none for lagging communes."""
    n = 0
    for _ in range(4):
        if rng.random() < diligence / 4:
            n += 1
    return n


def _activity(rng, commune, day, kinds, agencies, hamlets) -> tuple[Activity, list[int]]:
    codes = list(PATTERNS)
    code = rng.choices(codes, weights=[PATTERNS[c][0] for c in codes])[0]
    _weight, (low, high), audiences = PATTERNS[code]
    if hamlets and high:
        # The last two hamlets are seldom covered (the lagging ones of the demo).
        pool = hamlets if high == 99 else [h for i, h in enumerate(hamlets) if i < len(hamlets) - 2 or
                                           rng.random() < 0.15]
        covered = pool if high == 99 else rng.sample(pool, min(len(pool), rng.randint(low, high)))
    else:
        covered = []
    activity = Activity(
        unit=commune, province_id=commune.province_id, date=day, kind=kinds[code], topic=rng.choice(TOPICS),
        agency_id=rng.choice(agencies) if agencies else None,
        integ_drugs=rng.random() < 0.3, integ_hiv=rng.random() < 0.25, integ_trafficking=rng.random() < 0.3,
        integ_gbv=rng.random() < 0.15, integ_social=rng.random() < 0.1,
        leaflets=rng.randint(50, 500) if code == "to-roi" else 0, panos=rng.randint(1, 6) if code == "pano-bang-ron"
        else 0,
        **{f"reach_{group}": rng.randint(lo, hi) for group, (lo, hi) in audiences.items()},
    )
    activity.refresh_search_text()
    return activity, covered


def _rules(bd: AdminUnit) -> None:
    have = set(RegularityRule.objects.values_list("unit__code", flat=True))
    new = []
    for code, per_quarter, quarters, notes in [
        (bd.code, 1, 4, "Kế hoạch của UBND phường: mỗi tổ dân phố được tuyên truyền ít nhất 1 lần mỗi quý"),
        (HAI_PHONG, 1, 4, "Kế hoạch phòng, chống mại dâm của thành phố: duy trì ít nhất 1 hình thức mỗi quý"),
        (NINH_BINH, 1, 3, "Tối thiểu 3 quý trong năm có hoạt động tuyên truyền"),
    ]:
        if code not in have:
            unit = AdminUnit.objects.get(code=code)
            rule = RegularityRule(unit=unit, province_id=unit.province_id, min_per_quarter=per_quarter,
                                  min_quarters=quarters, notes=notes)
            rule.refresh_search_text()
            new.append(rule)
    RegularityRule.objects.bulk_create(new)


def _denominators(communes, today, hamlets, reached) -> int:
    """The bases of the communes with hamlets; a demo base is never below what its activities reached."""
    new = []
    for commune in communes:
        rng = random.Random(f"outreach-base:{commune.code}")
        workers = proposed_establishment_workers(commune)
        residents = len(hamlets[commune.pk]) * rng.randint(700, 1200)
        values = {
            Audience.RESIDENTS: (residents, "Số nhân khẩu do Công an phường cung cấp"),
            Audience.EST_WORKERS: (workers or rng.randint(40, 200), "Sổ quản lý cơ sở kinh doanh dịch vụ"),
            Audience.HS_STUDENTS: (rng.randint(400, 1500), "Số liệu các trường trung học trên địa bàn"),
            Audience.OFFICIALS: (rng.randint(25, 60), "Danh sách cán bộ, công chức của UBND"),
        }
        for year in (today.year - 1, today.year):
            for group, (value, source) in values.items():
                value = max(value, int(reached.get((commune.pk, year, group), 0) * 1.25) + 50)
                item = Denominator(unit=commune, province_id=commune.province_id, year=year, group=group, value=value,
                                   source=source, as_of=datetime.date(year, 1, 15))
                item.refresh_search_text()
                new.append(item)
    Denominator.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


# --------------------------------------------------------------------------------------------- trainings

POSITIONS = {
    "phong-vhxh": ("Chuyên viên", StaffCategory.CONG_CHUC), "cong-an-xa": ("Cán bộ công an", StaffCategory.CHIEN_SI),
    "hlhpn-xa": ("Chủ tịch Hội", StaffCategory.CAN_BO), "tram-y-te": ("Y sĩ", StaffCategory.VIEN_CHUC),
    "ubnd-xa": ("Phó Chủ tịch", StaffCategory.CAN_BO), "so-y-te": ("Chuyên viên", StaffCategory.CONG_CHUC),
    "cong-an-tinh": ("Cán bộ", StaffCategory.CHIEN_SI), "so-vhtt": ("Chuyên viên", StaffCategory.CONG_CHUC),
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan", "Linh", "Long", "Mai",
         "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
COURSES = [
    ("Tập huấn nghiệp vụ phòng, chống mại dâm năm {year}", "Luật Phòng, chống mại dâm; hỗ trợ người bán dâm; "
     "kỹ năng kiểm tra cơ sở kinh doanh dịch vụ"),
    ("Bồi dưỡng kỹ năng truyền thông phòng, chống mại dâm năm {year}", "Kỹ năng tuyên truyền; giảm kỳ thị; "
     "lồng ghép phòng, chống mua bán người"),
]


def seed_trainings(ctx: SeedContext) -> None:
    """A roster for Hải Phòng (city agencies, Bạch Đằng and the demo's other Hải Phòng communes) and the
    demo's Ninh Bình communes; each year a city course and a course in each commune, some staff left out."""
    today = min(REFERENCE_DATE, datetime.date.today())
    bd = bach_dang()
    provinces = list(AdminUnit.objects.filter(code__in=[HAI_PHONG, NINH_BINH], level=Level.PROVINCE))
    communes = [bd, *[c for c in _other_communes("demo", bd)]]
    units = [*provinces, *communes]
    if StaffMember.objects.filter(unit__in=units).exists():
        return
    rng = random.Random("outreach-trainings")
    staff: list[StaffMember] = []
    for agency in (Agency.objects.filter(unit__in=units, kind__code__in=POSITIONS).select_related("unit", "kind")
                   .order_by("unit__path", "pk")):
        position, category = POSITIONS[agency.kind.code]
        for n in range(rng.randint(2, 4)):
            person = StaffMember(unit=agency.unit, province_id=agency.unit.province_id, agency=agency,
                                 full_name=_name(rng), position=position if n == 0 else "Cán bộ",
                                 category=category if n < 2 else rng.choice(StaffCategory.values))
            person.refresh_search_text()
            staff.append(person)
    for commune in communes:  # collaborators and peer educators of the hamlets
        for category in (StaffCategory.CONG_TAC_VIEN, StaffCategory.TUYEN_TRUYEN_VIEN, StaffCategory.DONG_DANG):
            person = StaffMember(unit=commune, province_id=commune.province_id, full_name=_name(rng),
                                 category=category)
            person.refresh_search_text()
            staff.append(person)
    staff = StaffMember.objects.bulk_create(staff)
    organisers = {a.unit_id: a for a in Agency.objects.filter(unit__in=units, kind__code__in=["so-y-te", "phong-vhxh"])}
    courses, seats = [], []
    for year in (today.year - 1, today.year):
        for unit in units:
            title, topics = COURSES[(year + unit.pk) % 2]
            start = datetime.date(year, rng.randint(3, 9), rng.randint(1, 25))
            if start > today:
                continue
            level = TrainingLevel.PROVINCE if unit.level == Level.PROVINCE else TrainingLevel.COMMUNE
            course = Course(unit=unit, province_id=unit.province_id, level=level, title=title.format(year=year),
                            topics=topics, organiser=organisers.get(unit.pk), start_date=start,
                            end_date=start + datetime.timedelta(days=rng.randint(0, 2)),
                            venue=f"Hội trường {unit.name}")
            course.refresh_search_text()
            courses.append(course)
            pool = [s for s in staff if (s.province_id == unit.pk if level == TrainingLevel.PROVINCE
                                         else s.unit_id == unit.pk)]
            share = rng.uniform(0.45, 0.9)
            seats.append((course, [s for s in pool if rng.random() < share]))
    Course.objects.bulk_create(courses)
    Participant.objects.bulk_create([Participant(course=course, staff=s, attended=rng.random() < 0.92)
                                     for course, people in seats for s in people])
    ctx.summary["cán bộ trong danh sách tập huấn"] = len(staff)
    ctx.summary["lớp tập huấn mới"] = len(courses)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def seed_integrations(ctx: SeedContext) -> None:
    """Integration documents: Bạch Đằng both years, the other demo communes about two in three (some lag)."""
    today = min(REFERENCE_DATE, datetime.date.today())
    bd = bach_dang()
    communes = [bd, *_other_communes(ctx.scale, bd)]
    have = set(Integration.objects.filter(unit__in=communes).values_list("unit_id", flat=True))
    new = []
    for commune in communes:
        if commune.pk in have:
            continue
        rng = random.Random(f"outreach-integration:{commune.code}")
        for year in (today.year - 1, today.year):
            if commune.pk != bd.pk and rng.random() < 0.35:
                continue
            item = Integration(
                unit=commune, province_id=commune.province_id, year=year, with_drugs=True,
                with_hiv=rng.random() < 0.7, with_trafficking=rng.random() < 0.8,
                with_social_security=rng.random() < 0.4, with_poverty=rng.random() < 0.3,
                document_number=f"{rng.randint(10, 250)}/KH-UBND",
                document_date=datetime.date(year, 2, rng.randint(1, 28)),
                document_title=f"Kế hoạch thực hiện công tác phòng, chống tệ nạn xã hội năm {year}")
            item.refresh_search_text()
            new.append(item)
    Integration.objects.bulk_create(new, batch_size=2000)
    ctx.summary["văn bản lồng ghép mới"] = len(new)


DEMO_SCAN = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


def seed_commitments(ctx: SeedContext) -> None:
    """A commitment for every demo establishment whose profile records a signing date; Bạch Đằng's first has a scan."""
    from django.core.files.base import ContentFile

    from pcmd.venues.models import Establishment

    bd = bach_dang()
    communes = [bd, *_other_communes(ctx.scale, bd)]
    signed = (Establishment.objects.filter(unit__in=communes, commitment_date__isnull=False)
              .exclude(commitments__isnull=False).order_by("pk"))
    new = [Commitment(establishment=e, date=e.commitment_date, signed_by=e.owner_name or "Chủ cơ sở",
                      valid_until=e.commitment_date.replace(year=e.commitment_date.year + 2) if e.pk % 3 == 0
                      else None) for e in signed.only("pk", "commitment_date", "owner_name")]
    Commitment.objects.bulk_create(new, batch_size=2000)
    ctx.summary["bản cam kết mới"] = len(new)
    first = Commitment.objects.filter(establishment__unit=bd, scan="").order_by("pk").first()
    if first is not None and not Commitment.objects.filter(establishment__unit=bd).exclude(scan="").exists():
        first.scan.save("cam-ket.pdf", ContentFile(DEMO_SCAN), save=True)


def seed_commendations(ctx: SeedContext) -> None:
    """Last year's commendations of Bạch Đằng and Hải Phòng (awarded) and this year's proposals."""
    from pcmd.core.demo import HAI_PHONG as HP

    bd = bach_dang()
    if Commendation.objects.filter(unit=bd).exists():
        return
    hp = AdminUnit.objects.get(code=HP)
    year = min(REFERENCE_DATE, datetime.date.today()).year
    rows = [
        (hp, year - 1, True, bd.name, "", "Bằng khen của Chủ tịch UBND thành phố", "awarded", "1234/QĐ-UBND",
         datetime.date(year - 1, 12, 20)),
        (bd, year - 1, False, "Nguyễn Thị Hạnh", "Chuyên viên Phòng Văn hóa - Xã hội",
         "Giấy khen của Chủ tịch UBND phường", "awarded", "56/QĐ-UBND", datetime.date(year - 1, 12, 28)),
        (bd, year, True, "Tổ dân phố số 3", "", "Giấy khen của Chủ tịch UBND phường", "proposed", "", None),
    ]
    new = []
    for unit, y, collective, recipient, position, form, status, number, day in rows:
        item = Commendation(unit=unit, province_id=unit.province_id, year=y, is_collective=collective,
                            recipient=recipient, position=position, form=form, status=status,
                            achievement="Thành tích xuất sắc trong công tác phòng, chống mại dâm",
                            proposal_number=f"{len(new) + 10}/TTr-UBND", decision_number=number, decision_date=day)
        item.refresh_search_text()
        new.append(item)
    Commendation.objects.bulk_create(new)


def seed_budget(ctx: SeedContext) -> None:
    """Bạch Đằng's allocations for the two years (state budget for its plan, a socialised line) and spendings."""
    from pcmd.plans.models import Plan

    bd = bach_dang()
    if BudgetLine.objects.filter(unit=bd).exists():
        return
    today = min(REFERENCE_DATE, datetime.date.today())
    plan = Plan.objects.filter(unit=bd).order_by("pk").first()
    rng = random.Random("outreach-budget")
    lines = []
    for year in (today.year - 1, today.year):
        for item, source, amount in [
            ("Tuyên truyền, in tờ rơi, pa nô", "state", 30_000_000),
            ("Hoạt động của Đội kiểm tra liên ngành 178", "state", 20_000_000),
            ("Tài trợ hội nghị tuyên truyền tại tổ dân phố", "socialised", 10_000_000),
        ]:
            line = BudgetLine(unit=bd, province_id=bd.province_id, year=year, item=item, source=source,
                              allocated=amount, plan=plan, document=f"Quyết định giao dự toán năm {year}")
            line.refresh_search_text()
            lines.append(line)
    BudgetLine.objects.bulk_create(lines)
    spendings = []
    for line in BudgetLine.objects.filter(unit=bd).order_by("pk"):
        left, months = line.allocated, range(2, 13 if line.year < today.year else today.month + 1)
        for month in months:
            if rng.random() < 0.35:
                amount = min(left, rng.randint(1, 6) * 1_000_000)
                if amount <= 0:
                    break
                left -= amount
                spendings.append(Spending(line=line, date=datetime.date(line.year, month, rng.randint(1, 28)),
                                          amount=amount, description=f"Chi {line.item.lower()}",
                                          document=f"PC{rng.randint(100, 999)}"))
    Spending.objects.bulk_create(spendings)


def demo_png(width: int = 8, height: int = 6) -> bytes:
    """A small solid-colour PNG (the demo's activity photo; no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x0d\x6e\xfd" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def seed_photo() -> None:
    """One photo on Bạch Đằng's latest activity."""
    from django.core.files.base import ContentFile

    from .models import ActivityPhoto

    bd = bach_dang()
    if ActivityPhoto.objects.filter(activity__unit=bd).exists():
        return
    activity = Activity.objects.filter(unit=bd).order_by("-date", "-pk").first()
    if activity is not None:
        photo = ActivityPhoto(activity=activity, caption="Hội nghị tuyên truyền tại tổ dân phố")
        photo.image.save("hoi-nghi.png", ContentFile(demo_png()), save=True)
