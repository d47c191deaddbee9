"""A plan back into a Word document in the official format (Nghị định 30/2020/NĐ-CP), via core.documents.

Parts are numbered as they appear: "I. MỤC ĐÍCH, YÊU CẦU" only when the plan's text has one, then
CHỈ TIÊU (targets as written, grouped by section), NHIỆM VỤ, GIẢI PHÁP (tasks with their agencies and
timing) and TỔ CHỨC THỰC HIỆN (reporting duties); then "Nơi nhận" and the signature block.
"""

import re

from django.db.models import Prefetch

from pcmd.core.documents import OfficialDocument, is_people_committee
from pcmd.core.models import fold

from .models import Plan, Task

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
PART_HEADING = re.compile(r"^\s*\**\s*([IVX]{1,4})\s*[.:]\s*(.+?)\**\s*$")
NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*\.\s")
LABEL = re.compile(r"[^\W\d_]{3,}")  # a section worth printing has a word, not just "II.2"
COLLECTIVE_SIGNER = "TM. ỦY BAN NHÂN DÂN"
SENTENCE_END = re.compile(r"(?<=[.;:])\s+")


def document_title(title: str) -> str:
    """The trích yếu without a leading "Kế hoạch" (the kind is printed above it)."""
    stripped = re.sub(r"^\s*kế hoạch\s*", "", title, flags=re.IGNORECASE)
    return stripped[:1].upper() + stripped[1:] if stripped else title


def purpose_text(source_text: str) -> list[str]:
    """The lines of the "MỤC ĐÍCH, YÊU CẦU" part of the original text, or [] when it has none."""
    lines, inside = [], False
    for raw in (source_text or "").splitlines():
        heading = PART_HEADING.match(raw)
        if heading:
            if inside:
                break
            inside = fold(heading.group(2)).startswith("muc dich")
            continue
        if inside and raw.strip():
            lines.append(raw.strip().strip("*").strip())
    return lines


def title_in_sentence(plan: Plan) -> str:
    """The trích yếu inside a sentence: "Kế hoạch …" dropped, first letter lower; an all-capitals title
    lower-cased with the unit's own name restored ("… TỈNH NINH BÌNH" -> "… tỉnh Ninh Bình")."""
    title = re.sub(r"^\s*kế hoạch\s*", "", plan.title, flags=re.IGNORECASE).strip()
    if title.isupper():
        title = title.lower().replace(plan.unit.name.lower(), unit_phrase(plan.unit))
    return title[:1].lower() + title[1:]


def place_name(unit) -> str:
    """The place of a document when the plan has none: the unit's name without its level ("Ninh Bình")."""
    return re.sub(r"^(tỉnh|thành phố|xã|phường|đặc khu|thị trấn|quận|huyện|thị xã)\s+", "", unit.name,
                  flags=re.IGNORECASE)


def unit_phrase(unit) -> str:
    """ "Phường Bạch Đằng" -> "phường Bạch Đằng" (inside a sentence)."""
    name = unit.name
    return name[:1].lower() + name[1:] if name else ""


def committee_name(unit) -> str:
    """ "Ủy ban nhân dân phường Thủy Nguyên": the People's Committee of a unit."""
    return f"Ủy ban nhân dân {unit_phrase(unit)}"


def plan_issuer(plan: Plan) -> str:
    """The body that issues the plan: the People's Committee of the plan's OWN unit whenever the plan was issued
    by a People's Committee (a ward plan whose text was read as issued by "UBND thành phố Hải Phòng" — the
    managing body's line of its header — is still the ward's); another body (a Ban chỉ đạo, a Phòng) as written."""
    if not plan.issuer or is_people_committee(plan.issuer):
        return committee_name(plan.unit)
    return plan.issuer


def issuer_sentence_name(plan: Plan) -> str:
    return plan_issuer(plan)


def task_heading_and_text(task: Task) -> tuple[str, str]:
    """(heading, text after it) with nothing printed twice: a title cut with "…" from the task's text, or a text
    that starts with the title, becomes the text's full first sentence as heading and the rest as text."""
    title, text = task.title.strip().rstrip(".:"), (task.text or "").strip()
    stem = title.removesuffix("…").rstrip(" ,;")
    if text and fold(text).startswith(fold(stem)):
        first, *rest = SENTENCE_END.split(text, maxsplit=1)
        return first.rstrip(" .;:"), " ".join(rest).strip()
    return title, "" if fold(text) == fold(title) else text


def target_groups(targets) -> list[tuple[str, list[str]]]:
    """[(section label or "", [distinct texts])]: a trajectory (one target per year) is printed once."""
    groups: list[tuple[str, list[str]]] = []
    for target in targets:
        label = target.section if LABEL.search(target.section or "") else ""
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        if target.text not in groups[-1][1]:
            groups[-1][1].append(target.text)
    return groups


def agency_names(names: list[str], agencies) -> str:
    """The agencies as the document wrote them, else the linked agency records."""
    written = [n for n in names if n]
    return ", ".join(written or [a.name for a in agencies])


def task_line(task: Task) -> str:
    """ "Cơ quan chủ trì: …; Cơ quan phối hợp: …; Thời gian: …" (empty parts left out)."""
    pieces = []
    lead = agency_names(task.lead_names, task.lead_agencies.all())
    partners = agency_names(task.partner_names, task.partner_agencies.all())
    if lead:
        pieces.append(f"Cơ quan chủ trì: {lead}")
    if partners:
        pieces.append(f"Cơ quan phối hợp: {partners}")
    timing = task.timing or (f"trước ngày {task.due_date:%d/%m/%Y}" if task.due_date else "") or (
        task.get_frequency_display() if task.frequency else "")
    if timing:
        pieces.append(f"Thời gian: {timing}")
    return "; ".join(pieces) + ("." if pieces else "")


def duty_text(duty) -> str:
    if duty.text:
        return duty.text
    parts = [duty.reporter or "Các cơ quan, đơn vị", f"báo cáo {duty.get_frequency_display().lower()}"]
    if duty.recipient:
        parts.append(f"gửi {duty.recipient}")
    if duty.via:
        parts.append(f"(qua {duty.via})")
    if duty.deadline_day and duty.deadline_month:
        parts.append(f"trước ngày {duty.deadline_day:02d}/{duty.deadline_month:02d}")
    return " ".join(parts) + "."


def signer_lines(plan: Plan) -> list[str]:
    """ "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" -> lines; a people's committee signs on behalf of the collective."""
    lines = [line.strip() for line in re.split(r"[/\n]", plan.signer_title or "") if line.strip()]
    if is_people_committee(plan.issuer or "Ủy ban nhân dân") and not (lines and fold(lines[0]).startswith("tm")):
        lines.insert(0, COLLECTIVE_SIGNER)
    return lines


def recipient_lines(plan: Plan) -> list[str]:
    """The plan's recipients, one per line as stored; the closing adds the ";" and the final "- Lưu: VT."."""
    lines = [line.strip() for line in (plan.recipients or "").splitlines()]
    return [line for line in lines if line]


def distinct_duties(duties) -> list[str]:
    """One paragraph per reporting sentence: a sentence that set several frequencies (6-month, yearly, ad hoc)
    made one duty per frequency, all with the same text."""
    texts: list[str] = []
    for duty in duties:
        text = duty_text(duty)
        if fold(text) not in {fold(t) for t in texts}:
            texts.append(text)
    return texts


def load(plan: Plan) -> Plan:
    """The plan with everything the document prints, in a fixed number of queries."""
    tasks = Task.objects.order_by("order", "pk").prefetch_related("lead_agencies", "partner_agencies")
    return (Plan.objects.select_related("unit")
            .prefetch_related("legal_bases", "targets", "reporting_duties", Prefetch("tasks", queryset=tasks))
            .get(pk=plan.pk))


def plan_to_docx(plan: Plan) -> bytes:
    plan = load(plan)
    issuer = plan_issuer(plan)
    years = plan.years
    doc = OfficialDocument(
        issuer=issuer, issuer_parent=committee_name(plan.unit), number=plan.number,
        symbol="KH-UBND" if is_people_committee(issuer) else "KH",
        place=plan.place or place_name(plan.unit), date=plan.issue_date, year=years[0] if years else None,
        kind="KẾ HOẠCH", title=document_title(plan.title),
    )
    for basis in plan.legal_bases.all():
        text = basis.text.strip()
        doc.paragraph(text if fold(text).startswith(("thuc hien", "can cu")) else f"Căn cứ {text}")
    doc.paragraph(f"{issuer_sentence_name(plan)} ban hành Kế hoạch {title_in_sentence(plan)} với các nội dung sau:")

    numbers = iter(ROMAN)
    purpose = purpose_text(plan.source_text)
    if purpose:
        doc.part(f"{next(numbers)}. MỤC ĐÍCH, YÊU CẦU")
        for line in purpose:
            if NUMBERED_HEADING.match(line) and len(line) < 80:
                doc.heading(line)
            else:
                doc.paragraph(line)
    targets = list(plan.targets.all())
    if targets:
        doc.part(f"{next(numbers)}. CHỈ TIÊU")
        for label, texts in target_groups(targets):
            if label:
                doc.heading(label)
            for text in texts:
                doc.bullet(text)
    tasks = list(plan.tasks.all())
    if tasks:
        doc.part(f"{next(numbers)}. NHIỆM VỤ, GIẢI PHÁP")
        for n, task in enumerate(tasks, start=1):
            heading, text = task_heading_and_text(task)
            doc.heading(f"{n}. {heading}")
            if text:
                doc.paragraph(text)
            line = task_line(task)
            if line:
                doc.paragraph(line, italic=True)
    duties = list(plan.reporting_duties.all())
    if duties:
        doc.part(f"{next(numbers)}. TỔ CHỨC THỰC HIỆN")
        doc.heading("Chế độ báo cáo")
        for text in distinct_duties(duties):
            doc.bullet(text)
    doc.closing(recipients=recipient_lines(plan), signer_lines=signer_lines(plan), signer_name=plan.signer_name)
    return doc.to_bytes()


def export_filename(plan: Plan) -> str:
    """ "Ke-hoach-07-KH-UBND.docx" (ASCII, so every mail client keeps it)."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(plan.number or str(plan.period or plan.pk))).strip("-")
    return f"Ke-hoach-{stem.upper() if plan.number else stem}.docx"
