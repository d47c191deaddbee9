"""Forms of the wall's pages. They gather input and call the same checks as the services (`wall.reason_check`)."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from . import wall

FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)  # the access review's dates
REASON_HELP = f"Ít nhất {wall.REASON_MIN} ký tự; được ghi vào nhật ký truy cập cùng tên bạn và thời điểm."


def _reason_field(label: str, help_text: str = REASON_HELP) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, max_length=wall.REASON_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Vui lòng ghi lý do.",
                                           "max_length": f"Không quá {wall.REASON_MAX} ký tự."})


class _ReasonChecked(forms.Form):
    """A form whose `reason_fields` go through the service's check, so the error shows on the field."""

    reason_fields: dict = {}

    def clean(self):
        data = super().clean()
        for name, what in self.reason_fields.items():
            if data.get(name):
                try:
                    data[name] = wall.reason_check(data[name], name, what=what)
                except ValidationError as exc:
                    self.add_error(None, exc)
        return data


class BreakGlassForm(_ReasonChecked):
    code = forms.CharField(label="Mã hồ sơ", max_length=40, help_text="Nhập đúng và đủ mã hồ sơ (ví dụ HT-…).",
                           error_messages={"required": "Vui lòng nhập mã hồ sơ."})
    reason = _reason_field("Lý do phải mở hồ sơ ngoài phạm vi")
    reason_fields = {"reason": "lý do mở hồ sơ khẩn cấp"}


class ReviewForm(forms.Form):
    note = forms.CharField(label="Kết luận rà soát", max_length=wall.REASON_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Ví dụ: lý do chính đáng, đúng phạm vi cần thiết; hoặc nêu điểm chưa phù hợp.",
                           error_messages={"required": "Vui lòng ghi kết luận rà soát."})


class ExportForm(_ReasonChecked):
    reason = _reason_field("Lý do xuất dữ liệu",
                           "Ví dụ: người được hỗ trợ đề nghị được xem dữ liệu của mình ngày … "
                           f"(ít nhất {wall.REASON_MIN} ký tự; ghi vào nhật ký truy cập).")
    reason_fields = {"reason": "lý do xuất dữ liệu"}


class ErasureRequestForm(_ReasonChecked):
    reason = _reason_field("Căn cứ pháp lý, lý do xóa",
                           "Ví dụ: người được hỗ trợ rút lại đồng ý và đề nghị xóa dữ liệu theo Luật Bảo vệ dữ liệu "
                           f"cá nhân ngày … (ít nhất {wall.REASON_MIN} ký tự).")
    reason_fields = {"reason": "căn cứ pháp lý, lý do xóa"}


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="Tôi đã kiểm tra căn cứ pháp lý; xóa ngay dữ liệu cá nhân của hồ sơ (không khôi phục được)",
        error_messages={"required": "Hãy đánh dấu xác nhận trước khi xóa."})
    note = forms.CharField(label="Ghi chú (không bắt buộc)", required=False, max_length=wall.REASON_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ErasureRefuseForm(_ReasonChecked):
    note = _reason_field("Lý do không xóa", f"Ít nhất {wall.REASON_MIN} ký tự; cán bộ đề nghị đọc được.")
    reason_fields = {"note": "lý do không xóa"}


class AccessReviewForm(forms.Form):
    user = forms.ModelChoiceField(label="Người xem", required=False, queryset=get_user_model().objects.none(),
                                  empty_label="Tất cả",
                                  error_messages={"invalid_choice": "Người này không có trong danh sách."})
    date_from = forms.DateField(label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": "Ngày không hợp lệ (ngày/tháng/năm)."})
    date_to = forms.DateField(label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "Ngày không hợp lệ (ngày/tháng/năm)."})

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the people who appear in the seat's rows: the picker reveals nothing beyond them.
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not (FIRST_DAY <= day <= LAST_DAY):
                self.add_error(name, f"Chọn ngày từ năm {FIRST_DAY.year} đến năm {LAST_DAY.year}.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“Đến ngày” phải sau “Từ ngày”.")
        if start and end and (end - start).days > 366:
            self.add_error("date_from", "Chỉ xem được tối đa một năm mỗi lần.")
        return data
