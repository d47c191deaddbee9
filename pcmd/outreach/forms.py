from django import forms

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import unit_field
from pcmd.core.scoping import unit_choices, within
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency

from .models import (
    INTEGRATION_FIELDS,
    REACH_FIELDS,
    Activity,
    ActivityKind,
    BudgetLine,
    Commendation,
    Commitment,
    Course,
    Denominator,
    Integration,
    RegularityRule,
    Spending,
    StaffMember,
)
from .selectors import proposed_establishment_workers

NUMBER = {"min": 0, "inputmode": "numeric", "class": "form-control form-control-sm text-end"}


class ActivityForm(ScopedModelForm):
    """The quick-entry form: hamlets as tick boxes, audiences as a small table, defaults from the last entry."""

    class Meta:
        model = Activity
        fields = ["date", "unit", "kind", "agency", "topic", "hamlets", *REACH_FIELDS, "leaflets", "panos",
                  *INTEGRATION_FIELDS, "links", "reach_note", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "hamlets": forms.CheckboxSelectMultiple,
            **{name: forms.NumberInput(attrs=NUMBER) for name in (*REACH_FIELDS, "leaflets", "panos")},
            "links": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m = self.membership
        self.fields["unit"].label = "Xã, phường, đặc khu"
        self.fields["kind"].queryset = ActivityKind.objects.filter(is_active=True)
        commune = self.instance.unit if self.instance.unit_id else None
        if m is not None and m.unit is not None and m.unit.level == Level.COMMUNE:
            commune = commune or m.unit
            self.fields["unit"].initial = m.unit.pk
            self.fields["unit"].required = False
            self.fields["unit"].disabled = True  # a commune user's activities are the commune's
        unit_field(self, "unit", [Level.COMMUNE])
        if commune is None and self.data.get("unit"):
            commune = self.posted_choice("unit")
        hamlets = AdminUnit.objects.none()
        agencies = Agency.objects.filter(is_active=True)
        if commune is not None:
            hamlets = unit_choices(m, [Level.HAMLET], under=commune)
            agencies = agencies.filter(unit__in=[commune.pk, commune.province_id])
        elif m is not None and m.unit is not None:  # a province user: hamlets once the commune is chosen
            agencies = within(agencies, m.unit.province)
        else:  # a national seat: the country's 37,000 agencies are offered once the commune is known
            agencies = agencies.none()
            self.fields["agency"].help_text = "Chọn đơn vị và lưu; sau đó sửa bản ghi để chọn cơ quan."
        self.fields["hamlets"].queryset = hamlets.order_by("code")
        self.fields["hamlets"].help_text = ("Đánh dấu các thôn, tổ dân phố được tuyên truyền." if commune is not None
                                            else "Chọn xã, phường rồi lưu; sửa lại để đánh dấu thôn, tổ dân phố.")
        self.fields["agency"].queryset = agencies.select_related("unit").order_by("unit__path", "name")
        self.fields["topic"].widget.attrs.setdefault("autocomplete", "off")
        for name in (*REACH_FIELDS, "leaflets", "panos"):
            self.fields[name].error_messages["min_value"] = "Không được là số âm."

    def main_fields(self):
        return [self[name] for name in ("date", "unit", "kind", "agency", "topic")]

    def extra_fields(self):
        return [self["links"], self["notes"]]

    def reach_fields(self):
        return [self[name] for name in REACH_FIELDS]

    def integration_fields(self):
        return [self[name] for name in INTEGRATION_FIELDS]


class RegularityRuleForm(ScopedModelForm):
    class Meta:
        model = RegularityRule
        fields = ["unit", "min_per_quarter", "min_quarters", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        self.fields["unit"].label = "Áp dụng cho"
        self.fields["unit"].help_text = ("Quy tắc của tỉnh, thành phố áp dụng cho các xã, phường chưa đặt quy tắc "
                                         "riêng.")


class DenominatorForm(ScopedModelForm):
    class Meta:
        model = Denominator
        fields = ["unit", "year", "group", "value", "source", "as_of", "notes"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "value": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        m = self.membership
        unit = self.instance.unit if self.instance.unit_id else (m.unit if m is not None else None)
        if unit is not None:
            workers = proposed_establishment_workers(unit)
            self.fields["value"].help_text = (
                f"Người lao động tại cơ sở kinh doanh dịch vụ: sổ quản lý cơ sở của {unit.name} đang ghi "
                f"{workers:,} người (tổng số lao động của các cơ sở đang hoạt động).".replace(",", "."))


def _units_and_agencies(form, levels):
    """Unit choices of the given levels; agencies of the seat's commune and province (or province-wide)."""
    unit_field(form, "unit", levels)
    m = form.membership
    unit = form.instance.unit if form.instance.unit_id else (m.unit if m is not None else None)
    if unit is None and form.is_bound:  # a national seat: the agencies of the unit it posted
        unit = form.posted_choice("unit")
    agencies = Agency.objects.filter(is_active=True)
    if unit is not None and unit.level == Level.COMMUNE:
        agencies = agencies.filter(unit__in=[unit.pk, unit.province_id])
    elif unit is not None:
        agencies = within(agencies, unit.province)
    else:  # a national seat: the country's 37,000 agencies are offered once the unit is known
        agencies = agencies.none()
        form.agency_help = "Chọn đơn vị và lưu; sau đó sửa bản ghi để chọn cơ quan."
    return agencies.select_related("unit").order_by("unit__path", "name")


class StaffMemberForm(ScopedModelForm):
    class Meta:
        model = StaffMember
        fields = ["full_name", "unit", "agency", "position", "category", "is_active", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _units_and_agencies(self, [Level.PROVINCE, Level.COMMUNE])
        self.fields["agency"].help_text = getattr(self, "agency_help", "")
        self.fields["unit"].help_text = "Cán bộ cấp tỉnh chọn tỉnh, thành phố; cán bộ cấp xã chọn xã, phường."


class CourseForm(ScopedModelForm):
    class Meta:
        model = Course
        fields = ["title", "unit", "level", "organiser", "start_date", "end_date", "venue", "topics"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = _units_and_agencies(self, [Level.PROVINCE, Level.COMMUNE])
        self.fields["organiser"].help_text = getattr(self, "agency_help", "")
        self.fields["unit"].label = "Đơn vị tổ chức"


class IntegrationForm(ScopedModelForm):
    class Meta:
        model = Integration
        fields = ["unit", "year", "with_drugs", "with_hiv", "with_trafficking", "with_social_security", "with_poverty",
                  "document_number", "document_date", "document_title", "notes"]
        widgets = {"document_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = "Xã, phường, đặc khu"
        m = self.membership
        if m is not None and m.unit is not None and m.unit.level == Level.COMMUNE:
            self.fields["unit"].initial = m.unit.pk
            self.fields["unit"].required = False
            self.fields["unit"].disabled = True
        unit_field(self, "unit", [Level.COMMUNE])


class CommitmentForm(ScopedModelForm):
    class Meta:
        model = Commitment
        fields = ["establishment", "date", "signed_by", "signer_role", "valid_until", "scan", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "scan": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["establishment"]
        field.queryset = field.queryset.filter(status="operating").select_related("unit").order_by("unit__path", "name")
        field.label_from_instance = lambda e: f"{e.name} — {e.address} ({e.unit.name})"


class CommendationForm(ScopedModelForm):
    class Meta:
        model = Commendation
        fields = ["unit", "year", "is_collective", "recipient", "position", "form", "achievement", "status",
                  "proposal_number", "decision_number", "decision_date"]
        widgets = {"decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "achievement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        self.fields["unit"].label = "Đơn vị đề nghị"


class BudgetLineForm(ScopedModelForm):
    class Meta:
        model = BudgetLine
        fields = ["unit", "year", "item", "plan", "task", "source", "allocated", "document", "notes"]
        widgets = {"allocated": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field(self, "unit", [Level.PROVINCE, Level.COMMUNE])
        self.fields["task"].queryset = self.fields["task"].queryset.select_related("plan")
        self.fields["task"].label_from_instance = lambda t: f"{t.title[:90]} — {t.plan}"
        self.fields["task"].help_text = "Để trống nếu dự toán cho cả kế hoạch."


class SpendingForm(ScopedModelForm):
    class Meta:
        model = Spending
        fields = ["line", "date", "amount", "description", "document"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "amount": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = self.fields["line"].queryset.select_related("unit")
        self.fields["line"].label_from_instance = lambda b: f"{b.item} ({b.year}, {b.unit.name})"


class ParticipantsForm(forms.Form):
    """What the participants page posts: people to add, who attended, who to take off (ids checked here, so a
    forged id is a Vietnamese message, not a failed query)."""

    staff = forms.ModelMultipleChoiceField(queryset=StaffMember.objects.none(), required=False)
    attended = forms.ModelMultipleChoiceField(queryset=StaffMember.objects.none(), required=False)
    remove = forms.ModelMultipleChoiceField(queryset=StaffMember.objects.none(), required=False)

    def __init__(self, *args, people, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = people
        self.fields["attended"].queryset = self.fields["remove"].queryset = participants

    def error_text(self) -> str:
        return "Danh sách học viên gửi lên không hợp lệ; hãy tải lại trang rồi chọn lại."
