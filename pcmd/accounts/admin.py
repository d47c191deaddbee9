"""Django's admin stays for the national superuser only (is_superuser), in Vietnamese.

Everyone else is sent to the PCMD login when not signed in, and gets 404 when signed in: the admin's own login
form is never shown (it would bypass the two-factor step and the lockout messages of the PCMD login).
"""

from django.contrib import admin
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import AccountProfile, AccountProposal

admin.site.site_header = "Quản trị kỹ thuật PCMD (chỉ quản trị Trung ương)"
admin.site.site_title = "Quản trị kỹ thuật PCMD"
admin.site.index_title = "Dữ liệu hệ thống"


def _has_permission(request) -> bool:
    user = request.user
    return user.is_active and user.is_superuser and user.is_verified()


def _login(request, extra_context=None):
    if request.user.is_authenticated:
        raise Http404
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


admin.site.has_permission = _has_permission
admin.site.login = _login


@admin.register(AccountProposal)
class AccountProposalAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "role", "unit", "status", "created_at"]
    list_filter = ["status", "role"]
    raw_id_fields = ["unit", "agency", "proposed_by", "decided_by", "account"]


@admin.register(AccountProfile)
class AccountProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "phone", "invited_at"]
    raw_id_fields = ["user", "invited_by"]
