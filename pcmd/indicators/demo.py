"""Demo data that makes the indicator scorecard tell a story: some communes meet, some are on track, some lag.

The other apps' demo seeders put their registries in Hải Phòng and Ninh Bình; Hà Nội has a city plan
2026-2030 with targets (establishments inspected 60% in 2026, communication in every commune, support
access at least 70%) but, without this seeder, no record to measure them against. Here:

- six Hà Nội communes (the last six by code: tests use the first ones as blank units) get
  establishments and this year's inspection visits,
  and communication activities, each with a profile: "met" (beyond the target), "on track" (between
  the target scaled to the elapsed part of the year and the target) or "lagging" (well below the
  elapsed share), cycling over the communes;
- when the entered-figures model exists (pcmd.indicators.models.DataValue), the Women's Union of
  those communes enters SUPPORT_ACCESS for the last quarters, one quarter an outlier.

Visits and activities are dated in the current year up to today, scaled to the elapsed part of the
year, so the mix holds whichever day the demo is seeded. Deterministic (each commune has its own
random stream) and idempotent: a commune that already has establishments is left alone.
"""

from __future__ import annotations

import datetime
import math
import random
from typing import TYPE_CHECKING

from pcmd.geo.models import AdminUnit, Level

if TYPE_CHECKING:
    from pcmd.core.demo import SeedContext

# Imported by pcmd.core.demo at its end (SEEDERS), so nothing from it is imported at module level here.
HA_NOI = "01"

PROFILES = ("met", "on_track", "lagging")
COMMUNES = 6
ESTABLISHMENTS = 30
VENUES_TARGET = 0.60  # the Hà Nội plan's 2026 target for VENUES_INSPECTED


def demo_communes() -> list[AdminUnit]:
    """The Hà Nội communes this seeder fills, in profile order (the last ones by code: tests use the first
    Hà Nội commune as a blank unit)."""
    return list(AdminUnit.objects.filter(province__code=HA_NOI, level=Level.COMMUNE, is_active=True)
                .select_related("province").order_by("-code")[:COMMUNES])


def profile_of(index: int) -> str:
    return PROFILES[index % len(PROFILES)]


def elapsed_share(today: datetime.date) -> float:
    """The elapsed part of `today`'s year, today included."""
    first = datetime.date(today.year, 1, 1)
    days = (datetime.date(today.year + 1, 1, 1) - first).days
    return ((today - first).days + 1) / days


def inspected_share(profile: str, elapsed: float) -> float:
    """The share of operating establishments visited so far this year for a profile."""
    if profile == "met":
        return VENUES_TARGET + 0.15
    if profile == "on_track":
        return VENUES_TARGET * (1 + elapsed) / 2  # halfway between the elapsed share and the target
    return VENUES_TARGET * elapsed * 0.4


def seed_indicators(ctx: SeedContext) -> None:
    today = datetime.date.today()
    communes = demo_communes()
    fresh = _communes_without_establishments(communes)
    ctx.summary["xã Hà Nội có số liệu chỉ số mẫu mới"] = len(fresh)
    if fresh:
        _seed_establishments_and_visits(ctx, communes, fresh, today)
        _seed_activities(communes, fresh, today)
    ctx.summary["số liệu nhập mẫu mới"] = _seed_support_access(communes, today)


def _communes_without_establishments(communes: list[AdminUnit]) -> set[int]:
    from pcmd.venues.models import Establishment

    have = set(Establishment.objects.filter(unit__in=communes).values_list("unit_id", flat=True).distinct())
    return {c.pk for c in communes if c.pk not in have}


def _seed_establishments_and_visits(ctx, communes, fresh, today) -> None:
    from pcmd.core.demo import bach_dang
    from pcmd.inspections.demo import _teams
    from pcmd.inspections.models import Visit, VisitKind, VisitResult
    from pcmd.venues import catalogue
    from pcmd.venues.demo import _commune_establishments
    from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType
    from pcmd.venues.services import ManagingAgencies, establishment_types_load

    establishment_types_load()
    types = {t.code: t for t in EstablishmentType.objects.all()}
    shares = [(types[code], share) for code, _n, _k, _w, share in catalogue.TYPES if code in types]
    owners = [f"Chủ cơ sở {n:03d} (dữ liệu mẫu)" for n in range(1, 61)]
    chosen = [c for c in communes if c.pk in fresh]
    agencies = ManagingAgencies(chosen)
    rows = []
    for commune in chosen:
        rows += _commune_establishments(commune, ESTABLISHMENTS, shares, owners, [], agencies)
    Establishment.objects.bulk_create(rows)
    # Each commune gets its 178 team, which also keeps the inspections seeder from adding its own visits.
    teams = _teams(ctx, chosen, bach_dang())
    elapsed = elapsed_share(today)
    first = datetime.date(today.year, 1, 1)
    visits = []
    for index, commune in enumerate(communes):
        if commune.pk not in fresh:
            continue
        rng = random.Random(f"pcmd-indicators-visits-{commune.code}")
        operating = list(Establishment.objects.filter(unit=commune, status=EstablishmentStatus.OPERATING)
                         .order_by("pk"))
        visited = min(len(operating), math.ceil(len(operating) * inspected_share(profile_of(index), elapsed)))
        for establishment in rng.sample(operating, visited):
            date = first + datetime.timedelta(days=rng.randint(0, (today - first).days))
            visits.append(Visit(establishment=establishment, unit=commune, province_id=commune.province_id,
                                date=date, time=datetime.time(rng.choice((9, 14, 20)), 0),
                                kind=VisitKind.PLANNED, team=teams.get(commune.pk), result=VisitResult.COMPLIANT))
    Visit.objects.bulk_create(visits)
    ctx.summary["lượt kiểm tra mẫu (Hà Nội) mới"] = len(visits)


def _seed_activities(communes, fresh, today) -> None:
    """Communication activities: every month so far for "met", every other month for "on track",
    none this year for "lagging" (it communicated last year only)."""
    from pcmd.org.models import Agency
    from pcmd.outreach.demo import AGENCY_KINDS, _activity
    from pcmd.outreach.models import Activity, ActivityKind
    from pcmd.outreach.services import activity_kinds_load

    activity_kinds_load()
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    activities = []
    for index, commune in enumerate(communes):
        if commune.pk not in fresh:
            continue
        rng = random.Random(f"pcmd-indicators-outreach-{commune.code}")
        agencies = list(Agency.objects.filter(unit=commune, kind__code__in=AGENCY_KINDS).order_by("pk")
                        .values_list("pk", flat=True))
        profile = profile_of(index)
        months = {"met": range(1, today.month + 1), "on_track": range(1, today.month + 1, 2), "lagging": ()}[profile]
        dates = [datetime.date(today.year, m, min(rng.randint(1, 28), today.day if m == today.month else 28))
                 for m in months]
        dates.append(datetime.date(today.year - 1, rng.randint(1, 12), rng.randint(1, 28)))
        for day in dates:
            activity, _hamlets = _activity(rng, commune, day, kinds, agencies, [])
            activities.append(activity)
    Activity.objects.bulk_create(activities)


# SUPPORT_ACCESS per profile: (people who need support, share reached); the Hà Nội target is at least 70%.
SUPPORT = {"met": (40, 0.85), "on_track": (30, 0.72), "lagging": (25, 0.45)}
OUTLIER_COMMUNE, OUTLIER_QUARTER = 1, 2  # the second commune's third quarter back reports a figure out of line


def last_quarters(today: datetime.date, n: int = 4) -> list:
    """The last `n` quarters ended before `today`, oldest first."""
    from pcmd.core.periods import Period

    quarter = Period.containing(today, "quarter").previous()
    out = []
    for _ in range(n):
        out.append(quarter)
        quarter = quarter.previous()
    return out[::-1]


def _seed_support_access(communes, today) -> int:
    """SUPPORT_ACCESS entered by each commune's Women's Union for the last four quarters (one outlier)."""
    from django.apps import apps
    from django.utils import timezone

    from pcmd.org.models import Agency

    try:
        DataValue = apps.get_model("indicators", "DataValue")
    except LookupError:  # entered figures not built yet
        return 0
    quarters = last_quarters(today)
    unions = dict(Agency.objects.filter(unit__in=communes, kind__code="hlhpn-xa").values_list("unit_id", "pk"))
    have = set(DataValue.objects.filter(indicator="SUPPORT_ACCESS", unit__in=communes,
                                        period__in=[q.code for q in quarters]).values_list("unit_id", "period"))
    rows = []
    for index, commune in enumerate(communes):
        rng = random.Random(f"pcmd-indicators-support-{commune.code}")
        need, share = SUPPORT[profile_of(index)]
        for n, quarter in enumerate(quarters):
            if (commune.pk, quarter.code) in have:
                continue
            denominator = need + rng.randint(-3, 3)
            reached = min(denominator, round(denominator * (share + rng.uniform(-0.04, 0.04))))
            comment = ""
            if index == OUTLIER_COMMUNE and n == OUTLIER_QUARTER:
                denominator, reached = denominator * 6, denominator * 6  # keyed in as a cumulative total
                comment = "Số liệu mẫu: nhập nhầm số lũy kế"
            rows.append(DataValue(
                indicator="SUPPORT_ACCESS", unit=commune, province_id=commune.province_id, period=quarter.code,
                period_kind=quarter.kind, period_start=quarter.start, period_end=quarter.end,
                numerator=reached, denominator=denominator, agency_id=unions.get(commune.pk),
                entered_at=timezone.make_aware(datetime.datetime.combine(quarter.end, datetime.time(16))),
                comment=comment))
    DataValue.objects.bulk_create(rows)
    return len(rows)
