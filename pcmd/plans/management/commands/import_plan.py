"""`pcmd import-plan FILE [--unit CODE] [--dry-run] [--format json|text]`: read a plan document, print it, save it."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pcmd.plans.parsing import PlanFileError
from pcmd.plans.parsing.extract import extract_text
from pcmd.plans.parsing.parser import parse_plan

COMPARATOR_TEXT = {"eq": "=", "gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "range": "từ"}
FREQUENCY_TEXT = {"M": "hằng tháng", "Q": "hằng quý", "S": "6 tháng", "Y": "hằng năm", "adhoc": "đột xuất"}


class Command(BaseCommand):
    help = "Đọc một kế hoạch (.docx, .txt, .pdf có lớp chữ), in kết quả trích xuất và lưu thành kế hoạch dự thảo."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp kế hoạch (.docx, .txt hoặc .pdf)")
        parser.add_argument("--unit", help="Mã đơn vị hành chính ban hành kế hoạch (bắt buộc khi lưu)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đọc và in kết quả, không lưu gì")
        parser.add_argument("--format", choices=("json", "text"), default="text", help="Định dạng in ra")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror or exc}.") from exc
        try:
            parsed = parse_plan(extract_text(path.name, data))
        except PlanFileError as exc:
            raise CommandError(str(exc)) from exc

        if options["format"] == "json":
            self.stdout.write(json.dumps(parsed, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._as_text(parsed))
        if options["dry_run"]:
            return
        self._save(path, data, options.get("unit"))

    def _save(self, path: Path, data: bytes, unit_code: str | None) -> None:
        from pcmd.geo.models import AdminUnit
        from pcmd.plans.services import plan_import

        if not unit_code:
            raise CommandError("Cần chỉ rõ đơn vị ban hành (--unit MÃ) để lưu kế hoạch, hoặc dùng --dry-run.")
        unit = AdminUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị hành chính mã “{unit_code}”.")
        try:
            plan = plan_import(unit=unit, file_name=path.name, data=data, user=None)
        except (PlanFileError, ValidationError) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        self.stderr.write(f"Đã lưu kế hoạch “{plan}” (mã {plan.pk}) cho {unit}.")

    @staticmethod
    def _as_text(parsed: dict) -> str:
        out = [
            f"Kế hoạch: {parsed['title']}",
            f"Số: {parsed['number'] or '(chưa có số)'}  |  Cơ quan: {parsed['issuer'] or '?'}  |  "
            f"{parsed['place'] or '?'}, ngày {parsed['date'] or '(chưa ghi ngày)'}  |  Kỳ: {parsed['period'] or '?'}",
            "",
            f"Căn cứ ({len(parsed['legal_basis'])}):",
        ]
        out += [f"  - {b['number'] or b['kind']} {b['date'] or ''}".rstrip() for b in parsed["legal_basis"]]
        out.append(f"Chỉ tiêu ({len(parsed['targets'])}):")
        for t in parsed["targets"]:
            if t["metric"] == "qualitative":
                figure = "định tính"
            elif t["comparator"] == "range":
                figure = f"từ {t['value']} đến {t['value_max']}"
            else:
                figure = f"{COMPARATOR_TEXT.get(t['comparator'], '')} {t['value']}"
            unit = "%" if t["metric"] == "percent" else ""
            year = f" năm {t['year']}" if t["year"] else ""
            out.append(f"  [{t['lines'][0]}-{t['lines'][1]}] {figure}{unit}{year} {t['population'] or t['text'][:80]}"
                       f" ({t['indicator'] or 'chưa liên kết chỉ số'})")
        out.append(f"Nhiệm vụ ({len(parsed['tasks'])}):")
        for task in parsed["tasks"]:
            lead = ", ".join(task["lead"]) or "?"
            out.append(f"  [{task['ref']}] {task['title'][:90]} — chủ trì: {lead}")
        out.append(f"Báo cáo ({len(parsed['reporting'])}):")
        for duty in parsed["reporting"]:
            deadline = f" trước {duty['deadline']}" if duty["deadline"] else ""
            out.append(f"  - {FREQUENCY_TEXT[duty['frequency']]}{deadline} gửi {duty['to'] or '?'}")
        return "\n".join(out)
