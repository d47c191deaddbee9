"""Support pages: the confidential inbox of counselling requests. Each read is in the access log; pages are
never cached (they show what a person wrote about themself). The staff steps are actions (support/actions.py)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pcmd.core import actions
from pcmd.core.models import AccessLog
from pcmd.core.scoping import get_scoped_or_404, module_view

from . import forms, roles, selectors, services, wall
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
    buttons = [(a, url) for a, url in actions.buttons(counselling, membership) if roles.shows(membership, a.slug)]
    reply = services.STEPS["tra-loi"]
    may_reply = any(action.slug == reply.slug for action, _ in buttons)
    return render(request, "support/counselling_detail.html", {
        "object": counselling,
        "conversation": counselling.messages.select_related("author"),
        "events": counselling.events.select_related("actor"),
        "steps": [(action, url) for action, url in buttons if action.slug != reply.slug],
        "reply_form": forms.StepForm(step=reply) if may_reply else None,
        "files": wall.visible_clients(membership).filter(intake=counselling),  # the file(s) it became
    })
