"""Forms of the support pages. They gather input; the rules (required text, lengths, states) are in services."""

from django import forms

from .models import CounsellingStatus


class InboxFilterForm(forms.Form):
    tinh_trang = forms.ChoiceField(label="Tình trạng", required=False,
                                   choices=[("", "Tất cả"), *CounsellingStatus.choices],
                                   error_messages={"invalid_choice": "Tình trạng không có trong danh sách; "
                                                                     "đang hiển thị tất cả."})


class StepForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = step.text_label
