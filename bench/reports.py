"""Reports at the country's scale, timed: compiling a province report over its communes' approved reports, the
national completeness page, freezing one commune's snapshot.

Generates into a throwaway database: 34 provinces and 3,321 communes (the first province has 126 communes, the
others share the rest), the calendar's 6-month and year reports for every unit, one commune's figures frozen by the
engine (`figures.snapshot`, timed) and copied to the first province's 126 communes, all approved; elsewhere about
half the communes have sent, a third of those approved, some returned. Then times (best of 3):

- the province report compiled: its own figures from the engine (`figures.live`) and the roll-up of the 126
  approved commune reports (`figures.rollup`), and the whole report page through the test client;
- the national completeness page (`selectors.country` and the page), its counts checked against hand-written SQL
  (also timed);
- freezing one commune's snapshot.

SQLite by default; DATABASE_URL=postgresql://…/NAME uses NAME_reports_bench (dropped, created anew).
Goals (issue 14): province report ≤ 1 s (must ≤ 3 s), national completeness page ≤ 300 ms. Last line:

    province_compile_s=<s> province_page_s=<s> completeness_s=<s> completeness_page_s=<s> completeness_sql_s=<s> \
freeze_s=<s>

    .venv/bin/python bench/reports.py [--communes 3321] [--province-communes 126]
"""

import argparse
import os
import random
import time

from _common import best_of, django_on_throwaway_database  # noqa: E402

COUNT_SQL = """
SELECT r.province_id, COUNT(*) FILTER (WHERE r.revision > 0), COUNT(*) FILTER (WHERE r.status = 'approved'),
       COUNT(*) FILTER (WHERE r.status = 'returned')
FROM reports_report r JOIN reports_reporttype t ON t.id = r.type_id
WHERE r.year = %s AND t.level = 'commune' AND t.frequency = 'S'
GROUP BY r.province_id
"""


def country(provinces: int, communes: int, first: int) -> None:
    """`provinces` provinces; the first has `first` communes, the others share the rest."""
    from django.db.models import F

    from pcmd.geo.models import AdminUnit, Level

    AdminUnit.objects.bulk_create([
        AdminUnit(code=f"{p:02d}", name=f"Tỉnh {p:02d}", division_type="tỉnh", level=Level.PROVINCE, path=f"{p:02d}/")
        for p in range(1, provinces + 1)])
    AdminUnit.objects.filter(level=Level.PROVINCE).update(province_id=F("pk"))
    made = list(AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code"))
    rows = []
    for n in range(communes):
        p = made[0] if n < first else made[1 + (n - first) % (len(made) - 1)]
        code = f"{n + 1:05d}"
        rows.append(AdminUnit(code=code, name=f"Xã {code}", division_type="xã", level=Level.COMMUNE,
                              parent=p, province=p, path=f"{p.path}{code}/"))
    AdminUnit.objects.bulk_create(rows, batch_size=5000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--province-communes", type=int, default=126)
    args = parser.parse_args()

    os.environ.setdefault("PCMD_HTTPS", "0")
    django_on_throwaway_database("reports")
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from pcmd.geo.models import AdminUnit, Level
    from pcmd.org.models import Membership, Role
    from pcmd.reports import figures, selectors, services
    from pcmd.reports.models import Report

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test import override_settings

    # Static files by plain storage: no collectstatic manifest in a throwaway setup.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    today = timezone.localdate()
    year = today.year - 1  # a year whose 6-month window has ended
    started = time.perf_counter()
    with transaction.atomic():
        country(args.provinces, args.communes, args.province_communes)
        made = services.create_due_reports(year)
    province = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code").first()
    user = get_user_model().objects.create_user("tw.bench", password="x")
    national = Membership.objects.create(user=user, unit=None, role=Role.COORDINATOR)
    first = Report.objects.select_related("type", "unit", "unit__province").filter(
        province=province, type__code="xa-6-thang", year=year).order_by("unit__code").first()
    freeze_s, frozen = best_of(3, lambda: figures.snapshot(first))
    with transaction.atomic():
        now = timezone.now()
        Report.objects.filter(province=province, type__code="xa-6-thang", year=year).update(
            status="approved", locked=True, revision=1, snapshot=frozen, first_submitted_at=now, submitted_at=now,
            approved_at=now, frozen_at=now, definitions_version=frozen["definitions_version"])
        rng = random.Random("bench-reports")
        others = list(Report.objects.filter(type__code="xa-6-thang", year=year).exclude(province=province)
                      .values_list("pk", flat=True))
        sent = [pk for pk in others if rng.random() < 0.5]
        approved = [pk for pk in sent if rng.random() < 0.33]
        returned = [pk for pk in sent if pk not in set(approved) and rng.random() < 0.1]
        Report.objects.filter(pk__in=sent).update(status="submitted", revision=1, first_submitted_at=now,
                                                  submitted_at=now, snapshot=frozen)
        Report.objects.filter(pk__in=approved).update(status="approved", locked=True)
        Report.objects.filter(pk__in=returned).update(status="returned")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"database={connection.vendor} communes={args.communes} reports={made} "
          f"province_communes={args.province_communes} generate_s={time.perf_counter() - started:.1f}")

    province_report = Report.objects.select_related("type", "type__source_type", "unit", "unit__province").get(
        unit=province, type__code="tinh-6-thang", year=year)

    def compile_province():
        own = figures.live(province_report)
        return own, figures.rollup(province_report, national, own)

    compile_s, (own, rollup) = best_of(3, compile_province)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM reports_report r JOIN reports_reporttype t ON t.id = r.type_id "
                       "WHERE r.province_id = %s AND r.year = %s AND t.level = 'commune' AND t.frequency = 'S' "
                       "AND r.status = 'approved'", [province.pk, year])
        approved_sql = cursor.fetchone()[0]
    assert len(rollup.approved) == approved_sql == args.province_communes, (len(rollup.approved), approved_sql)
    assert not rollup.missing
    counts = {f["code"]: f["numerator"] for f in frozen["figures"] if f["metric"] == "count"}
    for row in rollup.rows:  # each count is 126 times the one frozen commune's
        if row.code in counts:
            assert row.communes == figures.fmt(counts[row.code] * args.province_communes), row
    client = Client()
    client.force_login(user)
    page = f"/bao-cao/{province_report.pk}/"
    province_page_s, response = best_of(3, lambda: client.get(page))
    assert response.status_code == 200 and b'id="rollup"' in response.content, response.status_code
    print(f"indicators={len(own)} rollup_approved={len(rollup.approved)} approved_sql={approved_sql} "
          f"province_compile_s={compile_s:.3f} province_page_s={province_page_s:.3f}")

    completeness_s, lines = best_of(3, lambda: selectors.country(national, "S", year))

    def by_sql():
        with connection.cursor() as cursor:
            cursor.execute(COUNT_SQL, [year])
            return {row[0]: row[1:] for row in cursor.fetchall()}

    sql_s, counted = best_of(3, by_sql)
    for line in lines:
        assert (line.sent, line.approved, line.returned) == tuple(counted.get(line.province.pk, (0, 0, 0))), line
    assert sum(line.communes for line in lines) == args.communes
    url = f"/bao-cao/tinh-hinh-gui/?nam={year}&loai=S"
    completeness_page_s, response = best_of(3, lambda: client.get(url))
    assert response.status_code == 200 and b'id="country-table"' in response.content
    print(f"provinces={len(lines)} sent={sum(line.sent for line in lines)} "
          f"approved={sum(line.approved for line in lines)} completeness_s={completeness_s:.3f} "
          f"completeness_sql_s={sql_s:.3f} completeness_page_s={completeness_page_s:.3f}")
    print(f"province_compile_s={compile_s:.3f} province_page_s={province_page_s:.3f} "
          f"completeness_s={completeness_s:.3f} completeness_page_s={completeness_page_s:.3f} "
          f"completeness_sql_s={sql_s:.3f} freeze_s={freeze_s:.3f}")


if __name__ == "__main__":
    main()
