"""Forms of the public pages. They work as plain POSTs: no JavaScript is needed anywhere."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pcmd.core.collation import vi_order
from pcmd.core.scoping import within
from pcmd.geo.models import AdminUnit
from pcmd.public import challenge, uploads
from pcmd.support.models import CounsellingNeed
from pcmd.tips.models import TipCategory

REQUIRED = "Vui lòng nhập mục này."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. The field only gathers them: `FilesMixin` checks and re-encodes
    them once everything else in the form is valid (no image work for a robot's or a mistyped post)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


class FilesMixin(forms.Form):
    """Runs last (first in the bases): files are cleaned only when the rest of the form is valid and the
    challenge, if the form has one, was answered (whatever the order of the bases)."""

    def clean(self):
        data = super().clean()
        if "files" in self.fields and not self.errors and getattr(self, "challenge_passed", True):
            try:
                data["files"] = uploads.clean_files(data.get("files") or [])
            except ValidationError as error:
                self.add_error("files", error)
        return data


def provinces():
    return AdminUnit.objects.filter(level="province", is_active=True).order_by(vi_order())


def communes(province):
    """The communes of a province for the public form (no user: every citizen may choose any of them)."""
    return within(AdminUnit.objects.filter(level="commune", is_active=True), province).order_by(vi_order())


class ProvinceForm(forms.Form):
    """Step one (GET): the province, so that step two lists only its communes."""

    tinh = forms.ModelChoiceField(label="Tỉnh, thành phố", queryset=provinces(), to_field_name="code",
                                  empty_label="— Chọn tỉnh, thành phố —",
                                  error_messages={"required": "Vui lòng chọn tỉnh, thành phố.",
                                                  "invalid_choice": "Vui lòng chọn tỉnh, thành phố trong danh sách."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tinh"].queryset = provinces()


class ChallengeMixin(forms.Form):
    """The anti-robot question (see challenge.py): a signed token and its answer."""

    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)
    challenge_answer = forms.CharField(label="Câu hỏi kiểm tra", max_length=10, required=False,
                                       widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        token, question = challenge.new()
        self.challenge_question = question
        self.new_challenge_token = token
        self.challenge_passed = False

    def clean(self):
        problem = challenge.check(self.data.get("challenge_token", ""), self.data.get("challenge_answer", ""))
        if problem:
            self.add_error("challenge_answer", problem)
        self.challenge_passed = not problem
        return super().clean()


class CommuneMixin(forms.Form):
    commune = forms.ModelChoiceField(label="Xã, phường, đặc khu", queryset=AdminUnit.objects.none(),
                                     empty_label="— Chọn xã, phường —",
                                     error_messages={"required": "Vui lòng chọn xã, phường nơi xảy ra sự việc.",
                                                     "invalid_choice": "Vui lòng chọn xã, phường trong danh sách."})

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province
        self.fields["commune"].queryset = communes(province) if province else AdminUnit.objects.none()


class TipForm(FilesMixin, CommuneMixin, ChallengeMixin):
    ANONYMOUS, NAMED = "anonymous", "named"

    category = forms.ChoiceField(label="Sự việc liên quan đến", choices=TipCategory.choices,
                                 widget=forms.RadioSelect, error_messages={"required": "Vui lòng chọn một mục."})
    description = forms.CharField(label="Sự việc đã xảy ra", min_length=20, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text="Mô tả những gì bạn biết: ai, làm gì, ở đâu, khi nào, diễn ra thế nào.",
                                  error_messages={"required": "Vui lòng mô tả sự việc.",
                                                  "min_length": "Vui lòng mô tả cụ thể hơn (ít nhất %(limit_value)d "
                                                                "ký tự, hiện có %(show_value)d).",
                                                  "max_length": "Nội dung dài quá %(limit_value)d ký tự (hiện có "
                                                                "%(show_value)d); hãy gửi phần còn lại ở mục "
                                                                "bổ sung sau khi có mã tra cứu."})
    location = forms.CharField(label="Địa chỉ, nơi xảy ra", max_length=255, required=False,
                               help_text="Số nhà, tên đường, thôn, tổ dân phố hoặc mô tả vị trí.")
    venue_name = forms.CharField(label="Tên cơ sở kinh doanh (nếu có)", max_length=255, required=False,
                                 help_text="Ví dụ: tên quán karaoke, cơ sở xoa bóp, nhà nghỉ.")
    online_link = forms.URLField(label="Đường dẫn trên mạng", max_length=500, required=False,
                                 help_text="Bắt buộc khi sự việc diễn ra trên mạng (trang web, mạng xã hội).",
                                 error_messages={"invalid": "Đường dẫn không hợp lệ (ví dụ: https://...)."},
                                 assume_scheme="https")
    occurred_on = forms.DateField(label="Ngày xảy ra", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                  error_messages={"invalid": "Ngày không hợp lệ (ví dụ: 25/11/2026)."})
    occurred_when = forms.CharField(label="Thời gian (mô tả thêm)", max_length=120, required=False,
                                    help_text="Ví dụ: khoảng 22 giờ các tối cuối tuần.")
    report_type = forms.ChoiceField(label="Hình thức gửi", widget=forms.RadioSelect, initial=ANONYMOUS,
                                    choices=[(ANONYMOUS, "Phản ánh, tin báo ẩn danh (không cần ghi tên)"),
                                             (NAMED, "Tố cáo có ghi rõ họ tên, địa chỉ")],
                                    error_messages={"required": "Vui lòng chọn hình thức gửi."})
    reporter_name = forms.CharField(label="Họ và tên", max_length=120, required=False)
    reporter_contact = forms.CharField(label="Địa chỉ, số điện thoại hoặc e-mail", max_length=300, required=False)
    reporter_identity = forms.CharField(label="Số định danh cá nhân / CCCD", max_length=20, required=False)
    files = MultipleFileField(label="Ảnh, tài liệu kèm theo")

    field_order = ["commune", "category", "description", "location", "venue_name", "online_link", "occurred_on",
                   "occurred_when", "report_type", "reporter_name", "reporter_contact", "reporter_identity",
                   "files", "challenge_answer"]

    def clean_occurred_on(self):
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise ValidationError("Ngày xảy ra không thể sau ngày hôm nay.")
        return day

    def clean(self):
        data = self.cleaned_data  # the form's own rules first: the files are cleaned last (FilesMixin)
        if data.get("category") == TipCategory.ONLINE and not data.get("online_link") \
                and "online_link" not in self.errors:
            self.add_error("online_link", "Vui lòng cho biết đường dẫn khi sự việc diễn ra trên mạng.")
        if data.get("report_type") == self.NAMED:
            if not data.get("reporter_name"):
                self.add_error("reporter_name", "Tố cáo cần ghi rõ họ tên người tố cáo.")
            if not data.get("reporter_contact"):
                self.add_error("reporter_contact", "Tố cáo cần ghi rõ địa chỉ hoặc cách liên hệ của người tố cáo.")
        return super().clean()


class CounsellingForm(CommuneMixin, ChallengeMixin):
    needs = forms.MultipleChoiceField(label="Bạn cần hỗ trợ về", choices=CounsellingNeed.choices,
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": "Vui lòng chọn ít nhất một mục."})
    message = forms.CharField(label="Điều bạn muốn chia sẻ (không bắt buộc)", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"max_length": "Nội dung dài quá %(limit_value)d ký tự (hiện có "
                                                            "%(show_value)d)."})
    contact = forms.CharField(label="Cách liên hệ với bạn (không bắt buộc)", max_length=200, required=False,
                              help_text="Số điện thoại, Zalo hoặc e-mail và thời gian thuận tiện. Nếu để trống, "
                                        "bạn đọc trả lời bằng mã tra cứu.")

    field_order = ["commune", "needs", "message", "contact", "challenge_answer"]


class LookupForm(forms.Form):
    code = forms.CharField(label="Mã tra cứu", max_length=40,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                         "placeholder": "1234 5678 9012 3456"}),
                           error_messages={"required": "Vui lòng nhập mã tra cứu."})


class ReplyForm(FilesMixin):
    text = forms.CharField(label="Trả lời, bổ sung thông tin", max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"max_length": "Nội dung dài quá %(limit_value)d ký tự (hiện có "
                                                         "%(show_value)d)."})
    files = MultipleFileField(label="Ảnh, tài liệu bổ sung")

    def clean(self):
        if not self.cleaned_data.get("text") and not self.cleaned_data.get("files") and not self.errors:
            raise ValidationError("Vui lòng nhập nội dung hoặc chọn tệp để gửi.")
        return super().clean()


class CounsellingReplyForm(forms.Form):
    """The person's answer on the status page of a counselling request (text only; the support service checks it)."""

    text = forms.CharField(label="Trả lời, bổ sung thông tin", required=False, widget=forms.Textarea(attrs={"rows": 4}))
