"""Hotspot period counts and enforcement statistics for the whole country, timed.

Generates into a throwaway database: 34 provinces, 3,321 communes, N hotspots a commune with
lifecycles (suppression, monitoring, closure, re-emergence: the demo's generator), criminal cases
and sanction decisions (the demo's generators, repeated per commune), then times, best of 3:

- hotspot_counts for a year, national (grouped by province) and one province (grouped by commune),
  against a hand-written SQL baseline returning the same numbers (checked equal);
- enforcement_statistics (cases by stage, % tried, sanctions by category) for a year, national.

SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME it uses a database
NAME_hotspot_bench on that server, dropped and created anew. Last line:

    hotspot_counts_s=<s> baseline_s=<s> enforcement_stats_s=<s>

    .venv/bin/python bench/hotspot_stats.py [--per-commune 10] [--communes 3321]
"""

import argparse
import datetime
import random
import time

from _common import best_of, django_on_throwaway_database, synthetic_country  # noqa: E402

BASELINE_STOCK = """
    SELECT h.province_id,
           SUM(CASE WHEN h.first_identified >= %s AND h.first_identified <= %s THEN 1 ELSE 0 END),
           SUM(CASE WHEN (SELECT e.to_status FROM hotspots_hotspotevent e
                          WHERE e.hotspot_id = h.id AND e.date <= %s
                          ORDER BY e.date DESC, e.id DESC LIMIT 1) = 'active' THEN 1 ELSE 0 END)
    FROM hotspots_hotspot h GROUP BY h.province_id
"""
BASELINE_FLOWS = """
    SELECT h.province_id,
           COUNT(DISTINCT CASE WHEN e.to_status = 'suppressed' THEN e.hotspot_id END),
           COUNT(DISTINCT CASE WHEN e.is_reemergence THEN e.hotspot_id END)
    FROM hotspots_hotspotevent e JOIN hotspots_hotspot h ON h.id = e.hotspot_id
    WHERE e.date >= %s AND e.date <= %s GROUP BY h.province_id
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-commune", type=int, default=10, help="hotspot-generation rounds per commune")
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--provinces", type=int, default=34)
    args = parser.parse_args()

    django_on_throwaway_database("hotspot")
    from django.db import connection
    counts, gen_s = generate(args)
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" generate_s={gen_s:.1f}")

    from pcmd.core.periods import Period
    from pcmd.enforcement.models import CriminalCase, SanctionRecord
    from pcmd.enforcement.selectors import enforcement_statistics
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.hotspots.models import Hotspot
    from pcmd.hotspots.selectors import hotspot_counts

    period = Period.parse("2025")
    national_s, national = best_of(3, lambda: hotspot_counts(queryset=Hotspot.objects.all(), period=period,
                                                             group_by="province"))
    province = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code").first()
    province_s, _ = best_of(3, lambda: hotspot_counts(queryset=Hotspot.objects.filter(province=province),
                                                      period=period))

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_STOCK, [period.start, period.end, period.end])
            stock = {p: (new or 0, active or 0) for p, new, active in cursor.fetchall()}
            cursor.execute(BASELINE_FLOWS, [period.start, period.end])
            flows = {p: (s, r) for p, s, r in cursor.fetchall()}
        return {p: (stock.get(p, (0, 0))[0], *flows.get(p, (0, 0)), stock.get(p, (0, 0))[1])
                for p in set(stock) | set(flows)}

    baseline_s, theirs = best_of(3, baseline)
    ours = {r.unit_id: tuple(r.values()) for r in national.rows}
    theirs = {p: v for p, v in theirs.items() if any(v)}
    assert ours == theirs, "the selector and the SQL baseline disagree"
    print(f"period={period.code} hotspots_new={national.total.new} suppressed={national.total.suppressed} "
          f"reemerged={national.total.reemerged} active_end={national.total.active_end} agree=yes")
    print(f"hotspot_counts_province_s={province_s:.3f}")

    stats_s, stats = best_of(3, lambda: enforcement_statistics(
        cases=CriminalCase.objects.all(), sanctions=SanctionRecord.objects.all(), period=period,
        group_by="province"))
    print(f"cases_detected={stats.case_total.detected} tried_rate={stats.case_total.tried_rate} "
          f"sanction_decisions={stats.sanction_total.decisions} fines={stats.sanction_total.fine_total}")
    print(f"hotspot_counts_s={national_s:.3f} baseline_s={baseline_s:.3f} enforcement_stats_s={stats_s:.3f}")


def generate(args):
    from django.db import connection, transaction

    from pcmd.enforcement import demo as cases_demo
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.hotspots import demo as hotspots_demo

    started = time.perf_counter()
    today = datetime.date(2026, 10, 31)
    with transaction.atomic():
        synthetic_country(args.provinces, args.communes)
        communes = list(AdminUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    stories, cases, sanctions = [], [], []
    for commune in communes:
        for round_ in range(args.per_commune):
            rng = random.Random(f"{commune.code}:{round_}")
            first = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 1350))
            hotspot = hotspots_demo._hotspot(commune, f"Điểm {commune.code}-{round_}", "public", first)
            stories.append(hotspots_demo.Story(hotspot, hotspots_demo._random_steps(rng, first, None, today,
                                                                                    "public")))
        rng = random.Random(f"cases:{commune.code}")
        for _ in range(max(1, args.per_commune // 5)):
            cases += cases_demo._random_cases(rng, commune, None, [], today)
            sanctions += cases_demo._random_sanctions(rng, commune, None, None, today)
    with transaction.atomic():
        hotspots_demo._save(stories)
        cases_demo._save(cases, sanctions)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ({"communes": len(communes), "hotspots": len(stories), "cases": len(cases), "sanctions": len(sanctions)},
            time.perf_counter() - started)


if __name__ == "__main__":
    main()
