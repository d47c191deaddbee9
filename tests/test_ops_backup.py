"""`pcmd backup` / `pcmd restore`: a backup of the demo database restored into a fresh database (another
process, its own data directory) shows the same figures and the same rows; a wrong key is refused."""

import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection

from pcmd.core import crypto
from pcmd.ops import backup
from pcmd.ops.figures import all_figures
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db
# The other processes live on the tests' frozen day too (figures depend on today: deadlines, "this year").
PCMD = [sys.executable, "-c", "import datetime, sys, time_machine; from zoneinfo import ZoneInfo; "
        "time_machine.travel(datetime.datetime.fromisoformat(sys.argv.pop(1)), tick=True).start(); "
        "from pcmd.cli import main; sys.argv[0] = 'pcmd'; main()",
        datetime.datetime.combine(TODAY, datetime.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).isoformat()]


def _server(db) -> str:
    return f"postgresql://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.fixture
def fresh_database(tmp_path):
    """The DATABASE_URL of an empty database of the same engine as the tests'."""
    if connection.vendor == "postgresql":
        server, name = _server(connection.settings_dict), f"pcmd_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The DATABASE_URL of the tests' demo database as another process sees it: PostgreSQL's test database
    itself (its committed demo data); SQLite's lives in this process's memory, so it is copied to a file, once,
    before any test opens a transaction on it (session scope)."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            return f"{_server(connection.settings_dict)}/{connection.settings_dict['NAME']}"
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"


def run(args, database_url, data_dir, keys):
    env = {**os.environ, "DATABASE_URL": database_url, "PCMD_DATA_DIR": str(data_dir), "PCMD_FIELD_KEYS": keys,
           "DJANGO_SETTINGS_MODULE": "pcmd.settings", "PCMD_HTTPS": "0"}
    env.pop("MEDIA_ROOT", None)
    return subprocess.run([*PCMD, *args], env=env, capture_output=True, text=True, timeout=900)


def make_backup(tmp_path, demo_database, keys) -> Path:
    source = tmp_path / "source-data"
    (source / "media" / "tips").mkdir(parents=True)
    (source / "media" / "tips" / "anh.jpg").write_bytes(b"\xff\xd8 a photo")
    made = run(["backup", "--output", str(tmp_path / "backups")], demo_database, source, keys)
    assert made.returncode == 0, made.stderr
    [archive] = list((tmp_path / "backups").glob("pcmd-*.tar.gz"))
    return archive


def test_backup_restored_into_a_fresh_database_shows_the_same_figures(tmp_path, demo_database, fresh_database):
    keys = ",".join(crypto._keys())
    archive = make_backup(tmp_path, demo_database, keys)
    manifest = backup.read_manifest(archive)
    assert manifest["field_keys"] == backup.key_fingerprints()
    assert manifest["tables"]["geo_adminunit"] > 3000 and manifest["tables"]["tips_tip"] > 0
    assert keys.encode() not in archive.read_bytes()  # fingerprints only, never the keys (compressed: see below)
    with tarfile.open(archive) as tar:
        assert all(keys.encode() not in tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())

    data_dir = tmp_path / "restored-data"
    restored = run(["restore", str(archive)], fresh_database, data_dir, keys)
    assert restored.returncode == 0, restored.stderr
    assert (data_dir / "media" / "tips" / "anh.jpg").read_bytes() == b"\xff\xd8 a photo"
    figures = run(["figures-fingerprint"], fresh_database, data_dir, keys)
    assert figures.returncode == 0, figures.stderr
    here = all_figures()  # the tests' own database, in this process
    assert any(v for values in here.values() for v in values.values())  # the demo has figures to compare
    assert json.loads(figures.stdout) == json.loads(json.dumps(here))

    again = run(["restore", str(archive)], fresh_database, data_dir, keys)
    assert again.returncode != 0 and "đã có dữ liệu" in again.stderr


def test_restore_refuses_other_field_keys(tmp_path, demo_database, fresh_database):
    from cryptography.fernet import Fernet

    archive = make_backup(tmp_path, demo_database, ",".join(crypto._keys()))
    result = run(["restore", str(archive)], fresh_database, tmp_path / "d", Fernet.generate_key().decode())
    assert result.returncode != 0 and "Khóa mã hóa" in result.stderr


def test_retention_keeps_recent_and_monthly(tmp_path):
    for day in range(1, 61):
        month, d = divmod(day - 1, 30)
        (tmp_path / f"pcmd-2026{month + 10:02d}{d + 1:02d}-020000.tar.gz").write_bytes(b"x")
    removed = backup.prune(tmp_path, keep_daily=7, keep_monthly=12)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == 9 and "pcmd-20261001-020000.tar.gz" in kept and "pcmd-20261101-020000.tar.gz" in kept
    assert len(removed) == 51
