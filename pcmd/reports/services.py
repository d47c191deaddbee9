"""The rules of reports: who may write, submit, return, approve and reopen, and when; the calendar.

Every step checks its rule here (the actions in `actions.py` and the tests call the same functions), writes one
`ReportEvent` and runs inside the caller's transaction (`core.actions` claims the record's version first, so
two officials editing the same report cannot overwrite each other). Refusals are Vietnamese `ValidationError`s.

- A unit writes and submits only its own report (coordinators, agency officers, police: who may change reports),
  after the data window has ended and with every required section written. Submission freezes the figures.
- The level above reviews: the province's standing office (coordinator) returns or approves its communes'
  reports, the national level the provinces'; never one's own. A return needs a reason.
- Approval locks the report and the unit's entered figures for the window (the indicators' DataApproval); an
  approver may reopen it with a reason (the report goes back to the unit, the figures are unlocked).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd import webhooks
from pcmd.core.uploads import IMAGES, check_upload, pdf_problem
from pcmd.geo.models import AdminUnit, Level
from pcmd.inbox import services as inbox
from pcmd.inbox.models import Kind
from pcmd.indicators import engine
from pcmd.indicators import services as indicator_services
from pcmd.org.models import Role
from pcmd.org.permissions import allowed

from . import figures
from .models import (
    AttachmentKind,
    Frequency,
    Report,
    ReportAttachment,
    ReportComment,
    ReportEvent,
    ReportSection,
    ReportStatus,
    ReportType,
    SectionKind,
    SignatureCheck,
    Step,
)

S = ReportStatus
REVIEWER_ROLES = frozenset({Role.COORDINATOR})
MAX_SECTION = 20_000  # characters in one section

NOT_OWN_UNIT = "Chỉ cán bộ của {unit} được soạn và gửi báo cáo này."
NOT_EDITABLE = "Báo cáo đang ở trạng thái “{status}”: không sửa được. Chỉ sửa khi đang soạn hoặc bị trả lại."
WINDOW_OPEN = ("Kỳ báo cáo chưa kết thúc: số liệu chốt ngày {end:%d/%m/%Y}. "
               "Chỉ gửi được báo cáo sau ngày chốt số liệu.")
EMPTY_REQUIRED = "Chưa viết các mục bắt buộc: {titles}. Hãy viết đủ rồi gửi lại."
OWN_REPORT = "Không thể tự xem xét, phê duyệt hoặc trả lại báo cáo của chính đơn vị mình hay do mình gửi."
NOT_REVIEWER = "Chỉ cơ quan thường trực cấp trên trực tiếp ({above}) được xem xét báo cáo này."
REASON_NEEDED = "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."
REOPEN_REASON_NEEDED = "Hãy ghi lý do mở lại báo cáo đã phê duyệt."


def _tell_unit(report: Report, kind: str, title: str) -> None:
    """A notice to the report's unit: its coordinators and whoever sent it."""
    users = inbox.unit_staff([report.unit_id], [Role.COORDINATOR])[report.unit_id] | {report.submitted_by_id}
    inbox.notify(users, kind, title, url=report.get_absolute_url(), unit=report.unit)


def _event(report: Report, step: str, membership, reason: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, step=step, actor_id=getattr(membership, "user_id", None),
                                      actor_unit_id=getattr(membership, "unit_id", None), at=timezone.now(),
                                      reason=reason, revision=report.revision)


# --- checks (also used to decide which buttons a page shows) -------------------------------------------------

def _webhook(event: str, report: Report, **extra) -> None:
    """The report's step as a webhook event, in the step's transaction (pcmd.webhooks: the outbox)."""
    webhooks.emit(event, report.unit, {"report": {
        "id": report.pk, "title": report.title, "type": report.type.code, "year": report.year,
        "status": report.status, "revision": report.revision, "due_date": report.due_date.isoformat(),
        "unit": report.unit.code}, **extra})


def check_writer(report: Report, membership) -> None:
    """The unit's own staff who may change reports write and submit it; nobody while it is not open."""
    if membership is None or not allowed(membership.role, "reports", "change") \
            or membership.unit_id != report.unit_id:
        raise ValidationError(NOT_OWN_UNIT.format(unit=report.unit.name))
    if report.status not in (S.DRAFT, S.RETURNED) or report.locked:
        raise ValidationError(NOT_EDITABLE.format(status=report.get_status_display()))


def above(report: Report) -> str:
    return f"cấp tỉnh: {report.unit.province.name}" if report.unit.level != Level.PROVINCE else "cấp Trung ương"


def check_reviewer(report: Report, membership) -> None:
    """The level directly above: the province for a commune's report, the nation for a province's; never one's own."""
    if membership is None:
        raise ValidationError(NOT_REVIEWER.format(above=above(report)))
    own_send = report.submitted_by_id is not None and report.submitted_by_id == membership.user_id
    if membership.unit_id == report.unit_id or own_send:
        raise ValidationError(OWN_REPORT)
    if report.unit.level == Level.PROVINCE:
        seat_is_above = membership.unit_id is None
    else:
        seat_is_above = membership.unit_id is not None and membership.unit_id == report.unit.province_id
    if not seat_is_above or membership.role not in REVIEWER_ROLES or not allowed(membership.role, "reports", "change"):
        raise ValidationError(NOT_REVIEWER.format(above=above(report)))


def sendable_from(report: Report, today: datetime.date | None = None) -> datetime.date | None:
    """The day the report can be sent, while its figures' window has not ended (None once it has)."""
    if (today or timezone.localdate()) <= report.window_end:
        return report.window_end + datetime.timedelta(days=1)
    return None


def check_window(report: Report, today: datetime.date | None = None) -> None:
    """A report is sent once its figures' window has ended (the "Gửi" button is not offered before)."""
    if sendable_from(report, today) is not None:
        raise ValidationError(WINDOW_OPEN.format(end=report.window_end))


def check_submittable(report: Report, today: datetime.date | None = None) -> None:
    check_window(report, today)
    empty = [s.title for s in report.sections.all() if s.required and s.kind == SectionKind.NARRATIVE
             and not s.text.strip()]
    if empty:
        raise ValidationError(EMPTY_REQUIRED.format(titles="; ".join(empty)))


STEP_CHECKS = {
    "sua": lambda r, m: check_writer(r, m),
    "gui": lambda r, m: (check_writer(r, m), check_window(r)),
    "tra-lai": lambda r, m: check_reviewer(r, m),
    "phe-duyet": lambda r, m: check_reviewer(r, m),
    "mo-lai": lambda r, m: check_reviewer(r, m),
}


def may(slug: str, report: Report, membership) -> bool:
    """Whether the seat passes the step's rule on the report (for the buttons; the step checks again)."""
    try:
        STEP_CHECKS[slug](report, membership)
    except ValidationError:
        return False
    return True


def _locked(report: Report) -> Report:
    """The report re-read under a row lock, so two steps on it queue up inside their transactions."""
    fresh = (Report.objects.select_for_update(of=("self",)).select_related("type", "unit", "unit__province")
             .get(pk=report.pk))
    report.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    return report


# --- steps ---------------------------------------------------------------------------------------------------

@transaction.atomic
def report_save_sections(*, report: Report, membership, texts: dict[str, str]) -> Report:
    """Write the narrative sections (keys of `texts`); the caller has claimed the version (optimistic lock)."""
    _locked(report)
    check_writer(report, membership)
    sections = {s.key: s for s in report.sections.filter(kind=SectionKind.NARRATIVE)}
    errors = {}
    for key, text in texts.items():
        if key not in sections:
            continue
        text = (text or "").strip()
        if len(text) > MAX_SECTION:
            errors[f"muc_{key}"] = f"Mục này dài quá {MAX_SECTION:,} ký tự; hãy rút gọn.".replace(",", ".")
        sections[key].text = text
    if errors:
        raise ValidationError(errors)
    ReportSection.objects.bulk_update(list(sections.values()), ["text"])
    report.save()
    _event(report, Step.SAVED, membership)
    return report


@transaction.atomic
def report_submit(*, report: Report, membership, today: datetime.date | None = None) -> Report:
    """Send the report up: the rules above, then freeze the figures and texts (the snapshot)."""
    _locked(report)
    check_writer(report, membership)
    check_submittable(report, today)
    now = timezone.now()
    resubmission = report.revision > 0
    report.previous_snapshot = report.snapshot
    report.snapshot = figures.snapshot(report, now)
    report.frozen_at, report.definitions_version = now, report.snapshot["definitions_version"]
    report.revision += 1
    report.status = S.SUBMITTED
    report.submitted_at, report.submitted_by_id = now, membership.user_id
    report.first_submitted_at = report.first_submitted_at or now
    report.save()
    _event(report, Step.RESUBMITTED if resubmission else Step.SUBMITTED, membership)
    _webhook("report.submitted", report)
    return report


@transaction.atomic
def report_return(*, report: Report, membership, reason: str, section_comments: dict[str, str] | None = None,
                  figure_comments: dict[str, str] | None = None) -> Report:
    """Send the report back to its unit with a reason and remarks per section or per figure."""
    _locked(report)
    check_reviewer(report, membership)
    if report.status != S.SUBMITTED:
        raise ValidationError(f"Chỉ trả lại được báo cáo đã gửi (đang: “{report.get_status_display()}”).")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_NEEDED})
    report.status = S.RETURNED
    report.save()
    event = _event(report, Step.RETURNED, membership, reason)
    sections = {s.key: s for s in report.sections.all()}
    now = timezone.now()
    comments = [ReportComment(report=report, event=event, section=sections[key], text=text.strip(),
                              author_id=membership.user_id, at=now)
                for key, text in (section_comments or {}).items() if key in sections and (text or "").strip()]
    comments += [ReportComment(report=report, event=event, indicator=code, text=text.strip(),
                               author_id=membership.user_id, at=now)
                 for code, text in (figure_comments or {}).items() if code and (text or "").strip()]
    ReportComment.objects.bulk_create(comments)
    _webhook("report.returned", report, reason=reason)
    _tell_unit(report, Kind.REPORT_RETURNED, f"{report.title} của {report.unit.name} bị trả lại: {reason}")
    return report


@transaction.atomic
def report_approve(*, report: Report, membership, note: str = "") -> Report:
    """Approve: the report is locked, and so are the unit's entered figures for the window."""
    _locked(report)
    check_reviewer(report, membership)
    if report.status != S.SUBMITTED:
        raise ValidationError(f"Chỉ phê duyệt được báo cáo đã gửi (đang: “{report.get_status_display()}”).")
    period = figures.period_of(report)
    # Only a periodic report's window is a standard period the entered figures' lock can hold (an ad hoc
    # window of a few weeks would lock a whole year's code).
    if report.type.frequency in (Frequency.SIX_MONTHS, Frequency.YEAR) \
            and indicator_services.approval_covering(report.unit, period) is None:
        report.data_approval = indicator_services.approve(membership=membership, unit=report.unit, period=period,
                                                          note=f"Phê duyệt {report.title}")
    report.status, report.locked = S.APPROVED, True
    report.approved_at, report.approved_by_id = timezone.now(), membership.user_id
    report.save()
    _event(report, Step.APPROVED, membership, (note or "").strip())
    _webhook("report.approved", report)
    _tell_unit(report, Kind.REPORT_APPROVED, f"{report.title} của {report.unit.name} đã được phê duyệt.")
    return report


@transaction.atomic
def report_reopen(*, report: Report, membership, reason: str) -> Report:
    """Reopen an approved report: back to its unit for correction, its figures unlocked; the reason is kept."""
    _locked(report)
    check_reviewer(report, membership)
    if report.status != S.APPROVED:
        raise ValidationError("Chỉ mở lại được báo cáo đã phê duyệt.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REOPEN_REASON_NEEDED})
    approval = report.data_approval
    if approval is not None and approval.reopened_at is None:
        indicator_services.reopen(membership=membership, approval=approval, reason=reason)
    report.status, report.locked = S.RETURNED, False
    report.approved_at = report.approved_by = report.data_approval = None
    report.save()
    _event(report, Step.REOPENED, membership, reason)
    return report


# --- attachments: scans, photos, the signed PDF ---------------------------------------------------------------

MAX_ATTACHMENTS = 20  # files on one report
ATTACHMENT_KINDS = {AttachmentKind.SCAN: ("pdf", *IMAGES), AttachmentKind.PHOTO: IMAGES,
                    AttachmentKind.SIGNED: ("pdf",)}
SIGNED_TOO_EARLY = "Chỉ tải lên bản đã ký sau khi báo cáo đã được gửi (bản ký là bản đã gửi cấp trên)."


def check_attacher(report: Report, membership) -> None:
    """The unit's own staff who may change reports attach files, whatever the report's state (the signed PDF
    comes back after approval)."""
    if membership is None or not allowed(membership.role, "reports", "change") \
            or membership.unit_id != report.unit_id:
        raise ValidationError(NOT_OWN_UNIT.format(unit=report.unit.name))


def may_attach(report: Report, membership) -> bool:
    try:
        check_attacher(report, membership)
    except ValidationError:
        return False
    return True


def signature_of(data: bytes) -> SignatureCheck:
    """Whether the PDF carries a digital signature field (/Sig). Its validity is not verified (see SignatureCheck)."""
    _problem, reader = pdf_problem(data)
    if reader is None:
        return SignatureCheck.UNCHECKED
    try:
        fields = reader.get_fields() or {}
    except Exception:  # noqa: BLE001 — a PDF pypdf opens but whose form it cannot walk: say nothing about it
        return SignatureCheck.UNCHECKED
    signed = any(f.get("/FT") == "/Sig" and f.get("/V") for f in fields.values())
    return SignatureCheck.PRESENT if signed else SignatureCheck.NONE


@transaction.atomic
def report_attach(*, report: Report, membership, kind: str, upload, caption: str = "") -> ReportAttachment:
    """Keep a scan, a photo or the signed PDF with the report: the type read from the file's first bytes, at most
    10 MB and MAX_ATTACHMENTS files a report; the step is written in the report's history."""
    _locked(report)
    check_attacher(report, membership)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationError({"kind": "Hãy chọn loại tệp."})
    if upload is None:
        raise ValidationError({"file": "Hãy chọn tệp."})
    if kind == AttachmentKind.SIGNED and report.revision == 0:
        raise ValidationError({"kind": SIGNED_TOO_EARLY})
    check_upload(upload, field="file", kinds=ATTACHMENT_KINDS[kind])
    if report.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"Mỗi báo cáo có tối đa {MAX_ATTACHMENTS} tệp đính kèm."})
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:120] or "tep"
    attachment = ReportAttachment(report=report, kind=kind, original_name=name, size=upload.size,
                                  caption=(caption or "").strip()[:255], revision=report.revision,
                                  uploaded_by_id=membership.user_id)
    if kind == AttachmentKind.SIGNED:
        attachment.signature = signature_of(upload.read())
        upload.seek(0)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(report, Step.ATTACHED, membership, f"{attachment.get_kind_display()}: {name}")
    return attachment


# --- ad hoc requests (báo cáo đột xuất) ------------------------------------------------------------------------

MAX_QUESTIONS = 10
MAX_QUESTION = 500


def check_requester(membership) -> None:
    """A province's standing office asks its communes, the national one the provinces."""
    if membership is None or membership.role not in REVIEWER_ROLES or not allowed(membership.role, "reports", "add"):
        raise ValidationError("Chỉ cơ quan thường trực cấp tỉnh hoặc Trung ương được yêu cầu báo cáo đột xuất.")
    if membership.unit_id is not None and membership.unit.level != Level.PROVINCE:
        raise ValidationError("Chỉ cơ quan thường trực cấp tỉnh hoặc Trung ương được yêu cầu báo cáo đột xuất.")


def may_request(membership) -> bool:
    try:
        check_requester(membership)
    except ValidationError:
        return False
    return True


def adhoc_check(*, title: str, questions: list[str], window_start, window_end, due_date,
                today: datetime.date | None = None) -> list[str]:
    """The request's rules (the form calls the same); returns the questions kept, one per line, none empty."""
    today = today or timezone.localdate()
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Hãy ghi tên báo cáo đột xuất."
    kept = [q.strip() for q in questions if q and q.strip()]
    if not kept:
        errors["questions"] = "Hãy ghi ít nhất một nội dung cần báo cáo (mỗi dòng một nội dung)."
    elif len(kept) > MAX_QUESTIONS:
        errors["questions"] = f"Tối đa {MAX_QUESTIONS} nội dung; hãy gộp bớt."
    elif any(len(q) > MAX_QUESTION for q in kept):
        errors["questions"] = f"Mỗi nội dung tối đa {MAX_QUESTION} ký tự."
    if window_start and window_end and window_start > window_end:
        errors["window_start"] = "Ngày bắt đầu lấy số liệu phải trước ngày chốt số liệu."
    if window_end and window_end >= today:
        errors["window_end"] = "Ngày chốt số liệu phải trước hôm nay (đơn vị chỉ gửi được khi đã chốt số liệu)."
    if due_date and due_date <= today:
        errors["due_date"] = "Hạn gửi phải sau hôm nay."
    if due_date and window_end and due_date < window_end:
        errors["due_date"] = "Hạn gửi phải sau ngày chốt số liệu."
    if errors:
        raise ValidationError(errors)
    return kept


@transaction.atomic
def adhoc_request(*, membership, title: str, questions: list[str], window_start: datetime.date,
                  window_end: datetime.date, due_date: datetime.date) -> tuple[ReportType, int]:
    """Ask every subordinate unit for a report: one type (each question a required section, then the figures)
    and one report per unit, seen in the units' lists. Returns (the type, the number of reports)."""
    check_requester(membership)
    kept = adhoc_check(title=title, questions=questions, window_start=window_start, window_end=window_end,
                       due_date=due_date)
    asker = membership.unit
    outline = [{"key": f"noi-dung-{n}", "title": f"{n}. {q}", "kind": "narrative", "required": True}
               for n, q in enumerate(kept, start=1)]
    outline.append({"key": "so-lieu", "title": "Số liệu trong kỳ (từ sổ theo dõi và chỉ số)", "kind": "figures",
                    "required": False})
    report_type = ReportType.objects.create(
        code=f"dot-xuat-{timezone.now():%Y%m%d%H%M%S%f}", name=title.strip()[:200],
        level="commune" if asker is not None else "province", frequency=Frequency.AD_HOC,
        province=asker, start_day=window_start.day, start_month=window_start.month, end_day=window_end.day,
        end_month=window_end.month, due_day=due_date.day, due_month=due_date.month,
        recipient=f"Cơ quan thường trực {asker.name}" if asker is not None else "Bộ Y tế",
        outline=outline, duty_text="Báo cáo đột xuất theo yêu cầu của cấp trên.", requested_unit=asker,
        requested_by_id=membership.user_id)
    if asker is not None:
        units = list(engine.communes_of([asker.pk]))
    else:
        units = list(AdminUnit.objects.filter(level=Level.PROVINCE, is_active=True))
    reports = Report.objects.bulk_create(
        [Report(unit=u, province_id=u.province_id or u.pk, type=report_type, year=window_end.year,
                window_start=window_start, window_end=window_end, due_date=due_date) for u in units],
        batch_size=1000)
    if not reports[:1] or reports[0].pk is None:  # backends that do not return keys from a bulk insert
        reports = list(Report.objects.filter(type=report_type))
    ReportSection.objects.bulk_create([
        ReportSection(report=r, key=s["key"], order=n, title=s["title"], kind=s["kind"], required=s["required"])
        for r in reports for n, s in enumerate(outline, start=1)], batch_size=2000)
    now = timezone.now()
    ReportEvent.objects.bulk_create([
        ReportEvent(report=r, step=Step.REQUESTED, at=now, actor_id=membership.user_id,
                    actor_unit_id=membership.unit_id, reason=title.strip()[:2000]) for r in reports], batch_size=2000)
    return report_type, len(reports)


def adhoc_requests(membership):
    """The ad hoc requests a seat made (its unit's; the national level's for a national seat), newest first."""
    return (ReportType.objects.filter(frequency=Frequency.AD_HOC, requested_unit_id=membership.unit_id)
            .exclude(requested_by=None).order_by("-created_at"))


# --- report types edited by a province (its own copies) or the national level (the general ones) -------------

FIGURES_LINE = "[Bảng số liệu]"
MAX_OUTLINE = 20
NOT_TYPE_EDITOR = ("Chỉ cơ quan thường trực cấp tỉnh sửa loại báo cáo riêng của tỉnh mình; loại báo cáo chung do "
                   "cấp Trung ương quản lý — hãy sao chép để có loại riêng của tỉnh.")


def check_type_editor(membership, report_type: ReportType | None = None) -> None:
    """A province's office edits its province's own types; the national office the general ones; nobody the ad hoc
    requests' types here. `None`: whether the seat edits any type at all."""
    if membership is None or membership.role not in REVIEWER_ROLES or not allowed(membership.role, "reports", "change"):
        raise ValidationError(NOT_TYPE_EDITOR)
    if membership.unit_id is not None and membership.unit.level != Level.PROVINCE:
        raise ValidationError(NOT_TYPE_EDITOR)
    if report_type is not None and (report_type.frequency == Frequency.AD_HOC
                                    or report_type.province_id != membership.unit_id):
        raise ValidationError(NOT_TYPE_EDITOR)


def may_edit_type(membership, report_type: ReportType | None = None) -> bool:
    try:
        check_type_editor(membership, report_type)
    except ValidationError:
        return False
    return True


def outline_to_text(outline: list[dict]) -> str:
    return "\n".join(FIGURES_LINE if s.get("kind") == SectionKind.FIGURES else ("* " if s.get("required") else "")
                     + s["title"] for s in outline)


def outline_from_text(text: str, old: list[dict]) -> list[dict]:
    """One section a line: "* " before a required one, "[Bảng số liệu]" for the figures table. A title kept from
    `old` keeps its key (the roll-up reads "de-xuat", last year's texts are offered by key)."""
    from django.utils.text import slugify

    from pcmd.core.models import fold

    keys = {s["title"]: s["key"] for s in old}
    outline, used, errors = [], set(), []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line == FIGURES_LINE:
            key = next((s["key"] for s in old if s.get("kind") == SectionKind.FIGURES), "so-lieu")
            title = next((s["title"] for s in old if s.get("kind") == SectionKind.FIGURES),
                         "Số liệu kết quả thực hiện (từ sổ theo dõi và chỉ số)")
            section = {"key": key, "title": title, "kind": SectionKind.FIGURES.value, "required": False}
        else:
            required = line.startswith("*")
            title = line.lstrip("*").strip()
            if len(title) > 255:
                errors.append(f"Tiêu đề mục dài quá 255 ký tự: “{title[:40]}…”.")
                continue
            key = keys.get(title) or slugify(fold(title))[:40].strip("-") or "muc"
            section = {"key": key, "title": title, "kind": SectionKind.NARRATIVE.value, "required": required}
        base, n = section["key"], 2
        while section["key"] in used:
            section["key"] = f"{base[:36]}-{n}"
            n += 1
        used.add(section["key"])
        outline.append(section)
    if not any(s["kind"] == SectionKind.NARRATIVE for s in outline):
        errors.append("Đề cương cần ít nhất một mục nội dung viết.")
    if len(outline) > MAX_OUTLINE:
        errors.append(f"Đề cương tối đa {MAX_OUTLINE} mục.")
    if errors:
        raise ValidationError({"outline_text": errors})
    return outline


def _day_month(day, month, field: str, errors: dict) -> None:
    try:
        datetime.date(2025, int(month), int(day))  # a year without 29/2: the date must exist every year
    except (TypeError, ValueError):
        errors[field] = "Ngày, tháng không hợp lệ (ngày 29/02 không dùng được vì không có hằng năm)."


@transaction.atomic
def type_copy(*, membership, report_type: ReportType) -> ReportType:
    """A province's own copy of a general type, which then replaces it for the province's units (from the next
    reports the calendar makes)."""
    check_type_editor(membership)
    if membership.unit_id is None or report_type.province_id is not None or report_type.frequency == Frequency.AD_HOC:
        raise ValidationError("Chỉ sao chép được loại báo cáo chung về cho một tỉnh.")
    province = membership.unit
    same = ReportType.objects.filter(level=report_type.level, frequency=report_type.frequency)
    if any(t.province_id == province.pk for t in same):  # a type's province, not a user's scope
        raise ValidationError(f"{province.name} đã có loại báo cáo riêng cùng cấp và kỳ; hãy sửa loại đó.")
    copy = ReportType.objects.get(pk=report_type.pk)
    copy.pk = None
    copy.code = f"{report_type.code}-{province.code}"[:40]
    copy.name = f"{report_type.name} ({province.name})"[:200]
    copy.province = province
    copy.version = 1
    copy.save()
    return copy


@transaction.atomic
def type_update(*, membership, report_type: ReportType, data: dict, version: int) -> ReportType:
    """Change a type's name, window, deadline, recipient and outline (existing reports keep their sections)."""
    check_type_editor(membership, report_type)
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = "Hãy ghi tên loại báo cáo."
    if not (data.get("recipient") or "").strip():
        errors["recipient"] = "Hãy ghi nơi nhận báo cáo."
    _day_month(data.get("start_day"), data.get("start_month"), "start_day", errors)
    _day_month(data.get("end_day"), data.get("end_month"), "end_day", errors)
    _day_month(data.get("due_day"), data.get("due_month"), "due_day", errors)
    try:
        outline = outline_from_text(data.get("outline_text", ""), report_type.outline)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    from pcmd.core.services import claim_version

    claim_version(report_type, version)
    for name in ("start_day", "start_month", "end_day", "end_month", "due_day", "due_month"):
        setattr(report_type, name, int(data[name]))
    report_type.name = data["name"].strip()[:200]
    report_type.recipient = data["recipient"].strip()[:255]
    report_type.outline = outline
    report_type.save()
    return report_type


# --- the calendar --------------------------------------------------------------------------------------------

def types_for(province_id: int, types: list[ReportType]) -> list[ReportType]:
    """The types that apply in a province: its own, and the general ones it has not replaced."""
    own = [t for t in types if t.province_id == province_id]
    replaced = {(t.level, t.frequency) for t in own}
    return own + [t for t in types if t.province_id is None and (t.level, t.frequency) not in replaced]


def create_due_reports(year: int, provinces=None) -> int:
    """Each unit's reports for `year` from the active types (idempotent: existing reports are kept).

    `provinces`: AdminUnits (default: every active province). Returns the number of reports created."""
    types = list(ReportType.objects.filter(is_active=True).exclude(frequency=Frequency.AD_HOC))
    if provinces is None:
        provinces = AdminUnit.objects.filter(level=Level.PROVINCE, is_active=True)
    # One report per unit, level and frequency a year: a province's own type made after the general one was used
    # does not give its units a second report for the same period.
    existing = set(Report.objects.filter(year=year).exclude(type__frequency=Frequency.AD_HOC)
                   .values_list("unit_id", "type__level", "type__frequency"))
    new = []
    for province in provinces:
        for report_type in types_for(province.pk, types):
            start, end = report_type.window(year)
            due = report_type.due_date(year)
            units = [province] if report_type.level == "province" else list(engine.communes_of([province.pk]))
            new += [Report(unit=unit, province_id=province.pk, type=report_type, year=year, window_start=start,
                           window_end=end, due_date=due)
                    for unit in units if (unit.pk, report_type.level, report_type.frequency) not in existing]
    with transaction.atomic():
        Report.objects.bulk_create(new, batch_size=1000)
        fresh = list(Report.objects.filter(year=year, sections__isnull=True).select_related("type"))
        ReportSection.objects.bulk_create([
            ReportSection(report=r, key=s["key"], order=n, title=s["title"], kind=s.get("kind", "narrative"),
                          required=bool(s.get("required")))
            for r in fresh for n, s in enumerate(r.type.outline, start=1)], batch_size=2000)
        now = timezone.now()
        ReportEvent.objects.bulk_create([ReportEvent(report=r, step=Step.CREATED, at=now,
                                                     reason="Tạo theo lịch báo cáo") for r in fresh],
                                        batch_size=2000)
    return len(new)


def previous_texts(report: Report) -> dict[str, str]:
    """The same unit's texts of the same type the year before, offered as a start for empty sections."""
    before = Report.objects.filter(unit_id=report.unit_id, type_id=report.type_id, year=report.year - 1).first()
    if before is None:
        return {}
    return {s.key: s.text for s in before.sections.all() if s.text}
