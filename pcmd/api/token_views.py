"""The page "Khóa truy cập API" (account menu): a user's keys, making one (shown once), revoking."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcmd.core.crud import add_errors
from pcmd.core.scoping import unit_choices

from . import tokens
from .models import READ, WRITE, ApiToken

LEVEL_CHOICES = [("", "Không cho phép"), (READ, "Chỉ đọc"), (WRITE, "Đọc và ghi")]


class TokenForm(forms.Form):
    name = forms.CharField(label="Tên khóa", max_length=100,
                           help_text="Hệ thống dùng khóa, ví dụ: Phần mềm đường dây nóng 111.")
    expires_on = forms.DateField(label="Hết hạn ngày", widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=f"Tối đa {tokens.MAX_DAYS} ngày kể từ hôm nay.")
    units = forms.ModelMultipleChoiceField(
        label="Chỉ trong các đơn vị", required=False, queryset=None,
        help_text="Để trống: toàn bộ phạm vi của vai trò. Khóa chỉ thấy và ghi bản ghi của các đơn vị đã chọn.")

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["units"].queryset = unit_choices(membership).order_by("path")
        self.fields["units"].widget.attrs["size"] = 8
        self.initial.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=90))
        self.modules = []
        for code, label, writes in tokens.module_choices(membership):
            choices = LEVEL_CHOICES if writes else LEVEL_CHOICES[:2]
            self.fields[f"m_{code}"] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.modules.append(code)

    def chosen_modules(self) -> dict:
        return {code: self.cleaned_data.get(f"m_{code}") for code in self.modules
                if self.cleaned_data.get(f"m_{code}")}


@login_required
def token_list(request):
    """The user's keys (every seat); POST revoke=<id> revokes one of them."""
    mine = ApiToken.objects.filter(user=request.user).select_related("membership", "membership__unit")
    if request.method == "POST":
        raw = request.POST.get("revoke", "")
        token = mine.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
        if token is None:
            messages.error(request, "Không tìm thấy khóa cần thu hồi.")
        else:
            tokens.token_revoke(token=token)
            messages.success(request, f"Đã thu hồi khóa “{token.name}”; các hệ thống dùng khóa này bị từ chối "
                                      "từ bây giờ.")
        return HttpResponseRedirect(reverse("api_tokens"))
    return render(request, "api/tokens.html", {"tokens": list(mine.prefetch_related("units"))})


@login_required
def token_new(request):
    membership = request.membership
    if membership is None:
        messages.error(request, "Tài khoản chưa có vai trò nào đang hiệu lực.")
        return HttpResponseRedirect(reverse("api_tokens"))
    if request.method == "POST":
        form = TokenForm(request.POST, membership=membership)
        if form.is_valid():
            try:
                token, secret = tokens.token_create(
                    membership=membership, name=form.cleaned_data["name"],
                    expires_on=form.cleaned_data["expires_on"], modules=form.chosen_modules(),
                    units=form.cleaned_data["units"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return render(request, "api/token_created.html", {"token": token, "secret": secret})
        return render(request, "api/token_new.html", {"form": form}, status=400)
    return render(request, "api/token_new.html", {"form": TokenForm(membership=membership)})
