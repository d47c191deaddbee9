"""`pcmd import <registry> FILE.xlsx --unit CODE [--mode all|valid] [--dry-run]`: the web import, from a shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pcmd.core.imports import (
    IMPORTERS,
    MODE_ALL_OR_NOTHING,
    MODES,
    ImportFileError,
    ImportScope,
    import_batch,
    import_preview,
    import_start,
    import_upload,
)
from pcmd.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Nhập dữ liệu từ tệp Excel theo mẫu của một danh mục (kiểm tra như trên web, ghi theo lô)."

    def add_arguments(self, parser):
        parser.add_argument("registry", help="tên bộ nhập, ví dụ: establishments")
        parser.add_argument("file", help="tệp .xlsx")
        parser.add_argument("--unit", required=True,
                            help="mã đơn vị (tỉnh hoặc xã) mà mọi dòng phải thuộc về; 'all' = cả nước")
        parser.add_argument("--mode", choices=list(MODES), default=MODE_ALL_OR_NOTHING,
                            help="all: chỉ nhập khi tất cả các dòng hợp lệ (mặc định); valid: chỉ nhập các dòng hợp lệ")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")

    def handle(self, *args, registry, file, unit, mode, dry_run, **options):
        self.load_importers()
        importer = IMPORTERS.get(registry)
        if importer is None:
            raise CommandError(f"Không có bộ nhập “{registry}”. Có: {', '.join(sorted(IMPORTERS))}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {file}.")
        scope_unit = None
        if unit != "all":
            scope_unit = AdminUnit.objects.filter(code=unit).first()
            if scope_unit is None:
                raise CommandError(f"Không có đơn vị mã “{unit}”.")
        scope = ImportScope(unit=scope_unit)

        try:
            with path.open("rb") as handle:
                job = import_upload(importer=importer, fileobj=handle, filename=path.name, scope=scope)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        preview = import_preview(job, importer, scope)
        for number, column, reason in preview["errors"]:
            self.stdout.write(f"Dòng {number}{f', cột “{column}”' if column else ''}: {reason}")
        self.stdout.write(f"Kiểm tra {job.total} dòng: thêm mới {preview['create']}, cập nhật {preview['update']}, "
                          f"lỗi {preview['bad']}.")
        if dry_run or (preview["bad"] and mode == MODE_ALL_OR_NOTHING):
            job.delete_files()
            if preview["bad"] and mode == MODE_ALL_OR_NOTHING:
                self.stderr.write("Có dòng lỗi: không nhập gì (chế độ chỉ nhập khi tất cả các dòng hợp lệ).")
                raise SystemExit(1)
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        import_start(job, mode)
        while job.status == "running":
            import_batch(job, importer, scope)
            self.stdout.write(f"  đã xử lý {job.offset}/{job.total} dòng")
        self.stdout.write(f"Đã nhập: thêm mới {job.created}, cập nhật {job.updated}, bỏ qua {job.rejected}.")
        if job.failure:
            self.stderr.write(job.failure)
            raise SystemExit(1)

    @staticmethod
    def load_importers():
        """Importers register when their app's registry loads (with the URLs)."""
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018
