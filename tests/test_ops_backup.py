"""`pcmd backup` / `pcmd restore`: a backup of the demo database restored into a fresh database (another
process, its own data directory) shows the same figures and the same rows; a wrong key is refused."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from pcmd.core import crypto
from pcmd.ops import backup
from pcmd.ops.figures import all_figures

pytestmark = pytest.mark.django_db
PCMD = [sys.executable, "-m", "pcmd.cli"]


@pytest.fixture
def fresh_database(tmp_path):
    """(DATABASE_URL, cleanup) of an empty database of the same engine as the tests'."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        name = f"pcmd_restore_{uuid.uuid4().hex[:8]}"
        server = f"postgresql://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


def run(args, database_url, data_dir, keys):
    env = {**os.environ, "DATABASE_URL": database_url, "PCMD_DATA_DIR": str(data_dir), "PCMD_FIELD_KEYS": keys,
           "DJANGO_SETTINGS_MODULE": "pcmd.settings", "PCMD_HTTPS": "0"}
    return subprocess.run([*PCMD, *args], env=env, capture_output=True, text=True, timeout=600)


def test_backup_restored_into_a_fresh_database_shows_the_same_figures(tmp_path, fresh_database, settings):
    settings.MEDIA_ROOT = tmp_path / "media-source"
    (settings.MEDIA_ROOT / "tips").mkdir(parents=True)
    (settings.MEDIA_ROOT / "tips" / "anh.jpg").write_bytes(b"\xff\xd8 a photo")
    call_command("backup", output=str(tmp_path / "backups"))
    [archive] = list((tmp_path / "backups").glob("pcmd-*.tar.gz"))
    manifest = backup.read_manifest(archive)
    assert manifest["field_keys"] == backup.key_fingerprints()
    keys = ",".join(crypto._keys())
    assert keys not in archive.read_bytes().decode("latin-1")  # fingerprints only, never the keys

    data_dir = tmp_path / "restored-data"
    restored = run(["restore", str(archive)], fresh_database, data_dir, keys)
    assert restored.returncode == 0, restored.stderr
    assert (data_dir / "media" / "tips" / "anh.jpg").read_bytes() == b"\xff\xd8 a photo"
    figures = run(["figures-fingerprint"], fresh_database, data_dir, keys)
    assert figures.returncode == 0, figures.stderr
    here = all_figures()
    assert any(v for values in here.values() for v in values.values())  # the demo has figures to compare
    assert json.loads(figures.stdout) == json.loads(json.dumps(here))

    again = run(["restore", str(archive)], fresh_database, data_dir, keys)
    assert again.returncode != 0 and "đã có dữ liệu" in again.stderr


def test_restore_refuses_other_field_keys(tmp_path, fresh_database):
    from cryptography.fernet import Fernet

    call_command("backup", output=str(tmp_path / "backups"))
    [archive] = list(Path(tmp_path / "backups").glob("pcmd-*.tar.gz"))
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
