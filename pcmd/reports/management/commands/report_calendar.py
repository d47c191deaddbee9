"""`pcmd report-calendar --year 2026 [--province 31]`: create each unit's due reports for a year (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from pcmd.geo.models import AdminUnit, Level
from pcmd.reports.services import create_due_reports


class Command(BaseCommand):
    help = ("Tạo các báo cáo định kỳ đến hạn của mọi đơn vị trong một năm theo các loại báo cáo "
            "(chạy lại không tạo trùng).")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Năm báo cáo, ví dụ 2026")
        parser.add_argument("--province", action="append", default=[], help="Mã tỉnh (có thể lặp); mặc định: cả nước")

    def handle(self, *args, year, province, **options):
        if not 1990 <= year <= 2100:
            raise CommandError("Năm phải từ 1990 đến 2100.")
        provinces = None
        if province:
            provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE, code__in=province))
            unknown = set(province) - {p.code for p in provinces}
            if unknown:
                raise CommandError(f"Không có tỉnh, thành phố mã: {', '.join(sorted(unknown))}")
        created = create_due_reports(year, provinces)
        self.stdout.write(f"Đã tạo {created} báo cáo năm {year}.")
