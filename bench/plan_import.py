"""Plan import speed: extract + parse each seed 20 times (median seconds per document), then the full import.

    .venv/bin/python bench/plan_import.py [--runs 20] [--no-db]

The full import (pcmd.plans.services.plan_import: parse, save the plan and all its items, link agencies)
runs against a throwaway SQLite database in a temporary PCMD_DATA_DIR, with the official admin units loaded.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(ROOT))

# Seed file -> the admin unit it belongs to (code, or a name to look up for pre-2025 legacy units).
UNITS = {
    "city-ha-noi-2026-2030.txt": "01",
    "province-ninh-binh-2026.txt": "37",
    "ward-bach-dang-haiphong-2026.txt": None,  # looked up by name below
    "ward-tan-thanh-tamky-2025.txt": "31",
    "district-duong-kinh-haiphong-2024.txt": "31",
}


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-db", action="store_true", help="only the parser, no database import")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="pcmd-bench-")
    os.environ["PCMD_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings_test")
    import django

    django.setup()
    from pcmd.plans.parsing.extract import extract_text
    from pcmd.plans.parsing.parser import parse_plan

    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        sys.exit(f"no seed files in {SEEDS}")
    print(f"Parse (extract + parse), median of {args.runs} runs per document")
    medians = []
    for path in seeds:
        data = path.read_bytes()
        seconds = timed(lambda d=data, n=path.name: parse_plan(extract_text(n, d)), args.runs)
        parsed = parse_plan(extract_text(path.name, data))
        medians.append(seconds)
        print(f"  {path.name:42} {seconds * 1000:8.1f} ms   {len(data) / 1024:5.1f} KB   "
              f"{len(parsed['targets']):3} targets {len(parsed['tasks']):3} tasks {len(parsed['reporting']):2} duties")
    print(f"  {'overall median':42} {statistics.median(medians) * 1000:8.1f} ms")

    if args.no_db:
        return
    try:
        from pcmd.plans.services import plan_import
    except ImportError:
        print("pcmd.plans.services.plan_import is not available: database import not measured")
        return
    from django.core.management import call_command
    from django.db import connection, transaction

    from pcmd.geo.models import AdminUnit
    from pcmd.geo.services import admin_units_load_official

    print(f"\nFull import into a throwaway SQLite database ({connection.settings_dict['NAME']})")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    admin_units_load_official()
    print(f"  setup (migrate + {AdminUnit.objects.count()} admin units) {time.perf_counter() - started:.1f} s")
    bach_dang = AdminUnit.objects.filter(name__icontains="Bạch Đằng", province__code="31").first()

    class Rollback(Exception):
        pass

    medians = []
    for path in seeds:
        code = UNITS.get(path.name, "31")
        unit = bach_dang if code is None else AdminUnit.objects.filter(code=code).first()
        if unit is None:
            print(f"  {path.name}: no admin unit to attach it to, skipped")
            continue
        data = path.read_bytes()

        def run(d=data, n=path.name, u=unit):
            try:
                with transaction.atomic():
                    plan_import(unit=u, file_name=n, data=d, user=None)
                    raise Rollback  # keep the database empty so every run is a first import
            except Rollback:
                pass

        seconds = timed(run, args.runs)
        medians.append(seconds)
        print(f"  {path.name:42} {seconds * 1000:8.1f} ms")
    if medians:
        print(f"  {'overall median':42} {statistics.median(medians) * 1000:8.1f} ms")


if __name__ == "__main__":
    try:
        main()
    finally:
        if os.environ.get("PCMD_DATA_DIR", "").startswith(tempfile.gettempdir()):
            shutil.rmtree(os.environ["PCMD_DATA_DIR"], ignore_errors=True)
