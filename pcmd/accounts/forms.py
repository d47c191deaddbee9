"""Forms of account management. The rules themselves live in services (check_grant, account_check)."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from pcmd.core.pickers import unit_field
from pcmd.org.models import Agency, Role

from . import services


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text="Bắt buộc; được lưu vào nhật ký hệ thống cùng tên người thực hiện.",
                             error_messages={"required": "Hãy ghi lý do: lý do được lưu vào nhật ký."})


class SeatForm(forms.Form):
    """One seat (unit × agency × role) among what the member may grant."""

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Agency.objects.none(), required=False,
                                  help_text="Tỉnh, thành phố hoặc xã, phường trong phạm vi của bạn.")
    agency = forms.ModelChoiceField(label="Cơ quan", queryset=Agency.objects.none(), required=False,
                                    empty_label="(không gắn với cơ quan)")
    role = forms.ChoiceField(label="Vai trò", choices=())

    def __init__(self, *args, membership=None, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)
        national = membership is not None and membership.unit_id is None
        self.fields["unit"].required = not national
        if national:
            self.fields["unit"].help_text = "Để trống: quyền cấp Trung ương (toàn quốc)."
        else:
            self.initial.setdefault("unit", membership.unit if membership else None)
        unit_field(self, "unit")
        self.fields["role"].choices = [("", "— chọn vai trò —")] + [
            (r.value, r.label) for r in services.grantable_roles(membership)]
        unit = self.posted_unit() if self.is_bound else self.initial.get("unit")
        self.fields["agency"].queryset = services.agencies_for(unit)
        if unit is None:
            self.fields["agency"].help_text = "Chọn đơn vị rồi bấm “Tải danh sách cơ quan”."

    def posted_unit(self):
        try:
            return self.fields["unit"].clean(self.data.get("unit"))
        except forms.ValidationError:
            return None

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.check_grant(self.membership, unit=data.get("unit"), agency=data.get("agency"),
                                     role=data.get("role"))
            except forms.ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
        return data

    def seat(self):
        data = self.cleaned_data
        return data.get("unit"), data.get("agency"), data["role"]


class AccountForm(SeatForm):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử", help_text="Lời mời đặt mật khẩu được gửi đến địa chỉ này.")
    phone = forms.CharField(label="Điện thoại", max_length=30, required=False)
    username = forms.CharField(label="Tên đăng nhập", max_length=150, required=False,
                               help_text="Để trống: lấy phần trước @ của thư điện tử.")
    field_order = ["full_name", "email", "phone", "username", "unit", "agency", "role"]

    def clean(self):
        data = super().clean()
        try:
            services.account_check(full_name=data.get("full_name", ""), email=(data.get("email") or "").lower(),
                                   phone=data.get("phone", ""), username=(data.get("username") or "").lower())
        except forms.ValidationError as exc:
            for name, errors in exc.message_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, errors)
        return data


class ProposalForm(AccountForm):
    note = forms.CharField(label="Lý do đề xuất", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=1000)
    field_order = ["full_name", "email", "phone", "unit", "agency", "role", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["username"]


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "Tên, tên đăng nhập, thư điện tử"}))
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Agency.objects.none(), required=False,
                                  empty_label="Tất cả")
    role = forms.ChoiceField(label="Vai trò", required=False, choices=[("", "Tất cả"), *Role.choices])
    active = forms.ChoiceField(label="Trạng thái", required=False,
                               choices=[("", "Tất cả"), ("1", "Đang hoạt động"), ("0", "Đã vô hiệu hóa")])

    def __init__(self, *args, membership=None, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)
        unit_field(self, "unit")


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(label="Thư điện tử của tài khoản", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
                             error_messages={"required": "Hãy nhập thư điện tử.",
                                             "invalid": "Thư điện tử không hợp lệ."})


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"
        self.error_messages["password_mismatch"] = "Hai lần nhập mật khẩu không giống nhau."
