"""What every benchmark needs: a throwaway database and a timer.

Benchmarks run as scripts (`.venv/bin/python bench/NAME.py`), so this folder is on sys.path.
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def throwaway_database(name: str, keep: bool = False) -> str:
    """A fresh database URL: a temporary SQLite file, or with DATABASE_URL=postgresql://…/DB a
    database DB_<name> on that server, dropped and created anew. With `keep` an existing database of
    that name is kept as it is (benchmarks whose data takes long to build reuse it)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        path = Path(tempfile.gettempdir()) / f"pcmd_{name}_bench.sqlite3"
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    parts = urlparse(url)
    database = f"{parts.path.lstrip('/') or 'pcmd'}_{name}_bench"
    with psycopg.connect(urlunparse(parts._replace(path="/postgres")), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not (keep and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
    return urlunparse(parts._replace(path=f"/{database}"))


def best_of(n, fn):
    """(fastest seconds of n runs, the last result)."""
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def django_on_throwaway_database(name: str, keep: bool = False) -> None:
    """Point Django at a fresh database (or, with `keep`, the one left by an earlier run), set it up and
    migrate it; prints which engine runs."""
    os.environ["DATABASE_URL"] = throwaway_database(name, keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database={connection.vendor}")


def synthetic_country(provinces: int, communes: int) -> None:
    """Bulk-create `provinces` provinces and `communes` communes spread over them (codes 01…, 00001…)."""
    from django.db.models import F

    from pcmd.geo.models import AdminUnit, Level

    AdminUnit.objects.bulk_create([
        AdminUnit(code=f"{p:02d}", name=f"Tỉnh {p:02d}", division_type="tỉnh", level=Level.PROVINCE, path=f"{p:02d}/")
        for p in range(1, provinces + 1)])
    AdminUnit.objects.filter(level=Level.PROVINCE).update(province_id=F("pk"))
    made = list(AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code"))
    rows = []
    for n in range(communes):
        p, code = made[n % len(made)], f"{n + 1:05d}"
        rows.append(AdminUnit(code=code, name=f"Xã {code}", division_type="xã", level=Level.COMMUNE,
                              parent=p, province=p, path=f"{p.path}{code}/"))
    AdminUnit.objects.bulk_create(rows, batch_size=5000)
