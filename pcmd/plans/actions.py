"""The review screen's item actions, declared once and run by `core.actions.view`: add a target, task, reporting
duty or legal basis to a plan; correct one; delete one."""

from django.urls import reverse

from pcmd.core.actions import Action, register

from . import selectors, services
from .forms import ITEM_FORMS
from .models import Plan

ITEM_LABELS = {"chi-tieu": "chỉ tiêu", "nhiem-vu": "nhiệm vụ", "bao-cao": "chế độ báo cáo", "can-cu": "căn cứ"}
KIND_OF = {model: kind for kind, model in services.ITEM_MODELS.items()}


def _item_form(model, plan, request, instance=None, data=None):
    form_class = ITEM_FORMS[model]
    kwargs = {"plan": plan} if form_class.__name__ == "TaskForm" else {}
    return form_class(data=data, instance=instance, membership=request.membership, **kwargs)


def _review(plan_id, anchor: str) -> str:
    return reverse("plan_review", args=[plan_id]) + f"#{anchor}"


def _page(plan, kind, item):
    return {"plan": plan, "item": item, "kind": kind, "label": ITEM_LABELS[kind],
            "lines": selectors.document_lines(plan)}


def _add(kind, model) -> Action:
    return Action(
        model=Plan, slug=kind, label=f"Thêm {ITEM_LABELS[kind]}",
        queryset=lambda: Plan.objects.select_related("unit"),
        form=lambda plan, request, data=None, files=None: _item_form(model, plan, request, data=data),
        service=lambda plan, data, request: services.item_create(plan=plan, model=model, data=data),
        template="plans/item_form.html", context=lambda plan, request: _page(plan, kind, None),
        success=lambda plan, item: f"Đã thêm {ITEM_LABELS[kind]}.",
        next_url=lambda plan, item, request: _review(plan.pk, kind), back_url=lambda plan: _review(plan.pk, kind),
    )


def _edit(kind, model) -> Action:
    return Action(
        model=model, slug="sua", label=f"Sửa {ITEM_LABELS[kind]}", versioned=True,
        queryset=lambda: model._default_manager.select_related("plan", "plan__unit"),
        form=lambda item, request, data=None, files=None: _item_form(model, item.plan, request, item, data),
        service=lambda item, data, request: services.item_update(instance=item, data=data),
        template="plans/item_form.html", context=lambda item, request: _page(item.plan, kind, item),
        success=lambda item, result: f"Đã lưu {ITEM_LABELS[kind]}.",
        next_url=lambda item, result, request: _review(item.plan_id, f"{kind}-{item.pk}"),
        back_url=lambda item: _review(item.plan_id, kind),
    )


def _delete(kind, model) -> Action:
    return Action(
        model=model, slug="xoa", label=f"Xóa {ITEM_LABELS[kind]}",
        queryset=lambda: model._default_manager.select_related("plan", "plan__unit"),
        service=lambda item, data, request: services.item_delete(instance=item),
        template="plans/item_delete.html", context=lambda item, request: _page(item.plan, kind, item),
        success=lambda item, result: f"Đã xóa {ITEM_LABELS[kind]}.",
        next_url=lambda item, result, request: _review(item.plan_id, kind),
        back_url=lambda item: _review(item.plan_id, kind),
    )


for _kind, _model in services.ITEM_MODELS.items():
    register(_add(_kind, _model), _edit(_kind, _model), _delete(_kind, _model))
