"""`pcmd backup` / `pcmd restore`: the database, the uploaded files, and the field keys' fingerprints.

A backup is one .tar.gz holding:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite: the online backup API);
- `media/` (every uploaded file: tip photos, scans, plan documents, report attachments);
- `manifest.json`: when, which database engine, the last migration of each app, the row count of every table,
  and the SHA-256 fingerprint of each field-encryption key.
The keys themselves are never in a backup: a stolen backup without them shows no encrypted field. A restore
refuses to run when the running server's keys do not match the fingerprints (the restored fields could
not be read), and refuses a non-empty database unless asked to replace it.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from pcmd.core import crypto

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Vietnamese."""


def key_fingerprints() -> list[str]:
    return [hashlib.sha256(key.encode()).hexdigest() for key in crypto._keys()]


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _last_migrations() -> dict[str, str]:
    last = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        last[app] = name
    return last


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres", "--dbname", db["NAME"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def backup(output_dir: Path) -> Path:
    """Write a backup into `output_dir`; returns the archive's path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"pcmd-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if _is_postgres():
            args, env = _pg_env()
            dump = work / "database.dump"
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_dump không chạy được: {result.stderr.strip()[:500]}")
        else:
            # Its own connection: the online backup reads committed pages while the application writes on.
            source = sqlite3.connect(str(connection.settings_dict["NAME"]), uri=True)
            dest = sqlite3.connect(work / "database.sqlite3")
            source.backup(dest)
            dest.close()
            source.close()
        manifest = {
            "format": FORMAT, "created": timezone.now().isoformat(), "engine": connection.vendor,
            "migrations": _last_migrations(), "tables": table_counts(), "field_keys": key_fingerprints(),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            for name in sorted(os.listdir(work)):
                tar.add(work / name, arcname=name)
            if Path(settings.MEDIA_ROOT).is_dir():
                tar.add(settings.MEDIA_ROOT, arcname="media")
        partial.rename(target)  # a crash mid-way leaves a .partial, never a truncated backup with the real name
    return target


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            return json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError, AttributeError) as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {archive}: {exc}") from exc


def restore(archive: Path, replace: bool = False) -> dict:
    """Restore `archive` into the configured (empty) database and media directory; returns the manifest."""
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError("Tệp sao lưu có định dạng khác phiên bản này.")
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"Bản sao lưu của {manifest['engine']}, máy chủ đang dùng {connection.vendor}.")
    if set(manifest["field_keys"]) - set(key_fingerprints()):
        raise BackupError("Khóa mã hóa trường dữ liệu của máy chủ này khác khóa lúc sao lưu: các trường mã hóa "
                          "sẽ không đọc được. Đặt PCMD_FIELD_KEYS như lúc sao lưu rồi chạy lại.")
    existing = [t for t in connection.introspection.table_names() if t != "django_migrations"]
    if existing and not replace:
        raise BackupError("Cơ sở dữ liệu đích đã có dữ liệu; dùng --replace để thay toàn bộ.")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links out, devices
        if _is_postgres():
            args, env = _pg_env()
            result = subprocess.run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error",
                                     *args, str(work / "database.dump")], env=env, capture_output=True, text=True)
            if result.returncode:
                raise BackupError(f"pg_restore không chạy được: {result.stderr.strip()[:500]}")
        else:
            connection.close()
            source = sqlite3.connect(work / "database.sqlite3")
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()
        if (work / "media").is_dir():
            shutil.copytree(work / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    counts = table_counts()
    missing = {t: n for t, n in manifest["tables"].items() if counts.get(t) != n}
    if missing:
        raise BackupError(f"Số dòng sau khi phục hồi khác bản sao lưu ở {len(missing)} bảng: {sorted(missing)[:5]}")
    return manifest


def prune(output_dir: Path, keep_daily: int = 14, keep_monthly: int = 12) -> list[Path]:
    """Retention: the newest `keep_daily` backups, plus the first of each of the last `keep_monthly` months."""
    archives = sorted(output_dir.glob("pcmd-*.tar.gz"))
    keep = set(archives[-keep_daily:])
    firsts: dict[str, Path] = {}
    for path in archives:
        firsts.setdefault(path.name[5:11], path)  # pcmd-YYYYMM…
    keep |= set(sorted(firsts.values())[-keep_monthly:])
    removed = [p for p in archives if p not in keep]
    for path in removed:
        path.unlink()
    return removed


