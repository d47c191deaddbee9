"""Deterministic demo data: `pcmd seed-demo --scale demo|province|national`.

Each app contributes a seeder; later registries add theirs to SEEDERS. Everything is
idempotent (a second run adds nothing) and bulk-inserted.
"""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from pcmd.geo.models import AdminUnit, Level
from pcmd.geo.services import admin_units_load_official
from pcmd.org.models import Agency, Membership, Role
from pcmd.org.services import agencies_instantiate, agency_kinds_load

DEMO_PASSWORD = "pcmd-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.pcmd.invalid"
SCALES = ("demo", "province", "national")

# Province codes of the seed plans' places.
HA_NOI, HAI_PHONG, NINH_BINH = "01", "31", "37"


@dataclass
class DemoLogin:
    username: str
    role: str
    place: str
    two_factor: bool = False


@dataclass
class SeedContext:
    scale: str
    faker: Faker
    rng: random.Random
    logins: list[DemoLogin] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)


def _unit(code):
    return AdminUnit.objects.get(code=code)


def bach_dang() -> AdminUnit:
    return AdminUnit.objects.get(level=Level.COMMUNE, province__code=HAI_PHONG, search_text="phuong bach dang")


def _agency(unit, kind_code):
    return Agency.objects.get(unit=unit, kind__code=kind_code)


def seed_reference(ctx: SeedContext) -> None:
    ctx.summary["đơn vị hành chính mới"] = admin_units_load_official().created
    agency_kinds_load()
    ctx.summary["cơ quan mới"] = agencies_instantiate()


def seed_users(ctx: SeedContext) -> None:
    """The named demo logins of the README, one per role and place of the seed plans.

    The support supervisors have fixed names, so adding them did not shift the faker's stream (names of
    later records stay as they were)."""
    User = get_user_model()
    bd = bach_dang()
    hn, hp, nb = _unit(HA_NOI), _unit(HAI_PHONG), _unit(NINH_BINH)
    people = [
        ("admin", "Quản trị Trung ương", [(None, None, Role.ADMIN)]),
        ("hanoi.thuongtruc", None, [(hn, _agency(hn, "so-y-te"), Role.COORDINATOR)]),
        ("hanoi.lanhdao", None, [(hn, None, Role.LEADER)]),
        ("haiphong.thuongtruc", None, [(hp, _agency(hp, "so-y-te"), Role.COORDINATOR)]),
        ("haiphong.lanhdao", None, [(hp, None, Role.LEADER)]),
        ("ninhbinh.thuongtruc", None, [(nb, _agency(nb, "so-y-te"), Role.COORDINATOR)]),
        ("ninhbinh.lanhdao", None, [(nb, None, Role.LEADER)]),
        ("bachdang.vhxh", None, [(bd, _agency(bd, "phong-vhxh"), Role.COORDINATOR),
                                 (bd, _agency(bd, "phong-vhxh"), Role.INSPECTOR)]),
        ("bachdang.canbo", None, [(bd, _agency(bd, "hlhpn-xa"), Role.AGENCY_OFFICER)]),
        ("bachdang.congan", None, [(bd, _agency(bd, "cong-an-xa"), Role.POLICE_OFFICER)]),
        ("bachdang.doi178", None, [(bd, _agency(bd, "ubnd-xa"), Role.INSPECTOR)]),
        ("bachdang.hotro", None, [(bd, _agency(bd, "tram-y-te"), Role.CASE_WORKER)]),
        ("bachdang.giamsat", "Đào Thị Minh Thu", [(bd, _agency(bd, "phong-vhxh"), Role.SUPPORT_SUPERVISOR)]),
        ("haiphong.giamsat", "Lương Thị Quỳnh Anh", [(hp, _agency(hp, "so-y-te"), Role.SUPPORT_SUPERVISOR)]),
    ]
    password = make_password(DEMO_PASSWORD)
    existing = set(User.objects.filter(username__in=[p[0] for p in people]).values_list("username", flat=True))
    for username, full_name, seats in people:
        if username not in existing:
            name = full_name or ctx.faker.name()
            first, _, last = name.rpartition(" ")
            user = User.objects.create(username=username, password=password, first_name=first, last_name=last,
                                       email=f"{username}@{DEMO_EMAIL_DOMAIN}")
        else:
            user = User.objects.get(username=username)
        for unit, agency, role in seats:
            Membership.objects.get_or_create(user=user, unit=unit, agency=agency, role=role)
        first_seat = seats[0]
        ctx.logins.append(DemoLogin(
            username=username,
            role=" + ".join(Role(s[2]).label for s in seats),
            place=first_seat[1].name if first_seat[1] else (first_seat[0].name if first_seat[0] else "Toàn quốc"),
            two_factor=any(s[2] in (Role.ADMIN, Role.CASE_WORKER, Role.SUPPORT_SUPERVISOR) for s in seats),
        ))
    ensure_demo_totp([login.username for login in ctx.logins if login.two_factor])


def demo_totp_key(username: str) -> str:
    """A fixed TOTP key per demo account, so `pcmd demo-otp` can show the current code."""
    import hashlib

    return hashlib.sha1(f"pcmd-demo-totp:{username}".encode()).hexdigest()


def ensure_demo_totp(usernames) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for user in get_user_model().objects.filter(username__in=usernames):
        TOTPDevice.objects.get_or_create(user=user, name="Demo", defaults={"key": demo_totp_key(user.username),
                                                                          "confirmed": True})


def seed_hamlets(ctx: SeedContext) -> None:
    """Residential groups for the demo communes; at larger scales for a whole province or the country."""
    if ctx.scale == "demo":
        communes = [bach_dang(), *AdminUnit.objects.filter(province__code=NINH_BINH, level=Level.COMMUNE)[:3]]
    elif ctx.scale == "province":
        communes = list(AdminUnit.objects.filter(province__code=HAI_PHONG, level=Level.COMMUNE))
    else:
        communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True))
    have = set(AdminUnit.objects.filter(level=Level.HAMLET, parent__in=communes).values_list("parent_id", flat=True))
    new = []
    for commune in communes:
        if commune.pk in have:
            continue
        kind = "tổ dân phố" if commune.division_type == "phường" else "thôn"
        count = 12 if commune.pk == communes[0].pk else ctx.rng.randint(5, 15)
        for n in range(1, count + 1):
            hamlet = AdminUnit(code=f"{commune.code}.{n:02d}", name=f"{kind.capitalize()} số {n}", division_type=kind,
                               level=Level.HAMLET, parent=commune, province_id=commune.province_id,
                               path=f"{commune.path}{commune.code}.{n:02d}/")
            hamlet.refresh_search_text()
            new.append(hamlet)
    AdminUnit.objects.bulk_create(new, batch_size=2000)
    ctx.summary["thôn, tổ dân phố mới"] = len(new)


def seed_commune_staff(ctx: SeedContext) -> None:
    """At province and national scale: a coordinator for every commune (shared demo password)."""
    if ctx.scale == "demo":
        return
    User = get_user_model()
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True)
    if ctx.scale == "province":
        communes = communes.filter(province__code=HAI_PHONG)
    agencies = {a.unit_id: a for a in Agency.objects.filter(kind__code="phong-vhxh", unit__in=communes)}
    password = make_password(DEMO_PASSWORD)
    taken = set(User.objects.filter(username__startswith="xa").values_list("username", flat=True))
    users, seats = [], []
    for commune in communes:
        username = f"xa{commune.code}.vhxh"
        if username in taken:
            continue
        name = ctx.faker.name()
        first, _, last = name.rpartition(" ")
        users.append(User(username=username, password=password, first_name=first, last_name=last,
                          email=f"{username}@{DEMO_EMAIL_DOMAIN}"))
        seats.append((username, commune, agencies.get(commune.pk)))
    User.objects.bulk_create(users, batch_size=2000)
    ids = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [Membership(user_id=ids[u], unit=c, agency=a, role=Role.COORDINATOR) for u, c, a in seats], batch_size=2000
    )
    ctx.summary["tài khoản cán bộ xã mới"] = len(users)


def seed_establishments(ctx: SeedContext) -> None:
    from pcmd.venues.demo import seed_establishments as seed

    seed(ctx)


SEEDERS = [seed_reference, seed_users, seed_hamlets, seed_commune_staff]
SEEDERS.append(seed_establishments)


def seed_inspections(ctx: SeedContext) -> None:
    from pcmd.inspections.demo import seed_inspections as seed

    seed(ctx)


SEEDERS.append(seed_inspections)


def seed_plans(ctx: SeedContext) -> None:
    from pcmd.plans.demo import seed_plans as seed

    seed(ctx)


SEEDERS.append(seed_plans)


def seed_hotspots_and_cases(ctx: SeedContext) -> None:
    from pcmd.enforcement.demo import seed_enforcement
    from pcmd.hotspots.demo import seed_hotspots

    seed_hotspots(ctx)
    seed_enforcement(ctx)


SEEDERS.append(seed_hotspots_and_cases)


def seed_outreach(ctx: SeedContext) -> None:
    from pcmd.outreach.demo import seed_outreach as seed

    seed(ctx)


SEEDERS.append(seed_outreach)


def seed_tips(ctx: SeedContext) -> None:
    from pcmd.tips.demo import seed_tips as seed

    seed(ctx)


SEEDERS.append(seed_tips)


def seed_support(ctx: SeedContext) -> None:
    from pcmd.support.demo import seed_support as seed

    seed(ctx)


SEEDERS.append(seed_support)


def seed_support_wall(ctx: SeedContext) -> None:
    from pcmd.support.demo_wall import seed_wall

    seed_wall(ctx)


SEEDERS.append(seed_support_wall)


def seed_support_referrals(ctx: SeedContext) -> None:
    from pcmd.support.referral_demo import seed_referrals

    seed_referrals(ctx)


SEEDERS.append(seed_support_referrals)


def seed_indicators(ctx: SeedContext) -> None:
    from pcmd.indicators.demo import seed_indicators as seed

    seed(ctx)


SEEDERS.append(seed_indicators)


def seed(scale: str = "demo", *, seed_value: int = 2026) -> SeedContext:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}")
    faker = Faker("vi_VN")
    faker.seed_instance(seed_value)
    ctx = SeedContext(scale=scale, faker=faker, rng=random.Random(seed_value))
    for seeder in SEEDERS:
        with transaction.atomic():
            seeder(ctx)
    from pcmd.aggregates.services import rebuild

    rebuild()  # the seeders write in bulk (no signals): the aggregates are computed once at the end
    return ctx


def seed_reports(ctx: SeedContext) -> None:
    from pcmd.reports.demo import seed_reports as seed

    seed(ctx)


SEEDERS.append(seed_reports)


def seed_webhooks(ctx: SeedContext) -> None:
    from pcmd.webhooks.demo import seed_webhooks as seed

    seed(ctx)


SEEDERS.append(seed_webhooks)


def seed_accounts(ctx: SeedContext) -> None:
    from pcmd.accounts.demo import seed_accounts as seed

    seed(ctx)


SEEDERS.append(seed_accounts)


def seed_inbox(ctx: SeedContext) -> None:
    """The daily scan once, last, so the demo logins open an inbox with real notices (tips, reports, tasks,
    referrals)."""
    from pcmd.inbox.services import scan

    ctx.summary["thông báo mới (quét thời hạn hằng ngày)"] = sum(scan().values())


SEEDERS.append(seed_inbox)
