"""Pages of referrals, services received, the provider directory and outreach contacts, and the provider's
public answer page. Staff pages declare their permission, reach a client only through `wall.client_or_404`,
log every read (`AccessLog`) and are never cached; the steps on a referral are actions (referral_actions.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from pcmd.core import actions, crud
from pcmd.core.crud import add_errors
from pcmd.core.documents import docx_response
from pcmd.core.models import AccessLog
from pcmd.core.scoping import get_scoped_or_404, module_view
from pcmd.public import ratelimit
from pcmd.public.privacy import public_view

from . import referral_selectors as selectors
from . import referrals, slip, wall
from .models import OutreachContact, Provider, Referral, ServiceRecord
from .referral_actions import remember_code, remembered_code
from .referral_forms import (
    AnswerForm,
    CodeForm,
    OutreachContactForm,
    ProviderForm,
    ReferralForm,
    ServiceForm,
    StatusFilterForm,
)

PAGE_SIZE = 50

# ---------------------------------------------------------------------------------------- the CRUD registries

providers = crud.register(crud.Crud(
    model=Provider, slug="ho-tro/noi-cung-cap-dich-vu", name="provider", form_class=ProviderForm,
    select_related=("unit", "agency"),
    list_fields=["name", "kind", "phone", "contact_person", "agency", "unit", "is_active"],
    detail_fields=["name", "kind", "address", "phone", "contact_person", "agency", "unit", "is_active", "updated_at"],
    columns_labels={"unit": "Danh bạ của"},
    create=referrals.provider_create, log_reads=True,
))

outreach_contacts = crud.register(crud.Crud(
    model=OutreachContact, slug="ho-tro/tiep-can-cong-dong", name="outreach_contact",
    form_class=OutreachContactForm, select_related=("unit", "establishment"),
    list_fields=["date", "unit", "establishment", "place", "worker", "people_reached", "new_people", "condoms",
                 "referral_cards"],
    detail_fields=["date", "unit", "establishment", "place", "worker", *referrals.COUNTS, "note", "updated_at"],
    columns_labels={"unit": "Địa bàn", "establishment": "Tại cơ sở"},
    create=referrals.outreach_create, update=referrals.outreach_update, log_reads=True,
))


# ---------------------------------------------------------------------------------------- from a client file

def file_url(client) -> str:
    """The client's file page (`/ho-tro/ho-so/<id>/`); the referral list while that page is not mounted."""
    try:
        return reverse("client_detail", args=[client.pk])
    except NoReverseMatch:
        return reverse("referral_list")


def _client_form_page(request, pk, *, form_class, service, template, why):
    """Shared by "new referral" and "new service": the file through the wall (write access), the form kept on
    error, the service in its own transaction (nothing half-saved), a Vietnamese message on refusal."""
    client = wall.client_or_404(request, pk, action="change", log="workflow", why=why)
    membership = request.membership
    kwargs = {"membership": membership}
    if form_class is ServiceForm:
        kwargs["client"] = client
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                return service(client, form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
        status = 400
    else:
        form = form_class(**kwargs)
    return render(request, template, {"client": client, "form": form, "file_url": file_url(client)}, status=status)


@never_cache
@module_view("support", "add")
def referral_create(request, pk):
    def create(client, data):
        referral, code = referrals.referral_create(
            client=client, membership=request.membership, provider=data["provider"], need=data["need"],
            answer_due=data["answer_due"], note=data.get("note", ""))
        remember_code(request, referral.pk, code)
        messages.success(request, "Đã giới thiệu. Hãy tải phiếu giới thiệu ngay: mã trả lời chỉ in được "
                                  "trong 30 phút tới.")
        return HttpResponseRedirect(reverse("referral_detail", args=[referral.pk]))

    return _client_form_page(request, pk, form_class=ReferralForm, service=create,
                             template="support/referral_form.html", why="Giới thiệu dịch vụ")


@never_cache
@module_view("support", "add")
def service_create(request, pk):
    def create(client, data):
        service = referrals.service_create(
            client=client, membership=request.membership, kind=data["kind"], received_on=data["received_on"],
            provider=data.get("provider"), referral=data.get("referral"), note=data.get("note", ""))
        messages.success(request, f"Đã ghi nhận dịch vụ “{service.get_kind_display()}”.")
        return HttpResponseRedirect(file_url(client))

    return _client_form_page(request, pk, form_class=ServiceForm, service=create,
                             template="support/service_form.html", why="Ghi nhận dịch vụ đã nhận")


# ---------------------------------------------------------------------------------------- referral pages

def _listing(request, rows, template, extra=None, *, model=Referral):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for referral in page.object_list:
        referral.badge = selectors.STATUS_BADGE[referral.status]
        referral.overdue = selectors.is_overdue(referral)
        referral.is_open = referral.status in selectors.OPEN
    AccessLog.record_list(membership=request.membership, model=model, count=len(page.object_list),
                          query=request.GET.urlencode())
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"page": page, "querystring": query.urlencode(), **(extra or {})})


@never_cache
@module_view("support", "view")
def referral_list(request):
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["tinh_trang"] if form.is_valid() else ""
    return _listing(request, selectors.listing(request.membership, status), "support/referral_list.html",
                    {"form": form, "heading": "Giới thiệu, chuyển gửi dịch vụ"})


@never_cache
@module_view("support", "view")
def referral_overdue(request):
    return _listing(request, selectors.overdue(request.membership), "support/referral_list.html",
                    {"heading": "Giới thiệu quá hạn trả lời", "overdue_page": True})


@never_cache
@module_view("support", "view")
def referral_incoming(request):
    """Referrals sent to the seat's agency as a provider: the referral's own fields, never the file."""
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["tinh_trang"] if form.is_valid() else ""
    return _listing(request, selectors.incoming(request.membership, status), "support/referral_incoming.html",
                    {"form": form})


def _referral(request, pk) -> Referral:
    referral = get_scoped_or_404(
        Referral.objects.select_related("client", "provider", "provider__agency", "unit", "created_by"),
        request.membership, pk=pk)
    return referral


@never_cache
@module_view("support", "view")
def referral_detail(request, pk):
    referral = _referral(request, pk)
    AccessLog.record(membership=request.membership, obj=referral)
    code = remembered_code(request, referral.pk)
    return render(request, "support/referral_detail.html", {
        "object": referral,
        "code": referrals.grouped(code) if code else "",
        # the slip's link, to send the provider another way (a message) when the slip cannot be handed over
        "link": slip.base_url(request).rstrip("/") + reverse("public_referral_link", args=[code]) if code else "",
        "badge": selectors.STATUS_BADGE[referral.status],
        "overdue": selectors.is_overdue(referral),
        "services": ServiceRecord.objects.filter(referral=referral).select_related("provider"),
        "buttons": actions.buttons(referral, request.membership),
        "file_url": file_url(referral.client),
    })


@never_cache
@module_view("support", "view")
def referral_slip(request, pk, fmt):
    """The slip as Word or PDF (a print of the referral: logged). With the code only right after it was made."""
    referral = _referral(request, pk)  # outside the scope: 404 whatever the method
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    AccessLog.record(membership=request.membership, obj=referral, action="print", detail=f"Phiếu giới thiệu ({fmt})")
    membership = request.membership
    document = slip.build(referral, code=remembered_code(request, referral.pk), base_url=slip.base_url(request),
                          issuer_agency=membership.agency.name if membership.agency_id else "",
                          signer_name=request.user.get_full_name())
    name = f"phieu-gioi-thieu-{referral.client.code}"
    if fmt == "docx":
        return docx_response(document, f"{name}.docx")
    try:
        pdf = slip.to_pdf(document)
    except slip.SlipError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("referral_detail", args=[referral.pk]))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.pdf")
    return response


# ---------------------------------------------------------------------------------------- public answer page

def _public_page(request, referral, code_field: str):
    """The answer page for `referral` (found by its code): only what the referral needs, and the form."""
    problem = referrals.link_problem(referral)
    form = AnswerForm(referral=referral)
    if not problem and request.POST.get("action") == "answer":
        form = AnswerForm(request.POST, referral=referral)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referrals.referral_answer(referral=referral, via="link", outcome=data["outcome"],
                                          received_on=data.get("received_on"), done_on=data.get("done_on"),
                                          note=data.get("note", ""))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                referral.refresh_from_db()
                return render(request, "support/referral_public.html", {"referral": referral, "done": True})
    return render(request, "support/referral_public.html", {
        "referral": referral, "problem": problem, "form": form, "code_field": code_field,
    }, status=400 if form.errors else 200)


NOT_FOUND = ("Không tìm thấy giới thiệu với mã này. Hãy kiểm tra lại đủ 26 ký tự trên phiếu giới thiệu. "
             "Nếu phiếu đã được cấp lại, mã trên phiếu cũ không còn dùng được.")


@public_view
def public_referral(request):
    """The provider types the code from the slip (POST only here: the code is not put in an address)."""
    if request.method != "POST":
        return render(request, "support/referral_public_code.html", {"form": CodeForm()})
    if not ratelimit.allow(request, "lookup"):
        return render(request, "public/limited.html", status=429)
    form = CodeForm(request.POST)
    referral = referrals.find_by_code(form.cleaned_data["code"]) if form.is_valid() else None
    if referral is None:
        return render(request, "support/referral_public_code.html",
                      {"form": form, "problem": NOT_FOUND if form.is_valid() else ""}, status=400)
    return _public_page(request, referral, code_field=form.cleaned_data["code"])


@public_view
def public_referral_link(request, token):
    """The link printed on the slip: the code is in the address."""
    if not ratelimit.allow(request, "lookup"):
        return render(request, "public/limited.html", status=429)
    referral = referrals.find_by_code(token)
    if referral is None:
        return render(request, "support/referral_public_code.html",
                      {"form": CodeForm(), "problem": NOT_FOUND}, status=404)
    return _public_page(request, referral, code_field="")
