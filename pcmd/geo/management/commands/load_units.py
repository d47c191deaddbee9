from django.core.management.base import BaseCommand

from pcmd.geo.models import AdminUnit, Level
from pcmd.geo.services import admin_units_load_official


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và 3.321 xã, phường (gói vietnam-provinces). Chạy lại nhiều lần không sao."

    def handle(self, *args, **options):
        result = admin_units_load_official()
        active = AdminUnit.objects.filter(is_active=True)
        self.stdout.write(
            f"Đơn vị hành chính: thêm {result.created}, cập nhật {result.updated}. "
            f"Đang hoạt động: {active.filter(level=Level.PROVINCE).count()} tỉnh/thành phố, "
            f"{active.filter(level=Level.COMMUNE).count()} xã/phường/đặc khu."
        )
