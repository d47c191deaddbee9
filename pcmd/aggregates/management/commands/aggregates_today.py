"""`pcmd aggregates-today`: bring the figures counted "as of a day" (support) to today, before the first reader."""

import time

from django.core.management.base import BaseCommand

from pcmd.aggregates import services
from pcmd.aggregates.models import AsOfDay


class Command(BaseCommand):
    help = ("Cập nhật số liệu tổng hợp tính theo ngày (hỗ trợ: đồng ý bắt đầu, hết hạn) đến hôm nay; "
            "lần đọc đầu tiên trong ngày cũng tự làm việc này.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        before = AsOfDay.objects.filter(name=services.AS_OF).values_list("day", flat=True).first()
        services.bring_to_today()
        after = AsOfDay.objects.filter(name=services.AS_OF).values_list("day", flat=True).first()
        since = f"{before:%d/%m/%Y}" if before else "chưa tính lần nào"
        self.stdout.write(f"Số liệu tính theo ngày: đã cập nhật từ {since} đến {after:%d/%m/%Y}, "
                          f"trong {time.perf_counter() - started:.1f} giây.")
