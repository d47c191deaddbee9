"""Account management pages (system admins), proposals (coordinators), invitation and forgotten password."""

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django_otp import devices_for_user

from pcmd.core.crud import Crud
from pcmd.core.imports import import_urls
from pcmd.core.models import fold
from pcmd.core.scoping import membership_choices, module_view, scoped
from pcmd.org.models import Membership
from pcmd.public import ratelimit

from . import services
from .actions import APPROVE, REJECT
from .forms import AccountFilterForm, AccountForm, NewPasswordForm, ReasonForm, ResetRequestForm, SeatForm
from .importers import AccountImporter
from .models import AccountProposal, ProposalStatus

User = get_user_model()
PAGE = 50


def _account(request, pk):
    user = services.accounts_in_scope(request.membership).filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@module_view("users", "view")
def account_list(request):
    membership = request.membership
    users = services.accounts_in_scope(membership)
    form = AccountFilterForm(request.GET or None, membership=membership)
    seats = membership_choices(membership)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            for word in data["q"].split():  # names as typed (with diacritics); logins and e-mails folded
                users = users.filter(Q(username__icontains=fold(word)) | Q(email__icontains=fold(word))
                                     | Q(first_name__icontains=word) | Q(last_name__icontains=word))
        if data["unit"]:
            users = users.filter(pk__in=seats.filter(unit=data["unit"]).values("user_id"))
        if data["role"]:
            users = users.filter(pk__in=seats.filter(role=data["role"]).values("user_id"))
        if data["active"] in ("0", "1"):
            users = users.filter(is_active=data["active"] == "1")
    users = users.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit", "unit__province", "agency")
                 .order_by("unit__path")))
    page = Paginator(users, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/list.html", {
        "page": page, "form": form, "querystring": query.urlencode(), "pending": services.pending_count(membership),
        "can_add": services.grantable_roles(membership) != []})


@module_view("users", "add")
def account_create(request):
    membership = request.membership
    form = AccountForm(request.POST or None, membership=membership)
    _refreshing(request, form)
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.account_create(
                membership=membership, actor=request.user, full_name=data["full_name"], email=data["email"],
                phone=data.get("phone", ""), username=data.get("username", ""), seats=[form.seat()],
                base_url=_base_url(request))
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"Đã tạo tài khoản {services.display_name(user)} và gửi lời mời đặt mật khẩu "
                                      f"đến {user.email}.")
            return redirect("account_detail", user.pk)
    return render(request, "accounts/form.html", {"form": form, "hours": services.invitation_tokens.hours},
                  status=400 if form.errors else 200)


def _refreshing(request, form) -> None:
    """"Tải danh sách cơ quan": the form comes back with the chosen unit's agencies, checked for nothing."""
    if request.method == "POST" and "refresh" in request.POST:
        form._errors = ErrorDict()


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _history(user):
    """The account's own entries (what was done, by whom, why): those written by `services.audit`."""
    kind = ContentType.objects.get_for_model(User)
    return (LogEntry.objects.filter(content_type=kind, object_pk=str(user.pk), additional_data__account__isnull=False)
            .select_related("actor").order_by("-timestamp")[:50])


@module_view("users", "view")
def account_detail(request, pk):
    membership = request.membership
    user = _account(request, pk)
    seats = Membership.objects.filter(user=user).select_related("unit", "agency").order_by("-is_active", "unit__path")
    mine = set(membership_choices(membership).filter(user=user).values_list("pk", flat=True))
    profile = getattr(user, "account_profile", None)
    return render(request, "accounts/detail.html", {
        "account": user, "seats": seats, "mine": mine, "profile": profile,
        "manage": services.may_manage(membership, user) and services.grantable_roles(membership) != [],
        "devices": sum(1 for _ in devices_for_user(user, confirmed=True)),
        "needs_two_factor": services.needs_two_factor(user), "has_password": user.has_usable_password(),
        "seat_form": SeatForm(membership=membership), "history": _history(user)})


def _manage(request, pk):
    user = _account(request, pk)
    if not services.may_manage(request.membership, user):
        raise PermissionDenied
    return user


@module_view("users", "change")
def account_seat_add(request, pk):
    user = _manage(request, pk)
    form = SeatForm(request.POST or None, membership=request.membership)
    _refreshing(request, form)
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        unit, agency, role = form.seat()
        try:
            services.seat_add(membership=request.membership, actor=request.user, user=user, unit=unit,
                              agency=agency, role=role)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Đã thêm quyền cho tài khoản.")
            return redirect("account_detail", user.pk)
    return render(request, "accounts/seat_form.html", {"form": form, "account": user},
                  status=400 if form.errors else 200)


@module_view("users", "change")
def account_seat_remove(request, pk, seat):
    user = _manage(request, pk)
    found = membership_choices(request.membership).filter(user=user, pk=seat).select_related("unit", "agency").first()
    if found is None:
        raise Http404

    def run(reason):
        services.seat_remove(membership=request.membership, actor=request.user, seat=found, reason=reason)
        return "Đã thu hồi quyền."

    return _reason_page(request, user, f"Thu hồi quyền: {found}", run)


def _reason_page(request, user, title: str, run, intro: str = ""):
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = run(form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("account_detail", user.pk)
    return render(request, "accounts/reason.html", {"form": form, "account": user, "title": title, "intro": intro},
                  status=400 if form.errors else 200)


@module_view("users", "change")
def account_deactivate(request, pk):
    user = _manage(request, pk)

    def run(reason):
        services.account_deactivate(membership=request.membership, actor=request.user, user=user, reason=reason)
        return f"Đã vô hiệu hóa tài khoản {services.display_name(user)}: không đăng nhập được nữa."

    return _reason_page(request, user, "Vô hiệu hóa tài khoản", run,
                        "Người này không đăng nhập được nữa; dữ liệu họ đã nhập vẫn giữ nguyên.")


@module_view("users", "change")
def account_reactivate(request, pk):
    user = _manage(request, pk)

    def run(reason):
        services.account_reactivate(membership=request.membership, actor=request.user, user=user, reason=reason)
        return f"Đã mở lại tài khoản {services.display_name(user)}."

    return _reason_page(request, user, "Mở lại tài khoản", run)


@module_view("users", "change")
def account_password_reset(request, pk):
    user = _manage(request, pk)

    def run(reason):
        services.password_reset(membership=request.membership, actor=request.user, user=user, reason=reason,
                                base_url=_base_url(request))
        return f"Mật khẩu cũ đã hết hiệu lực; đã gửi đường dẫn đặt mật khẩu mới đến {user.email}."

    return _reason_page(request, user, "Đặt lại mật khẩu", run,
                        "Mật khẩu hiện tại hết hiệu lực ngay; người dùng nhận thư có đường dẫn (dùng một lần) để "
                        "đặt mật khẩu mới.")


@module_view("users", "change")
def account_otp_reset(request, pk):
    user = _manage(request, pk)

    def run(reason):
        services.two_factor_reset(membership=request.membership, actor=request.user, user=user, reason=reason)
        return "Đã gỡ ứng dụng xác thực cũ; lần đăng nhập tới người dùng cài đặt lại bằng mã QR."

    return _reason_page(request, user, "Cài đặt lại xác thực hai lớp", run,
                        "Dùng khi người dùng mất hoặc đổi điện thoại. Ứng dụng xác thực cũ không dùng được nữa.")


@module_view("users", "change")
def account_invite(request, pk):
    """Send the invitation (set the password) again: GET asks to confirm, POST sends."""
    user = _manage(request, pk)
    if request.method == "POST":
        try:
            services.invitation_resend(membership=request.membership, actor=request.user, user=user,
                                       base_url=_base_url(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Đã gửi lại lời mời đến {user.email}.")
        return redirect("account_detail", user.pk)
    return render(request, "accounts/invite.html", {"account": user})


@module_view("user_proposals", "view")
def proposal_list(request):
    membership = request.membership
    proposals = scoped(AccountProposal.objects.select_related("unit", "agency", "proposed_by", "decided_by"),
                       membership)
    status = request.GET.get("trang-thai", "")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, PAGE).get_page(request.GET.get("page"))
    from pcmd.org.permissions import allowed

    return render(request, "accounts/proposals.html", {
        "page": page, "status": status, "statuses": ProposalStatus.choices,
        "can_decide": allowed(membership.role, "user_proposals", "change"),
        "can_propose": allowed(membership.role, "user_proposals", "add"),
        "approve": APPROVE, "reject": REJECT})


# ---------------------------------------------------------------------------------------------- Excel

class _AccountsCrud(Crud):
    """Only to mount core.imports' pages (upload, preview, run, template) for accounts."""

    @property
    def module(self) -> str:
        return "users"


accounts_import = _AccountsCrud(model=User, slug="tai-khoan", name="account", form_class=AccountForm,
                                list_fields=[], title="tài khoản", title_plural="tài khoản",
                                importer=AccountImporter())
IMPORT_URLS = import_urls(accounts_import)


# ---------------------------------------------------------------------------------------------- no login

class InvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation (or an admin's reset): set the password, then sign in."""

    token_generator = services.invitation_tokens
    form_class = NewPasswordForm
    template_name = "registration/invitation.html"
    success_url = reverse_lazy("login")
    reset_url_token = "dat-mat-khau"
    post_reset_login = False

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None  # a deactivated account's link is dead

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        services.audit(membership=None, actor=user, user=user, what="Đặt mật khẩu từ lời mời")
        messages.success(self.request, "Đã đặt mật khẩu. Hãy đăng nhập"
                         + (" rồi cài đặt ứng dụng xác thực hai lớp." if services.needs_two_factor(user) else "."))
        return response


class ResetConfirmView(InvitationView):
    token_generator = services.reset_tokens
    template_name = "registration/reset_confirm.html"

    def form_valid(self, form):
        response = auth_views.PasswordResetConfirmView.form_valid(self, form)
        services.audit(membership=None, actor=form.user, user=form.user, what="Đặt lại mật khẩu qua “Quên mật khẩu”")
        messages.success(self.request, "Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới.")
        return response


class ResetRequestView(auth_views.PasswordResetView):
    """"Quên mật khẩu": the same answer whether the address is known or not; limited per client and hour."""

    form_class = ResetRequestForm
    template_name = "registration/reset_request.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    token_generator = services.reset_tokens
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["hours"] = services.reset_tokens.hours
        return ctx

    def form_valid(self, form):
        if not ratelimit.allow(self.request, "reset"):
            form.add_error(None, "Đã gửi quá nhiều yêu cầu từ máy này; hãy thử lại sau một giờ.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        self.extra_email_context = {"hours": services.reset_tokens.hours}
        return super().form_valid(form)


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_done.html"

