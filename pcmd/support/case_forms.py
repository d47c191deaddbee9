"""Forms of the client file. They gather input and call the checks of `cases` / `uic` so an error shows on its
field; the rules themselves (states, consent, dates, roles) are in `cases.py`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pcmd.core.money import validate_phone
from pcmd.core.pickers import unit_field
from pcmd.geo.models import Level

from . import cases
from .models import (
    CaseStatus,
    ClientSource,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    FollowUpKind,
    GoalStatus,
    Sex,
    SupportNeed,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Ngày không hợp lệ (ngày/tháng/năm)."}


def _date(label, *, required=True, initial=None, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, initial=initial, help_text=help_text,
                           error_messages={**DATE_ERRORS, "required": f"Vui lòng nhập {label.lower()}."})


def _note(label, *, required=False, rows=3, max_length=cases.NOTE_MAX, help_text=""):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}),
                           error_messages={"required": f"Vui lòng nhập {label.lower()}.",
                                           "max_length": "Nội dung dài quá %(limit_value)d ký tự."})


def _place(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ListFilterForm(forms.Form):
    q = forms.CharField(label="Mã hồ sơ hoặc mã định danh", required=False, max_length=40)
    tinh_trang = forms.ChoiceField(label="Tình trạng", required=False, choices=[("", "Tất cả"), *CaseStatus.choices],
                                   error_messages={"invalid_choice": "Tình trạng không có trong danh sách; "
                                                                     "đang hiển thị tất cả."})


class RegistrationForm(forms.Form):
    """The UIC answers (forgotten after the code is derived), what the file keeps, and the duplicate check."""

    mother = forms.CharField(label="Tên của mẹ", required=False, max_length=60,
                             help_text="Chỉ dùng để tạo mã định danh, không được lưu. Không biết thì để trống.")
    father = forms.CharField(label="Tên của cha", required=False, max_length=60,
                             help_text="Chỉ dùng để tạo mã định danh, không được lưu. Không biết thì để trống.")
    uic = forms.CharField(label="Hoặc mã định danh người đó đã có", required=False, max_length=16,
                          help_text="Ví dụ LAHUF1995; khi nhập mã này thì không cần tên cha, mẹ.")
    sex = forms.ChoiceField(label="Giới tính", choices=Sex.choices, widget=forms.RadioSelect,
                            error_messages={"required": "Vui lòng chọn giới tính."})
    birth_year = forms.IntegerField(label="Năm sinh", required=False, min_value=1900, max_value=2100,
                                    error_messages={"invalid": "Năm sinh phải là một số có 4 chữ số.",
                                                    "min_value": "Năm sinh không hợp lệ.",
                                                    "max_value": "Năm sinh không hợp lệ."})
    unit = forms.ModelChoiceField(label="Xã, phường", queryset=None, required=False, empty_label="— chọn —",
                                  error_messages={"invalid_choice": "Vui lòng chọn xã, phường trong danh sách."})
    source = forms.ChoiceField(label="Nguồn tiếp nhận", choices=ClientSource.choices)
    registered_on = _date("Ngày đăng ký", initial=timezone.localdate)
    full_name = forms.CharField(label="Họ và tên (không bắt buộc)", required=False, max_length=120,
                                help_text="Chỉ ghi khi người đó đồng ý cho biết; được mã hóa.")
    phone = forms.CharField(label="Điện thoại (không bắt buộc)", required=False, max_length=40,
                            validators=[validate_phone])
    address = forms.CharField(label="Nơi ở (không bắt buộc)", required=False, max_length=300)
    sex_work_history = _note("Quá trình bán dâm (không bắt buộc)",
                             help_text="Thời gian, hình thức, nơi hoạt động — chỉ khi người đó kể; được mã hóa.")
    legal_status = _note("Tình trạng pháp lý (không bắt buộc)",
                         help_text="Giấy tờ tùy thân, cư trú, đang bị xử lý…; được mã hóa.")
    confirmed = forms.BooleanField(label="Vẫn đăng ký hồ sơ mới (tôi đã kiểm tra: đây là người khác)",
                                   required=False)

    def __init__(self, *args, membership, intake=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = intake
        self.membership = membership
        # The communes of the seat's scope (cases.registration_units): a search box when there are many.
        unit_field(self, "unit", cases.REGISTRATION_LEVELS)
        own = membership.unit if membership.unit and membership.unit.level == Level.COMMUNE else None
        if intake is not None or own is not None:
            del self.fields["unit"]  # the request's commune, or the worker's own
            self.unit = intake.unit if intake is not None else own
        else:
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = "Vui lòng chọn xã, phường."
            self.unit = None
        if intake is not None:
            self.fields["source"].initial = ClientSource.COUNSELLING
            self.fields["source"].disabled = True

    # the page shows the fields in three groups
    def _group(self, names):
        return [self[name] for name in names if name in self.fields]

    def uic_fields(self):
        return self._group(("mother", "father", "uic"))

    def file_fields(self):
        return self._group(("sex", "birth_year", "unit", "source", "registered_on"))

    def sensitive_fields(self):
        return self._group(("full_name", "phone", "address", "sex_work_history", "legal_status"))

    def clean(self):
        data = super().clean()
        data["unit"] = data.get("unit") if "unit" in self.fields else self.unit
        if "sex" in data:
            try:
                data["uic_code"] = cases.client_uic(typed=data.get("uic", ""), mother=data.get("mother", ""),
                                                    father=data.get("father", ""), sex=data["sex"],
                                                    birth_year=data.get("birth_year"))
            except ValidationError as exc:
                _place(self, exc)
        return data


def register(data: dict, membership, intake=None):
    """Register from a valid RegistrationForm's data (duplicates raise `cases.PossibleDuplicates`)."""
    return cases.register_client(
        membership=membership, unit=data["unit"], uic_code=data["uic_code"], sex=data["sex"],
        birth_year=data.get("birth_year"), source=data["source"], registered_on=data["registered_on"], intake=intake,
        full_name=data.get("full_name", ""), phone=data.get("phone", ""), address=data.get("address", ""),
        sex_work_history=data.get("sex_work_history", ""), legal_status=data.get("legal_status", ""),
        confirmed=data.get("confirmed", False))


class ConsentForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label="Người đó đồng ý cho (đánh dấu từng mục người đó đã nói đồng ý)", choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Vui lòng đánh dấu ít nhất một mục đích người đó đồng ý.",
                        "invalid_choice": "Vui lòng chọn mục đích trong danh sách."})
    provider = forms.ModelChoiceField(label="Nơi nhận (khi đồng ý được giới thiệu)", queryset=None, required=False,
                                      empty_label="— chọn trong danh bạ —",
                                      error_messages={"invalid_choice": "Vui lòng chọn nơi nhận trong danh bạ."})
    method = forms.ChoiceField(label="Hình thức", choices=ConsentMethod.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Vui lòng chọn hình thức đồng ý."})
    scan = forms.FileField(label="Bản chụp phiếu đồng ý (PDF hoặc ảnh; bắt buộc khi ký)", required=False)
    given_on = _date("Ngày đồng ý", initial=timezone.localdate)
    expires_on = _date("Hết hạn (nếu có)", required=False)

    def __init__(self, *args, client, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = cases.provider_choices(membership, client)


class WithdrawForm(forms.Form):
    consent = forms.ModelChoiceField(label="Sự đồng ý được rút lại", queryset=None, empty_label="— chọn —",
                                     error_messages={"required": "Vui lòng chọn sự đồng ý được rút lại.",
                                                     "invalid_choice": "Vui lòng chọn trong danh sách."})
    note = _note("Ghi chú khi rút lại", required=True, max_length=cases.REASON_MAX)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = cases.consents_withdrawable(client)
        self.fields["consent"].label_from_instance = lambda c: (
            f"{c.get_purpose_display()}{' — ' + c.provider.name if c.provider else ''} "
            f"(ngày {c.given_on:%d/%m/%Y}, {c.get_method_display().lower()})")


class ScreeningForm(forms.Form):
    screened_on = _date("Ngày đánh giá", initial=timezone.localdate)
    needs = forms.MultipleChoiceField(label="Nhu cầu người đó có và muốn được hỗ trợ", required=False,
                                      choices=SupportNeed.choices, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"invalid_choice": "Vui lòng chọn nhu cầu trong danh sách."})
    eligible = forms.BooleanField(label="Có nhu cầu và đủ điều kiện được hỗ trợ", required=False)
    health_note = _note("Ghi chú sức khỏe (kể cả HIV/STI)")
    violence_note = _note("Ghi chú bạo lực, xâm hại")
    legal_note = _note("Ghi chú pháp lý, giấy tờ")
    other_note = _note("Ghi chú khác")


class GoalForm(forms.Form):
    need = forms.ChoiceField(label="Nhu cầu", choices=[("", "— Chọn —"), *SupportNeed.choices], required=False)
    description = forms.CharField(label="Mục tiêu", required=False, max_length=cases.GOAL_MAX,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label="Hạn", required=False, widget=DATE, error_messages=DATE_ERRORS)

    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("need", "description", "due_on"))


GoalFormSet = forms.formset_factory(GoalForm, extra=0, max_num=20, validate_max=True)


class PlanForm(forms.Form):
    """The plan's screening and its goals (a formset); blank goal rows are left out."""

    screening = forms.ModelChoiceField(label="Theo lần đánh giá nhu cầu", queryset=None, empty_label="— chọn —",
                                       error_messages={"required": "Vui lòng chọn lần đánh giá nhu cầu.",
                                                       "invalid_choice": "Vui lòng chọn trong danh sách."})

    def __init__(self, data=None, *, client, **kwargs):
        super().__init__(data, **kwargs)
        screenings = client.screenings.order_by("-screened_on", "-pk")
        self.fields["screening"].queryset = screenings
        self.fields["screening"].label_from_instance = lambda s: f"Ngày {s.screened_on:%d/%m/%Y}"
        plan = cases.current_plan(client)
        initial = [{"need": g.need, "description": g.description, "due_on": g.due_on}
                   for g in plan.goals.all()] if plan else []
        if plan and plan.screening_id:
            self.fields["screening"].initial = plan.screening_id
        elif screenings:
            self.fields["screening"].initial = screenings[0].pk
        # three blank rows after the current goals; posted rows come back through the management form
        self.goals = GoalFormSet(data, prefix="goals", initial=(initial + [{}] * 3) if data is None else None)

    def is_valid(self):
        return all([super().is_valid(), self.goals.is_valid()])

    def clean(self):
        data = super().clean()
        if self.goals.is_valid():
            data["goals"] = [g.cleaned_data for g in self.goals.forms if g.filled()]
        return data


class ReasonForm(forms.Form):
    text = _note("Lý do", required=True, max_length=cases.REASON_MAX)

    def __init__(self, *args, label="Lý do", required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].required = required
        self.fields["text"].error_messages["required"] = f"Vui lòng nhập {label.lower()}."


class GoalsForm(forms.Form):
    """One status choice per goal of the approved plan (a field `goal_<pk>` each), and a note."""

    note = _note("Ghi chú")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(plan.goals.all()) if plan is not None else []
        fields = {}
        for goal in self.goals:
            fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=f"{goal.get_need_display()} — hạn {goal.due_on:%d/%m/%Y}", choices=GoalStatus.choices,
                initial=goal.status, help_text=goal.description)
        self.fields = {**fields, "note": self.fields["note"]}

    def clean(self):
        cleaned = super().clean()
        cleaned["statuses"] = {goal.pk: cleaned[f"goal_{goal.pk}"] for goal in self.goals
                               if f"goal_{goal.pk}" in cleaned}
        return cleaned


class FollowUpForm(forms.Form):
    date = _date("Ngày theo dõi", initial=timezone.localdate)
    kind = forms.ChoiceField(label="Hình thức", choices=FollowUpKind.choices)
    note = _note("Ghi chú")
    next_due = _date("Hẹn lần sau", required=False)


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label="Lý do kết thúc", choices=[("", "— Chọn —"), *ClosureReason.choices],
                               error_messages={"required": "Vui lòng chọn lý do kết thúc."})
    note = _note("Ghi chú (bắt buộc khi chọn “Lý do khác”)", max_length=cases.REASON_MAX)


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(label="Hồ sơ trùng (sẽ được gộp vào hồ sơ này)", queryset=None,
                                       empty_label="— chọn —",
                                       error_messages={"required": "Vui lòng chọn hồ sơ trùng.",
                                                       "invalid_choice": "Vui lòng chọn trong danh sách."})
    note = _note("Ghi chú", max_length=cases.REASON_MAX)

    def __init__(self, *args, client, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = cases.merge_candidates(client, membership)
        self.fields["duplicate"].label_from_instance = lambda c: (
            f"{c.code} — mã định danh {c.uic}, đăng ký ngày {c.registered_on:%d/%m/%Y}")
