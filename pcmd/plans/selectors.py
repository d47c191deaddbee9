"""Reads for plans: a plan's items for its page and review screen, an agency's tasks, progress."""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from pcmd.core.scoping import scoped
from pcmd.indicators.catalogue import BY_CODE

from .models import Plan, ProgressStatus, Task, TaskProgress


def with_latest_progress(tasks: QuerySet) -> QuerySet:
    """Annotate `latest_status`, `latest_date` (from the newest progress update) and `overdue`."""
    newest = TaskProgress.objects.filter(task=OuterRef("pk")).order_by("-date", "-pk")
    today = timezone.localdate()
    return tasks.annotate(
        latest_status=Subquery(newest.values("status")[:1]),
        latest_date=Subquery(newest.values("date")[:1]),
    ).annotate(
        overdue=Case(
            When(Q(due_date__lt=today) & (Q(latest_status__isnull=True) | ~Q(latest_status=ProgressStatus.DONE)),
                 then=Value(True)),
            default=Value(False), output_field=BooleanField(),
        )
    )


STATUS_LABELS = dict(ProgressStatus.choices)


@dataclass
class PlanItems:
    legal_bases: list
    targets: list
    tasks: list
    duties: list


def plan_items(plan: Plan) -> PlanItems:
    """All items of a plan in document order, in four queries plus two for the tasks' agencies."""
    tasks = list(with_latest_progress(plan.tasks.all()).prefetch_related("lead_agencies", "partner_agencies"))
    for task in tasks:
        task.latest_status_label = STATUS_LABELS.get(task.latest_status, "Chưa cập nhật")
    targets = list(plan.targets.all())
    for target in targets:
        indicator = BY_CODE.get(target.indicator)
        target.indicator_name = indicator.name if indicator else ""
    from pcmd.reports.links import link_duties  # reports imports plans: a late import keeps the order

    duties = list(plan.reporting_duties.all())
    links = link_duties(plan, duties)
    for duty in duties:
        duty.report_link = links.get(duty.pk)
    return PlanItems(legal_bases=list(plan.legal_bases.all()), targets=targets, tasks=tasks, duties=duties)


def document_lines(plan: Plan) -> list[tuple[int, str, float | None]]:
    """The extracted text, numbered from 1 as the parser numbers its `lines`, with each line's OCR confidence
    (0–100; None when the text was not read by OCR or the line is blank)."""
    confidence = plan.ocr_confidence if isinstance(plan.ocr_confidence, list) else []
    return [(n, line, confidence[n - 1] if n <= len(confidence) and isinstance(confidence[n - 1], int | float)
             else None) for n, line in enumerate(plan.source_text.splitlines(), start=1)]


def agency_tasks(membership, *, overdue_only: bool = False) -> QuerySet:
    """Tasks where the membership's agency leads or partners, in plans the membership may see."""
    if membership is None or membership.agency_id is None:
        return Task.objects.none()
    leads = Task.lead_agencies.through.objects.filter(task_id=OuterRef("pk"), agency_id=membership.agency_id)
    partners = Task.partner_agencies.through.objects.filter(task_id=OuterRef("pk"), agency_id=membership.agency_id)
    tasks = scoped(Task.objects.all(), membership, "view").annotate(is_lead=Exists(leads))
    tasks = tasks.filter(Q(is_lead=True) | Exists(partners))
    tasks = with_latest_progress(tasks).select_related("plan", "plan__unit")
    if overdue_only:
        tasks = tasks.filter(overdue=True)
    return tasks.order_by("due_date", "plan_id", "order", "pk")


def task_progress(task: Task) -> QuerySet:
    return task.progress.select_related("agency", "author").order_by("-date", "-pk")
