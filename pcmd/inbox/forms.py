from django import forms

from .models import SUPPORT_KINDS, Kind

STATE_CHOICES = [("chua-doc", "Chưa đọc"), ("tat-ca", "Tất cả")]


def kind_choices(support: bool) -> list:
    return [(k.value, k.label) for k in Kind if support or k not in SUPPORT_KINDS]


class InboxFilter(forms.Form):
    trang_thai = forms.ChoiceField(label="Hiển thị", choices=STATE_CHOICES, required=False)
    loai = forms.ChoiceField(label="Loại thông báo", required=False)

    def __init__(self, *args, support: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai"].choices = [("", "— Tất cả các loại —"), *kind_choices(support)]


class PreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(label="Nhận qua e-mail (tổng hợp mỗi ngày)", required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, support: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = kind_choices(support)
