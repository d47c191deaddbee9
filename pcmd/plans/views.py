"""Plan pages beyond the generic CRUD: import, review, an agency's tasks, task progress, attachments.

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
from pcmd.core.services import EditConflict

from . import selectors, services
from .forms import ITEM_FORMS, ConfirmForm, ProgressForm, UploadForm
from .models import Plan, Task, TaskProgress

ITEM_LABELS = {"chi-tieu": "chỉ tiêu", "nhiem-vu": "nhiệm vụ", "bao-cao": "chế độ báo cáo", "can-cu": "căn cứ"}


def _plan(request, pk, action="view") -> Plan:
    plan = get_scoped_or_404(Plan.objects.select_related("unit"), request.membership, pk=pk)
    if action != "view" and not scoped(Plan.objects.filter(pk=pk), request.membership, action).exists():
        raise PermissionDenied
    return plan


def _item_model(kind: str):
    model = services.ITEM_MODELS.get(kind)
    if model is None:
        raise Http404
    return model


def _in_scope(model, pk, membership) -> bool:
    return scoped(model._default_manager.filter(pk=pk), membership, "view").exists()


@module_view("plans", "add")
def plan_upload(request):
    parents = scoped(Plan.objects.select_related("unit"), request.membership, "view")
    duplicate = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, parents=parents)
        if request.membership.unit_id is None:
            form.add_error(None, "Tài khoản cấp Trung ương không gắn với một đơn vị; hãy nhập kế hoạch bằng tài "
                                 "khoản của đơn vị ban hành.")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan = services.plan_import(unit=request.membership.unit, file_name=upload.name, data=upload.read(),
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
        form = UploadForm(parents=parents)
        status = 200
    return render(request, "plans/upload.html", {"form": form, "duplicate": duplicate}, status=status)


@module_view("plans", "change")
def plan_review(request, pk):
    plan = _plan(request, pk, "change")
    form = ConfirmForm(request.POST or None, initial={"issued": bool(plan.number and plan.issue_date)})
    status = 200
    if request.method == "POST" and form.is_valid():
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
    ctx = {"plan": plan, "items": selectors.plan_items(plan), "lines": selectors.document_lines(plan), "form": form}
    return render(request, "plans/review.html", ctx, status=status)


def _item_form(model, request, plan, instance=None, data=None):
    form_class = ITEM_FORMS[model]
    kwargs = {"plan": plan} if form_class.__name__ == "TaskForm" else {}
    return form_class(data=data, instance=instance, membership=request.membership, **kwargs)


def _render_item(request, plan, kind, form, obj=None, status=200, version=None):
    ctx = {"plan": plan, "kind": kind, "label": ITEM_LABELS[kind], "form": form, "object": obj,
           "version": version if version is not None else (obj.version if obj else None),
           "lines": selectors.document_lines(plan)}
    return render(request, "plans/item_form.html", ctx, status=status)


@module_view("plans", "change")
def plan_item_add(request, pk, kind):
    model = _item_model(kind)
    plan = _plan(request, pk, "change")
    if request.method == "POST":
        form = _item_form(model, request, plan, data=request.POST)
        if form.is_valid():
            try:
                services.item_create(plan=plan, model=model, data=form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"Đã thêm {ITEM_LABELS[kind]}.")
                return HttpResponseRedirect(reverse("plan_review", args=[plan.pk]) + f"#{kind}")
        return _render_item(request, plan, kind, form, status=400)
    return _render_item(request, plan, kind, _item_form(model, request, plan))


def _item(request, kind, pk):
    model = _item_model(kind)
    obj = get_scoped_or_404(model._default_manager.select_related("plan", "plan__unit"), request.membership, pk=pk)
    _plan(request, obj.plan_id, "change")
    return model, obj


@module_view("plans", "change")
def plan_item_edit(request, kind, pk):
    model, obj = _item(request, kind, pk)
    plan = obj.plan
    if request.method == "POST":
        form = _item_form(model, request, plan, instance=obj, data=request.POST)
        posted_version = request.POST.get("version", "")
        if form.is_valid():
            try:
                services.item_update(instance=obj, data=form.cleaned_data, version=version_from(posted_version))
            except ValidationError as exc:
                add_errors(form, exc)
                if isinstance(exc, EditConflict):
                    posted_version = model._default_manager.get(pk=pk).version
            else:
                messages.success(request, f"Đã lưu {ITEM_LABELS[kind]}.")
                return HttpResponseRedirect(reverse("plan_review", args=[plan.pk]) + f"#{kind}-{obj.pk}")
        return _render_item(request, plan, kind, form, obj, status=400, version=posted_version)
    return _render_item(request, plan, kind, _item_form(model, request, plan, instance=obj), obj)


@module_view("plans", "change")
def plan_item_delete(request, kind, pk):
    model, obj = _item(request, kind, pk)
    if request.method == "POST":
        services.item_delete(instance=obj)
        messages.success(request, f"Đã xóa {ITEM_LABELS[kind]}.")
        return HttpResponseRedirect(reverse("plan_review", args=[obj.plan_id]) + f"#{kind}")
    return render(request, "plans/item_delete.html", {"plan": obj.plan, "object": obj, "kind": kind,
                                                      "label": ITEM_LABELS[kind]})


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
        form = ProgressForm(initial={"date": timezone.localdate()})
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
