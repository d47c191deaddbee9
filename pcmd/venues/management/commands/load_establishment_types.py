from django.core.management.base import BaseCommand

from pcmd.venues.services import establishment_types_load


class Command(BaseCommand):
    help = ("Nạp danh mục loại hình cơ sở kinh doanh (karaoke, nhà nghỉ…) với cơ quan quản lý mặc định. "
            "Chạy sau load_agencies; chạy lại không sao (giữ những gì quản trị đã sửa).")

    def handle(self, *args, **options):
        self.stdout.write(f"Loại hình cơ sở mới: {establishment_types_load()}.")
