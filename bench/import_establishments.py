"""Excel import of 100,000 establishments through the service the web uses.

Into a throwaway database (SQLite temp file; with DATABASE_URL=postgresql://…/NAME a database
NAME_import_bench, dropped and created anew): loads the official units and Hải Phòng's agencies,
writes an .xlsx of N rows over Hải Phòng's communes (write-only openpyxl), then times the same steps
as the web page: upload (read with calamine + keep rows), preview (the check job: every row checked, nothing
written), run (the run job: batches, one transaction each), and a second import of the same file (every row
matched and updated). Prints
figures; the LAST line is `rows_per_s=<n>` for the first import end to end (upload + preview + run).

    .venv/bin/python bench/import_establishments.py [--rows 100000]
"""

import argparse
import datetime
import os
import random
import tempfile
import time
from pathlib import Path

from _common import django_on_throwaway_database  # noqa: E402


def write_file(path: Path, rows: int, communes, hamlets, importer) -> None:
    from openpyxl import Workbook

    from pcmd.core.imports import DATA_SHEET
    from pcmd.venues.demo import BRANDS, PREFIX, STREETS

    rng = random.Random(2026)
    types = {"karaoke": "Karaoke", "nha-nghi": "Nhà nghỉ", "xoa-bop": "Xoa bóp (massage)", "nha-tro": "Nhà trọ",
             "goi-dau-thu-gian": "Cắt tóc, gội đầu thư giãn", "khach-san": "Khách sạn"}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append(importer.headers)
    fields = importer.export_fields()
    for n in range(rows):
        code = rng.choice(list(types))
        commune = communes[n % len(communes)]
        own_hamlets = hamlets.get(commune.pk)
        total = rng.randint(1, 30)
        values = {
            "name": f"{rng.choice(PREFIX[code])} {rng.choice(BRANDS)} {n}", "type": types[code],
            "address": f"Số {rng.randint(1, 500)} {rng.choice(STREETS)}", "unit": commune.name,
            "hamlet": rng.choice(own_hamlets).name if own_hamlets else None,
            "registration_number": f"B{n:08d}", "licence_number": f"{n}/GP",
            "licence_date": datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 1800)),
            "owner_name": "Nguyễn Văn An", "owner_phone": f"09{rng.randint(10_000_000, 99_999_999)}",
            "workers_total": total, "workers_female": rng.randint(0, total), "status": "Đang hoạt động",
            "commitment_date": "15/01/2026" if rng.random() < 0.6 else None,
        }
        sheet.append([values.get(f) for f in fields])
    workbook.save(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    media = tempfile.mkdtemp(prefix="pcmd_import_bench_")
    os.environ["MEDIA_ROOT"] = media
    django_on_throwaway_database("import")
    from django.db import connection

    from pcmd.core import imports
    from pcmd.core.demo import HAI_PHONG, SeedContext, seed_hamlets
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.geo.services import admin_units_load_official
    from pcmd.org.services import agencies_instantiate, agency_kinds_load
    from pcmd.venues.importers import establishments as importer
    from pcmd.venues.models import Establishment
    from pcmd.venues.services import establishment_types_load

    admin_units_load_official()
    agency_kinds_load()
    hai_phong = AdminUnit.objects.get(code=HAI_PHONG)
    communes = list(AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE, is_active=True).order_by("code"))
    agencies_instantiate(units=[hai_phong, *communes])
    establishment_types_load()
    from faker import Faker

    seed_hamlets(SeedContext(scale="province", faker=Faker("vi_VN"), rng=random.Random(1)))
    hamlets = {}
    for h in AdminUnit.objects.filter(level=Level.HAMLET, province=hai_phong):
        hamlets.setdefault(h.parent_id, []).append(h)

    path = Path(media) / "co-so-100k.xlsx"
    start = time.perf_counter()
    write_file(path, args.rows, communes, hamlets, importer)
    print(f"database={connection.vendor} rows={args.rows} communes={len(communes)} "
          f"file_mb={path.stat().st_size / 1048576:.1f} write_xlsx_s={time.perf_counter() - start:.1f}")

    scope = imports.ImportScope(unit=hai_phong)

    def one_import():
        times = {}
        t = time.perf_counter()
        with path.open("rb") as handle:
            job = imports.import_upload(importer=importer, fileobj=handle, filename=path.name, scope=scope)
        times["upload_s"] = time.perf_counter() - t
        t = time.perf_counter()
        preview = imports.import_preview(job, importer, scope)
        times["preview_s"] = time.perf_counter() - t
        assert preview["bad"] == 0, preview["errors"][:5]
        t = time.perf_counter()
        imports.import_start(job, imports.MODE_ALL_OR_NOTHING)
        batches = []
        imports.import_run(job, importer, scope, progress=batches.append)  # what the job does (core.tasks)
        batches = len(batches)
        times["run_s"] = time.perf_counter() - t
        assert job.status == "done", job.failure
        return job, preview, times, batches

    job, preview, times, batches = one_import()
    total_s = sum(times.values())
    assert job.created == args.rows and preview["bad"] == 0, preview["errors"][:5]
    assert Establishment.objects.count() == args.rows
    print(f"first import: created={job.created} batches={batches} "
          + " ".join(f"{k}={v:.1f}" for k, v in times.items()) + f" total_s={total_s:.1f}")
    again, _preview, times2, _ = one_import()
    assert again.updated == args.rows and Establishment.objects.count() == args.rows  # no duplicates
    print(f"re-import (all updates): updated={again.updated} "
          + " ".join(f"{k}={v:.1f}" for k, v in times2.items()) + f" total_s={sum(times2.values()):.1f}"
          + f" rows_per_s={args.rows / sum(times2.values()):.0f}")
    print(f"run_only_rows_per_s={args.rows / times['run_s']:.0f}")
    print(f"rows_per_s={args.rows / total_s:.0f}")


if __name__ == "__main__":
    main()
