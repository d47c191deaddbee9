"""“Maintained regularly” and reach for a province and for the whole country, timed.

Generates into a throwaway database what `pcmd seed-demo --scale national` gives the outreach app: the
official 34 provinces and 3,321 communes, 5–15 hamlets a commune, two years of activities a commune (the
demo's generator: diligence varies, hamlets covered by tick boxes) and denominators; then times, best of 3:

- regularity() for one province (Hải Phòng, every commune and hamlet) and for the country;
- reach() and monthly() for the province (sums over its activities);
- a 10,000-row Excel import of activities into one commune's province (check + write), through core.imports.

SQLite (a temporary file) by default; DATABASE_URL=postgresql://…/NAME uses NAME_outreach_bench.

    .venv/bin/python bench/outreach_regularity.py
"""

import datetime
import io
import random
import tempfile
import time
from pathlib import Path

from _common import best_of, django_on_throwaway_database  # noqa: E402


def main():
    django_on_throwaway_database("outreach")
    from faker import Faker

    from pcmd.core.demo import HAI_PHONG, SeedContext, seed_hamlets, seed_reference
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.outreach.demo import REFERENCE_DATE, seed_activities
    from pcmd.outreach.models import Activity
    from pcmd.outreach.selectors import OVERVIEW_CODES, figures, monthly, regularity

    ctx = SeedContext(scale="national", faker=Faker("vi_VN"), rng=random.Random(2026))
    start = time.perf_counter()
    seed_reference(ctx)
    seed_hamlets(ctx)
    seed_activities(ctx)
    links = Activity.hamlets.through.objects.count()
    print(f"communes={AdminUnit.objects.filter(level=Level.COMMUNE).count()} "
          f"hamlets={AdminUnit.objects.filter(level=Level.HAMLET).count()} activities={Activity.objects.count()} "
          f"hamlet_links={links} generate_s={time.perf_counter() - start:.1f}")

    as_of = min(REFERENCE_DATE, datetime.date.today())
    year = as_of.year - 1
    province = AdminUnit.objects.get(code=HAI_PHONG)
    communes = list(AdminUnit.objects.filter(province=province, level=Level.COMMUNE).order_by("name"))
    everywhere = list(AdminUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    province_s, result = best_of(3, lambda: regularity(communes, year, as_of))
    print(f"province communes_met={sum(c.met for c in result.communes)}/{len(result.communes)} "
          f"hamlets_met={sum(h.met for h in result.hamlets)}/{len(result.hamlets)}")
    national_s, result = best_of(3, lambda: regularity(everywhere, year, as_of))
    print(f"national communes_met={sum(c.met for c in result.communes)}/{len(result.communes)} "
          f"hamlets_met={sum(h.met for h in result.hamlets)}/{len(result.hamlets)}")
    activities = Activity.objects.filter(province=province)
    reach_s, _ = best_of(3, lambda: (figures(province, year, OVERVIEW_CODES), monthly(activities, year)))
    import_s, rows_per_s = import_bench(communes[0], as_of)
    print(f"regularity_province_s={province_s:.3f} regularity_national_s={national_s:.2f} "
          f"reach_and_monthly_province_s={reach_s:.3f} import_10000_s={import_s:.1f} "
          f"import_rows_per_s={rows_per_s:.0f}")


def import_bench(commune, as_of):
    from openpyxl import Workbook

    from pcmd.core import imports
    from pcmd.core.imports import ImportScope
    from pcmd.outreach.importers import activities as importer

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(imports.DATA_SHEET)
    sheet.append(importer.headers)
    fields = importer.export_fields()
    hamlets = "; ".join(commune.children.order_by("code").values_list("name", flat=True)[:3])
    day = datetime.date.today() - datetime.timedelta(days=30)
    for n in range(10_000):
        values = {"date": day - datetime.timedelta(days=n % 300), "unit": commune.code, "kind": "Hội nghị, hội thảo, "
                  "họp dân", "topic": f"Hội nghị tuyên truyền số {n}", "hamlets_display": hamlets,
                  "reach_residents": 50 + n % 40, "integration_display": "Ma túy", "reach_note": "Số liệu thử"}
        sheet.append([values.get(f) for f in fields])
    path = Path(tempfile.gettempdir()) / "pcmd_outreach_bench.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    start = time.perf_counter()
    job = imports.import_all(importer=importer, path=path, scope=ImportScope(unit=commune.province), mode="valid")
    seconds = time.perf_counter() - start
    assert job.created == 10_000, (job.created, job.preview["errors"][:3])
    return seconds, 10_000 / seconds


if __name__ == "__main__":
    main()
