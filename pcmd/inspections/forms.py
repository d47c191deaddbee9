"""Forms of the inspections app. Rules live in services; forms only parse and limit choices to scope."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from pcmd.core.crud import ScopedModelForm, add_errors
from pcmd.geo.models import AdminUnit, Level
from pcmd.venues.models import EstablishmentStatus

from . import services
from .models import InspectionRound, RiskWeights, Sanction, Team, TeamMember, Violation, ViolationType, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NUMBER = {"inputmode": "numeric", "min": "0"}


def _units_field(form: ScopedModelForm) -> None:
    field = form.fields["unit"]
    field.queryset = field.queryset.filter(level__in=[Level.PROVINCE, Level.COMMUNE], is_active=True)
    field.label_from_instance = lambda u: u.label
    if form.instance.pk:  # a team or a round does not move between units
        field.disabled = True


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
            memberships__in=_memberships_in_scope(self.membership)).distinct()
        self.fields["agency"].label_from_instance = lambda a: f"{a.name}"

    def clean(self):
        data = super().clean()
        try:
            services.team_member_check(data)
        except ValidationError as exc:
            add_errors(self, exc)
        return data


def _memberships_in_scope(membership):
    from pcmd.org.models import Membership

    qs = Membership.objects.all()
    if membership is None:
        return qs.none()
    if membership.unit_id is None:
        return qs
    return qs.filter(unit__path__startswith=membership.unit.path)


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
        widgets = {"decision_date": DATE, "amount": forms.NumberInput(attrs={"inputmode": "numeric", "step": "1000"}),
                   "suspension_months": forms.NumberInput(attrs=NUMBER), "individuals": forms.NumberInput(attrs=NUMBER)}


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
        units = AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE], is_active=True)
        if membership is not None and membership.unit_id is not None:
            units = units.filter(path__startswith=membership.unit.path)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.label
