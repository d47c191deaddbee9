"""The subscription form: the unit picker comes from core.scoping (core.pickers.unit_field)."""

from django import forms

from pcmd.core.pickers import unit_field
from pcmd.geo.models import AdminUnit, Level

from .models import EVENTS


class SubscriptionForm(forms.Form):
    name = forms.CharField(label="Tên", max_length=120)
    url = forms.CharField(label="Địa chỉ nhận (URL)", max_length=500,
                          help_text="http:// hoặc https://; PCMD gửi POST, nội dung JSON, có chữ ký.")
    events = forms.MultipleChoiceField(label="Sự kiện", choices=list(EVENTS.items()),
                                       widget=forms.CheckboxSelectMultiple)
    unit = forms.ModelChoiceField(label="Đơn vị (sự kiện của đơn vị và các xã, phường trực thuộc)",
                                  queryset=AdminUnit.objects.none(), required=False)
    is_active = forms.BooleanField(label="Đang hoạt động", required=False, initial=True)

    def __init__(self, *args, membership, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if creating:  # a new subscription is active
            del self.fields["is_active"]
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        if membership.unit_id is None:
            self.fields["unit"].help_text = "Để trống: cả nước."
        else:
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
