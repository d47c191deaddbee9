from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from pcmd.core.crud import ScopedModelForm, add_errors
from pcmd.core.pickers import unit_field
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency

from . import services
from .models import LegalBasis, Plan, ProgressStatus, ReportingDuty, Target, Task, TaskProgress

PLAN_LEVELS = [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]  # the units that issue plans
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(ScopedModelForm):
    class Meta:
        model = Plan
        fields = ["unit", "number", "title", "issuer", "place", "issue_date", "kind", "period", "parent", "status",
                  "signer_title", "signer_name", "recipients"]
        widgets = {"issue_date": DATE_WIDGET, "title": forms.Textarea(attrs={"rows": 2}),
                   "recipients": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)
            self.fields["unit"].disabled = True  # a plan stays with the unit that issued it
        unit_field(self, "unit", PLAN_LEVELS, active=False)

    def clean_period(self):
        period = self.cleaned_data["period"].strip().replace("–", "-").replace(" ", "")
        first, _, last = period.partition("-")
        if not period.isascii():
            raise forms.ValidationError("Kỳ kế hoạch ghi dạng 2026 hoặc 2026-2030.")
        if period and not (first.isdigit() and len(first) == 4 and (not last or (last.isdigit() and len(last) == 4
                                                                              and int(last) >= int(first)))):
            raise forms.ValidationError("Kỳ kế hoạch ghi dạng 2026 hoặc 2026-2030.")
        return period


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp văn bản kế hoạch",
        help_text="Nhận tệp Word (.docx, .doc), .odt, .rtf, .txt, PDF (cả bản quét) hoặc ảnh chụp trang (.jpg, .png); "
                  "bản quét/ảnh được đọc bằng OCR và cần rà soát kỹ.",
        error_messages={"required": "Hãy chọn tệp văn bản kế hoạch.", "empty": "Tệp đã chọn không có nội dung."},
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.doc,.odt,.rtf,.txt,.pdf,.jpg,.jpeg,.png"}),
    )
    unit = forms.ModelChoiceField(label="Đơn vị ban hành kế hoạch", required=False, queryset=AdminUnit.objects.none(),
                                  help_text="Kế hoạch của xã, phường nào thì chọn xã, phường đó (để trống: đơn vị "
                                            "của bạn).")
    parent = forms.ModelChoiceField(label="Kế hoạch cấp trên", required=False, queryset=Plan.objects.none(),
                                    help_text="Không bắt buộc: kế hoạch mà văn bản này triển khai.")
    field_order = ["file", "unit", "parent"]

    def __init__(self, *args, parents=None, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if parents is not None:
            self.fields["parent"].queryset = parents
        if membership is not None:
            if membership.unit_id is not None:
                self.fields["unit"].initial = membership.unit
                self.fields["unit"].empty_label = f"{membership.unit.name} (đơn vị của bạn)"
            unit_field(self, "unit", PLAN_LEVELS)

    def clean_unit(self):
        unit = self.cleaned_data.get("unit") or getattr(self.membership, "unit", None)
        if unit is None:
            raise forms.ValidationError("Hãy chọn đơn vị ban hành kế hoạch (tỉnh, thành phố hoặc xã, phường).")
        return unit

    def clean_file(self):
        """Refuse an oversized file before reading it into memory (extract_text checks again)."""
        from .parsing.extract import max_upload_bytes

        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"Tệp quá lớn ({filesizeformat(upload.size)}); kích thước tối đa là "
                                        f"{filesizeformat(limit)}. Hãy bỏ bớt hình ảnh hoặc lưu lại tệp gọn hơn.")
        return upload


class MoveForm(forms.Form):
    """The review screen's "this draft belongs to another unit" (a ward plan uploaded by the province)."""

    unit = forms.ModelChoiceField(label="Chuyển dự thảo sang đơn vị", queryset=AdminUnit.objects.none(),
                                  error_messages={"required": "Hãy chọn đơn vị ban hành kế hoạch."})

    def __init__(self, *args, membership, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        unit_field(self, "unit", PLAN_LEVELS)
        if self.fields["unit"].widget.input_type == "select":
            self.fields["unit"].queryset = self.fields["unit"].queryset.exclude(pk=plan.unit_id)


class ConfirmForm(forms.Form):
    issued = forms.BooleanField(label="Văn bản này đã được ký ban hành (không còn là dự thảo)", required=False)


LINE_HELP = "Số dòng trong văn bản gốc (cột bên trái)."


def service_check(form, check, data: dict) -> None:
    """Run a service's rule on the form's data: its errors show on their fields, typed data kept."""
    try:
        check(data)
    except ValidationError as exc:
        add_errors(form, exc)


class ItemForm(ScopedModelForm):
    """Base of the review forms: line range checks shared by every item kind."""

    def clean(self):
        data = super().clean()
        start, end = data.get("line_start"), data.get("line_end")
        if start and end and end < start:
            self.add_error("line_end", "Dòng kết thúc phải sau dòng bắt đầu.")
        return data


class TargetForm(ItemForm):
    class Meta:
        model = Target
        fields = ["section", "text", "metric", "comparator", "value", "value_max", "year", "population", "scope",
                  "indicator", "line_start", "line_end"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"line_start": LINE_HELP}

    def clean(self):
        data = super().clean()
        service_check(self, services.target_check, data)
        return data


class NamesField(forms.CharField):
    """A list of names, one per line (agency names as the document writes them)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class TaskForm(ItemForm):
    lead_names = NamesField(label="Cơ quan chủ trì (như văn bản, mỗi dòng một tên)", required=False)
    partner_names = NamesField(label="Cơ quan phối hợp (như văn bản, mỗi dòng một tên)", required=False)

    class Meta:
        model = Task
        fields = ["ref", "title", "text", "lead_names", "lead_agencies", "partner_names", "partner_agencies",
                  "due_date", "frequency", "timing", "line_start", "line_end"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "text": forms.Textarea(attrs={"rows": 3}),
                   "due_date": DATE_WIDGET, "lead_agencies": forms.SelectMultiple(attrs={"size": 6}),
                   "partner_agencies": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.filter(unit=plan.unit, is_active=True) if plan else Agency.objects.none()
        for name in ("lead_agencies", "partner_agencies"):
            self.fields[name].queryset = self.fields[name].queryset & agencies


class DutyForm(ItemForm):
    class Meta:
        model = ReportingDuty
        fields = ["text", "reporter", "recipient", "via", "frequency", "deadline_day", "deadline_month",
                  "line_start", "line_end"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        service_check(self, services.duty_check, data)
        return data


class LegalBasisForm(ItemForm):
    class Meta:
        model = LegalBasis
        fields = ["text", "number", "date", "issuer", "title", "line_start", "line_end"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "date": DATE_WIDGET}


ITEM_FORMS = {Target: TargetForm, Task: TaskForm, ReportingDuty: DutyForm, LegalBasis: LegalBasisForm}


class ProgressForm(forms.ModelForm):
    class Meta:
        model = TaskProgress
        fields = ["date", "status", "note", "attachment"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"attachment": "Không bắt buộc. PDF, Word (.docx), Excel (.xlsx), ảnh JPG/PNG; tối đa 10 MB."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ProgressStatus.choices

