"""The full indicator panel at national scale, against hand-written SQL, and the scorecard page.

Generates into a throwaway database the `national` demo (`pcmd.core.demo.seed("national")`: 34
provinces, 3,321 communes, ~200,000 establishments, ~1,000,000 visits over five years, hotspots,
cases, outreach activities, trainings, denominators, plans) and tops up, in bulk, the tips to ~250,000
over five years (the tips demo's generator), the communication activities to ~300,000, and gives 60%
of the communes an issued plan for the year (bench rows only). Then, for one year:

- panel: `pcmd.indicators.engine.panel` for every registered indicator, level "commune" (every
  commune) and level "province" (every province), best of 3;
- baseline: hand-written SQL, one query per indicator and level, returning the same numbers; the
  two must agree (a mismatch report is printed and the run fails otherwise);
- scorecard: the province scorecard page (/bang-dieu-hanh/bang-diem/?unit=<province>&period=<year>)
  through django.test.Client with a logged-in province leader, 50 requests, p95 of the server time.

Last line:

    panel_s=<seconds> baseline_s=<seconds> ratio=<panel/baseline> scorecard_p95_ms=<ms>

SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME it uses NAME_indicators_bench
on that server, dropped and created anew. `--engines sqlite,postgresql` runs both (one child process
each) and prints the PostgreSQL line last.

    .venv/bin/python bench/indicators.py [--engines sqlite,postgresql] [--tips 250000] [--year 2026]
    .venv/bin/python bench/indicators.py --scale demo --tips 0 --activities 0   # a quick check of the baseline

Latest, PostgreSQL, 2026-12-06, after a page's figures read their cells together (aggregates.reading) and the
regularity rewrite (docs/indicators.md has the breakdown; this machine's hand-written SQL was ~1.5x slower than
the day before's):
    PostgreSQL: panel_s=1.442 baseline_s=6.207 ratio=0.23 scorecard_p95_ms=274   (median 222 ms)
Earlier that day, with the support registry (~100,000 clients, 1,000,000 services) and a baseline for every
indicator, before the support figures moved to cells:
    PostgreSQL: panel_s=3.521 baseline_s=4.052 ratio=0.87 scorecard_p95_ms=533
    SQLite:     panel_s=7.461 baseline_s=8.869 ratio=0.84 scorecard_p95_ms=352
Measured 2026-11-25 on a 2-core machine: seed("national") 208-296 s on PostgreSQL, 408-760 s on
SQLite; all 25 indicators agree with the baseline on both engines. Final run, PostgreSQL (after the
scorecard's shared queries and the cheaper reach):
    panel_s=2.732 baseline_s=2.485 ratio=1.10 scorecard_p95_ms=496   (scorecard median 287 ms)
Earlier runs with other jobs on the machine: SQLite panel_s=2.202 baseline_s=2.030 ratio=1.09.
The panel's time goes to the establishment indicators (COMMITMENTS_SIGNED, VENUES_MANAGED,
VENUES_INSPECTED: a scan of ~200,000 establishments and ~1,000,000 visits, 0.2-0.3 s each per level,
as slow in the baseline), then COMM_HAMLETS, TIPS_ON_TIME, VISITS_MADE, TIPS_RECEIVED. The
scorecard spends about 140 ms in 55 SQL queries (Hà Nội, 126 communes) and the rest in Python.
"""

import argparse
import datetime
import gc
import os
import random
import subprocess
import sys
import time

from _common import ROOT, best_of, django_on_throwaway_database  # noqa: E402

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/pcmd"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="", help="sqlite,postgresql: run each in a child process")
    parser.add_argument("--tips", type=int, default=250_000, help="tips in total after the top-up")
    parser.add_argument("--activities", type=int, default=300_000, help="activities in total after the top-up")
    parser.add_argument("--plan-share", type=float, default=0.6, help="share of communes given an issued plan")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--scale", default="national", choices=("demo", "province", "national"),
                        help="the demo seed's scale (demo and province: quick checks of the baseline)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the generated database and reuse it on the next run with --reuse (same scale)")
    parser.add_argument("--generate-only", action="store_true", help="build (or find) the data and stop")
    parser.add_argument("--keep-aggregates", action="store_true",
                        help="with --reuse: keep the reused database's aggregates (no rebuild; same code since)")
    args = parser.parse_args()
    if args.engines:
        return run_engines(args)

    name = f"indicators_{args.scale}" if args.reuse else "indicators"
    django_on_throwaway_database(name, keep=args.reuse)
    from django.db import connection

    marker = _marker(name)
    if args.reuse and marker.exists():
        started = time.perf_counter()
        counts = _counts("-")
        gen_s = time.perf_counter() - started
        print(f"reused={marker}", flush=True)
    else:
        counts, gen_s = generate(args)
        if args.reuse:
            marker.write_text("generated\n")
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" generate_s={gen_s:.1f}", flush=True)
    # The aggregates from the registries (the seed rebuilds them at its end; a reused database may predate them).
    from pcmd.aggregates.services import rebuild

    if not (args.reuse and args.keep_aggregates):
        started = time.perf_counter()
        cells = sum(rebuild().values())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"aggregates_rebuild_s={time.perf_counter() - started:.1f} cells={cells}", flush=True)
    if args.generate_only:
        return

    from pcmd.core.periods import Period
    from pcmd.indicators import engine

    engine._load()
    period = Period.parse(str(args.year))
    codes, skipped = [], []
    for indicator in engine.CATALOGUE:
        try:
            engine._computation(indicator)
            codes.append(indicator.code)
        except (NotImplementedError, ImportError) as exc:
            skipped.append(f"{indicator.code}({type(exc).__name__})")
    no_baseline = [c for c in codes if c not in BASELINES]
    print(f"indicators={len(codes)} not_computable={','.join(skipped) or '-'} "
          f"without_baseline={','.join(no_baseline) or '-'}", flush=True)

    def run_panel():
        return {level: engine.panel(codes, level=level, units=None, period=period)
                for level in ("commune", "province")}

    def run_baseline():
        with connection.cursor() as cursor:
            return {level: {code: BASELINES[code](cursor, level, period) for code in codes if code in BASELINES}
                    for level in ("commune", "province")}

    # Per-indicator timings first: they say which indicator is slow if the whole is.
    for code in codes:
        for level in ("commune", "province"):
            s, _ = best_of(1, lambda c=code, lv=level: engine.compute(c, level=lv, units=None, period=period))
            b = "-"
            if code in BASELINES:
                with connection.cursor() as cursor:
                    b, _ = best_of(1, lambda c=code, lv=level, cur=cursor: BASELINES[c](cur, lv, period))
                b = f"{b:.3f}"
            print(f"  {code:26s} {level:8s} engine_s={s:.3f} baseline_s={b}", flush=True)

    panel_s, ours = best_of(3, run_panel)
    baseline_s, theirs = best_of(3, run_baseline)
    mismatches = compare(ours, theirs)
    for line in mismatches[:40]:
        print(f"MISMATCH {line}")
    if mismatches:
        print(f"mismatches={len(mismatches)}")
    else:
        print("agree=yes")
    ratio = panel_s / baseline_s if baseline_s else float("nan")
    print(f"panel_s={panel_s:.3f} baseline_s={baseline_s:.3f} ratio={ratio:.2f} (before the scorecard)", flush=True)
    # The page is timed as a server process would serve it: without the two national panels this script keeps
    # (~400,000 objects, which every full garbage collection during a request would walk).
    del ours, theirs
    gc.collect()
    p95 = scorecard_p95(args)
    print(f"database={connection.vendor}")
    print(f"panel_s={panel_s:.3f} baseline_s={baseline_s:.3f} ratio={ratio:.2f} scorecard_p95_ms={p95}")
    if mismatches:
        sys.exit(1)


def run_engines(args):
    """Each engine in its own process (Django is set up once per process); PostgreSQL last."""
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    engines.sort(key=lambda e: e.startswith("postgres"))
    last_lines, failed = {}, False
    for engine_name in engines:
        env = dict(os.environ)
        if engine_name.startswith("postgres"):
            env["DATABASE_URL"] = env.get("DATABASE_URL", "").startswith("postgres") and env["DATABASE_URL"] or \
                DEFAULT_POSTGRES
        else:
            env.pop("DATABASE_URL", None)
        argv = [sys.executable, str(ROOT / "bench" / "indicators.py"), "--tips", str(args.tips),
                "--activities", str(args.activities), "--plan-share", str(args.plan_share),
                "--year", str(args.year), "--requests", str(args.requests), "--scale", args.scale,
                *(["--reuse"] if args.reuse else []), *(["--generate-only"] if args.generate_only else [])]
        print(f"== {engine_name}", flush=True)
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
        lines = []
        for line in proc.stdout:
            print(line, end="", flush=True)
            lines.append(line.strip())
        failed |= proc.wait() != 0
        last_lines[engine_name] = lines[-1] if lines else "failed"
    print("== summary")
    for engine_name in engines:
        print(f"{engine_name}: {last_lines[engine_name]}")
    print(last_lines[engines[-1]])
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------- data


def generate(args):
    """The national demo seed, then tips topped up to `args.tips` over five years."""
    from django.db import connection, transaction

    from pcmd.core.demo import seed
    from pcmd.tips.models import Tip

    started = time.perf_counter()
    ctx = seed(args.scale)
    seed_s = time.perf_counter() - started
    print(f"seed_{args.scale}_s={seed_s:.1f}", flush=True)
    have = Tip.objects.count()
    with transaction.atomic():
        top_up_tips(max(0, args.tips - have))
    from pcmd.outreach.models import Activity

    with transaction.atomic():
        top_up_activities(max(0, args.activities - Activity.objects.count()))
        commune_plans(args.plan_share, args.year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = _counts(len(ctx.logins))
    return counts, time.perf_counter() - started


def _marker(name: str):
    """The file saying a reusable database `name` was generated to the end (per engine and database)."""
    import tempfile
    from pathlib import Path

    from django.db import connection

    database = str(connection.settings_dict["NAME"]).replace("/", "_")
    return Path(tempfile.gettempdir()) / f"pcmd_{name}_{connection.vendor}_{database}.done"


def _counts(seed_logins) -> dict:
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.hotspots.models import Hotspot
    from pcmd.inspections.models import Visit
    from pcmd.outreach.models import Activity
    from pcmd.plans.models import Plan
    from pcmd.tips.models import Tip
    from pcmd.venues.models import Establishment

    return {
        "provinces": AdminUnit.objects.filter(level=Level.PROVINCE).count(),
        "communes": AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).count(),
        "establishments": Establishment.objects.count(), "visits": Visit.objects.count(),
        "tips": Tip.objects.count(), "activities": Activity.objects.count(), "hotspots": Hotspot.objects.count(),
        "plans": Plan.objects.count(), "seed_logins": seed_logins,
    }


def top_up_tips(n: int) -> int:
    """`n` more tips spread over every commune and the last five years (the demo's stories, no events)."""
    from django.db.models import Count
    from django.utils import timezone

    from pcmd.geo.models import AdminUnit, Level
    from pcmd.tips import demo
    from pcmd.tips.models import DeadlineRule, Tip

    if n <= 0:
        return 0
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).select_related("province")
                    .order_by("code"))
    rules = {(r.kind, r.is_complex): r for r in DeadlineRule.objects.all()}
    # Codes are numbered per province: continue well past the seed's numbers.
    counters = {code: 100_000 + c for code, c in
                Tip.objects.values_list("province__code").annotate(c=Count("pk")).values_list("province__code", "c")}
    now, rng, batch, made = timezone.now(), random.Random(2026), [], 0
    for i in range(n):
        commune = communes[i % len(communes)]
        story = demo._random_story(rng)
        story = (rng.randint(1, 5 * 365), *story[1:])  # five years back rather than the demo's 90 days
        tip, _events = demo._build(commune, story, now, rules, {}, [], None, counters)
        batch.append(tip)
        if len(batch) == 10_000:
            Tip.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    Tip.objects.bulk_create(batch)
    return made + len(batch)


def top_up_activities(n: int) -> None:
    """`n` more communication activities over every commune and the last five years (bench data only)."""
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.outreach.models import Activity, ActivityKind

    if n <= 0:
        return
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).order_by("code")
                    .values_list("pk", "province_id"))
    kinds = list(ActivityKind.objects.order_by("pk").values_list("pk", flat=True))
    today, rng, batch = datetime.date.today(), random.Random(2027), []
    for i in range(n):
        unit_id, province_id = communes[i % len(communes)]
        batch.append(Activity(
            unit_id=unit_id, province_id=province_id, kind_id=kinds[i % len(kinds)],
            date=today - datetime.timedelta(days=rng.randint(0, 5 * 365)), topic="Tuyên truyền (dữ liệu đo)",
            reach_residents=rng.randint(0, 80), reach_est_workers=rng.randint(0, 10),
            reach_ip_workers=rng.randint(0, 10), reach_hs_students=rng.randint(0, 20)))
        if len(batch) == 20_000:
            Activity.objects.bulk_create(batch)
            batch = []
    Activity.objects.bulk_create(batch)


def commune_plans(share: float, year: int) -> None:
    """An issued plan for `year` in `share` of the communes (bench data only: no document behind it)."""
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.plans.models import Plan, PlanStatus

    rng = random.Random(2028)
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).order_by("code")
    Plan.objects.bulk_create([
        Plan(unit_id=pk, province_id=province_id, title=f"Kế hoạch phòng, chống mại dâm năm {year} (dữ liệu đo)",
             period=str(year), status=PlanStatus.ISSUED)
        for pk, province_id in communes.values_list("pk", "province_id") if rng.random() < share], batch_size=5000)


# ---------------------------------------------------------------- baseline SQL
# One hand-written query per indicator and level, written from the definitions in
# pcmd/indicators/computations (registries.py, outreach.py) and entered.py. Each returns
# {unit id: (numerator, denominator or None)}. Plain SQL that runs on SQLite and PostgreSQL.


def _group(level):
    return "unit_id" if level == "commune" else "province_id"


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _as_of(period):
    return min(period.end, _today())


def _midnight(day):
    from django.db import connection
    from django.utils import timezone

    value = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return connection.ops.adapt_datetimefield_value(value)


def _rows(cursor, sql, params, *, count=False, keep_empty=True):
    cursor.execute(sql, params)
    if count:
        return {u: (n, None) for u, n in cursor.fetchall()}
    return {u: (num or 0, den or 0) for u, num, den in cursor.fetchall() if keep_empty or den}


def _count(table, date_column, *, where="", join="", group=None, distinct=None, datetime_column=False):
    """COUNT(*) (or COUNT(DISTINCT …)) of rows of `table` dated in the period, grouped by unit or province."""
    def run(cursor, level, period):
        g = group(level) if group else f"t.{_group(level)}"
        start, after = period.start, period.end + datetime.timedelta(days=1)
        if datetime_column:
            start, after = _midnight(start), _midnight(after)
        what = f"COUNT(DISTINCT t.{distinct})" if distinct else "COUNT(*)"
        return _rows(cursor, f"SELECT {g}, {what} FROM {table} t {join} WHERE t.{date_column} >= %s "
                             f"AND t.{date_column} < %s {where} GROUP BY {g}", [start, after], count=True)
    return run


def _per_commune(commune_sql):
    """A "communes with X" indicator (roll-up "communes"): `commune_sql(period)` gives (sql, params) of rows
    (id, province_id, has) over the active communes; the province counts its communes."""
    def run(cursor, level, period):
        sql, params = commune_sql(period)
        if level == "commune":
            cursor.execute(f"SELECT c.id, c.has FROM ({sql}) c", params)
            return {u: (1 if has else 0, 1) for u, has in cursor.fetchall()}
        cursor.execute(f"SELECT c.province_id, SUM(c.has), COUNT(*) FROM ({sql}) c GROUP BY c.province_id", params)
        return {u: (int(n), int(d)) for u, n, d in cursor.fetchall()}
    return run


ACTIVE_COMMUNES = "FROM geo_adminunit a WHERE a.level = 'commune' AND a.is_active = %s"


def venues_inspected(cursor, level, period):
    g = _group(level)
    return _rows(cursor, f"""
        SELECT e.{g}, COUNT(DISTINCT v.establishment_id), COUNT(DISTINCT e.id)
        FROM venues_establishment e
        LEFT JOIN inspections_visit v ON v.establishment_id = e.id AND v.date >= %s AND v.date <= %s
        WHERE e.status = 'operating'
        GROUP BY e.{g}""", [period.start, period.end], keep_empty=False)


def venues_managed(cursor, level, period):
    g = _group(level)
    since = period.end - datetime.timedelta(days=364)
    return _rows(cursor, f"""
        SELECT e.{g},
               SUM(CASE WHEN e.managing_agency_id IS NOT NULL AND (
                        (e.updated_at >= %s AND e.updated_at < %s)
                        OR EXISTS (SELECT 1 FROM inspections_visit v WHERE v.establishment_id = e.id
                                   AND v.date >= %s AND v.date <= %s)) THEN 1 ELSE 0 END),
               COUNT(*)
        FROM venues_establishment e WHERE e.status = 'operating' GROUP BY e.{g}""",
                 [_midnight(since), _midnight(period.end + datetime.timedelta(days=1)), since, period.end],
                 keep_empty=False)


def tips_on_time(cursor, level, period):
    g = _group(level)
    last_due = min(period.end, _today() - datetime.timedelta(days=1))
    s, e = period.start, period.end
    return _rows(cursor, f"""
        SELECT {g},
               SUM(CASE WHEN handled_on >= %s AND handled_on <= %s AND handled_on <= due_date THEN 1 ELSE 0 END),
               COUNT(*)
        FROM tips_tip
        WHERE outcome <> 'duplicate'
          AND ((handled_on >= %s AND handled_on <= %s)
               OR (due_date >= %s AND due_date <= %s AND (handled_on IS NULL OR handled_on > %s)))
        GROUP BY {g}""", [s, e, s, e, s, last_due, e], keep_empty=False)


def communes_with_plan_sql(period):
    return (f"""SELECT a.id, a.province_id,
                       CASE WHEN EXISTS (SELECT 1 FROM plans_plan p WHERE p.unit_id = a.id AND p.status = 'issued'
                            AND SUBSTR(p.period, 1, 4) <= %s
                            AND COALESCE(NULLIF(SUBSTR(p.period, 6, 4), ''), SUBSTR(p.period, 1, 4)) >= %s)
                       THEN 1 ELSE 0 END AS has {ACTIVE_COMMUNES}""",
            [str(period.end.year), str(period.start.year), True])


INTEGRATION_COLUMNS = ("with_drugs", "with_hiv", "with_trafficking", "with_social_security", "with_poverty")


def communes_integrating_sql(period):
    programs = " OR ".join(f"i.{c} = %s" for c in INTEGRATION_COLUMNS)
    return (f"""SELECT a.id, a.province_id,
                       CASE WHEN EXISTS (SELECT 1 FROM outreach_integration i WHERE i.unit_id = a.id
                            AND i.year >= %s AND i.year <= %s AND ({programs})) THEN 1 ELSE 0 END AS has
                {ACTIVE_COMMUNES}""",
            [period.start.year, period.end.year, *[True] * len(INTEGRATION_COLUMNS), True])


def _quarters(period):
    """[(start, end)] of the calendar quarters the period overlaps, and how many ended by "as of"."""
    as_of = _as_of(period)
    first = datetime.date(period.start.year, (period.start.month - 1) // 3 * 3 + 1, 1)
    out = []
    while first <= period.end:
        following = datetime.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
        out.append((first, following - datetime.timedelta(days=1)))
        first = following
    return out, sum(1 for _, end in out if end <= as_of)


def _regular(period, rows_sql, rows_params):
    """(sql, params): per unit u (commune c, province p) 1 when it met the regularity rule in the period.

    `rows_sql` yields (u, c, p, d) rows: the unit judged, its commune, its province and an activity date
    (already restricted to the period up to "as of"). Activities per quarter are counted with one
    CASE column per quarter; the rule is the commune's, else the province's, else 1 a quarter in 4 of 4.
    """
    quarters, ended = _quarters(period)
    cols = ", ".join(f"SUM(CASE WHEN r.d >= %s AND r.d <= %s THEN 1 ELSE 0 END) AS q{i}"
                     for i in range(len(quarters)))
    params = [x for q in quarters for x in q] + rows_params
    per_quarter = "COALESCE(r1.min_per_quarter, r2.min_per_quarter, 1)"
    met_quarters = " + ".join(f"(CASE WHEN g.q{i} >= {per_quarter} THEN 1 ELSE 0 END)" for i in range(len(quarters)))
    asked = f"((COALESCE(r1.min_quarters, r2.min_quarters, 4) * {len(quarters)} + 3) / 4)"
    asked = f"(CASE WHEN {asked} < {ended} THEN {asked} ELSE {ended} END)"
    required = f"(CASE WHEN {asked} < 1 THEN 1 ELSE {asked} END)"
    sql = f"""
        SELECT g.u, g.c, g.p, CASE WHEN ({met_quarters}) >= {required} THEN 1 ELSE 0 END AS met
        FROM (SELECT r.u, r.c, r.p, {cols} FROM ({rows_sql}) r GROUP BY r.u, r.c, r.p) g
        LEFT JOIN outreach_regularityrule r1 ON r1.unit_id = g.c
        LEFT JOIN outreach_regularityrule r2 ON r2.unit_id = g.p"""
    return sql, params


def comm_communes_sql(period):
    rows = """SELECT t.unit_id AS u, t.unit_id AS c, t.province_id AS p, t.date AS d
              FROM outreach_activity t JOIN geo_adminunit a ON a.id = t.unit_id
              WHERE a.level = 'commune' AND a.is_active = %s AND t.date >= %s AND t.date <= %s"""
    met_sql, params = _regular(period, rows, [True, period.start, _as_of(period)])
    return (f"""SELECT a.id, a.province_id, COALESCE(m.met, 0) AS has
                FROM geo_adminunit a LEFT JOIN ({met_sql}) m ON m.u = a.id
                WHERE a.level = 'commune' AND a.is_active = %s""", [*params, True])


def comm_hamlets(cursor, level, period):
    rows = """SELECT h.id AS u, h.parent_id AS c, h.province_id AS p, t.date AS d
              FROM outreach_activity_hamlets l JOIN outreach_activity t ON t.id = l.activity_id
              JOIN geo_adminunit h ON h.id = l.adminunit_id
              WHERE h.level = 'hamlet' AND h.is_active = %s AND t.date >= %s AND t.date <= %s"""
    met_sql, params = _regular(period, rows, [True, period.start, _as_of(period)])
    g = "parent_id" if level == "commune" else "province_id"
    return _rows(cursor, f"""
        SELECT h.{g}, SUM(COALESCE(m.met, 0)), COUNT(*)
        FROM geo_adminunit h LEFT JOIN ({met_sql}) m ON m.u = h.id
        WHERE h.level = 'hamlet' AND h.is_active = %s AND h.{g} IS NOT NULL
        GROUP BY h.{g}""", [*params, True])


def _reach(groups):
    def run(cursor, level, period):
        g = _group(level)
        total = " + ".join(f"t.reach_{x}" for x in groups)
        marks = ", ".join(["%s"] * len(groups))
        # Reach counts where the unit entered a base (all of it when the province has its own row).
        cursor.execute(f"""SELECT t.{g}, SUM({total}), SUM(CASE WHEN b.unit_id IS NOT NULL THEN {total} ELSE 0 END)
                           FROM outreach_activity t
                           LEFT JOIN (SELECT DISTINCT d.unit_id FROM outreach_denominator d
                                      WHERE d.year = %s AND d."group" IN ({marks})) b ON b.unit_id = t.unit_id
                           WHERE t.date >= %s AND t.date <= %s GROUP BY t.{g}""",
                       [period.end.year, *groups, period.start, period.end])
        reached_rows = cursor.fetchall()
        reached = {u: based for u, _every, based in reached_rows}
        if level == "commune":
            base_sql = f"""SELECT d.unit_id, SUM(d.value), 0 FROM outreach_denominator d
                           WHERE d.year = %s AND d."group" IN ({marks}) GROUP BY d.unit_id"""
        else:  # the province's own row for a group, else the sum of its communes' rows
            base_sql = f"""SELECT x.province_id,
                                  SUM(CASE WHEN x.own IS NOT NULL THEN x.own ELSE COALESCE(x.rest, 0) END),
                                  MAX(CASE WHEN x.own IS NOT NULL THEN 1 ELSE 0 END)
                           FROM (SELECT d.province_id, d."group",
                                        SUM(CASE WHEN d.unit_id = d.province_id THEN d.value END) AS own,
                                        SUM(CASE WHEN d.unit_id <> d.province_id THEN d.value END) AS rest
                                 FROM outreach_denominator d WHERE d.year = %s AND d."group" IN ({marks})
                                 GROUP BY d.province_id, d."group") x
                           GROUP BY x.province_id"""
        cursor.execute(base_sql, [period.end.year, *groups])
        base = {}
        for u, n, own in cursor.fetchall():
            base[u] = n
            if own:
                reached[u] = next((every for r, every, _based in reached_rows if r == u), 0)
        return {u: (reached.get(u) or 0, base.get(u, 0) or 0) for u in reached.keys() | base.keys()}
    return run


def _trained(levels):
    def run(cursor, level, period):
        g = _group(level)
        marks = ", ".join(["%s"] * len(levels))
        return _rows(cursor, f"""
            SELECT s.{g},
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM outreach_participant pa JOIN outreach_course co
                                         ON co.id = pa.course_id
                                         WHERE pa.staff_id = s.id AND pa.attended = %s
                                         AND co.start_date >= %s AND co.start_date <= %s) THEN 1 ELSE 0 END),
                   COUNT(*)
            FROM outreach_staffmember s JOIN geo_adminunit a ON a.id = s.unit_id
            WHERE s.is_active = %s AND a.level IN ({marks})
            GROUP BY s.{g}""", [True, period.start, period.end, True, *levels])
    return run


def commitments_signed(cursor, level, period):
    g = _group(level)
    as_of = _as_of(period)
    return _rows(cursor, f"""
        SELECT e.{g},
               SUM(CASE WHEN EXISTS (SELECT 1 FROM outreach_commitment c WHERE c.establishment_id = e.id
                                     AND c.date <= %s AND (c.valid_until IS NULL OR c.valid_until >= %s))
                   THEN 1 ELSE 0 END),
               COUNT(*)
        FROM venues_establishment e WHERE e.status = 'operating' GROUP BY e.{g}""", [as_of, as_of])


def cases_tried(cursor, level, period):
    g = _group(level)
    return _rows(cursor, f"""
        SELECT {g}, SUM(CASE WHEN tried_on <= %s THEN 1 ELSE 0 END), COUNT(*)
        FROM enforcement_criminalcase WHERE indicted_on >= %s AND indicted_on <= %s GROUP BY {g}""",
                 [period.end, period.start, period.end])


def crimes_handled(cursor, level, period):
    g = _group(level)
    e = period.end
    return _rows(cursor, f"""
        SELECT {g}, SUM(CASE WHEN initiated_on <= %s OR indicted_on <= %s OR tried_on <= %s THEN 1 ELSE 0 END),
               COUNT(*)
        FROM enforcement_criminalcase WHERE detected_on >= %s AND detected_on <= %s GROUP BY {g}""",
                 [e, e, e, period.start, e])


def support_access(cursor, level, period):
    """Per unit one source: the registry where the commune has a client registered by the period's end
    (eligible counted clients served by then / eligible counted clients), else the entered figure, DHIS2's
    "last value" (the latest period inside the query period)."""
    g = _group(level)
    end, as_of = period.end, _as_of(period)
    return _rows(cursor, f"""
        WITH users AS (SELECT DISTINCT unit_id FROM support_client WHERE registered_on <= %s),
        registry AS (
            SELECT c.unit_id, c.province_id,
                   SUM(CASE WHEN EXISTS (SELECT 1 FROM support_servicerecord r
                                         WHERE r.client_id = c.id AND r.received_on <= %s)
                              OR EXISTS (SELECT 1 FROM support_referral f WHERE f.client_id = c.id
                                         AND f.status = 'completed' AND f.completed_on <= %s)
                       THEN 1 ELSE 0 END) AS num,
                   COUNT(*) AS den
            FROM support_client c
            WHERE c.registered_on <= %s AND c.merged_into_id IS NULL
              AND EXISTS (SELECT 1 FROM support_consent k WHERE k.client_id = c.id AND k.purpose = 'reporting'
                          AND k.given_on <= %s AND (k.expires_on IS NULL OR k.expires_on >= %s)
                          AND k.withdrawn_at IS NULL)
              AND (SELECT s.eligible FROM support_screening s WHERE s.client_id = c.id AND s.screened_on <= %s
                   ORDER BY s.screened_on DESC, s.id DESC LIMIT 1) = %s
            GROUP BY c.unit_id, c.province_id),
        entered AS (
            SELECT x.unit_id, x.province_id, x.numerator AS num, x.denominator AS den
            FROM (SELECT v.*, ROW_NUMBER() OVER (PARTITION BY v.unit_id
                                                 ORDER BY v.period_end DESC, v.period_start ASC, v.id DESC) AS rn
                  FROM indicators_datavalue v
                  WHERE v.indicator = 'SUPPORT_ACCESS' AND v.period_start >= %s AND v.period_end <= %s) x
            WHERE x.rn = 1 AND x.unit_id NOT IN (SELECT unit_id FROM users))
        SELECT {g}, SUM(num), SUM(den) FROM (SELECT * FROM registry UNION ALL SELECT * FROM entered) y
        GROUP BY {g}""", [end, end, end, end, as_of, as_of, end, True, period.start, period.end])


# "Counted in aggregates" on the period's as-of day (pcmd.support.consent.counted): not merged, and a
# reporting consent in force that day. `{c}` is the client's alias; one %s for the day, used twice.
COUNTED = """{c}.merged_into_id IS NULL AND EXISTS (
    SELECT 1 FROM support_consent k WHERE k.client_id = {c}.id AND k.purpose = 'reporting'
    AND k.given_on <= %s AND (k.expires_on IS NULL OR k.expires_on >= %s) AND k.withdrawn_at IS NULL)"""


def _support_count(table, date_column, *, where="", distinct=None, via_client=False):
    """Rows of a client dated in the period (COUNT or COUNT DISTINCT), of counted clients, grouped by the row's
    unit (or, `via_client`, the client's)."""
    def run(cursor, level, period):
        owner = "c" if via_client else "t"
        what = f"COUNT(DISTINCT t.{distinct})" if distinct else "COUNT(*)"
        as_of = _as_of(period)
        return _rows(cursor, f"""
            SELECT {owner}.{_group(level)}, {what} FROM {table} t JOIN support_client c ON c.id = t.client_id
            WHERE t.{date_column} >= %s AND t.{date_column} <= %s {where} AND {COUNTED.format(c="c")}
            GROUP BY {owner}.{_group(level)}""", [period.start, period.end, as_of, as_of], count=True)
    return run


def support_referrals_completed(cursor, level, period):
    g = _group(level)
    as_of = _as_of(period)
    return _rows(cursor, f"""
        SELECT t.{g}, SUM(CASE WHEN t.status = 'completed' AND t.completed_on <= %s THEN 1 ELSE 0 END), COUNT(*)
        FROM support_referral t JOIN support_client c ON c.id = t.client_id
        WHERE t.referred_on >= %s AND t.referred_on <= %s AND t.status <> 'cancelled'
          AND {COUNTED.format(c="c")}
        GROUP BY t.{g}""", [period.end, period.start, period.end, as_of, as_of], keep_empty=False)


def support_outreach_reach(cursor, level, period):
    """People reached by anonymous outreach contacts; a contact at a hamlet counts for its commune."""
    g = "CASE WHEN a.level = 'hamlet' THEN a.parent_id ELSE t.unit_id END" if level == "commune" else "t.province_id"
    return _rows(cursor, f"""
        SELECT {g}, SUM(t.people_reached) FROM support_outreachcontact t JOIN geo_adminunit a ON a.id = t.unit_id
        WHERE t.date >= %s AND t.date <= %s GROUP BY {g}""", [period.start, period.end], count=True)


def _hotspot_group(level):
    return f"h.{_group(level)}"


PRESS = "('bao-chi', 'phong-su', 'mang-xa-hoi')"
HOTSPOT_JOIN = "JOIN hotspots_hotspot h ON h.id = t.hotspot_id"

BASELINES = {
    "TIPS_ON_TIME": tips_on_time,
    "COMM_HAMLETS": comm_hamlets,
    "REACH_VENUE_WORKERS": _reach(["est_workers"]),
    "REACH_INDUSTRIAL_WORKERS": _reach(["ip_workers"]),
    "REACH_STUDENTS": _reach(["hs_students", "uni_students", "voc_students"]),
    "STAFF_TRAINED": _trained(["province", "commune"]),
    "STAFF_TRAINED_PROVINCE": _trained(["province"]),
    "STAFF_TRAINED_COMMUNE": _trained(["commune"]),
    "COMM_SESSIONS": _count("outreach_activity", "date", join="JOIN outreach_activitykind k ON k.id = t.kind_id",
                            where=f"AND k.code NOT IN {PRESS}"),
    "PRESS_ITEMS": _count("outreach_activity", "date", join="JOIN outreach_activitykind k ON k.id = t.kind_id",
                          where=f"AND k.code IN {PRESS}"),
    "COMM_COMMUNES": _per_commune(comm_communes_sql),
    "COMMUNES_INTEGRATING": _per_commune(communes_integrating_sql),
    "COMMUNES_WITH_PLAN": _per_commune(communes_with_plan_sql),
    "VENUES_INSPECTED": venues_inspected,
    "COMMITMENTS_SIGNED": commitments_signed,
    "VENUES_MANAGED": venues_managed,
    "SUPPORT_ACCESS": support_access,
    "SUPPORT_SCREENED": _support_count("support_screening", "screened_on", distinct="client_id", via_client=True),
    "SUPPORT_REFERRED": _support_count("support_referral", "referred_on", distinct="client_id",
                                       where="AND t.status <> 'cancelled'"),
    "SUPPORT_REFERRALS_COMPLETED": support_referrals_completed,
    "SUPPORT_SERVICES": _support_count("support_servicerecord", "received_on"),
    "SUPPORT_OUTREACH_REACH": support_outreach_reach,
    "REACH_RESIDENTS": _reach(["residents"]),
    "REACH_OFFICIALS": _reach(["officials"]),
    "REACH_HIGH_RISK": _reach(["high_risk"]),
    "CASES_TRIED": cases_tried,
    "CASES_DETECTED": _count("enforcement_criminalcase", "detected_on"),
    "CRIMES_HANDLED": crimes_handled,
    "HOTSPOTS_NEW": _count("hotspots_hotspot", "first_identified"),
    "HOTSPOTS_SUPPRESSED": _count("hotspots_hotspotevent", "date", join=HOTSPOT_JOIN, group=_hotspot_group,
                                  where="AND t.to_status = 'suppressed'", distinct="hotspot_id"),
    "HOTSPOTS_REEMERGED": _count("hotspots_hotspotevent", "date", join=HOTSPOT_JOIN, group=_hotspot_group,
                                 where="AND t.is_reemergence", distinct="hotspot_id"),
    "TIPS_RECEIVED": _count("tips_tip", "received_at", datetime_column=True,
                            where="AND t.outcome NOT IN ('duplicate', 'spam')"),
    "VISITS_MADE": _count("inspections_visit", "date"),
}


def _normal(values: dict) -> dict:
    """{unit: (numerator, denominator)} with empty entries dropped (a missing count is 0)."""
    out = {}
    for unit, v in values.items():
        num, den = (v.numerator, v.denominator) if hasattr(v, "numerator") else v
        num = float(num or 0)
        den = None if den is None else float(den)
        if num == 0 and not den:
            continue
        out[unit] = (num, den)
    return out


def compare(ours: dict, theirs: dict) -> list[str]:
    problems = []
    for level, by_code in theirs.items():
        for code, expected in by_code.items():
            got, want = _normal(ours[level][code]), _normal(expected)
            for unit in sorted(set(got) | set(want)):
                g, w = got.get(unit, (0.0, None)), want.get(unit, (0.0, None))
                same = abs(g[0] - w[0]) < 1e-6 and ((g[1] or 0) - (w[1] or 0)) == 0
                if not same:
                    problems.append(f"{code} {level} unit={unit} engine={g} baseline={w}")
    return problems


# ---------------------------------------------------------------- scorecard


def scorecard_p95(args) -> str:
    """p95 in ms of the province scorecard over `args.requests` requests (NA when the page does not exist).

    Static files are served by plain storage (no collectstatic manifest in a throwaway setup).
    """
    from django.conf import settings
    from django.test import override_settings

    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages):
        return _scorecard_p95(args)


def _scorecard_p95(args) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import Resolver404, resolve

    from pcmd.core.demo import HA_NOI
    from pcmd.geo.models import AdminUnit

    path = "/bang-dieu-hanh/bang-diem/"
    try:
        resolve(path)
    except Resolver404:
        return "NA"
    setup_test_environment()
    province = AdminUnit.objects.get(code=HA_NOI)
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="hanoi.lanhdao"))
    url = f"{path}?don-vi={province.code}&ky={args.year}"
    first = client.get(url, secure=True)
    if first.status_code != 200:
        print(f"scorecard_status={first.status_code}")
        return "NA"
    from pcmd.wsgi import settle

    settle()  # as pcmd/wsgi.py does in each server process once loaded
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"scorecard_requests={len(times)} median_ms={1000 * times[len(times) // 2]:.0f}")
    return f"{1000 * p95:.0f}"


if __name__ == "__main__":
    main()
