"""Actions on a record, declared once and run by one generic view (in the spirit of NetBox's register_model_view).

An `Action` says everything about one thing a person does to a record (a workflow step, a status transition, adding
or deleting an item): its Vietnamese label, the permission it needs (module × matrix action), the states it is allowed
from, its form and its service. `view()` builds the one view that runs them:

1. sign-in required; 403 unless the role may do the action in the module (the permission matrix);
2. the record is fetched through `scoped()`: outside the user's scope it is not there (404), and row rules
   (an agency officer writes only his agency's records) give 403; a record transferred to the user's unit is found
   through `scoped(…, "incoming")` by the actions that take it in;
3. a state the action does not run from is refused with the action's own message;
4. the form keeps what was typed; on POST the service runs in one transaction, the record's version is claimed
   when the action is `versioned` (optimistic lock), and the record and what the service returns are checked to be
   still in scope before the transaction commits;
5. ValidationError (EditConflict included), PermissionDenied, ProtectedError and IntegrityError become a Vietnamese
   message on the form, with what was typed kept, and nothing is half-saved;
6. a sensitive record's action page is logged (`log_reads`), like its detail page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render

from pcmd.org.permissions import allowed

from . import services
from .models import AccessLog
from .scoping import require, scoped

OUT_OF_SCOPE = "Bản ghi nằm ngoài phạm vi xử lý của bạn (đơn vị hoặc cơ quan được giao); chưa có gì được lưu."
PROTECTED = "Còn dữ liệu khác đang dùng bản ghi này ({}); hãy gỡ liên kết đó trước."
INTEGRITY = "Không lưu được vì trùng hoặc mâu thuẫn với dữ liệu đã có; hãy kiểm tra lại nội dung vừa nhập."


class ImproperlyDeclared(Exception):
    """An action declared twice, or a view over actions that need different permissions."""


class ConfirmForm(forms.Form):
    """The form of an action that asks nothing but a confirmation (a delete, an undo)."""


@dataclass(frozen=True)
class Action:
    model: type[models.Model]
    slug: str  # URL segment, unique per model
    label: str  # page title and button, in Vietnamese
    # service(obj, data, request) -> the record the action made or changed (None after a delete)
    service: Callable[[Any, dict, Any], Any]
    permission: str = "change"  # matrix action needed on the model's module
    form: Callable[..., forms.Form] | None = None  # form(obj, request, data=, files=) ; None: a confirmation
    sources: tuple[str, ...] | None = None  # allowed values of `state_field`; None: any state
    state_field: str = "status"
    when: Callable[[Any], bool] | None = None  # a further condition on the record (e.g. "has a change to undo")
    refused: Callable[[Any], str] | None = None  # why the action cannot run from the record's state
    versioned: bool = False  # claim the record's version posted as "version" (edits)
    template: str = "core/action.html"
    context: Callable[[Any, Any], dict] = field(default=lambda obj, request: {})
    success: Callable[[Any, Any], str] | None = None  # message after success: success(obj, result)
    # where to go after success: next_url(obj, result, request)
    next_url: Callable[[Any, Any, Any], str] = field(default=lambda obj, result, request: obj.get_absolute_url())
    result_template: str = ""  # show the result on this page instead of redirecting (e.g. a code shown once)
    back_url: Callable[[Any], str] | None = None  # where "Hủy" and a refusal lead; default next_url(obj, obj)
    queryset: Callable[[], models.QuerySet] | None = None
    # How the record is found and may be written, as a scoped() action: None = found by "view" and written by
    # `permission`; "incoming" = a record transferred to the user's unit (found and taken in by that rule).
    scope: str | None = None
    leaves_scope: bool = False  # the action hands the record to another unit (return a transfer): no re-check
    log_reads: bool = False  # the page shows a sensitive record: each opening goes to the access log
    link: Callable[[Any], str] | None = None  # its address for a button on the record's page (CRUD detail)
    button: str = "btn-outline-primary"  # Bootstrap class of that button
    icon: str = ""  # Bootstrap icon of that button

    @property
    def module(self) -> str:
        return self.model.module

    def records(self) -> models.QuerySet:
        return self.queryset() if self.queryset else self.model._default_manager.all()

    def allowed_from(self, obj) -> bool:
        if self.sources is not None and getattr(obj, self.state_field) not in self.sources:
            return False
        return self.when is None or self.when(obj)

    def back(self, obj) -> str:
        return self.back_url(obj) if self.back_url else self.next_url(obj, obj, None)

    def finds(self) -> str:
        return self.scope or "view"

    def writes(self) -> str:
        return self.scope or self.permission

    # An action whose URL has no record (pk) makes one: the generic view skips the fetch and the state check,
    # and the service gets None as the record; the scope of what it made is checked all the same.


REGISTRY: dict[type[models.Model], dict[str, Action]] = {}


def register(*actions: Action) -> None:
    for action in actions:
        slugs = REGISTRY.setdefault(action.model, {})
        if action.slug in slugs:
            raise ImproperlyDeclared(f"{action.model.__name__}: action {action.slug!r} declared twice")
        slugs[action.slug] = action


def actions_for(model: type[models.Model]) -> dict[str, Action]:
    return REGISTRY.get(model, {})


def buttons(obj, membership) -> list[tuple[Action, str]]:
    """(action, address) of the actions with a button that the membership may run on `obj` now: the permission
    and row rules of `scoped()` and the action's states (the generic view checks the same again)."""
    if membership is None:
        return []
    model = type(obj)
    found = [a for a in actions_for(model).values()
             if a.link and a.allowed_from(obj) and allowed(membership.role, a.module, a.permission)]
    may = {rule: scoped(model._default_manager.filter(pk=obj.pk), membership, rule).exists()
           for rule in {a.writes() for a in found}}
    return [(a, a.link(obj)) for a in found if may[a.writes()]]


def _fetch(action: Action, request, pk):
    membership = request.membership
    obj = scoped(action.records(), membership, action.finds()).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not scoped(action.model._default_manager.filter(pk=obj.pk), membership, action.writes()).exists():
        raise PermissionDenied
    return obj


def _still_in_scope(obj, membership, permission: str) -> bool:
    model = type(obj)
    if not hasattr(model, "module") or not model._default_manager.filter(pk=obj.pk).exists():
        return True  # not a scoped record, or the action deleted it
    return scoped(model._default_manager.filter(pk=obj.pk), membership, permission).exists()


def _run(action: Action, obj, form, request):
    """The service in one transaction, with the version claimed and scope re-checked; None when refused."""
    try:
        with transaction.atomic():
            if action.versioned:
                services.claim_version(obj, _posted_version(request))
            result = action.service(obj, getattr(form, "cleaned_data", {}), request)
            checked = () if action.leaves_scope else (obj, result)
            for record in checked:
                if record is not None and not _still_in_scope(record, request.membership, "view"):
                    raise PermissionDenied(OUT_OF_SCOPE)
        return True, result
    except PermissionDenied as exc:  # from the service (row rules) or the re-check above: rolled back
        form.add_error(None, str(exc) or OUT_OF_SCOPE)
    except ValidationError as exc:
        form.service_error = exc
        if hasattr(exc, "error_dict"):
            accepts = getattr(form, "accepts", lambda name: name in form.fields)  # composite forms place rows
            for name, errors in exc.error_dict.items():
                form.add_error(name if accepts(name) else None, errors)
        else:
            form.add_error(None, exc.messages)
        form.conflict = isinstance(exc, services.EditConflict)
    except ProtectedError as exc:
        users = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        form.add_error(None, PROTECTED.format(", ".join(users)))
    except IntegrityError:
        form.add_error(None, INTEGRITY)
    return False, None


def _posted_version(request) -> int:
    return services.posted_version(request.POST)


def view(model: type[models.Model] | None = None, *, slug: str | None = None,
         kinds: dict[str, type[models.Model]] | None = None):
    """The generic view for `model`'s actions (the slug from the URL, or fixed), or for the model a URL's `kind`
    names in `kinds`. Its permission is kept on it (`view.permission`) for the URL-matrix test; every action it
    can run must need the same one."""
    candidates = [model] if model is not None else list((kinds or {}).values())
    needs = {(a.module, a.permission) for m in candidates for a in actions_for(m).values()
             if slug is None or a.slug == slug}
    if len(needs) != 1:
        raise ImproperlyDeclared(f"actions of {candidates} need {needs or 'nothing'}: declare them before the URLs, "
                                 "one permission per view")
    module, permission = needs.pop()

    @login_required
    def run(request, pk=None, action=None, kind=None):
        require(request.membership, module, permission)
        target = model if model is not None else (kinds or {}).get(kind)
        found = actions_for(target).get(slug or action) if target is not None else None
        if found is None:
            raise Http404
        return _respond(found, request, pk)

    run.permission = (module, permission)
    return run


def _respond(action: Action, request, pk):
    obj = _fetch(action, request, pk) if pk is not None else None  # no record: the action makes one (an "add")
    if obj is not None and not action.allowed_from(obj):
        reason = action.refused(obj) if action.refused else "Không thể thực hiện thao tác này ở trạng thái hiện tại."
        messages.error(request, reason)
        return HttpResponseRedirect(action.back(obj))
    make_form = action.form or (lambda obj, request, data=None, files=None: ConfirmForm(data))
    status = 200
    if request.method == "POST":
        form = make_form(obj, request, data=request.POST, files=request.FILES or None)
        if form.is_valid():
            done, result = _run(action, obj, form, request)
            if done:
                if action.result_template:
                    return render(request, action.result_template, {"object": obj, "result": result})
                if action.success:
                    messages.success(request, action.success(obj, result))
                return HttpResponseRedirect(action.next_url(obj, result, request))
        status = 400
    else:
        form = make_form(obj, request)
    version = getattr(obj, "version", None) if obj is not None else None
    if status == 400 and action.versioned and not getattr(form, "conflict", False):
        version = request.POST.get("version", version)  # keep the version the user opened unless it lost a race
    elif getattr(form, "conflict", False):
        version = action.model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
    if action.log_reads and obj is not None:
        AccessLog.record(membership=request.membership, obj=obj, action="workflow", detail=action.label)
    ctx = {"object": obj, "action": action, "form": form, "version": version, "back_url": action.back(obj),
           **action.context(obj, request)}
    return render(request, action.template, ctx, status=status)
