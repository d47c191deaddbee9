"""`pcmd backup [--output DIR] [--keep-daily 14] [--keep-monthly 12]`: see pcmd/ops/backup.py and docs/deploy.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pcmd.ops import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu, tệp đã tải lên và dấu vân tay khóa mã hóa (không chứa khóa) vào một tệp .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(settings.DATA_DIR / "backups"), help="Thư mục chứa bản sao lưu")
        parser.add_argument("--keep-daily", type=int, default=14, help="Giữ bao nhiêu bản gần nhất")
        parser.add_argument("--keep-monthly", type=int, default=12, help="Giữ bản đầu tiên của bao nhiêu tháng")

    def handle(self, *args, output, keep_daily, keep_monthly, **options):
        try:
            path = backup.backup(Path(output))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        removed = backup.prune(Path(output), keep_daily, keep_monthly)
        manifest = backup.read_manifest(path)
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"Đã sao lưu {rows} dòng, {len(manifest['tables'])} bảng vào {path} "
                          f"({path.stat().st_size // 1024} KB); xóa {len(removed)} bản cũ.")
