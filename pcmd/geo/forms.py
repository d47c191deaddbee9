from django import forms

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import unit_field

from .models import AdminUnit, Level
from .services import HAMLET_TYPES


class HamletForm(ScopedModelForm):
    division_type = forms.ChoiceField(label="Loại", choices=[(t, t.capitalize()) for t in HAMLET_TYPES])

    class Meta:
        model = AdminUnit
        fields = ["parent", "name", "division_type", "is_active", "note"]
        labels = {"parent": "Thuộc xã/phường", "name": "Tên (ví dụ: Tổ dân phố số 5)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        parent.required = True
        if self.instance.pk:  # a hamlet stays in its commune
            parent.disabled = True
        unit_field(self, "parent", [Level.COMMUNE], active=False)
