"""Support pages: the confidential inbox of counselling requests. Each read is in the access log; pages are
never cached (they show what a person wrote about themself)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from pcmd.core.crud import add_errors
from pcmd.core.models import AccessLog
from pcmd.core.scoping import get_scoped_or_404, module_view

from . import forms, selectors, services
from .models import CounsellingRequest


@never_cache
@module_view("support", "view")
def counselling_list(request):
    """Date, commune, needs and status only: what people wrote is read on the detail page (logged there)."""
    form = forms.InboxFilterForm(request.GET or None)
    status = form.cleaned_data["tinh_trang"] if form.is_valid() else ""
    page = Paginator(selectors.inbox(request.membership, status), 50).get_page(request.GET.get("page"))
    AccessLog.record_list(membership=request.membership, model=CounsellingRequest, count=len(page.object_list),
                          query=request.GET.urlencode())
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "support/counselling_list.html",
                  {"page": page, "form": form, "querystring": query.urlencode()})


@never_cache
@module_view("support", "view")
def counselling_detail(request, pk):
    membership = request.membership
    counselling = get_scoped_or_404(CounsellingRequest.objects.select_related("unit"), membership, pk=pk)
    AccessLog.record(membership=membership, obj=counselling)
    may_change = selectors.may_change(membership, counselling)
    steps = services.steps_for(counselling) if may_change else []
    reply = services.STEPS["tra-loi"]
    return render(request, "support/counselling_detail.html", {
        "object": counselling,
        "conversation": counselling.messages.select_related("author"),
        "events": counselling.events.select_related("actor"),
        "steps": [s for s in steps if s is not reply],
        "reply_form": forms.StepForm(step=reply) if reply in steps else None,
    })


@never_cache
@module_view("support", "change")
def counselling_action(request, pk, action):
    step = services.STEPS.get(action)
    if step is None:
        raise Http404
    counselling = get_scoped_or_404(CounsellingRequest.objects.select_related("unit"), request.membership, pk=pk)
    detail = reverse("counselling_detail", args=[counselling.pk])
    if counselling.status not in step.sources:
        messages.error(request, f"Không thể “{step.label.lower()}” khi đề nghị đang ở tình trạng "
                                f"“{counselling.get_status_display()}”.")
        return HttpResponseRedirect(detail)
    form = forms.StepForm(request.POST if request.method == "POST" else None, step=step)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.counselling_step(counselling=counselling, membership=request.membership, slug=step.slug,
                                          text=form.cleaned_data["text"])
            except ValidationError as exc:
                add_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, "Đề nghị này không thuộc phạm vi xử lý của bạn.")
            else:
                messages.success(request, f"Đã ghi nhận: {step.label.lower()}.")
                return HttpResponseRedirect(detail)
        status = 400
    return render(request, "support/counselling_action.html", {"object": counselling, "step": step, "form": form},
                  status=status)
