"""`pcmd aggregates-rebuild [KIND …]`: recompute the aggregate cells from the registries."""

import time

from django.core.management.base import BaseCommand, CommandError

from pcmd.aggregates import services


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp (theo đơn vị, theo tháng/quý/năm) từ các sổ đăng ký."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="chỉ tính lại các loại này (mặc định: tất cả)")

    def handle(self, *args, **options):
        names = options["kinds"] or None
        unknown = sorted(set(names or ()) - set(services.kinds()))
        if unknown:
            raise CommandError(f"Không có loại số liệu tổng hợp: {', '.join(unknown)}. "
                               f"Các loại: {', '.join(services.kinds())}")
        started = time.perf_counter()
        written = services.rebuild(names)
        for name, n in written.items():
            self.stdout.write(f"{name}: {n} ô")
        self.stdout.write(f"Đã tính lại {sum(written.values())} ô trong {time.perf_counter() - started:.1f} giây.")
