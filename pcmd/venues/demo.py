"""Demo establishments: `seed_establishments` runs from core.demo.SEEDERS.

demo: ~40 in Phường Bạch Đằng over its residential groups, ~15 in each other commune that has
hamlets (the Ninh Bình demo communes) and a few in six more Hải Phòng wards; province: ~3,000 over
Hải Phòng; national: ~200,000 over every commune. Each commune gets its own random stream (seeded
from its code), so the data does not depend on the order communes are visited; communes that already
have establishments are skipped, which makes a second run add nothing.
"""

import datetime
import random

from pcmd.core.demo import HAI_PHONG, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level

from . import catalogue
from .models import Establishment, EstablishmentStatus, EstablishmentType
from .services import ManagingAgencies, establishment_types_load

BRANDS = [
    "Hoàng Gia", "Bình An", "Thiên Đường", "Hoa Hồng", "Ánh Dương", "Phương Nam", "Sao Mai", "Biển Xanh",
    "Hải Âu", "Kim Long", "Minh Châu", "Thanh Xuân", "Hương Sen", "Ngọc Lan", "Phúc Lộc", "Hồng Hà",
    "Trăng Vàng", "Như Ý", "Đại Dương", "Hưng Thịnh", "Mây Hồng", "Lan Anh", "Thảo Nguyên", "Bạch Đằng",
    "Sông Cấm", "Cát Bi", "Đồ Sơn", "Hoàng Anh", "Phú Quý", "Tường Vy", "Ngọc Trai", "An Khang", "Vạn Xuân",
    "Bảo Ngọc", "Thiên Hương", "Hạ Long", "Tuấn Phát", "Minh Anh", "Hồng Ngọc", "Sen Vàng", "Mai Vàng",
    "Hải Đăng", "Kim Cương", "Hoàng Long", "Phương Đông", "Galaxy", "Diamond", "Sunrise", "Paris", "Oscar",
]
PREFIX = {
    "karaoke": ["Karaoke"], "vu-truong-bar": ["Bar", "Vũ trường", "Club"], "xoa-bop": ["Massage", "Xoa bóp"],
    "khach-san": ["Khách sạn"], "nha-nghi": ["Nhà nghỉ"], "nha-tro": ["Nhà trọ"], "ca-phe-den-mo": ["Cà phê"],
    "tam-khoang-nong": ["Tắm khoáng", "Xông hơi"], "goi-dau-thu-gian": ["Gội đầu thư giãn", "Salon tóc"],
    "internet": ["Internet", "Game net"], "khac": ["Cơ sở dịch vụ", "Spa"],
}
STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Lạch Tray", "Điện Biên Phủ", "Hoàng Văn Thụ", "Tô Hiệu", "Lê Thánh Tông",
    "Nguyễn Trãi", "Quang Trung", "Hai Bà Trưng", "Lý Thường Kiệt", "Phan Bội Châu", "Trần Phú", "Nguyễn Du",
    "Hùng Vương", "Lê Hồng Phong", "Văn Cao", "Bạch Đằng", "Cầu Đất", "Minh Khai",
]
REFERENCE_DATE = datetime.date(2026, 6, 30)  # fixed, so the data is the same whatever day it is seeded
BATCH = 5000


def seed_establishments(ctx: SeedContext) -> None:
    establishment_types_load()
    communes = _communes(ctx.scale)
    have = set(Establishment.objects.filter(unit__in=communes).values_list("unit_id", flat=True).distinct())
    communes = [c for c in communes if c.pk not in have]
    total = {"demo": 0, "province": 3000, "national": 200_000}[ctx.scale]
    per_commune = max(8, total // max(len(communes), 1)) if total else 0
    types = {t.code: t for t in EstablishmentType.objects.all()}
    shares = [(types[code], share) for code, _n, _k, _w, share in catalogue.TYPES if code in types]
    owners = [ctx.faker.name() for _ in range(400)]  # Faker once; each commune then picks with its own stream
    hamlets: dict[int, list[AdminUnit]] = {}
    for hamlet in AdminUnit.objects.filter(level=Level.HAMLET, parent__in=communes).order_by("code"):
        hamlets.setdefault(hamlet.parent_id, []).append(hamlet)
    bd = bach_dang()
    created = 0
    for start in range(0, len(communes), 500):
        chunk = communes[start:start + 500]
        agencies = ManagingAgencies(chunk)
        batch = []
        for commune in chunk:
            if commune.pk == bd.pk:
                count = 40
            elif ctx.scale == "demo":
                count = 15 if commune.pk in hamlets else 8
            else:
                count = per_commune
            batch.extend(_commune_establishments(commune, count, shares, owners, hamlets.get(commune.pk, []),
                                                 agencies))
            if len(batch) >= BATCH:
                Establishment.objects.bulk_create(batch, batch_size=BATCH)
                created += len(batch)
                batch = []
        Establishment.objects.bulk_create(batch, batch_size=BATCH)
        created += len(batch)
    ctx.summary["cơ sở kinh doanh mới"] = created


def _communes(scale: str) -> list[AdminUnit]:
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).select_related("province")
    if scale == "national":
        return list(communes.order_by("code"))
    if scale == "province":
        return list(communes.filter(province__code=HAI_PHONG).order_by("code"))
    with_hamlets = communes.filter(pk__in=AdminUnit.objects.filter(level=Level.HAMLET).values("parent_id"))
    bd = bach_dang()
    more = communes.filter(province__code=HAI_PHONG).exclude(pk=bd.pk).order_by("code")[:6]
    return list({c.pk: c for c in [bd, *with_hamlets.order_by("code"), *more]}.values())


def _commune_establishments(commune, count, shares, owners, hamlets, agencies) -> list[Establishment]:
    rng = random.Random(f"pcmd-establishments-{commune.code}")
    types = rng.choices([t for t, _ in shares], weights=[s for _, s in shares], k=count)
    used_names = set()
    rows = []
    for n, etype in enumerate(types, start=1):
        name = f"{rng.choice(PREFIX.get(etype.code, ['Cơ sở']))} {rng.choice(BRANDS)}"
        if name in used_names:
            name = f"{name} {n}"
        used_names.add(name)
        hamlet = hamlets[(n - 1) % len(hamlets)] if hamlets else None
        address = f"Số {rng.randint(1, 399)} {rng.choice(STREETS)}"
        if hamlet:
            address += f", {hamlet.name}"
        workers = rng.randint(1, 6) if etype.code in ("nha-tro", "internet") else rng.randint(2, 35)
        roll = rng.random()
        status = (EstablishmentStatus.SUSPENDED if roll < 0.05 else
                  EstablishmentStatus.CLOSED if roll < 0.10 else EstablishmentStatus.OPERATING)
        licence_date = REFERENCE_DATE - datetime.timedelta(days=rng.randint(60, 3600))
        licence_expiry = (licence_date + datetime.timedelta(days=365 * rng.choice((3, 5))) if rng.random() < 0.7
                          else None)
        police_trade = etype.code in ("khach-san", "nha-nghi", "nha-tro", "karaoke", "vu-truong-bar")
        cert_date = licence_date + datetime.timedelta(days=rng.randint(5, 60)) if police_trade else None
        owner = rng.choice(owners)
        obj = Establishment(
            name=name, type=etype, address=address, hamlet=hamlet, unit=commune, province_id=commune.province_id,
            registration_number=f"{commune.code}{n:05d}" if rng.random() < 0.9 else "",
            licence_number=f"{n:03d}/GP-{commune.code}" if rng.random() < 0.8 else "",
            licence_date=licence_date, licence_expiry=licence_expiry,
            security_cert_number=f"{n:03d}/ĐĐK-ANTT" if cert_date else "", security_cert_date=cert_date,
            owner_name=owner, owner_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
            manager_name=rng.choice(owners) if rng.random() < 0.4 else "",
            managing_agency_id=agencies.get(commune, etype.pk),
            workers_total=workers, workers_female=rng.randint(0, workers), status=status,
            commitment_date=(REFERENCE_DATE - datetime.timedelta(days=rng.randint(0, 500))
                             if rng.random() < 0.6 else None),
        )
        obj.name_key = Establishment.make_name_key(obj.name, obj.address)
        obj.refresh_search_text()
        rows.append(obj)
    return rows
