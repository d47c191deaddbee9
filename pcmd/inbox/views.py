"""The inbox pages: the list (filters, paging, mark all read), opening a notice, the e-mail preferences.

Every signed-in person has an inbox; it holds only their own notices (another person's notice is 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import services
from .forms import InboxFilter, PreferencesForm
from .models import SUPPORT_KINDS
from .selectors import notices_for, shows_support

PAGE_SIZE = 30


@login_required
def inbox(request):
    membership = getattr(request, "membership", None)
    if request.method == "POST":  # mark all read
        if request.POST.get("action") == "doc-het":
            done = services.mark_read(request.user, notices_for(request.user, membership)
                                      .filter(read_at__isnull=True).values_list("pk", flat=True))
            messages.success(request, f"Đã đánh dấu {done} thông báo là đã đọc.")
        return redirect("inbox")
    support = shows_support(membership)
    form = InboxFilter(request.GET or None, support=support)
    state, kind = "chua-doc", ""
    if form.is_bound and form.is_valid():
        state = form.cleaned_data["trang_thai"] or "chua-doc"
        kind = form.cleaned_data["loai"]
    qs = notices_for(request.user, membership)
    unread = qs.filter(read_at__isnull=True).count()
    if state == "chua-doc":
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.select_related("unit"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in (("trang_thai", state), ("loai", kind)) if v})
    return render(request, "inbox/list.html", {"form": form, "page": page, "unread": unread, "state": state,
                                               "query": query, "kind": kind})


@login_required
def inbox_open(request, pk: int):
    """Open a notice: marked read, then on to its record (or back to the list when it has none)."""
    membership = getattr(request, "membership", None)
    notice = notices_for(request.user, membership).filter(pk=pk).first()
    if notice is None:
        raise Http404
    services.mark_read(request.user, [notice.pk])
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) \
            and notice.url.startswith("/") and not notice.url.startswith("//"):
        return redirect(notice.url)
    return redirect("inbox")


@login_required
def inbox_preferences(request):
    support = shows_support(getattr(request, "membership", None))
    current = services.email_kinds(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, support=support)
        if form.is_valid():
            # Kinds this seat does not show (support) are kept as they were.
            hidden = [k for k in current if k in SUPPORT_KINDS and not support]
            services.set_email_kinds(request.user, [*form.cleaned_data["email_kinds"], *hidden])
            messages.success(request, "Đã lưu cài đặt nhận thông báo qua e-mail.")
            return redirect("inbox_preferences")
    else:
        form = PreferencesForm(initial={"email_kinds": current}, support=support)
    return render(request, "inbox/preferences.html", {"form": form, "has_email": bool(request.user.email)})
