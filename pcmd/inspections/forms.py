"""Forms of the inspections app. Rules live in services; forms only parse and limit choices to scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from pcmd.core.crud import ScopedModelForm, add_errors
from pcmd.core.money import money_fields
from pcmd.core.pickers import unit_field
from pcmd.core.scoping import membership_choices
from pcmd.geo.models import AdminUnit
from pcmd.venues.models import EstablishmentStatus

from . import services
from .models import InspectionRound, RiskWeights, Sanction, Team, TeamMember, Violation, ViolationType, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NUMBER = {"inputmode": "numeric", "min": "0"}


def _units_field(form: ScopedModelForm) -> None:
    if form.instance.pk:  # a team or a round does not move between units
        form.fields["unit"].disabled = True
    unit_field(form, "unit")


class TeamForm(ScopedModelForm):
    class Meta:
        model = Team
        fields = ["unit", "name", "decision_number", "decision_date", "is_active", "notes"]
        widgets = {"decision_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _units_field(self)


class TeamMemberForm(ScopedModelForm):
    class Meta:
        model = TeamMember
        fields = ["team", "full_name", "user", "agency", "position", "is_leader"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].help_text = "Chọn tài khoản nếu thành viên dùng hệ thống; nếu không, chỉ cần họ tên."
        self.fields["user"].queryset = self.fields["user"].queryset.filter(
            memberships__in=membership_choices(self.membership)).distinct()
        self.fields["agency"].label_from_instance = lambda a: f"{a.name}"

    def clean(self):
        data = super().clean()
        try:
            services.team_member_check(data)
        except ValidationError as exc:
            add_errors(self, exc)
        return data


class RoundForm(ScopedModelForm):
    class Meta:
        model = InspectionRound
        fields = ["unit", "name", "decision_number", "decision_date", "start_date", "end_date", "team", "notes"]
        widgets = {"decision_date": DATE, "start_date": DATE, "end_date": DATE,
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _units_field(self)


class VisitForm(ScopedModelForm):
    """The visit itself; its violations and sanctions come from the two formsets below."""

    class Meta:
        model = Visit
        fields = ["establishment", "date", "time", "kind", "team", "round", "result", "found_selling",
                  "found_buying", "found_brokering", "found_staff_no_papers", "follow_up_due", "follow_up_outcome",
                  "notes"]
        widgets = {
            "date": DATE, "time": TIME, "follow_up_due": DATE,
            "found_selling": forms.NumberInput(attrs=NUMBER), "found_buying": forms.NumberInput(attrs=NUMBER),
            "found_brokering": forms.NumberInput(attrs=NUMBER),
            "found_staff_no_papers": forms.NumberInput(attrs=NUMBER),
            "follow_up_outcome": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        establishment = self.fields["establishment"]
        establishment.queryset = establishment.queryset.select_related("unit").order_by("name", "pk")
        establishment.label_from_instance = _establishment_label
        self.fields["team"].queryset = self.fields["team"].queryset.filter(is_active=True)
        for name in ("found_selling", "found_buying", "found_brokering", "found_staff_no_papers"):
            self.fields[name].error_messages["min_value"] = "Số người không được âm."


def _establishment_label(e) -> str:
    closed = " (đã đóng cửa)" if e.status == EstablishmentStatus.CLOSED else ""
    return f"{e.name} — {e.address}{closed}"


class ViolationForm(forms.ModelForm):
    class Meta:
        model = Violation
        fields = ["type", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = ViolationType.objects.filter(is_active=True)
        self.fields["type"].label_from_instance = lambda t: f"{t.name} ({t.legal_basis})" if t.legal_basis else t.name


class SanctionForm(forms.ModelForm):
    class Meta:
        model = Sanction
        fields = ["kind", "amount", "decision_number", "decision_date", "suspension_months", "target", "individuals"]
        widgets = {"decision_date": DATE, "suspension_months": forms.NumberInput(attrs=NUMBER),
                   "individuals": forms.NumberInput(attrs=NUMBER)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        money_fields(self)  # "40.000.000" (core.money)


ViolationFormSet = inlineformset_factory(Visit, Violation, form=ViolationForm, extra=1, can_delete=True)
SanctionFormSet = inlineformset_factory(Visit, Sanction, form=SanctionForm, extra=1, can_delete=True)


def rows_of(formset) -> list[tuple[int, dict]]:
    """(form index, cleaned data) of the rows the user filled in and did not tick for removal."""
    rows = []
    for i, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or not form.has_changed() and not form.instance.pk:
            continue
        rows.append((i, {k: v for k, v in data.items() if k not in ("DELETE", "id", "visit")}))
    return rows


class VisitEntry:
    """A visit with its violation and sanction rows, entered on one page, behaving as one form: valid when the
    three parts are, `cleaned_data` carries the rows, and a service's error lands beside the field or the row
    that caused it ("violations.0.kind" is row 0 of the violations the service was given)."""

    def __init__(self, data=None, *, membership, instance=None, initial=None):
        self.form = VisitForm(data=data, instance=instance, initial=initial, membership=membership)
        self.violations = ViolationFormSet(data=data, instance=instance or Visit(), prefix="violations")
        self.sanctions = SanctionFormSet(data=data, instance=instance or Visit(), prefix="sanctions")
        self.fields = self.form.fields
        self._positions = {}

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), self.violations.is_valid(), self.sanctions.is_valid()])
        if valid:
            rows = {"violations": rows_of(self.violations), "sanctions": rows_of(self.sanctions)}
            self._positions = {prefix: [i for i, _ in found] for prefix, found in rows.items()}
            self.cleaned_data = {**self.form.cleaned_data,
                                 **{prefix: [row for _, row in found] for prefix, found in rows.items()}}
        return valid

    def add_error(self, field, errors) -> None:
        if field and "." in field:
            prefix, position, name = field.split(".", 2)
            formset = getattr(self, prefix)
            child = formset.forms[self._positions[prefix][int(position)]]
            child.add_error(name if name in child.fields else None, errors)
        else:
            self.form.add_error(field if field in self.fields else None, errors)

    def accepts(self, field: str) -> bool:
        """Whether `field` of a service error has a place on this page (used by core.actions)."""
        return field in self.fields or field.split(".", 1)[0] in ("violations", "sanctions")

    @property
    def errors(self):
        return self.form.errors

    def non_field_errors(self):
        return self.form.non_field_errors()

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors or any(f.errors for f in self.violations.forms)
                    or any(f.errors for f in self.sanctions.forms)
                    or self.violations.non_form_errors() or self.sanctions.non_form_errors())


class RiskWeightsForm(forms.ModelForm):
    class Meta:
        model = RiskWeights
        fields = ["type_weight", "violations_weight", "tips_weight", "hotspot_weight", "months_weight", "months_cap",
                  "workers_weight"]


class RiskPlanForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=AdminUnit.objects.none(), required=False,
                                  empty_label="Đơn vị của tôi")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    target = forms.DecimalField(label="Chỉ tiêu tỷ lệ kiểm tra (%)", min_value=0, max_value=100, required=False,
                                help_text="Để trống: lấy chỉ tiêu trong kế hoạch của đơn vị, nếu không có thì 60%.")

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        unit_field(self, "unit")
