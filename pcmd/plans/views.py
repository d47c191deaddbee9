"""Plan pages beyond the generic CRUD: import, review, an agency's tasks, task progress, attachments.
(The review screen's item add / edit / delete are actions: plans/actions.py, run by core.actions.view.)

Thin views: every read goes through `scoped()` (via selectors or get_scoped_or_404), every write
through a service in a transaction that re-checks scope.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcmd.core.crud import add_errors, version_from
from pcmd.core.scoping import get_scoped_or_404, module_view, scoped

from . import selectors, services
from .forms import ConfirmForm, MoveForm, ProgressForm, UploadForm
from .models import Plan, PlanStatus, Task, TaskProgress


def _plan(request, pk, action="view") -> Plan:
    plan = get_scoped_or_404(Plan.objects.select_related("unit"), request.membership, pk=pk)
    if action != "view" and not scoped(Plan.objects.filter(pk=pk), request.membership, action).exists():
        raise PermissionDenied
    return plan


def _in_scope(model, pk, membership) -> bool:
    return scoped(model._default_manager.filter(pk=pk), membership, "view").exists()


@module_view("plans", "add")
def plan_upload(request):
    parents = scoped(Plan.objects.select_related("unit"), request.membership, "view")
    duplicate = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, parents=parents, membership=request.membership)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan = services.plan_import(unit=form.cleaned_data["unit"], file_name=upload.name, data=upload.read(),
                                            user=request.user, parent=form.cleaned_data["parent"])
            except services.DuplicatePlan as exc:
                duplicate = exc.plan
                form.add_error("file", exc.messages)
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                messages.success(request, f"Đã đọc văn bản: {plan.targets.count()} chỉ tiêu, {plan.tasks.count()} "
                                          f"nhiệm vụ. Hãy rà soát từng mục trước khi xác nhận.")
                return HttpResponseRedirect(reverse("plan_review", args=[plan.pk]))
        status = 400
    else:
        form = UploadForm(parents=parents, membership=request.membership)
        status = 200
    return render(request, "plans/upload.html", {"form": form, "duplicate": duplicate}, status=status)


@module_view("plans", "change")
def plan_review(request, pk):
    plan = _plan(request, pk, "change")
    moving = request.method == "POST" and request.POST.get("buoc") == "don-vi"
    form = ConfirmForm(request.POST if request.method == "POST" and not moving else None,
                       initial={"issued": bool(plan.number and plan.issue_date)})
    move_form = (MoveForm(request.POST if moving else None, membership=request.membership, plan=plan)
                 if plan.status == PlanStatus.DRAFT else None)
    if move_form is not None and not moving and move_form.fields["unit"].widget.input_type == "select" \
            and not move_form.fields["unit"].queryset.exists():
        move_form = None  # a commune seat: no other unit to move to
    status = 200
    if moving:
        if move_form is None:
            messages.error(request, "Chỉ chuyển được kế hoạch đang là dự thảo.")
            return HttpResponseRedirect(reverse("plan_review", args=[plan.pk]))
        if move_form.is_valid():
            try:
                with transaction.atomic():
                    services.plan_move(plan=plan, unit=move_form.cleaned_data["unit"],
                                       version=version_from(request.POST.get("version", "")))
                    if not _in_scope(Plan, plan.pk, request.membership):
                        raise PermissionDenied
            except ValidationError as exc:
                add_errors(move_form, exc)
                plan.refresh_from_db()
            else:
                messages.success(request, f"Đã chuyển dự thảo sang {plan.unit.name}; chỉ tiêu, nhiệm vụ đi theo.")
                return HttpResponseRedirect(reverse("plan_review", args=[plan.pk]))
        status = 400
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.plan_confirm(plan=plan, version=version_from(request.POST.get("version", "")),
                                      issued=form.cleaned_data["issued"])
                if not _in_scope(Plan, plan.pk, request.membership):
                    raise PermissionDenied
        except ValidationError as exc:
            add_errors(form, exc)
            status = 400
            plan.refresh_from_db()
        else:
            messages.success(request, f"Đã lưu kế hoạch “{plan}”.")
            return HttpResponseRedirect(reverse("plan_detail", args=[plan.pk]))
    ctx = {"plan": plan, "items": selectors.plan_items(plan), "lines": selectors.document_lines(plan), "form": form,
           "move_form": move_form}
    return render(request, "plans/review.html", ctx, status=status)


@module_view("plans", "view")
def my_tasks(request):
    overdue_only = request.GET.get("qua-han") == "1"
    tasks = selectors.agency_tasks(request.membership, overdue_only=overdue_only)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    for task in page.object_list:
        task.latest_status_label = selectors.STATUS_LABELS.get(task.latest_status, "Chưa cập nhật")
    return render(request, "plans/my_tasks.html", {"page": page, "overdue_only": overdue_only,
                                                   "agency": request.membership.agency})


@module_view("plans", "view")
def task_detail(request, pk):
    task = get_scoped_or_404(selectors.with_latest_progress(Task.objects.select_related("plan", "plan__unit")),
                             request.membership, pk=pk)
    can_post = services.can_post_progress(task, request.membership)
    status = 200
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.task_progress_add(task=task, membership=request.membership, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Đã cập nhật tiến độ nhiệm vụ.")
                return HttpResponseRedirect(reverse("task_detail", args=[task.pk]))
        status = 400
    else:
        # The status stays where the last update left it: an officer adding a note does not reset it.
        form = ProgressForm(initial={"date": timezone.localdate(),
                                     **({"status": task.latest_status} if task.latest_status else {})})
    task.latest_status_label = selectors.STATUS_LABELS.get(task.latest_status, "Chưa cập nhật")
    ctx = {"task": task, "progress": selectors.task_progress(task), "form": form, "can_post": can_post,
           "leads": task.lead_agencies.all(), "partners": task.partner_agencies.all()}
    return render(request, "plans/task_detail.html", ctx, status=status)


@module_view("plans", "view")
def progress_attachment(request, pk):
    """Attachments live outside the web root; they are served only here, to users who see the task."""
    progress = get_scoped_or_404(TaskProgress.objects.all(), request.membership, pk=pk)
    if not progress.attachment:
        raise Http404
    try:
        handle = progress.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=progress.attachment.name.rsplit("/", 1)[-1])
