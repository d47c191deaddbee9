"""Writes for plans: import a document, edit its items, issue it, post task progress.

`plan_import` turns an uploaded file into a DRAFT plan with all its items in one transaction;
the review screen then edits the draft's items (`item_create/update/delete`) and confirms it
(`plan_confirm`). Agencies concerned by a task post progress with `task_progress_add`.
"""

import hashlib
from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from pcmd.core import services as core_services
from pcmd.core import uploads
from pcmd.core.models import fold
from pcmd.core.scoping import scoped, within
from pcmd.core.uploads import check_upload
from pcmd.geo.models import Level
from pcmd.inbox import services as inbox
from pcmd.inbox.models import Kind
from pcmd.indicators import catalogue
from pcmd.org.models import Membership, Role
from pcmd.org.permissions import allowed

from .agencies import AgencyMatcher
from .models import (
    Comparator,
    DocKind,
    Frequency,
    LegalBasis,
    Metric,
    Plan,
    PlanKind,
    PlanStatus,
    ReportingDuty,
    SourceMethod,
    Target,
    Task,
    TaskProgress,
)

ATTACHMENT_MAX_BYTES = uploads.MAX_BYTES


class DuplicatePlan(ValidationError):
    """The same document (same SHA-256) was already imported for this unit."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(
            f"Văn bản này đã được nhập trước đây thành kế hoạch “{plan}” (trạng thái: "
            f"{plan.get_status_display().lower()}). Không nhập lại để tránh trùng; hãy mở kế hoạch đã có."
        )


# ------------------------------------------------------------------------------------------- item rules
# The rules of a plan's items live here, once: the review forms call them (errors shown on the field),
# and so do item_create / item_update, plan_import and plans.derive.

TARGET_FIELDS = ("metric", "comparator", "value", "value_max")
DUTY_FIELDS = ("deadline_day", "deadline_month")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def target_check(data: dict) -> None:
    """A target's figure: a quantitative target has a value; a range has a maximum ≥ its minimum; a
    percentage lies between 0 and 100. Raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    metric, comparator = data.get("metric"), data.get("comparator")
    value, value_max = data.get("value"), data.get("value_max")
    if metric != Metric.QUALITATIVE and comparator and value is None:
        errors.setdefault("value", []).append("Chỉ tiêu định lượng cần có giá trị.")
    if comparator == Comparator.RANGE:
        if value_max is None:
            errors.setdefault("value_max", []).append("Chỉ tiêu “trong khoảng” cần giá trị tối đa.")
        elif value is not None and value_max < value:
            errors.setdefault("value_max", []).append("Giá trị tối đa phải lớn hơn hoặc bằng giá trị tối thiểu.")
    if metric == Metric.PERCENT:
        for name, figure in (("value", value), ("value_max", value_max)):
            if figure is not None and not 0 <= figure <= 100:
                errors.setdefault(name, []).append("Tỷ lệ phải từ 0 đến 100.")
    _raise(errors)


def duty_check(data: dict) -> None:
    """A reporting duty's deadline: both day and month or neither, and a real day of a month."""
    day, month = data.get("deadline_day"), data.get("deadline_month")
    if (day is None) != (month is None):
        _raise({"deadline_month" if month is None else "deadline_day": ["Hạn báo cáo cần cả ngày và tháng."]})
    if day is not None and not (1 <= month <= 12 and 1 <= day <= 31):
        _raise({"deadline_day": ["Ngày, tháng của hạn báo cáo không hợp lệ."]})


ITEM_CHECKS = {Target: (target_check, TARGET_FIELDS), ReportingDuty: (duty_check, DUTY_FIELDS)}


def item_check(model: type[models.Model], data: dict, instance: models.Model | None = None) -> None:
    """The rules of one plan item (`data` over the instance's current values, for an edit)."""
    check, names = ITEM_CHECKS.get(model, (None, ()))
    if check is not None:
        check({**{n: getattr(instance, n) for n in names if instance is not None}, **data})


def _check_built(items: list[models.Model], label: str) -> None:
    """Items read from a document obey the same rules; a bad one names its place in the document."""
    for n, item in enumerate(items, start=1):
        try:
            item_check(type(item), {name: getattr(item, name) for name in ITEM_CHECKS[type(item)][1]})
        except ValidationError as exc:
            where = f"dòng {item.line_start}" if item.line_start else f"mục thứ {n}"
            raise ValidationError(f"{label} ở {where} của văn bản: {' '.join(exc.messages)} "
                                  "Hãy sửa văn bản rồi nhập lại.") from exc


# ---------------------------------------------------------------------------------------------- import

def _clip(value, field_name: str, model: type[models.Model]) -> str:
    text = " ".join(str(value or "").split())
    limit = model._meta.get_field(field_name).max_length
    return text[: limit - 1] + "…" if limit and len(text) > limit else text


def _date(value) -> date_type | None:
    if not value:
        return None
    if isinstance(value, date_type):
        return value
    try:
        return date_type.fromisoformat(str(value))
    except ValueError:
        return None


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _lines(item: dict) -> tuple[int | None, int | None]:
    lines = item.get("lines") or []
    if not lines:
        return None, None
    start = int(lines[0])
    return start, int(lines[-1]) if len(lines) > 1 else start


def _deadline(value) -> tuple[int | None, int | None]:
    """ "17/06" -> (17, 6)."""
    if not value:
        return None, None
    day, _, month = str(value).partition("/")
    try:
        day_n, month_n = int(day), int(month)
    except ValueError:
        return None, None
    return (day_n, month_n) if 1 <= day_n <= 31 and 1 <= month_n <= 12 else (None, None)


def _choice(value, choices: type[models.TextChoices], default: str = "") -> str:
    return value if value in choices.values else default


def _build_targets(plan: Plan, items: list[dict]) -> list[Target]:
    targets = []
    for order, item in enumerate(items, start=1):
        start, end = _lines(item)
        text = str(item.get("text") or "").strip()
        indicator = item.get("indicator") or catalogue.match(fold(text)) or ""
        targets.append(Target(
            plan=plan, order=order, line_start=start, line_end=end,
            section=_clip(item.get("section"), "section", Target),
            text=text,
            metric=_choice(item.get("metric"), Metric, Metric.QUALITATIVE),
            comparator=_choice(item.get("comparator"), Comparator),
            value=_decimal(item.get("value")), value_max=_decimal(item.get("value_max")),
            year=item.get("year") or None,
            population=_clip(item.get("population"), "population", Target),
            scope=_clip(item.get("scope"), "scope", Target),
            indicator=indicator if indicator in catalogue.BY_CODE else "",
        ))
    return targets


def _build_tasks(plan: Plan, items: list[dict]) -> list[Task]:
    tasks = []
    for order, item in enumerate(items, start=1):
        start, end = _lines(item)
        title = str(item.get("title") or item.get("text") or "").strip()
        tasks.append(Task(
            plan=plan, order=order, line_start=start, line_end=end,
            ref=_clip(item.get("ref"), "ref", Task),
            title=_clip(title, "title", Task),
            text=str(item.get("text") or "").strip(),
            lead_names=[str(n).strip() for n in item.get("lead") or [] if str(n).strip()],
            partner_names=[str(n).strip() for n in item.get("partners") or [] if str(n).strip()],
            due_date=_date(item.get("due_date")),
            frequency=_choice(item.get("frequency"), Frequency),
            timing=_clip(item.get("timing"), "timing", Task),
        ))
    return tasks


def _build_duties(plan: Plan, items: list[dict]) -> list[ReportingDuty]:
    duties = []
    for order, item in enumerate(items, start=1):
        start, end = _lines(item)
        day, month = _deadline(item.get("deadline"))
        duties.append(ReportingDuty(
            plan=plan, order=order, line_start=start, line_end=end,
            text=str(item.get("text") or "").strip(),
            reporter=_clip(item.get("reporter") or item.get("from"), "reporter", ReportingDuty),
            recipient=_clip(item.get("to"), "recipient", ReportingDuty),
            via=_clip(item.get("via"), "via", ReportingDuty),
            frequency=_choice(item.get("frequency"), Frequency, Frequency.AD_HOC),
            deadline_day=day, deadline_month=month,
        ))
    return duties


def _build_bases(plan: Plan, items: list[dict]) -> list[LegalBasis]:
    bases = []
    for order, item in enumerate(items, start=1):
        start, end = _lines(item)
        bases.append(LegalBasis(
            plan=plan, order=order, line_start=start, line_end=end,
            text=str(item.get("text") or "").strip(),
            number=_clip(item.get("number"), "number", LegalBasis),
            date=_date(item.get("date")),
            issuer=_clip(item.get("issuer"), "issuer", LegalBasis),
            title=_clip(item.get("title"), "title", LegalBasis),
        ))
    return bases


def sha256(data: bytes) -> str:
    """The document's fingerprint: the same file imported twice into one unit is recognised by it."""
    return hashlib.sha256(data).hexdigest()


def _is_plan(parsed: dict) -> bool:
    return bool(parsed.get("targets") or parsed.get("tasks"))


def plan_import(*, unit, file_name: str, data: bytes, user=None, parent=None, status: str = PlanStatus.DRAFT) -> Plan:
    """Read a plan document (.docx/.doc/.odt/.rtf/.txt/.pdf, a scan or a photo) and save it with all its items as
    one draft plan (a reference text — decision, dispatch, guidance, notice — keeps its kind).

    Raises ValidationError with a Vietnamese message (nothing saved) for a bad file, a document
    that is not a plan, or a document already imported for this unit (DuplicatePlan).
    """
    from .parsing import PlanFileError
    from .parsing.extract import extract
    from .parsing.parser import parse_plan

    try:
        extracted = extract(file_name, data)
        text = extracted.text
        parsed = parse_plan(text)
    except PlanFileError as exc:
        raise ValidationError(str(exc)) from exc
    if not _is_plan(parsed):
        raise ValidationError(
            "Không nhận ra đây là một kế hoạch: không tìm thấy chỉ tiêu hay nhiệm vụ nào trong văn bản. "
            "Hãy kiểm tra lại tệp (đúng văn bản kế hoạch, không phải công văn hay báo cáo)."
        )
    fingerprint = sha256(data)
    with transaction.atomic():
        existing = Plan.objects.filter(unit=unit, source_sha256=fingerprint).first()
        if existing is not None:
            raise DuplicatePlan(existing)
        period = str(parsed.get("period") or "")[:9]
        plan = Plan(
            unit=unit, parent=parent, status=status,
            number=_clip(parsed.get("number"), "number", Plan),
            # A title the parser could not read is named after the file; the review screen shows it to correct.
            title=_clip(parsed.get("title") or f"Kế hoạch (chưa đọc được trích yếu) — tệp {file_name}", "title", Plan),
            issuer=_clip(parsed.get("issuer"), "issuer", Plan),
            issue_date=_date(parsed.get("date")),
            place=_clip(parsed.get("place"), "place", Plan),
            signer_name=_clip(parsed.get("signer_name"), "signer_name", Plan),
            signer_title=_clip(parsed.get("signer_title"), "signer_title", Plan),
            kind=PlanKind.PHASE if "-" in period else PlanKind.ANNUAL,
            period=period,
            recipients=str(parsed.get("recipients") or ""),
            source_name=_clip(file_name, "source_name", Plan),
            source_sha256=fingerprint,
            source_text=text,
            doc_kind=_choice(parsed.get("doc_kind"), DocKind, DocKind.PLAN),
            source_method=_choice(extracted.method, SourceMethod),
            ocr_confidence=list(extracted.confidence) if extracted.ocr else [],
            imported_by=user,
        )
        plan.source_file.save(file_name, ContentFile(data), save=False)
        plan.save()
        targets = _build_targets(plan, parsed.get("targets") or [])
        duties = _build_duties(plan, parsed.get("reporting") or [])
        _check_built(targets, "Chỉ tiêu")
        _check_built(duties, "Chế độ báo cáo")
        LegalBasis.objects.bulk_create(_build_bases(plan, parsed.get("legal_basis") or []))
        Target.objects.bulk_create(targets)
        tasks = Task.objects.bulk_create(_build_tasks(plan, parsed.get("tasks") or []))
        ReportingDuty.objects.bulk_create(duties)
        tasks_link_agencies(tasks=tasks, unit=unit)
        if plan.status == PlanStatus.ISSUED:
            announce_issued(plan)
    return plan


def tasks_link_agencies(*, tasks: list[Task], unit) -> None:
    """Set lead/partner agencies of `tasks` from their names as written, in two bulk inserts."""
    matcher = AgencyMatcher(unit)
    leads, partners = [], []
    for task in tasks:
        leads += [Task.lead_agencies.through(task_id=task.pk, agency_id=a.pk)
                  for a in matcher.match_all(task.lead_names)]
        partners += [Task.partner_agencies.through(task_id=task.pk, agency_id=a.pk)
                     for a in matcher.match_all(task.partner_names)]
    Task.lead_agencies.through.objects.bulk_create(leads, ignore_conflicts=True)
    Task.partner_agencies.through.objects.bulk_create(partners, ignore_conflicts=True)


# ------------------------------------------------------------------------------------------ plan state

@transaction.atomic
def plan_confirm(*, plan: Plan, version: int, issued: bool) -> Plan:
    """The user has reviewed the extracted items: record it, and mark the plan issued when it is."""
    core_services.claim_version(plan, version)
    plan.reviewed_at = timezone.now()
    plan.save(update_fields=["reviewed_at", "version", "updated_at"])
    if issued and plan.status == PlanStatus.DRAFT:
        plan_issue(plan=plan)
    return plan


@transaction.atomic
def plan_move(*, plan: Plan, unit, version: int) -> Plan:
    """Move a draft to the unit that issues it (a ward plan uploaded by a province user): its targets, tasks and
    duties go with it, and the tasks' lead and partner agencies are matched again among that unit's agencies.
    Only a draft moves; the unit must issue plans (province, district or commune) and must not already hold the
    same document. The caller checks the unit is in the member's scope (the form's choices)."""
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"unit": "Chỉ chuyển được kế hoạch đang là dự thảo; kế hoạch đã ban hành thuộc về "
                                       "đơn vị đã ban hành nó."})
    if unit.level not in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        raise ValidationError({"unit": "Kế hoạch thuộc về một tỉnh, thành phố hoặc xã, phường; không thuộc về thôn, "
                                       "tổ dân phố."})
    if unit.pk == plan.unit_id:
        raise ValidationError({"unit": f"Dự thảo đã thuộc {unit.name}."})
    if plan.source_sha256 and Plan.objects.filter(unit=unit, source_sha256=plan.source_sha256).exclude(
            pk=plan.pk).exists():
        raise ValidationError({"unit": f"{unit.name} đã có kế hoạch nhập từ chính văn bản này."})
    core_services.claim_version(plan, version)
    plan.unit = unit
    plan.save(update_fields=["unit", "province", "version", "updated_at"])  # province follows (UnitScopedModel)
    tasks = list(plan.tasks.all())
    Task.lead_agencies.through.objects.filter(task__in=tasks).delete()
    Task.partner_agencies.through.objects.filter(task__in=tasks).delete()
    tasks_link_agencies(tasks=tasks, unit=unit)
    return plan


@transaction.atomic
def plan_issue(*, plan: Plan) -> Plan:
    """Draft -> issued (the document has been signed and sent)."""
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(f"Chỉ ban hành được kế hoạch đang là dự thảo; kế hoạch này "
                              f"{plan.get_status_display().lower()}.")
    plan.status = PlanStatus.ISSUED
    plan.save(update_fields=["status", "updated_at"])
    announce_issued(plan)
    return plan


def announce_issued(plan: Plan) -> int:
    """An issued plan: the coordinators of the level below hear of it (a province's plan -> its communes, a
    national plan -> the provinces), and the lead agencies of its tasks hear of what they are given."""
    seats = Membership.objects.filter(role=Role.COORDINATOR)
    if plan.unit_id is None:
        below = seats.filter(unit__level=Level.PROVINCE)
    elif plan.unit.level == Level.PROVINCE:
        below = within(seats.filter(unit__level=Level.COMMUNE), plan.unit)
    else:
        below = seats.none()
    issuer = plan.unit.name if plan.unit_id else "Trung ương"
    url = reverse("plan_detail", args=[plan.pk])
    count = inbox.notify(set(below.values_list("user_id", flat=True)), Kind.PLAN_ISSUED,
                         f"{issuer} ban hành {plan}: xem để xây dựng kế hoạch của đơn vị.", url=url,
                         unit=plan.unit, key=f"plan-issued:{plan.pk}")
    by_agency: dict[int, list] = {}
    for link in Task.lead_agencies.through.objects.filter(task__plan=plan).select_related("agency"):
        by_agency.setdefault(link.agency_id, [link.agency, 0])[1] += 1
    officers = inbox.agency_officers(by_agency)
    for agency_id, (agency, tasks) in by_agency.items():
        count += inbox.notify(officers.get(agency_id, set()), Kind.TASK_ASSIGNED,
                              f"{plan} giao {tasks} nhiệm vụ cho {agency.name} chủ trì.", url=reverse("my_tasks"),
                              unit=plan.unit, key=f"plan-tasks:{plan.pk}:{agency_id}")
    return count


# --------------------------------------------------------------------------------------- plan items

ITEM_MODELS: dict[str, type[models.Model]] = {
    "chi-tieu": Target, "nhiem-vu": Task, "bao-cao": ReportingDuty, "can-cu": LegalBasis,
}


@transaction.atomic
def item_create(*, plan: Plan, model: type[models.Model], data: dict) -> models.Model:
    """Add a target, task, reporting duty or legal basis the parser missed (placed last)."""
    item_check(model, data)
    last = model._default_manager.filter(plan=plan).aggregate(m=models.Max("order"))["m"] or 0
    return core_services.record_create(model=model, data={**data, "plan": plan, "order": last + 1})


@transaction.atomic
def item_update(*, instance: models.Model, data: dict) -> models.Model:
    """Correct an item (the caller claims the version the user opened: core.actions)."""
    item_check(type(instance), data, instance)
    return core_services.record_update(instance=instance, data=data)


@transaction.atomic
def item_delete(*, instance: models.Model) -> None:
    """Remove an item the parser got wrong. A task that has been reported on is not an extraction error: its
    progress history would go with it, so it is refused (budget lines that name it protect it too)."""
    if isinstance(instance, Task):
        reports = instance.progress.count()
        if reports:
            raise ValidationError(f"Nhiệm vụ này đã có {reports} lần cập nhật tiến độ; xóa sẽ mất lịch sử đó. "
                                  "Hãy sửa nội dung nhiệm vụ thay vì xóa.")
    core_services.record_delete(instance=instance)


# ------------------------------------------------------------------------------------------ progress

def attachment_check(upload) -> None:
    """Size <= 10 MB and a real PDF / DOCX / XLSX / JPG / PNG by its content, not its name."""
    check_upload(upload, field="attachment", max_bytes=ATTACHMENT_MAX_BYTES)


def can_post_progress(task: Task, membership) -> bool:
    """Agencies concerned (lead or partner) and the coordinators of a unit that sees the plan."""
    if membership is None or not allowed(membership.role, "plans", "change"):
        return False
    if not scoped(Task.objects.filter(pk=task.pk), membership, "view").exists():
        return False
    if membership.role == Role.COORDINATOR:
        return True
    if membership.agency_id is None:
        return False
    return (task.lead_agencies.filter(pk=membership.agency_id).exists()
            or task.partner_agencies.filter(pk=membership.agency_id).exists())


@transaction.atomic
def task_progress_add(*, task: Task, membership, date, status: str, note: str = "", attachment=None) -> TaskProgress:
    if not can_post_progress(task, membership):
        raise PermissionDenied("Chỉ cơ quan chủ trì, phối hợp của nhiệm vụ hoặc cơ quan thường trực mới cập nhật "
                               "được tiến độ.")
    if attachment:
        attachment_check(attachment)
    progress = TaskProgress(task=task, date=date, status=status, note=note, agency_id=membership.agency_id,
                            author=membership.user)
    if attachment:
        progress.attachment = attachment
    progress.full_clean()
    progress.save()
    return progress
