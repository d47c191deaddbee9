from django import forms
from django.contrib.auth.forms import AuthenticationForm

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import unit_field
from pcmd.geo.models import Level

from .models import Agency, AgencyKind


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường. "
        "Nhập sai nhiều lần liên tiếp, tài khoản sẽ bị tạm khóa.",
        "inactive": "Tài khoản này đã bị vô hiệu hóa. Hãy liên hệ quản trị hệ thống.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label="Mã xác thực 6 số", max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9]{6}", "autofocus": True}),
        error_messages={"required": "Hãy nhập mã 6 số trên ứng dụng xác thực.",
                        "min_length": "Mã gồm đúng 6 chữ số.", "max_length": "Mã gồm đúng 6 chữ số."},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not (token.isascii() and token.isdigit()):
            raise forms.ValidationError("Mã chỉ gồm chữ số.")
        return token


class AgencyForm(ScopedModelForm):
    class Meta:
        model = Agency
        fields = ["unit", "kind", "name", "short_name", "is_standing", "address", "phone", "email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an agency does not move between units
            self.fields["unit"].disabled = True
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        self.fields["kind"].queryset = AgencyKind.objects.exclude(level="national")
