from django import forms
from django.core.exceptions import ValidationError

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import unit_field
from pcmd.core.scoping import unit_choices
from pcmd.geo.models import AdminUnit, Level
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.venues.models import Establishment

from .models import Hotspot


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def chosen_unit(form):
    """The unit a record form is about: the instance's, the posted or initial one, else a commune user's own."""
    if form.instance.pk:
        return form.instance.unit
    raw = form.data.get(form.add_prefix("unit")) if form.is_bound else form.initial.get("unit")
    if isinstance(raw, AdminUnit):
        return raw
    if raw:
        try:  # a pk, or a unit's code when the field is a search box (core.pickers.unit_field)
            return form.fields["unit"].to_python(raw)
        except ValidationError:
            return None
    membership = form.membership
    return membership.unit if membership and membership.unit and membership.unit.level == Level.COMMUNE else None


def limit_links(form, unit, names_models) -> None:
    """Offer linked records (establishments, visits, hotspots) of `unit` only; keeps select lists short."""
    for name, model in names_models:
        qs = form.fields[name].queryset
        form.fields[name].queryset = qs.filter(unit=unit) if unit else model.objects.none()
        form.fields[name].required = False
        if not unit:
            form.fields[name].help_text = "Chọn đơn vị và lưu; sau đó sửa bản ghi để liên kết."


class HotspotForm(ScopedModelForm):
    url = forms.URLField(label="Đường dẫn (điểm trên mạng)", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Hotspot
        fields = ["unit", "hamlet", "name", "kind", "location", "url", "first_identified", "description",
                  "establishments", "visits"]
        widgets = {"first_identified": date_widget(), "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"unit": "Xã, phường"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # a hotspot does not move to another commune
            self.fields["unit"].disabled = True
        unit_field(self, "unit", [Level.COMMUNE])
        unit = chosen_unit(self)
        # Hamlets, establishments and visits are offered from the hotspot's commune only (keeps lists short).
        self.fields["hamlet"].queryset = (unit_choices(self.membership, [Level.HAMLET], under=unit, active=False)
                                          if unit else AdminUnit.objects.none())
        limit_links(self, unit, (("establishments", Establishment), ("visits", Visit)))
        self.fields["visits"].queryset = self.fields["visits"].queryset.select_related("establishment")


class TransitionForm(forms.Form):
    """The fields of a status change; which ones show depends on the transition (see views)."""

    date = forms.DateField(label="Ngày", widget=date_widget(),
                           error_messages={"required": "Hãy nhập ngày.", "invalid": "Ngày không hợp lệ (dd/mm/yyyy)."})
    method = forms.CharField(label="Biện pháp triệt xóa", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    agency = forms.ModelChoiceField(label="Cơ quan thực hiện", queryset=Agency.objects.none(), required=False)
    monitor_months = forms.IntegerField(label="Số tháng theo dõi", required=False, min_value=1, max_value=60,
                                        initial=6, error_messages={"min_value": "Số tháng theo dõi phải từ 1 đến 60.",
                                                                   "max_value": "Số tháng theo dõi phải từ 1 đến 60.",
                                                                   "invalid": "Hãy nhập một số nguyên."})
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS_BY_TARGET = {
        "suppressed": ("date", "method", "agency", "note"),
        "monitored": ("date", "monitor_months", "note"),
        "closed": ("date", "note"),
        "active": ("date", "agency", "note"),
    }

    def __init__(self, *args, hotspot, target, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.FIELDS_BY_TARGET[target]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "agency" in self.fields:
            unit = hotspot.unit
            self.fields["agency"].queryset = Agency.objects.filter(
                unit__in=[unit.pk, unit.province_id], is_active=True).order_by("unit__level", "name")
        if target == "suppressed":
            self.fields["method"].required = True
            self.fields["method"].error_messages["required"] = "Hãy ghi biện pháp triệt xóa."
        if target == "monitored":
            self.fields["monitor_months"].required = True
            self.fields["monitor_months"].error_messages["required"] = "Hãy nhập số tháng theo dõi."
