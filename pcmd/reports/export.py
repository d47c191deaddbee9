"""A report as a Word document in the official layout (core.documents.OfficialDocument) and as an Excel sheet.

Both say which version of the report they are (`Report.version_text`): a submitted or approved report prints its
frozen figures, a draft the live figures of the moment.
"""

import re

from pcmd.core.documents import OfficialDocument
from pcmd.core.exports import target_number
from pcmd.core.models import fold
from pcmd.plans.export import COLLECTIVE_SIGNER, place_name, unit_phrase

from .models import Report, SectionKind

FIGURE_HEADERS = ["TT", "Chỉ số", "Kết quả", "Chỉ tiêu", "Đánh giá"]
FIGURE_WIDTHS = [12, 78, 25, 25, 25]


def figure_rows(figures: list[dict]) -> list[list]:
    return [[n, f["name"], f["text"], f["target"] or "—", f["status_label"]] for n, f in enumerate(figures, start=1)]


def document_title(report: Report) -> str:
    if report.type.frequency == "adhoc":  # an ad hoc request: its own name
        return f"{report.type.name} ({report.window_text})"
    period = "6 tháng đầu năm" if report.type.frequency == "S" else "năm"
    return (f"Kết quả thực hiện công tác phòng, chống mại dâm {period} {report.year} "
            f"({report.window_text})")


def report_to_docx(report: Report, figures: list[dict]) -> bytes:
    unit = report.unit
    issuer = f"Ủy ban nhân dân {unit_phrase(unit)}"
    doc = OfficialDocument(issuer=issuer, symbol="BC-UBND", place=place_name(unit.province or unit), date=None,
                           year=report.year, kind="BÁO CÁO", title=document_title(report))
    doc.paragraph(report.version_text + ".", italic=True)
    texts = {s.key: s.text for s in report.sections.all()}
    if report.is_frozen:
        texts.update(report.snapshot.get("sections", {}))  # the texts as they were sent
    for section in report.sections.all():
        doc.part(section.title.upper() if re.match(r"^[IVX]+\.", section.title) else section.title)
        if section.kind == SectionKind.FIGURES:
            doc.table(FIGURE_HEADERS, figure_rows(figures), widths=FIGURE_WIDTHS, size=11)
            continue
        for line in (texts.get(section.key) or "").splitlines():
            if line.strip():
                doc.paragraph(line.strip())
    recipients = [f"{r.strip()};" for r in re.split(r"[;\n]", report.type.recipient) if r.strip()]
    doc.closing(recipients=[*recipients, "Lưu: VT."], signer_lines=[COLLECTIVE_SIGNER, "CHỦ TỊCH"])
    return doc.to_bytes()


def filename(report: Report, extension: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", fold(f"bao cao {report.type.code} {report.year} {report.unit.name}")).strip("-")
    return f"{stem}-lan-{report.revision}-v{report.version}.{extension}"


def sheet_target(figure: dict):
    """A figure's target as a number where it is one ("≥ 80%" is 80 shown with its sign), else its text; a report
    frozen before targets were kept as numbers keeps its text."""
    number = target_number(figure.get("target_value"), figure.get("target_comparator", ""),
                           percent=figure.get("metric") == "percent")
    return number or figure["target"]


def sheet_rows(report: Report, figures: list[dict]) -> list[list]:
    rows = [[n, f["group"], f["name"], f["value"] if f["value"] is not None else f["text"],
             f["numerator"], f["denominator"], sheet_target(f), f["status_label"]]
            for n, f in enumerate(figures, start=1)]
    rows.append([])
    rows.append(["", "Báo cáo", report.title, report.unit.name, "", "", "", report.get_status_display()])
    rows.append(["", "Phiên bản", report.version_text])
    if report.definitions_version:
        rows.append(["", "Phiên bản định nghĩa chỉ số", report.definitions_version])
    return rows


SHEET_HEADERS = ["TT", "Nhóm", "Chỉ số", "Giá trị", "Tử số (số lượng)", "Mẫu số", "Chỉ tiêu", "Đánh giá"]
