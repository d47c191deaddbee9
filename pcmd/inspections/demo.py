"""Demo inspections: `seed_inspections` runs from core.demo.SEEDERS after the establishments.

Per commune with establishments: a 178 team (Bạch Đằng's has members from its agencies and the
demo login bachdang.doi178), two inspection rounds a year, and visits: demo and province scale
2025 and 2026 (up to today), national scale five years (2022–2026, ~1,000,000 visits). About
half of the operating establishments are visited each year (60% in Bạch Đằng in 2026), ~20% of
visits find violations, most of those end in a fine of 1–40 million đồng. Each commune has its
own random stream (seeded from its code); communes that already have a team are skipped, so a
second run adds nothing. People found are counts only.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from pcmd.core.demo import SeedContext, bach_dang
from pcmd.geo.models import AdminUnit
from pcmd.org.models import Agency
from pcmd.venues.models import Establishment, EstablishmentStatus

from .catalogue import violation_types_load
from .models import (
    InspectionRound,
    Sanction,
    SanctionKind,
    SanctionTarget,
    Team,
    TeamMember,
    Violation,
    ViolationType,
    Visit,
    VisitKind,
    VisitResult,
)

BATCH = 5000
POSITIONS = {
    "ubnd-xa": "Phó Chủ tịch UBND, Đội trưởng",
    "phong-vhxh": "Chuyên viên Phòng Văn hóa - Xã hội, Đội phó",
    "cong-an-xa": "Cán bộ Công an, thành viên",
    "tram-y-te": "Cán bộ Trạm Y tế, thành viên",
    "hlhpn-xa": "Cán bộ Hội Liên hiệp Phụ nữ, thành viên",
}


def _years(scale: str, today: datetime.date) -> list[int]:
    last = today.year
    return list(range(last - 4, last + 1)) if scale == "national" else [last - 1, last]


def seed_inspections(ctx: SeedContext) -> None:
    ctx.summary["loại vi phạm mới"] = violation_types_load()
    today = timezone.localdate()
    years = _years(ctx.scale, today)
    types = list(ViolationType.objects.order_by("order", "pk"))
    weights = [30 if t.code in ("luu-tru", "nhan-vien-giay-to", "phong-karaoke", "qua-gio") else
               8 if t.code in ("chua-chap-mai-dam", "mua-dam", "ban-dam") else 3 for t in types]
    with_teams = Team.objects.values("unit_id")
    communes = list(AdminUnit.objects.filter(pk__in=Establishment.objects.values("unit_id"))
                    .exclude(pk__in=with_teams).order_by("code"))
    bd = bach_dang()
    # Visits per visited establishment and year: national scale aims at ~1,000,000 visits over five years.
    repeats = (1, 2, 2, 3, 3) if ctx.scale == "national" else (1, 1, 1, 1, 2)
    counts = {"teams": 0, "visits": 0}
    for start in range(0, len(communes), 300):
        chunk = communes[start:start + 300]
        teams = _teams(ctx, chunk, bd)
        rounds = _rounds(teams, years, today)
        establishments: dict[int, list[Establishment]] = {}
        for e in (Establishment.objects.filter(unit__in=chunk).exclude(status=EstablishmentStatus.CLOSED)
                  .only("pk", "unit_id", "province_id", "status").order_by("pk")):
            establishments.setdefault(e.unit_id, []).append(e)
        visits, children = [], []
        for commune in chunk:
            rng = random.Random(f"pcmd-visits-{commune.code}")
            team = teams[commune.pk]
            for year in years:
                share = 0.6 if (commune.pk == bd.pk and year == today.year) else rng.uniform(0.4, 0.6)
                for e in establishments.get(commune.pk, []):
                    if rng.random() >= share:
                        continue
                    for _ in range(rng.choice(repeats)):
                        visit, rows = _visit(rng, e, team, rounds, year, today, types, weights)
                        if visit is None:
                            continue
                        visits.append(visit)
                        children.append(rows)
            if len(visits) >= BATCH:
                counts["visits"] += _flush(visits, children)
                visits, children = [], []
        counts["visits"] += _flush(visits, children)
        counts["teams"] += len(teams)
    ctx.summary["đội kiểm tra mới"] = counts["teams"]
    ctx.summary["lượt kiểm tra mới"] = counts["visits"]


def _teams(ctx: SeedContext, communes, bd) -> dict[int, Team]:
    teams = []
    for commune in communes:
        team = Team(unit=commune, province_id=commune.province_id,
                    name=f"Đội kiểm tra liên ngành 178 {commune.name}",
                    decision_number=f"{random.Random(commune.code).randint(10, 250)}/QĐ-UBND",
                    decision_date=datetime.date(2025, 7, 15))
        team.refresh_search_text()
        teams.append(team)
    Team.objects.bulk_create(teams)
    by_unit = {t.unit_id: t for t in teams}
    members = []
    agencies = Agency.objects.filter(unit__in=communes, kind__code__in=POSITIONS).select_related("kind")
    for agency in agencies.order_by("unit_id", "kind__code"):
        rng = random.Random(f"pcmd-team-{agency.pk}")
        member = TeamMember(team=by_unit[agency.unit_id], agency=agency, position=POSITIONS[agency.kind.code],
                            full_name=_name(rng), is_leader=agency.kind.code == "ubnd-xa")
        member.refresh_search_text()
        members.append(member)
    if bd.pk in by_unit:
        user = get_user_model().objects.filter(username="bachdang.doi178").first()
        if user is not None:
            member = TeamMember(team=by_unit[bd.pk], user=user, full_name=user.get_full_name() or user.username,
                                position="Thành viên", agency=Agency.objects.filter(unit=bd, kind__code="ubnd-xa")
                                .first())
            member.refresh_search_text()
            members.append(member)
    TeamMember.objects.bulk_create(members, batch_size=BATCH)
    return by_unit


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Ngọc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hùng", "Lan", "Linh", "Nam", "Phương", "Quân",
         "Sơn", "Thảo", "Trang", "Tuấn", "Việt"]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _rounds(teams: dict[int, Team], years, today) -> dict[tuple[int, int, int], InspectionRound]:
    """Two rounds a year per team (first and second half), only those that have started."""
    rows = []
    for team in teams.values():
        for year in years:
            for half, (start, end) in enumerate(((datetime.date(year, 1, 1), datetime.date(year, 6, 30)),
                                                 (datetime.date(year, 7, 1), datetime.date(year, 12, 31))), 1):
                if start > today:
                    continue
                r = InspectionRound(unit_id=team.unit_id, province_id=team.province_id, team=team,
                                    name=f"Kiểm tra {'6 tháng đầu' if half == 1 else '6 tháng cuối'} năm {year}",
                                    decision_number=f"{half:02d}/QĐ-ĐKT-{year}", decision_date=start,
                                    start_date=start, end_date=end)
                r.refresh_search_text()
                rows.append(r)
    InspectionRound.objects.bulk_create(rows, batch_size=BATCH)
    return {(r.unit_id, r.start_date.year, 1 if r.start_date.month == 1 else 2): r for r in rows}


def _visit(rng, e, team, rounds, year, today, types, weights):
    last = min(datetime.date(year, 12, 31), today)
    first = datetime.date(year, 1, 1)
    if last < first:
        return None, None
    date = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
    half = 1 if date.month <= 6 else 2
    found = rng.random() < 0.2
    visit = Visit(establishment_id=e.pk, unit_id=e.unit_id, province_id=e.province_id, date=date,
                  time=datetime.time(rng.choice((9, 10, 14, 15, 20, 21, 22)), rng.choice((0, 15, 30, 45))),
                  kind=VisitKind.UNANNOUNCED if rng.random() < 0.3 else VisitKind.PLANNED, team=team,
                  round=rounds.get((e.unit_id, year, half)),
                  result=VisitResult.VIOLATIONS if found else VisitResult.COMPLIANT)
    violations, sanctions = [], []
    if found:
        for vtype in dict.fromkeys(rng.choices(types, weights=weights, k=rng.choice((1, 1, 2)))):
            violations.append(Violation(type=vtype))
        serious = any(v.type.code in ("chua-chap-mai-dam", "mua-dam", "ban-dam", "moi-gioi") for v in violations)
        if serious:
            visit.found_selling = rng.randint(0, 3)
            visit.found_buying = rng.randint(0, 3)
            visit.found_brokering = rng.randint(0, 1)
        visit.found_staff_no_papers = rng.randint(0, 2)
        visit.follow_up_due = date + datetime.timedelta(days=30)
        if visit.follow_up_due <= today:
            visit.follow_up_outcome = "Cơ sở đã khắc phục các tồn tại." if rng.random() < 0.85 else \
                "Cơ sở chưa khắc phục xong; tiếp tục theo dõi."
        roll = rng.random()
        decided = min(date + datetime.timedelta(days=rng.randint(0, 7)), today)
        number = f"{rng.randint(1, 999)}/QĐ-XPHC"
        if roll < 0.75:
            sanctions.append(Sanction(decision_number=number, decision_date=decided, kind=SanctionKind.FINE,
                                      amount=rng.randint(2, 80) * 500_000, target=SanctionTarget.ORGANISATION))
        elif roll < 0.9:
            sanctions.append(Sanction(decision_number=number, decision_date=decided, kind=SanctionKind.WARNING,
                                      target=SanctionTarget.ORGANISATION))
        if serious and rng.random() < 0.3:
            sanctions.append(Sanction(decision_number=number, decision_date=decided, kind=SanctionKind.SUSPENSION,
                                      suspension_months=rng.choice((1, 2, 3)), target=SanctionTarget.ORGANISATION))
    return visit, (violations, sanctions)


def _flush(visits: list[Visit], children: list) -> int:
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    violations, sanctions = [], []
    for visit, (vs, ss) in zip(visits, children, strict=True):
        for v in vs:
            v.visit_id = visit.pk
            violations.append(v)
        for s in ss:
            s.visit_id = visit.pk
            sanctions.append(s)
    Violation.objects.bulk_create(violations, batch_size=BATCH)
    Sanction.objects.bulk_create(sanctions, batch_size=BATCH)
    return len(visits)
