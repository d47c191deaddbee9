"""The case worker's pages: the list of files, a client's file, registration, a consent sheet's scan.

Files are reached only through `wall` (scope or break-glass, 404 otherwise) and every read is logged; the list
shows codes, never names. The steps on a file are Actions (`case_actions.py`), run by `core.actions.view`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from pcmd.core import actions
from pcmd.core.models import AccessLog
from pcmd.core.scoping import module_view

from . import case_forms as forms
from . import cases, referral_selectors, roles, wall
from .models import CaseStatus, Client, PlanStatus, SupportNeed

# Badge colour of each status (one map per status kind, not ifs in the templates).
CASE_BADGE = {CaseStatus.OPEN: "text-bg-primary", CaseStatus.CLOSING: "text-bg-warning",
              CaseStatus.CLOSED: "text-bg-secondary"}
PLAN_BADGE = {PlanStatus.DRAFT: "text-bg-light", PlanStatus.SUBMITTED: "text-bg-warning",
              PlanStatus.APPROVED: "text-bg-success", PlanStatus.RETURNED: "text-bg-danger"}


@never_cache
@module_view("support", "view")
def client_list(request):
    """Code, UIC, sex, birth year, dates, status, case worker: never a name. Each page shown is logged."""
    form = forms.ListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = cases.client_list(request.membership, query=data.get("q", ""), status=data.get("tinh_trang", ""))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    AccessLog.record_list(membership=request.membership, model=Client, count=len(page.object_list),
                          query=request.GET.urlencode())
    for client in page.object_list:
        client.badge = CASE_BADGE[CaseStatus(client.status)]
        client.due = cases.next_due(client)
        client.overdue = client.due is not None and client.due < today
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "support/client_list.html", {
        "page": page, "form": form, "querystring": query.urlencode(),
        "may_register": cases.registration_units(request.membership).exists()
        and roles.may(request.membership, "dang-ky-ho-so"),
    })


@never_cache
@module_view("support", "add")
def client_register(request):
    """A file opened by the case worker (outreach, walk-in, referred); from a counselling request: its action."""
    membership = request.membership
    form = forms.RegistrationForm(request.POST or None, membership=membership)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client = forms.register(form.cleaned_data, membership)
            except ValidationError as exc:
                form.service_error = exc
                forms._place(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Đã đăng ký hồ sơ {client.code}.")
                return HttpResponseRedirect(reverse("client_detail", args=[client.pk]))
        status = 400
    return render(request, "support/client_register.html",
                  {"form": form, "back_url": reverse("client_list"), "role_refusal": ""}, status=status)


def _screenings(client, membership) -> list:
    labels = dict(SupportNeed.choices)
    rows = list(client.screenings.select_related("screened_by"))
    for row in rows:
        row.shown = wall.masked(row, membership)
        row.need_labels = [labels.get(code, code) for code in row.needs]
    return rows


def _mine(membership, slug: str) -> bool:
    """Whether the file shows this step's button to the seat (its role runs it: roles.STEP_ROLES)."""
    return roles.shows(membership, slug)


@never_cache
@module_view("support", "view")
def client_detail(request, pk):
    membership = request.membership
    client = wall.client_or_404(request, pk)
    if not client.is_active:
        if client.merged_into_id and wall.visible_clients(membership).filter(pk=client.merged_into_id).exists():
            messages.info(request, f"Hồ sơ {client.code} đã được gộp vào hồ sơ {client.merged_into.code}.")
            return HttpResponseRedirect(reverse("client_detail", args=[client.merged_into_id]))
        raise Http404
    consents = list(client.consents.select_related("provider", "recorded_by", "withdrawn_by"))
    for consent in consents:
        consent.state, consent.badge = cases.consent_state(consent)
    plan = cases.current_plan(client)
    if plan is not None:
        plan.badge = PLAN_BADGE[PlanStatus(plan.status)]
    steps = [(a, url) for a, url in actions.buttons(client, membership) if _mine(membership, a.slug)]
    return render(request, "support/client_detail.html", {
        "client": client, "shown": wall.masked(client, membership), "badge": CASE_BADGE[CaseStatus(client.status)],
        "consents": consents,
        "screenings": _screenings(client, membership),
        "plan": plan, "goals": plan.goals.all() if plan else [],
        "older_plans": client.plans.exclude(pk=plan.pk) if plan else [],
        **referral_selectors.client_lists(client),
        "export_url": reverse("client_export", args=[client.pk]) if wall.may(membership, "export")
        and wall.visible_clients(membership, "change").filter(pk=client.pk).exists() else "",
        "follow_ups": client.follow_ups.select_related("recorded_by"),
        "events": client.events.select_related("actor"), "steps": steps,
        "merged_from": client.merged_from.all(),
    })


@never_cache
@module_view("support", "view")
def consent_scan(request, pk, consent_pk):
    """The signed consent sheet, only to those who read the file (logged as a read of the file)."""
    client = wall.client_or_404(request, pk, log="attachment", why="Bản chụp phiếu đồng ý")
    consent = client.consents.filter(pk=consent_pk).exclude(scan="").first()
    if consent is None:
        raise Http404
    try:
        handle = consent.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=consent.scan.name.rsplit("/", 1)[-1])
