"""Login, two-factor, membership switching, the permission matrix page, the audit page."""

from base64 import b32encode

import segno
from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from pcmd.core.pickers import agency_label
from pcmd.core.scoping import chosen_unit, module_view, require

from . import selectors, services
from .forms import LoginForm, OTPTokenForm
from .middleware import SESSION_KEY
from .models import Role
from .permissions import ACTIONS, MATRIX, MODULES


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Sent back here from a page: the session ended (idle too long) or was never opened.
        ctx["session_expired"] = bool(self.request.GET.get("next")) and self.request.method == "GET"
        return ctx


def _safe_next(request, default="home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse(default)


def _check_token(device, token: str) -> str | None:
    """None when the code is right; otherwise what to tell the user (django-otp slows down guessing)."""
    allowed, info = device.verify_is_allowed()
    if not allowed and info and info.get("locked_until"):
        wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
        return f"Đã nhập sai nhiều lần. Hãy đợi {wait} giây rồi nhập mã mới trên ứng dụng."
    if device.verify_token(token):
        return None
    return "Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiển thị trên ứng dụng."


PENDING_TOTP_KEY = "pcmd_pending_totp_key"


def _second_factor_passed(request, device) -> None:
    """Mark the session verified and give it a new id: one seen before the second factor is worth nothing."""
    otp_login(request, device)
    request.session.cycle_key()


@login_required
def otp_setup(request):
    """Enrol a TOTP authenticator: scan the QR code, confirm with a first code.

    Only on first login (no authenticator yet) or from a session already verified with one;
    the new key stays in the session and becomes a device only when a code confirms it.
    """
    if not services.may_enrol_authenticator(request.user):
        messages.warning(request, "Tài khoản của bạn đã có ứng dụng xác thực: hãy nhập mã trên ứng dụng đó. "
                                  "Nếu mất điện thoại, hãy liên hệ quản trị hệ thống để cài đặt lại.")
        return redirect(f"{reverse('otp_verify')}?{urlencode({'next': _safe_next(request)})}")
    key = request.session.get(PENDING_TOTP_KEY) or default_key()
    request.session[PENDING_TOTP_KEY] = key
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.authenticator_enrol(request.user, key, form.cleaned_data["token"])
        if device is not None:
            del request.session[PENDING_TOTP_KEY]
            _second_factor_passed(request, device)
            messages.success(request, "Đã bật xác thực hai lớp cho tài khoản của bạn.")
            return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", "Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiển thị trên ứng dụng.")
    pending = TOTPDevice(user=request.user, key=key)  # not saved: only to show the key and its QR code
    secret = b32encode(pending.bin_key).decode()
    qr_svg = segno.make(pending.config_url, error="m").svg_inline(scale=4)
    return render(request, "registration/otp_setup.html",
                  {"form": form, "secret": secret, "qr_svg": qr_svg, "next": request.GET.get("next", "")})


@login_required
def otp_verify(request):
    """Second step of login for users who have an authenticator."""
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = None
        for device in devices_for_user(request.user, confirmed=True):
            error = _check_token(device, form.cleaned_data["token"])
            if error is None:
                _second_factor_passed(request, device)
                return HttpResponseRedirect(_safe_next(request))
        form.add_error("token", error or "Tài khoản chưa có ứng dụng xác thực; hãy liên hệ quản trị hệ thống.")
    return render(request, "registration/otp_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_POST
def membership_switch(request):
    """Act in another of one's own memberships (unit / agency / role)."""
    chosen = get_object_or_404(request.user.memberships.filter(is_active=True), pk=request.POST.get("membership"))
    request.session[SESSION_KEY] = chosen.pk
    messages.info(request, f"Bạn đang làm việc với vai trò {chosen.get_role_display()} — {chosen.place_label}.")
    return redirect("home")


@login_required
def permission_matrix(request):
    """The matrix as a table, for everyone signed in: knowing who may do what is not a secret."""
    short = {"view": "Xem", "add": "Thêm", "change": "Sửa", "delete": "Xóa"}
    rows = [
        (label, code, [", ".join(short[a] for a in ACTIONS if a in MATRIX.get(role, {}).get(code, ())) or "—"
                       for role in Role])
        for code, label in MODULES.items()
    ]
    return render(request, "org/permission_matrix.html", {"roles": list(Role), "rows": rows})


@login_required
def audit_log(request):
    """Every create, update and delete, filtered by person, kind of record, action and date."""
    require(request.membership, "audit", "view")
    entries, form = selectors.audit_entries(request.membership, request.GET)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "org/audit_log.html",
                  {"page": page, "form": form, "querystring": query.urlencode(), "LogEntry": LogEntry})


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes lockout page (AXES_LOCKOUT_CALLABLE), in Vietnamese, with the wait time."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


@module_view("org", "view")
def agency_pick(request):
    """The suggestions of an agency search box (core.pickers.AgencySearchInput), as JSON: only agencies in the
    member's scope (inside ``?trong=<unit code>``, which must be in scope, else 404)."""
    under = chosen_unit(request.membership, request.GET["trong"]) if request.GET.get("trong") else None
    query = request.GET.get("q", "")[:100]
    if len(query.strip()) < 2:
        return JsonResponse({"results": [], "more": False})
    agencies, more = selectors.agency_picks(request.membership, query, under=under)
    return JsonResponse({"results": [{"code": str(a.pk), "label": agency_label(a)} for a in agencies], "more": more})
