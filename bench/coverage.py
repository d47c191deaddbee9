"""Inspection coverage for every commune of the country, at national scale.

Generates into a throwaway database: 34 provinces, 3,321 communes, ~200,000 establishments and
~1,000,000 visits over five years (bulk inserts), then computes the coverage of every commune for
the last year through the engine's VENUES_INSPECTED (what the coverage page and the scorecard show)
and through one hand-written SQL query (the baseline), checks they agree, and prints

    coverage_s=<seconds> baseline_s=<seconds>

(best of 3). It also times the selector without the Visit(establishment, date) index, to show what
the index buys. SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME it uses
a database NAME_coverage_bench on that server, dropped and created anew.

    .venv/bin/python bench/coverage.py [--establishments 200000] [--communes 3321]
"""

import argparse
import datetime
import random
import time

from _common import best_of, django_on_throwaway_database, synthetic_country  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--establishments", type=int, default=200_000)
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--provinces", type=int, default=34)
    args = parser.parse_args()

    django_on_throwaway_database("coverage")
    from django.db import connection
    year, counts, gen_s = generate(args)
    print(f"communes={args.communes} establishments={counts['establishments']} visits={counts['visits']} "
          f"generate_s={gen_s:.1f}")

    from pcmd.core.periods import Period
    from pcmd.indicators import engine

    def through_selector():
        values = engine.compute("VENUES_INSPECTED", level="commune", units=None, period=Period.parse(str(year)))
        return {unit: (int(v.denominator), int(v.numerator)) for unit, v in values.items()}

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    baseline_sql = """
        SELECT e.unit_id, COUNT(DISTINCT e.id), COUNT(DISTINCT v.establishment_id)
        FROM venues_establishment e
        LEFT JOIN inspections_visit v ON v.establishment_id = e.id AND v.date >= %s AND v.date <= %s
        WHERE e.status = 'operating'
        GROUP BY e.unit_id
    """

    def through_sql():
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, [start, end])
            return {unit: (total, visited) for unit, total, visited in cursor.fetchall()}

    coverage_s, ours = best_of(3, through_selector)
    baseline_s, theirs = best_of(3, through_sql)
    assert ours == theirs, "the selector and the SQL baseline disagree"
    assert len(ours) == args.communes
    total = sum(t for t, _ in ours.values())
    visited = sum(v for _, v in ours.values())
    print(f"year={year} operating={total} visited={visited} national_percent={100 * visited / total:.1f} "
          f"agree=yes")

    index = "inspections_establi_5537da_idx"  # Visit(establishment, date)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {index}")
    without_s, _ = best_of(3, through_selector)
    print(f"coverage_without_visit_establishment_date_index_s={without_s:.3f}")
    print(f"coverage_s={coverage_s:.3f} baseline_s={baseline_s:.3f}")


def generate(args):
    from django.db import connection, transaction

    from pcmd.geo.models import AdminUnit, Level
    from pcmd.inspections.models import Visit
    from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType

    rng = random.Random(2026)
    started = time.perf_counter()
    year = datetime.date.today().year
    with transaction.atomic():
        synthetic_country(args.provinces, args.communes)
        communes = list(AdminUnit.objects.filter(level=Level.COMMUNE).values_list("pk", "province_id"))
        types = [EstablishmentType(code=f"t{n}", name=f"Loại {n}", risk_weight=1 + n % 3) for n in range(10)]
        EstablishmentType.objects.bulk_create(types)
        type_ids = list(EstablishmentType.objects.values_list("pk", flat=True))
        batch = []
        for n in range(args.establishments):
            unit_id, province_id = communes[n % len(communes)]
            roll = rng.random()
            status = (EstablishmentStatus.CLOSED if roll < 0.05 else EstablishmentStatus.SUSPENDED if roll < 0.1
                      else EstablishmentStatus.OPERATING)
            batch.append(Establishment(name=f"Cơ sở {n}", type_id=type_ids[n % len(type_ids)], address=f"Số {n}",
                                       unit_id=unit_id, province_id=province_id, status=status,
                                       workers_total=rng.randint(1, 30)))
            if len(batch) == 10_000:
                Establishment.objects.bulk_create(batch)
                batch = []
        Establishment.objects.bulk_create(batch)
    visits = 0
    rows = Establishment.objects.values_list("pk", "unit_id", "province_id").order_by("pk").iterator(5000)
    batch = []
    first = datetime.date(year - 4, 1, 1)
    span = (datetime.date.today() - first).days  # no visit in the future
    with transaction.atomic():
        for pk, unit_id, province_id in rows:
            for _ in range(rng.choice((2, 4, 5, 6, 8))):  # five years, ~1 visit a year on average
                batch.append(Visit(establishment_id=pk, unit_id=unit_id, province_id=province_id,
                                   date=first + datetime.timedelta(days=rng.randint(0, span)), result="compliant"))
            if len(batch) >= 20_000:
                Visit.objects.bulk_create(batch)
                visits += len(batch)
                batch = []
        Visit.objects.bulk_create(batch)
        visits += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # both engines: fresh planner statistics
    return year, {"establishments": args.establishments, "visits": visits}, time.perf_counter() - started


if __name__ == "__main__":
    main()
