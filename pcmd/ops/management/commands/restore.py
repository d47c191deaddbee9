"""`pcmd restore FILE [--replace]`: restore a `pcmd backup` archive into the configured database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcmd.ops import backup


class Command(BaseCommand):
    help = "Phục hồi một bản sao lưu của `pcmd backup` vào cơ sở dữ liệu đang cấu hình (kiểm tra khóa mã hóa trước)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp .tar.gz do pcmd backup tạo")
        parser.add_argument("--replace", action="store_true", help="Thay toàn bộ dữ liệu đang có")

    def handle(self, *args, archive, replace, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        try:
            manifest = backup.restore(path, replace=replace)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest['tables'].values())
        self.stdout.write(f"Đã phục hồi {rows} dòng từ bản sao lưu lúc {manifest['created']}.")
