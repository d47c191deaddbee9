"""Per-request membership (the seat the user is acting in) and the two-factor requirement."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import TWO_FACTOR_ROLES, Membership

SESSION_KEY = "pcmd_membership_id"


class CurrentMembershipMiddleware:
    """Sets request.membership (None if the user has no active membership) and request.memberships."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = list(
                Membership.objects.filter(user=request.user, is_active=True)
                .select_related("unit", "unit__province", "agency")
                .order_by("unit__path", "role")
            )
            request.memberships = memberships
            chosen = request.session.get(SESSION_KEY)
            request.membership = next((m for m in memberships if m.pk == chosen), None) or (
                memberships[0] if memberships else None
            )
        return self.get_response(request)


def two_factor_required(request) -> bool:
    return request.user.is_superuser or any(m.role in TWO_FACTOR_ROLES for m in request.memberships)


class RequireTwoFactorMiddleware:
    """Users with sensitive roles reach nothing but the 2FA pages until they pass a TOTP check."""

    EXEMPT_PREFIXES = ("/static/", "/xac-thuc-hai-lop/", "/dang-xuat/", "/dang-nhap/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and two_factor_required(request)
        ):
            from .services import has_authenticator

            target = reverse("otp_verify" if has_authenticator(user) else "otp_setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
