from django import forms

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import unit_field
from pcmd.geo.models import Level
from pcmd.hotspots.forms import chosen_unit, date_widget, limit_links
from pcmd.hotspots.models import Hotspot
from pcmd.venues.models import Establishment

from . import services
from .models import CriminalCase, SanctionRecord


class UnitFieldMixin:
    """Unit choices: provinces and communes in the user's scope, labelled with their province."""

    def limit_units(self):
        if self.instance.pk:
            self.fields["unit"].disabled = True
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        unit = chosen_unit(self)
        agency_field = self.fields.get("detecting_agency") or self.fields.get("issuing_agency")
        if agency_field is not None and unit is not None:
            # The unit's own agencies and its province's (provincial police often detect or decide).
            agency_field.queryset = agency_field.queryset.filter(unit__in=[unit.pk, unit.province_id])
        elif agency_field is not None and (self.membership is None or self.membership.unit_id is None):
            # a national seat: the country's 37,000 agencies once the unit is known
            agency_field.queryset = agency_field.queryset.none()
            agency_field.help_text = "Chọn đơn vị và lưu; sau đó sửa bản ghi để chọn cơ quan."
        return unit

    def report_rules(self, rules) -> None:
        """Show the service's rule errors together with the field errors, so one save shows everything.

        The service checks the same rules again when it writes."""
        data = {f.name: getattr(self.instance, f.name, None) for f in self._meta.model._meta.concrete_fields}
        data.update(self.cleaned_data)
        for name, messages in rules(data).items():
            if name in self.fields and name not in self.errors:
                for message in messages:
                    self.add_error(name, message)


class CriminalCaseForm(UnitFieldMixin, ScopedModelForm):
    class Meta:
        model = CriminalCase
        fields = ["unit", "detecting_agency", "number", "name", "offence", "offence_other", "detected_on",
                  "initiated_on", "indicted_on", "tried_on", "verdict", "defendants", "victims", "minor_victims",
                  "hotspots", "establishments", "notes"]
        widgets = {name: date_widget() for name in ("detected_on", "initiated_on", "indicted_on", "tried_on")}
        widgets |= {"verdict": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"unit": "Đơn vị phát hiện"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.limit_units()
        limit_links(self, unit, (("hotspots", Hotspot), ("establishments", Establishment)))

    def clean(self):
        cleaned = super().clean()
        self.report_rules(services.case_errors)
        return cleaned


class SanctionRecordForm(UnitFieldMixin, ScopedModelForm):
    class Meta:
        model = SanctionRecord
        fields = ["unit", "issuing_agency", "decision_number", "decided_on", "category", "people", "fine_total",
                  "legal_basis", "notes"]
        widgets = {"decided_on": date_widget(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_units()

    def clean(self):
        cleaned = super().clean()
        self.report_rules(services.sanction_errors)
        return cleaned
