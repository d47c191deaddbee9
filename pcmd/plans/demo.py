"""Demo plans: the five real plan documents of `PCMD_SEEDS_DIR` imported and attached to their units.

Legacy units (abolished in July 2025) the seeds need are created with stable codes:

| code | unit | under |
|---|---|---|
| `TP-TAM-KY` | Thành phố Tam Kỳ (district, formerly Quảng Nam) | Thành phố Đà Nẵng |
| `P-TAN-THANH-TAM-KY` | Phường Tân Thạnh | TP-TAM-KY |
| `Q-DUONG-KINH` | Quận Dương Kinh | Thành phố Hải Phòng (31) |

Idempotent: a seed already imported for its unit (same SHA-256) is skipped; progress updates are
added once. Needs the parser (`pcmd.plans.parsing.parser`): without it the import fails loudly.
"""

import io
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile

from pcmd.core.demo import HA_NOI, HAI_PHONG, NINH_BINH, SeedContext, bach_dang
from pcmd.geo.models import AdminUnit, Level
from pcmd.geo.services import legacy_unit_create
from pcmd.org.models import Agency

from . import services
from .models import Plan, PlanStatus, ProgressStatus, Task, TaskProgress

TAM_KY, TAN_THANH, DUONG_KINH = "TP-TAM-KY", "P-TAN-THANH-TAM-KY", "Q-DUONG-KINH"


def seeds_dir() -> Path:
    return Path(settings.PCMD_SEEDS_DIR)


def _legacy(code: str, name: str, division_type: str, level: str, parent: AdminUnit, note: str) -> AdminUnit:
    unit = AdminUnit.objects.filter(code=code).first()
    return unit or legacy_unit_create(code=code, name=name, division_type=division_type, level=level,
                                      parent=parent, note=note)


def seed_units() -> dict[str, AdminUnit]:
    """Seed file prefix -> the unit the plan belongs to (legacy units created on first use)."""
    hai_phong = AdminUnit.objects.get(code=HAI_PHONG)
    da_nang = AdminUnit.objects.get(level=Level.PROVINCE, search_text="thanh pho da nang")
    tam_ky = _legacy(TAM_KY, "Thành phố Tam Kỳ", "thành phố", Level.DISTRICT, da_nang,
                     "Thành phố trực thuộc tỉnh Quảng Nam cũ; nay thuộc Thành phố Đà Nẵng (từ 01/7/2025).")
    tan_thanh = _legacy(TAN_THANH, "Phường Tân Thạnh", "phường", Level.COMMUNE, tam_ky,
                        "Phường của thành phố Tam Kỳ trước sắp xếp đơn vị hành chính năm 2025.")
    duong_kinh = _legacy(DUONG_KINH, "Quận Dương Kinh", "quận", Level.DISTRICT, hai_phong,
                         "Quận của thành phố Hải Phòng trước khi bỏ cấp huyện (01/7/2025).")
    return {
        "city-ha-noi": AdminUnit.objects.get(code=HA_NOI),
        "province-ninh-binh": AdminUnit.objects.get(code=NINH_BINH),
        "ward-bach-dang": bach_dang(),
        "ward-tan-thanh-tamky": tan_thanh,
        "district-duong-kinh": duong_kinh,
    }


def seed_plans(ctx: SeedContext) -> None:
    folder = seeds_dir()
    if not folder.is_dir():
        ctx.summary[f"kế hoạch mẫu: không thấy thư mục {folder}, bỏ qua"] = 0
        return
    units = seed_units()
    imported = 0
    for path in sorted(folder.glob("*.txt")):
        unit = next((u for prefix, u in units.items() if path.name.startswith(prefix)), None)
        if unit is None:
            continue
        data = path.read_bytes()
        if Plan.objects.filter(unit=unit, source_sha256=services.sha256(data)).exists():
            continue
        services.plan_import(unit=unit, file_name=path.name, data=data, status=PlanStatus.ISSUED)
        imported += 1
    ctx.summary["kế hoạch mẫu mới"] = imported
    ctx.summary["cập nhật tiến độ mẫu mới"] = seed_progress(units["ward-bach-dang"])


# Demo progress notes (illustrative, for the tracking page; not from any real report).
PROGRESS = [
    (ProgressStatus.IN_PROGRESS, date(2026, 6, 10), "Đã xây dựng kế hoạch chi tiết, phân công cán bộ phụ trách; "
                                                    "đang triển khai tại các tổ dân phố."),
    (ProgressStatus.DONE, date(2026, 6, 15), "Đã hoàn thành nội dung 6 tháng đầu năm; kết quả tổng hợp trong "
                                             "báo cáo sơ kết gửi kèm."),
    (ProgressStatus.BLOCKED, date(2026, 6, 12), "Chưa bố trí được kinh phí tổ chức; đề nghị Phòng Văn hóa - "
                                                "Xã hội tham mưu bổ sung."),
]


def _report_docx(task: Task, note: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading("Báo cáo tiến độ nhiệm vụ (dữ liệu minh họa)", level=1)
    document.add_paragraph(str(task))
    document.add_paragraph(note)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def seed_progress(ward: AdminUnit) -> int:
    """A few progress updates posted by Bạch Đằng agencies on tasks they lead (once)."""
    plan = Plan.objects.filter(unit=ward).order_by("pk").first()
    if plan is None or TaskProgress.objects.filter(task__plan=plan).exists():
        return 0
    agencies = {a.pk: a for a in Agency.objects.filter(unit=ward)}
    rows = []
    through = Task.lead_agencies.through.objects.filter(task__plan=plan).order_by("task__order", "agency_id")
    seen = set()
    for link in through:
        if link.task_id in seen or len(rows) == len(PROGRESS):
            continue
        seen.add(link.task_id)
        status, day, note = PROGRESS[len(rows)]
        rows.append(TaskProgress(task_id=link.task_id, date=day, status=status, note=note,
                                 agency=agencies[link.agency_id]))
    TaskProgress.objects.bulk_create(rows)
    done = next((p for p in rows if p.status == ProgressStatus.DONE), None)
    if done is not None:
        done.attachment.save("bao-cao-tien-do.docx", ContentFile(_report_docx(done.task, done.note)), save=True)
    return len(rows)
