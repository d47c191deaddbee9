from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from pcmd.org.permissions import as_markdown


class Command(BaseCommand):
    help = "Ghi docs/permissions.md từ ma trận phân quyền (pcmd/org/permissions.py)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra tệp có khớp không.")

    def handle(self, *args, check=False, **options):
        target = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        text = as_markdown()
        if check:
            if not target.exists() or target.read_text() != text:
                self.stderr.write("docs/permissions.md đã cũ: chạy `pcmd permissions-doc`.")
                raise SystemExit(1)
            return
        target.write_text(text)
        self.stdout.write(f"Đã ghi {target}.")
