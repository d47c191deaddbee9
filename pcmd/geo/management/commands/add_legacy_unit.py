from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pcmd.geo.models import AdminUnit, Level
from pcmd.geo.services import legacy_unit_create


class Command(BaseCommand):
    help = ("Khai báo một quận/huyện hoặc xã/phường cũ (trước 01/7/2025), ở trạng thái ngừng hoạt động, "
            "để gắn các kế hoạch cũ. Ví dụ: pcmd add-legacy-unit --code Q-DUONG-KINH --name 'Quận Dương Kinh' "
            "--type quận --level district --parent 31")

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, dest="division_type", help="quận, huyện, thị xã, phường, xã…")
        parser.add_argument("--level", required=True, choices=[Level.DISTRICT, Level.COMMUNE])
        parser.add_argument("--parent", required=True, help="mã đơn vị cấp trên (tỉnh hoặc quận/huyện cũ)")
        parser.add_argument("--note", default="")

    def handle(self, *args, code, name, division_type, level, parent, note, **options):
        try:
            parent_unit = AdminUnit.objects.get(code=parent)
            unit = legacy_unit_create(code=code, name=name, division_type=division_type, level=level,
                                      parent=parent_unit, note=note)
        except AdminUnit.DoesNotExist as exc:
            raise CommandError(f"Không có đơn vị mã {parent}.") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Đã tạo {unit.name} ({unit.get_level_display()}, ngừng hoạt động), thuộc {unit.parent}.")
