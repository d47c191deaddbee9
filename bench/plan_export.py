"""Word export, derive and communes-with-plan coverage, timed on a generated province.

Builds into a throwaway SQLite file (or DATABASE_URL=postgresql://…/NAME -> NAME_planexport_bench): one
province with 168 communes (the largest after the 2025 merger), a province plan of 60 targets (with
5-year trajectories) and 80 tasks, and 4 plans per commune over the years; then prints

    export_docx_median_s=…  derive_median_s=…  coverage_s=…  coverage_queries=1

    .venv/bin/python bench/plan_export.py [--communes 168]
"""

import argparse
import datetime
import statistics
import time
from decimal import Decimal

from _common import django_on_throwaway_database  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=168)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    django_on_throwaway_database("planexport")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pcmd.geo.models import AdminUnit, Level
    from pcmd.plans.derive import plan_coverage, plan_derive
    from pcmd.plans.export import plan_to_docx
    from pcmd.plans.models import Metric, Plan, PlanStatus, Target, Task

    province = AdminUnit.objects.create(code="99", name="Tỉnh Thử", level=Level.PROVINCE, path="99/")
    province.province = province
    province.save()
    AdminUnit.objects.bulk_create([
        AdminUnit(code=f"99{n:03d}", name=f"Xã {n:03d}", level=Level.COMMUNE, parent=province, province=province,
                  path=f"99/99{n:03d}/") for n in range(args.communes)])
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    parent = Plan.objects.create(unit=province, number="12/KH-UBND", title="Kế hoạch phòng, chống mại dâm",
                                 issuer="ỦY BAN NHÂN DÂN TỈNH THỬ", issue_date=datetime.date(2026, 1, 5),
                                 period="2026-2030", status=PlanStatus.ISSUED, place="Thử",
                                 signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", signer_name="Nguyễn Văn An")
    targets = []
    for n in range(12):
        for year in range(2026, 2031):
            targets.append(Target(plan=parent, order=len(targets), metric=Metric.PERCENT, comparator="gte",
                                  value=Decimal(50 + n + year - 2026), year=year, population=f"đối tượng {n}",
                                  text=f"Chỉ tiêu {n}: lộ trình 2026-2030 cho xã, phường.", scope="xã, phường"))
    Target.objects.bulk_create(targets)
    Task.objects.bulk_create([
        Task(plan=parent, order=n, ref=f"III.{n}", title=f"Nhiệm vụ {n}", text="Nội dung nhiệm vụ. " * 20,
             lead_names=["Ủy ban nhân dân các xã, phường"] if n % 3 == 0 else ["Sở Y tế"],
             partner_names=["Công an"], timing="Hằng quý") for n in range(80)])
    Plan.objects.bulk_create([
        Plan(unit=c, province=province, title="Kế hoạch", period=str(year),
             status=PlanStatus.ISSUED if (i + year) % 3 else PlanStatus.DRAFT)
        for i, c in enumerate(communes) for year in (2024, 2025, 2026, 2027) if i % 5])

    export_times = [timed(lambda: plan_to_docx(parent))[0] for _ in range(args.runs)]
    size = len(plan_to_docx(parent))
    derive_times = [timed(lambda c=c: plan_derive(parent=parent, unit=c, year=2026, user=None))[0]
                    for c in communes[:args.runs]]
    with CaptureQueriesContext(connection) as queries:
        coverage_s, coverage = timed(lambda: plan_coverage(province=province, year=2026))
    print(f"parent_targets={len(targets)} parent_tasks=80 docx_bytes={size}")
    print(f"export_docx_median_s={statistics.median(export_times):.3f}")
    print(f"derive_median_s={statistics.median(derive_times):.3f}")
    print(f"coverage_communes={coverage.total} issued={coverage.issued} draft={coverage.draft} "
          f"coverage_s={coverage_s:.3f} coverage_queries={len(queries)}")


if __name__ == "__main__":
    main()
