"""The full indicator panel at national scale, against hand-written SQL, and the scorecard page.

Generates into a throwaway database the `national` demo (`pcmd.core.demo.seed("national")`: 34
provinces, 3,321 communes, ~200,000 establishments, ~1,000,000 visits over five years, hotspots,
cases, outreach activities, trainings, denominators, plans) and tops the tips up to ~250,000 over
five years (bulk inserts, the tips demo's generator). Then, for one year:

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
"""

import argparse
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
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    if args.engines:
        return run_engines(args)

    django_on_throwaway_database("indicators")
    from django.db import connection

    counts, gen_s = generate(args)
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" generate_s={gen_s:.1f}", flush=True)

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
    p95 = scorecard_p95(args)
    ratio = panel_s / baseline_s if baseline_s else float("nan")
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
                "--year", str(args.year), "--requests", str(args.requests)]
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
    ctx = seed("national")
    seed_s = time.perf_counter() - started
    print(f"seed_national_s={seed_s:.1f}", flush=True)
    have = Tip.objects.count()
    with transaction.atomic():
        added = top_up_tips(max(0, args.tips - have))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.hotspots.models import Hotspot
    from pcmd.inspections.models import Visit
    from pcmd.outreach.models import Activity
    from pcmd.plans.models import Plan
    from pcmd.venues.models import Establishment

    counts = {
        "provinces": AdminUnit.objects.filter(level=Level.PROVINCE).count(),
        "communes": AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).count(),
        "establishments": Establishment.objects.count(), "visits": Visit.objects.count(),
        "tips": have + added, "activities": Activity.objects.count(), "hotspots": Hotspot.objects.count(),
        "plans": Plan.objects.count(), "seed_logins": len(ctx.logins),
    }
    return counts, time.perf_counter() - started


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


# ---------------------------------------------------------------- baseline SQL
# One hand-written query per indicator and level, from the definitions in pcmd/indicators/computations.
# Each returns {unit id: (numerator, denominator or None)}.


def _group(level):
    return "unit_id" if level == "commune" else "province_id"


def _bounds(period):
    return period.start, period.end


def _count_rows(table, date_column, extra=""):
    def run(cursor, level, period):
        g = _group(level)
        cursor.execute(f"SELECT {g}, COUNT(*) FROM {table} WHERE {date_column} >= %s AND {date_column} <= %s "
                       f"{extra} GROUP BY {g}", list(_bounds(period)))
        return {u: (n, None) for u, n in cursor.fetchall()}
    return run


def venues_inspected(cursor, level, period):
    g = _group(level)
    start, end = _bounds(period)
    cursor.execute(f"""
        SELECT e.{g}, COUNT(DISTINCT v.establishment_id), COUNT(DISTINCT e.id)
        FROM venues_establishment e
        LEFT JOIN inspections_visit v ON v.establishment_id = e.id AND v.date >= %s AND v.date <= %s
        WHERE e.status = 'operating'
        GROUP BY e.{g}""", [start, end])
    return {u: (visited, total) for u, visited, total in cursor.fetchall()}


def tips_on_time(cursor, level, period):
    g = _group(level)
    start, end = _bounds(period)
    cursor.execute(f"""
        SELECT {g}, SUM(CASE WHEN handled_on <= due_date THEN 1 ELSE 0 END), COUNT(*)
        FROM tips_tip
        WHERE handled_on >= %s AND handled_on <= %s AND outcome <> 'duplicate'
        GROUP BY {g}""", [start, end])
    return {u: (on_time, handled) for u, on_time, handled in cursor.fetchall()}


def _communes_rollup(per_commune_sql, params_fn):
    """A "communes with X" indicator: per commune (1 or 0, 1); the province counts its communes."""
    def run(cursor, level, period):
        inner = per_commune_sql
        if level == "commune":
            cursor.execute(f"SELECT id, has FROM ({inner}) c", params_fn(period))
            return {u: (int(bool(has)), 1) for u, has in cursor.fetchall()}
        cursor.execute(f"SELECT province_id, SUM(has), COUNT(*) FROM ({inner}) c GROUP BY province_id",
                       params_fn(period))
        return {u: (int(n), int(d)) for u, n, d in cursor.fetchall()}
    return run


communes_with_plan = _communes_rollup(
    """SELECT a.id, a.province_id,
              CASE WHEN EXISTS (SELECT 1 FROM plans_plan p WHERE p.unit_id = a.id AND p.status = 'issued')
                   THEN 1 ELSE 0 END AS has
       FROM geo_adminunit a WHERE a.level = 'commune' AND a.is_active""",
    lambda period: [])


BASELINES = {
    "VENUES_INSPECTED": venues_inspected,
    "TIPS_ON_TIME": tips_on_time,
    "COMMUNES_WITH_PLAN": communes_with_plan,
    "CASES_DETECTED": _count_rows("enforcement_criminalcase", "detected_on"),
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
    """p95 in ms of the province scorecard over `args.requests` requests (NA when the page does not exist)."""
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
    url = f"{path}?unit={province.pk}&period={args.year}"
    first = client.get(url, secure=True)
    if first.status_code != 200:
        print(f"scorecard_status={first.status_code}")
        return "NA"
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
