from django.core.management.base import BaseCommand

from pcmd.org.services import agencies_instantiate, agency_kinds_load


class Command(BaseCommand):
    help = "Nạp danh mục loại cơ quan và tạo cơ quan cho mỗi tỉnh, xã đang hoạt động. Chạy lại nhiều lần không sao."

    def handle(self, *args, **options):
        kinds = agency_kinds_load()
        agencies = agencies_instantiate()
        self.stdout.write(f"Loại cơ quan mới: {kinds}. Cơ quan mới: {agencies}.")
