"""Forms of the report steps; the rules they meet are in `services` (the same functions the tests call)."""

from django import forms
from django.core.exceptions import ValidationError

from pcmd.indicators.catalogue import CATALOGUE

from . import services
from .models import SectionKind
from .services import MAX_SECTION, previous_texts

TEXTAREA = {"rows": 8, "class": "form-control"}


class SectionsForm(forms.Form):
    """One text box per narrative section; an empty section offers last year's text as a start."""

    def __init__(self, data=None, *, report):
        super().__init__(data)
        self.report = report
        before = previous_texts(report)
        for section in report.sections.filter(kind=SectionKind.NARRATIVE):
            name = f"muc_{section.key}"
            self.fields[name] = forms.CharField(
                label=section.title + (" (bắt buộc khi gửi)" if section.required else ""), required=False,
                max_length=MAX_SECTION, widget=forms.Textarea(attrs=TEXTAREA),
                initial=section.text or before.get(section.key, ""),
                help_text="" if section.text or not before.get(section.key) else
                "Gợi ý từ báo cáo cùng kỳ năm trước; hãy sửa cho kỳ này.")

    def texts(self) -> dict[str, str]:
        return {name.removeprefix("muc_"): value for name, value in self.cleaned_data.items()}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Hãy ghi lý do."})


class NoteForm(forms.Form):
    reason = forms.CharField(label="Ghi chú (không bắt buộc)", max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    """A mandatory reason, then optional remarks on each section and on one figure."""

    reason = forms.CharField(label="Lý do trả lại", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."})

    def __init__(self, data=None, *, report):
        super().__init__(data)
        for section in report.sections.all():
            self.fields[f"nhanxet_{section.key}"] = forms.CharField(
                label=f"Nhận xét mục “{section.title}”", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["chi_so"] = forms.ChoiceField(
            label="Nhận xét về số liệu của chỉ số", required=False,
            choices=[("", "— Chọn chỉ số —"), *[(i.code, i.name) for i in CATALOGUE]])
        self.fields["nhanxet_chi_so"] = forms.CharField(label="Nhận xét về số liệu", required=False, max_length=2000,
                                                        widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("nhanxet_chi_so", "").strip() and not data.get("chi_so"):
            self.add_error("chi_so", "Hãy chọn chỉ số mà nhận xét nói đến.")
        return data

    def section_comments(self) -> dict[str, str]:
        return {name.removeprefix("nhanxet_"): value for name, value in self.cleaned_data.items()
                if name.startswith("nhanxet_") and name != "nhanxet_chi_so"}

    def figure_comments(self) -> dict[str, str]:
        code = self.cleaned_data.get("chi_so")
        return {code: self.cleaned_data.get("nhanxet_chi_so", "")} if code else {}


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label, **kwargs):
    return forms.DateField(label=label, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": "Hãy chọn ngày.", "invalid": "Ngày không hợp lệ."}, **kwargs)


class AdhocForm(forms.Form):
    """An ad hoc request: a name, the questions (one a line, each a required section), the window and the deadline.
    The rules are `services.adhoc_check`, also run by the service."""

    title = forms.CharField(label="Tên báo cáo đột xuất", max_length=200,
                            error_messages={"required": "Hãy ghi tên báo cáo đột xuất."},
                            help_text="Ví dụ: Báo cáo nhanh tình hình kiểm tra cơ sở lưu trú dịp nghỉ lễ 2/9")
    questions = forms.CharField(label="Nội dung cần báo cáo (mỗi dòng một nội dung)", max_length=6000,
                                widget=forms.Textarea(attrs={"rows": 5}),
                                error_messages={"required": "Hãy ghi ít nhất một nội dung cần báo cáo."},
                                help_text="Mỗi nội dung thành một mục bắt buộc của báo cáo (tối đa 10).")
    window_start = _date("Số liệu từ ngày")
    window_end = _date("Chốt số liệu ngày")
    due_date = _date("Hạn gửi")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["question_list"] = services.adhoc_check(
                title=data["title"], questions=data["questions"].splitlines(), window_start=data["window_start"],
                window_end=data["window_end"], due_date=data["due_date"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class TypeForm(forms.Form):
    """A report type's name, data window, deadline, recipient and outline; the rules are `services.type_update`."""

    name = forms.CharField(label="Tên loại báo cáo", max_length=200)
    start_day = forms.IntegerField(label="Số liệu từ ngày", min_value=1, max_value=31)
    start_month = forms.IntegerField(label="tháng", min_value=1, max_value=12)
    end_day = forms.IntegerField(label="Chốt số liệu ngày", min_value=1, max_value=31)
    end_month = forms.IntegerField(label="tháng", min_value=1, max_value=12)
    due_day = forms.IntegerField(label="Hạn gửi ngày", min_value=1, max_value=31)
    due_month = forms.IntegerField(label="tháng", min_value=1, max_value=12)
    recipient = forms.CharField(label="Gửi đến", max_length=255)
    outline_text = forms.CharField(
        label="Đề cương (mỗi dòng một mục)", max_length=6000, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Thêm dấu * trước mục bắt buộc; dòng “{services.FIGURES_LINE}” là vị trí bảng số liệu.")

    @classmethod
    def for_type(cls, report_type, data=None):
        initial = {name: getattr(report_type, name) for name in
                   ("name", "start_day", "start_month", "end_day", "end_month", "due_day", "due_month", "recipient")}
        initial["outline_text"] = services.outline_to_text(report_type.outline)
        return cls(data, initial=initial)
