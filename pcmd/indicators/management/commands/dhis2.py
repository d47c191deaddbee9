"""`pcmd dhis2 export|import`: the DHIS2 exchange of the web page, from a shell.

    pcmd dhis2 export --period 2026 [--unit CODE] [--source entered|computed] [--level commune|province]
                      [--format json|csv|xml|adx] [--id-scheme code|uid] [--output FILE] [--as USERNAME]
    pcmd dhis2 import FILE [--mode all|valid] [--dry-run] [--as USERNAME]

Without --as nothing is limited to a unit (an operator's shell); with it, the user's seat's scope and
permissions apply as on the web page, through core.scoping.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcmd.core.imports import MODE_ALL_OR_NOTHING, MODES
from pcmd.core.periods import Period, PeriodError
from pcmd.core.scoping import scoped, within
from pcmd.geo.models import AdminUnit
from pcmd.indicators import dhis2
from pcmd.indicators.catalogue import CATALOGUE
from pcmd.indicators.models import DataValue
from pcmd.org.models import Membership


class Command(BaseCommand):
    help = "Xuất, nhập số liệu chỉ số theo định dạng dataValueSets (JSON, CSV, XML, ADX) của DHIS2."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="xuất số liệu")
        export.add_argument("--period", required=True, help="mã kỳ DHIS2: 2026, 2026S1, 2026Q2, 202605 (giai đoạn "
                                                            "2026-2030: xuất từng năm)")
        export.add_argument("--unit", default="", help="mã tỉnh hoặc xã (để trống: cả nước)")
        export.add_argument("--source", choices=["entered", "computed"], default="entered")
        export.add_argument("--level", choices=["commune", "province"], default="commune")
        export.add_argument("--format", choices=list(dhis2.FORMATS), default="json")
        export.add_argument("--id-scheme", choices=["code", "uid"], default="",
                            help="mã PCMD hoặc UID DHIS2 đã ghép (mặc định: uid khi đã ghép mã)")
        export.add_argument("--output", default="", help="tệp ghi ra (để trống: màn hình)")
        export.add_argument("--as", dest="username", default="", help="xuất trong phạm vi của tài khoản này")
        imp = sub.add_parser("import", help="nhập số liệu")
        imp.add_argument("file")
        imp.add_argument("--mode", choices=list(MODES), default=MODE_ALL_OR_NOTHING)
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--as", dest="username", default="", help="nhập với phạm vi của tài khoản này")

    def handle(self, *args, action, **options):
        if action == "export":
            self.export(**options)
        else:
            self.import_(**options)

    def export(self, *, period, unit, source, level, format, id_scheme, output, username, **_):
        try:
            period = Period.parse(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        membership = _seat(username)
        chosen = membership.unit if membership is not None else None
        if unit:
            # With --as, a unit outside the seat's scope is not there, as on the web page.
            units = AdminUnit.objects.filter(code=unit)
            chosen = (scoped(units, membership) if membership is not None else units).first()
            if chosen is None:
                raise CommandError(f"Không có đơn vị mã “{unit}”"
                                   + (" trong phạm vi của tài khoản này." if membership is not None else "."))
        if source == "entered":
            qs = DataValue.objects.filter(period_start__gte=period.start, period_end__lte=period.end)
            if membership is not None:
                qs = scoped(qs, membership, "view")
            if chosen is not None:
                qs = within(qs, chosen)
            rows = dhis2.entered_rows(qs)
        else:
            rows = dhis2.computed_rows(codes=[i.code for i in CATALOGUE], level=level,
                                       units=dhis2.export_units(chosen, level), period=period)
        scheme = id_scheme or ("uid" if dhis2.has_mapping() else "code")
        rows = dhis2.with_scheme(rows, scheme)
        text = dhis2.render(rows, format, scheme, dhis2.data_set_id(scheme) if format == "adx" else "")
        if rows.note:
            self.stderr.write(rows.note)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Đã ghi {len(rows)} giá trị vào {output}.")
        else:
            self.stdout.write(text)

    def import_(self, *, file, mode, dry_run, username, **_):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {file}.")
        membership = _seat(username)
        try:
            rows = dhis2.parse(path.read_bytes(), "csv" if path.suffix.lower() == ".csv" else None)
        except dhis2.ImportFormatError as exc:
            raise CommandError(str(exc)) from exc
        summary = dhis2.import_values(rows, membership=membership, mode=mode, dry_run=dry_run)
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
        if summary.status == "ERROR":
            raise CommandError("Không nhập được: xem các dòng lỗi ở trên.")


def _seat(username: str):
    """The seat whose scope and permissions apply (`--as`), or None for an operator's unlimited shell."""
    if not username:
        return None
    membership = (Membership.objects.filter(user__username=username, is_active=True)
                  .select_related("unit").order_by("pk").first())
    if membership is None:
        raise CommandError(f"Tài khoản “{username}” không có vai trò nào.")
    return membership
