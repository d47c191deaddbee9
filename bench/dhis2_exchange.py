"""DHIS2 exchange at 10,000 data values per file, in each format (JSON, CSV, XML DXF2, ADX).

Builds into a throwaway database: 34 provinces, 2,500 communes, and SUPPORT_ACCESS (the entered percent indicator)
for every commune and two quarters: 5,000 figures = 10,000 data values (numerator and denominator). Then, per
format: export (entered_rows + render), delete the figures, and import the file (parse + validate + write, mode
"all", as the operator's `pcmd dhis2 import`); the values read back must equal those exported (the run fails
otherwise).

Wall seconds and this process's CPU seconds (the shared machine's load stretches wall time; with SQLite the
database work runs in-process, so CPU time is the cost of the exchange itself). Last line:

    values=10000 json_export_s=… json_export_cpu_s=… json_import_s=… json_import_cpu_s=… csv_… xml_… adx_…

SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME it uses NAME_dhis2_exchange_bench.

    .venv/bin/python bench/dhis2_exchange.py
"""

import sys
import time

from _common import django_on_throwaway_database, synthetic_country  # noqa: E402

FORMATS = ("json", "csv", "xml", "adx")


def main():
    django_on_throwaway_database("dhis2_exchange")
    from pcmd.core.periods import Period
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.indicators import dhis2
    from pcmd.indicators.models import DataValue

    synthetic_country(34, 2_500)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE).select_related("province"))
    figures = []
    for quarter in ("2025Q3", "2025Q4"):
        p = Period.parse(quarter)
        for i, unit in enumerate(communes):
            denominator = 20 + i % 50
            figures.append(DataValue(indicator="SUPPORT_ACCESS", unit=unit, province=unit.province, period=p.code,
                                     period_kind=p.kind, period_start=p.start, period_end=p.end,
                                     numerator=5 + i % 15, denominator=denominator, comment=f"ghi chú {i}"))
    DataValue.objects.bulk_create(figures, batch_size=5000)

    def state():
        return sorted(DataValue.objects.values_list("unit__code", "period", "numerator", "denominator", "comment"))

    expected = state()
    out = {}
    for fmt in FORMATS:
        start, cpu = time.perf_counter(), time.process_time()
        rows = dhis2.entered_rows(DataValue.objects.all())
        text = dhis2.render(rows, fmt, "code")
        out[f"{fmt}_export_s"] = time.perf_counter() - start
        out[f"{fmt}_export_cpu_s"] = time.process_time() - cpu
        assert len(rows) == 10_000, len(rows)
        DataValue.objects.all().delete()
        start, cpu = time.perf_counter(), time.process_time()
        summary = dhis2.import_values(dhis2.parse(text.encode()))
        out[f"{fmt}_import_s"] = time.perf_counter() - start
        out[f"{fmt}_import_cpu_s"] = time.process_time() - cpu
        if summary.imported != 10_000 or state() != expected:
            print(f"{fmt}: round trip differs ({summary.as_dict()['importCount']}, {summary.conflicts[:3]})")
            sys.exit(1)
        print(f"{fmt}: {len(text.encode()) / 1048576:.2f} MB, export {out[f'{fmt}_export_s']:.2f} s "
              f"(cpu {out[f'{fmt}_export_cpu_s']:.2f} s), import {out[f'{fmt}_import_s']:.2f} s "
              f"(cpu {out[f'{fmt}_import_cpu_s']:.2f} s)", flush=True)
    print("values=10000 " + " ".join(f"{k}={v:.2f}" for k, v in out.items()))


if __name__ == "__main__":
    main()
