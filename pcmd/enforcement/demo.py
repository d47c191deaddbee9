"""Demo criminal cases and sanction decisions: `seed_enforcement` runs from core.demo.SEEDERS after hotspots.

Phường Bạch Đằng: four hand-written cases over 2025–2026 (one per offence group, at different stages)
and six sanction decisions. At `province` scale every other Hải Phòng commune, at `national` scale
every commune, gets cases at about 0.5 a commune a year (Hà Nội's plan: 80–100 cases a year for 126
communes) and 2–6 sanction decisions a year. Fine amounts are indicative, per person, in the ranges
of the sanctions decree. Each commune has its own random stream; communes that already have cases or
decisions are skipped (idempotent); bulk-inserted.
"""

import datetime
import random

from pcmd.core.demo import HAI_PHONG, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level
from pcmd.hotspots.models import Hotspot
from pcmd.org.models import Agency
from pcmd.venues.models import Establishment

from .models import CriminalCase, Offence, SanctionRecord, ViolatorCategory

REFERENCE_DATE = datetime.date(2026, 10, 31)
START = datetime.date(2025, 1, 1)
OFFENCE_WEIGHTS = [(Offence.HARBOURING, 40), (Offence.BROKERING, 40), (Offence.BUYING_MINOR, 8),
                   (Offence.TRAFFICKING, 10), (Offence.TRAFFICKING_CHILD, 2)]
CASE_NAMES = {
    Offence.HARBOURING: "Chứa mại dâm tại cơ sở {place}",
    Offence.BROKERING: "Môi giới mại dâm qua mạng xã hội, khu vực {place}",
    Offence.BUYING_MINOR: "Mua dâm người dưới 18 tuổi tại {place}",
    Offence.TRAFFICKING: "Mua bán người, đưa người đi bán dâm, khu vực {place}",
    Offence.TRAFFICKING_CHILD: "Mua bán người dưới 16 tuổi, khu vực {place}",
}
# category -> (weight, people range, indicative fine per person in VND)
SANCTIONS = {
    ViolatorCategory.BUYER: (35, (1, 3), 2_000_000, "Nghị định 282/2025/NĐ-CP, hành vi mua dâm"),
    ViolatorCategory.SELLER: (25, (1, 3), 1_000_000, "Nghị định 282/2025/NĐ-CP, hành vi bán dâm"),
    ViolatorCategory.BROKER: (12, (1, 2), 5_000_000, "Nghị định 282/2025/NĐ-CP, hành vi môi giới"),
    ViolatorCategory.HARBOURER: (10, (1, 1), 10_000_000, "Nghị định 282/2025/NĐ-CP, hành vi chứa chấp"),
    ViolatorCategory.ESTABLISHMENT: (18, (1, 1), 20_000_000, "Nghị định 282/2025/NĐ-CP, cơ sở kinh doanh"),
}


def seed_enforcement(ctx: SeedContext) -> None:
    today = min(REFERENCE_DATE, datetime.date.today())
    bd = bach_dang()
    cases: list[tuple[CriminalCase, list, list]] = []
    sanctions: list[SanctionRecord] = []
    if not CriminalCase.objects.filter(unit=bd).exists():
        cases += _bach_dang_cases(bd, today)
    if not SanctionRecord.objects.filter(unit=bd).exists():
        sanctions += _bach_dang_sanctions(bd, today)
    communes = _other_communes(ctx.scale, bd)
    if communes:
        have_cases = set(CriminalCase.objects.filter(unit__in=communes).values_list("unit_id", flat=True))
        have_sanctions = set(SanctionRecord.objects.filter(unit__in=communes).values_list("unit_id", flat=True))
        agencies = {(unit_id, kind): pk for unit_id, kind, pk in Agency.objects.filter(
            unit__in=communes, kind__code__in=["cong-an-xa", "ubnd-xa"]).values_list("unit_id", "kind__code", "pk")}
        hotspots: dict[int, list[int]] = {}
        for unit_id, pk in Hotspot.objects.filter(unit__in=communes).order_by("pk").values_list("unit_id", "pk"):
            hotspots.setdefault(unit_id, []).append(pk)
        for commune in communes:
            rng = random.Random(f"enforcement:{commune.code}")
            police, ubnd = agencies.get((commune.pk, "cong-an-xa")), agencies.get((commune.pk, "ubnd-xa"))
            if commune.pk not in have_cases:
                cases += _random_cases(rng, commune, police, hotspots.get(commune.pk, []), today)
            if commune.pk not in have_sanctions:
                sanctions += _random_sanctions(rng, commune, police, ubnd, today)
    _save(cases, sanctions)
    ctx.summary["vụ án mới"] = len(cases)
    ctx.summary["quyết định xử phạt hành chính mới"] = len(sanctions)


def _other_communes(scale: str, bd: AdminUnit) -> list[AdminUnit]:
    if scale == "demo":
        return []
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).exclude(pk=bd.pk).order_by("code")
    if scale == "province":
        communes = communes.filter(province__code=HAI_PHONG)
    return list(communes)


def _case(unit, **fields) -> CriminalCase:
    case = CriminalCase(unit=unit, province_id=unit.province_id, **fields)
    case.refresh_search_text()
    return case


def _bach_dang_cases(bd: AdminUnit, today: datetime.date) -> list[tuple[CriminalCase, list, list]]:
    police = Agency.objects.filter(unit=bd, kind__code="cong-an-xa").first()
    hotspots = {h.name: h.pk for h in Hotspot.objects.filter(unit=bd)}
    venues = list(Establishment.objects.filter(unit=bd).order_by("pk").values_list("pk", flat=True)[:2])
    d = datetime.date
    rows = [
        (_case(bd, number="03/2025", name="Chứa mại dâm tại nhà nghỉ đường Tam Bạc", offence=Offence.HARBOURING,
               detecting_agency=police, detected_on=d(2025, 3, 5), initiated_on=d(2025, 3, 12),
               indicted_on=d(2025, 6, 20), tried_on=d(2025, 8, 15), defendants=2,
               verdict="Bị cáo thứ nhất 05 năm tù, bị cáo thứ hai 03 năm tù về tội chứa mại dâm; tịch thu tiền thu lợi "
                       "bất chính."),
         [hotspots.get("Cụm nhà nghỉ, karaoke đường Tam Bạc")], venues[:1]),
        (_case(bd, number="11/2025", name="Mua dâm người dưới 18 tuổi tại phòng trọ khu vực Cầu Đất",
               offence=Offence.BUYING_MINOR, detecting_agency=police, detected_on=d(2025, 10, 20),
               initiated_on=d(2025, 10, 28), indicted_on=d(2026, 1, 15), tried_on=d(2026, 3, 20), defendants=1,
               victims=1, minor_victims=1, verdict="Bị cáo 04 năm tù về tội mua dâm người dưới 18 tuổi."), [], []),
        (_case(bd, number="02/2026", name="Môi giới mại dâm qua nhóm mạng xã hội “Thư giãn Hải Phòng 24/7”",
               offence=Offence.BROKERING, detecting_agency=police, detected_on=d(2026, 3, 2),
               initiated_on=d(2026, 3, 10), indicted_on=d(2026, 7, 15), defendants=3, victims=0),
         [hotspots.get("Nhóm mạng xã hội “Thư giãn Hải Phòng 24/7”")], []),
        (_case(bd, number="", name="Nghi vấn mua bán người, đưa người ra nước ngoài bán dâm",
               offence=Offence.TRAFFICKING, detecting_agency=police, detected_on=d(2026, 9, 5), victims=2,
               minor_victims=0, notes="Đang xác minh, phối hợp Công an thành phố."), [], []),
    ]
    return [(case, [h for h in hs if h], vs) for case, hs, vs in rows if case.detected_on <= today]


def _bach_dang_sanctions(bd: AdminUnit, today: datetime.date) -> list[SanctionRecord]:
    police = Agency.objects.filter(unit=bd, kind__code="cong-an-xa").first()
    ubnd = Agency.objects.filter(unit=bd, kind__code="ubnd-xa").first()
    d = datetime.date
    rows = [
        (d(2025, 4, 2), "15/QĐ-XPHC", ViolatorCategory.BUYER, 2, 4_000_000, police),
        (d(2025, 4, 2), "16/QĐ-XPHC", ViolatorCategory.SELLER, 2, 2_000_000, police),
        (d(2025, 9, 18), "41/QĐ-XPHC", ViolatorCategory.ESTABLISHMENT, 1, 25_000_000, ubnd),
        (d(2026, 2, 26), "07/QĐ-XPHC", ViolatorCategory.BROKER, 1, 5_000_000, police),
        (d(2026, 5, 12), "22/QĐ-XPHC", ViolatorCategory.BUYER, 3, 6_000_000, police),
        (d(2026, 8, 3), "35/QĐ-XPHC", ViolatorCategory.HARBOURER, 1, 10_000_000, ubnd),
    ]
    return [_sanction(bd, day, number, cat, people, fine, agency) for day, number, cat, people, fine, agency in rows
            if day <= today]


def _sanction(unit, day, number, category, people, fine, agency) -> SanctionRecord:
    record = SanctionRecord(unit=unit, province_id=unit.province_id, decided_on=day, decision_number=number,
                            category=category, people=people, fine_total=fine, issuing_agency=agency,
                            legal_basis=SANCTIONS[category][3])
    record.refresh_search_text()
    return record


def _random_day(rng, today) -> datetime.date:
    return START + datetime.timedelta(days=rng.randint(0, (today - START).days))


def _random_cases(rng, commune, police_id, hotspot_ids, today) -> list[tuple[CriminalCase, list, list]]:
    years = (today - START).days / 365
    count = sum(1 for _ in range(round(2 * years)) if rng.random() < 0.25)  # ~0.5 a year
    result = []
    offences, weights = zip(*OFFENCE_WEIGHTS, strict=True)
    for n in range(count):
        offence = rng.choices(offences, weights=weights)[0]
        detected = _random_day(rng, today)
        stages, day = [detected], detected
        for low, high, chance in ((3, 30, 0.9), (60, 150, 0.85), (30, 90, 0.9)):
            day = day + datetime.timedelta(days=rng.randint(low, high))
            if day > today or rng.random() > chance:
                break
            stages.append(day)
        stages += [None] * (4 - len(stages))
        victims = rng.choice([0, 0, 1, 2]) if offence in (Offence.HARBOURING, Offence.BROKERING) else rng.randint(1, 3)
        minors = victims if offence in (Offence.BUYING_MINOR, Offence.TRAFFICKING_CHILD) else 0
        case = _case(commune, number=f"{n + 1:02d}/{detected.year}",
                     name=CASE_NAMES[offence].format(place=commune.name), offence=offence,
                     detecting_agency_id=police_id, detected_on=stages[0], initiated_on=stages[1],
                     indicted_on=stages[2], tried_on=stages[3], defendants=rng.randint(1, 4), victims=victims,
                     minor_victims=minors,
                     verdict="Các bị cáo bị tuyên phạt tù có thời hạn." if stages[3] else "")
        linked = [rng.choice(hotspot_ids)] if hotspot_ids and rng.random() < 0.4 else []
        result.append((case, linked, []))
    return result


def _random_sanctions(rng, commune, police_id, ubnd_id, today) -> list[SanctionRecord]:
    years = (today - START).days / 365
    count = round(rng.randint(2, 6) * years)
    categories = list(SANCTIONS)
    weights = [SANCTIONS[c][0] for c in categories]
    records = []
    for n in range(count):
        category = rng.choices(categories, weights=weights)[0]
        _w, (low, high), fine, _basis = SANCTIONS[category]
        people = rng.randint(low, high)
        day = _random_day(rng, today)
        agency_id = ubnd_id if category in (ViolatorCategory.ESTABLISHMENT, ViolatorCategory.HARBOURER) else police_id
        record = _sanction(commune, day, f"{n + 1:02d}/QĐ-XPHC", category, people, fine * people, None)
        record.issuing_agency_id = agency_id
        records.append(record)
    return records


def _save(cases, sanctions) -> None:
    CriminalCase.objects.bulk_create([c for c, _h, _e in cases], batch_size=2000)
    HotspotLink, VenueLink = CriminalCase.hotspots.through, CriminalCase.establishments.through
    HotspotLink.objects.bulk_create([HotspotLink(criminalcase_id=c.pk, hotspot_id=h) for c, hs, _e in cases
                                     for h in hs], batch_size=5000)
    VenueLink.objects.bulk_create([VenueLink(criminalcase_id=c.pk, establishment_id=e) for c, _h, es in cases
                                   for e in es], batch_size=5000)
    SanctionRecord.objects.bulk_create(sanctions, batch_size=5000)
