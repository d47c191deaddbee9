"""Forms of referrals, services received, providers and outreach contacts. They gather input and narrow the
choices to the seat's scope; the rules (consent, dates, states, counts) are in `referrals.py`."""

import datetime

from django import forms
from django.utils import timezone

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import UnitSearchInput, unit_field
from pcmd.core.scoping import with_directory_above, within
from pcmd.geo.models import Level
from pcmd.org.models import Agency
from pcmd.venues.models import Establishment

from . import referrals
from .models import OutreachContact, Provider, ReferralStatus, ServiceKind, SupportNeed

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"min": 0, "class": "form-control", "inputmode": "numeric"}
DATE_ERRORS = {"invalid": "Ngày không hợp lệ (ngày/tháng/năm).", "required": "Vui lòng nhập ngày."}


def _provider_field(membership, required=True):
    field = forms.ModelChoiceField(
        label="Nơi nhận" if required else "Nơi cung cấp", required=required,
        queryset=referrals.provider_choices(membership).order_by("name"), empty_label="— chọn trong danh bạ —",
        error_messages={"required": "Vui lòng chọn nơi nhận trong danh bạ.",
                        "invalid_choice": "Nơi nhận không có trong danh bạ của đơn vị."})
    field.label_from_instance = lambda p: f"{p.name} ({p.get_kind_display()})"
    return field


class ReferralForm(forms.Form):
    provider = forms.Field()  # replaced in __init__ by the seat's directory
    need = forms.ChoiceField(label="Nhu cầu", choices=[("", "— chọn —"), *SupportNeed.choices],
                             error_messages={"required": "Vui lòng chọn nhu cầu.",
                                             "invalid_choice": "Vui lòng chọn nhu cầu trong danh sách."})
    answer_due = forms.DateField(label="Hạn nơi nhận trả lời", widget=DATE, error_messages=DATE_ERRORS,
                                 help_text=f"Mặc định {referrals.ANSWER_DAYS} ngày kể từ hôm nay.")
    note = forms.CharField(label="Nội dung giới thiệu", required=False, max_length=referrals.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="Chỉ những gì nơi nhận cần biết để cung cấp dịch vụ; in trên phiếu giới thiệu. "
                                     "Không ghi họ tên, địa chỉ hay chuyện riêng khác.")

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = _provider_field(membership)
        self.order_fields(["provider", "need", "answer_due", "note"])
        self.fields["answer_due"].initial = timezone.localdate() + datetime.timedelta(days=referrals.ANSWER_DAYS)


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label="Dịch vụ", choices=[("", "— chọn —"), *ServiceKind.choices],
                             error_messages={"required": "Vui lòng chọn dịch vụ.",
                                             "invalid_choice": "Vui lòng chọn dịch vụ trong danh sách."})
    received_on = forms.DateField(label="Ngày nhận", widget=DATE, error_messages=DATE_ERRORS)
    provider = forms.Field(required=False)
    referral = forms.ModelChoiceField(label="Theo giới thiệu", required=False, queryset=None,
                                      empty_label="— không theo giới thiệu nào —",
                                      error_messages={"invalid_choice": "Giới thiệu không thuộc hồ sơ này."})
    note = forms.CharField(label="Ghi chú", required=False, max_length=referrals.SHORT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, membership, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = _provider_field(membership, required=False)
        self.fields["referral"].queryset = client.referrals.exclude(status=ReferralStatus.CANCELLED).select_related(
            "provider")
        self.fields["referral"].label_from_instance = lambda r: f"{r} — {r.provider.name}"
        self.fields["received_on"].initial = timezone.localdate()
        self.order_fields(["kind", "received_on", "provider", "referral", "note"])


class AnswerForm(forms.Form):
    """The provider's answer (public link, the provider's inbox, or the case worker)."""

    received_on = forms.DateField(label="Ngày tiếp nhận người được giới thiệu", widget=DATE,
                                  error_messages=DATE_ERRORS)
    outcome = forms.ChoiceField(label="Kết quả", choices=referrals.Outcome.CHOICES, widget=forms.RadioSelect,
                                error_messages={"required": "Vui lòng chọn kết quả.",
                                                "invalid_choice": "Vui lòng chọn kết quả trong danh sách."})
    done_on = forms.DateField(label="Ngày có kết quả", required=False, widget=DATE, error_messages=DATE_ERRORS,
                              help_text="Khi đã cung cấp hoặc không cung cấp được dịch vụ (mặc định hôm nay).")
    note = forms.CharField(label="Ghi chú ngắn", required=False, max_length=referrals.SHORT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Ví dụ: đã xét nghiệm, hẹn tái khám; hoặc lý do không cung cấp được.")

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()
        if referral is not None and referral.status == ReferralStatus.RECEIVED:
            self.fields["received_on"].required = False
            self.fields["received_on"].initial = referral.received_on
            self.fields["received_on"].disabled = True
            self.fields["outcome"].choices = referrals.Outcome.CHOICES[1:]


class WorkerAnswerForm(AnswerForm):
    service_kind = forms.ChoiceField(
        label="Ghi luôn dịch vụ đã nhận", required=False, choices=[("", "— không —"), *ServiceKind.choices],
        help_text="Khi nơi nhận đã cung cấp dịch vụ: ghi luôn vào “Dịch vụ đã nhận” của hồ sơ (ngày có kết quả).",
        error_messages={"invalid_choice": "Vui lòng chọn dịch vụ trong danh sách."})


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=referrals.SHORT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Vui lòng nhập lý do hủy."})


class CodeForm(forms.Form):
    code = forms.CharField(label="Mã trả lời trên phiếu giới thiệu", max_length=64,
                           error_messages={"required": "Vui lòng nhập mã trả lời."},
                           help_text="26 ký tự chữ và số, có thể viết liền hoặc cách nhau bằng dấu cách.")


class StatusFilterForm(forms.Form):
    tinh_trang = forms.ChoiceField(label="Tình trạng", required=False,
                                   choices=[("", "Tất cả"), *ReferralStatus.choices],
                                   error_messages={"invalid_choice": "Tình trạng không có trong danh sách; "
                                                                     "đang hiển thị tất cả."})


class ProviderForm(ScopedModelForm):
    class Meta:
        model = Provider
        fields = ["name", "kind", "address", "phone", "contact_person", "agency", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A provider of the commune may be an agency of the commune or of its province (a district health centre).
        agencies = with_directory_above(Agency.objects.filter(is_active=True), self.membership)
        self.fields["agency"].queryset = agencies.select_related("unit").order_by("unit__path", "name")
        self.fields["agency"].label_from_instance = lambda a: f"{a.name} ({a.unit.name})"
        self.fields["agency"].help_text = ("Khi nơi nhận có tài khoản trên PCMD: cán bộ hỗ trợ của cơ quan đó trả lời "
                                           "giới thiệu ngay trên PCMD (mục “Giới thiệu đến đơn vị tôi”).")


class OutreachContactForm(ScopedModelForm):
    class Meta:
        model = OutreachContact
        fields = ["date", "unit", "establishment", "place", "worker", *referrals.COUNTS, "note"]
        widgets = {"date": DATE, **{name: forms.NumberInput(attrs=NUMBER) for name in referrals.COUNTS}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        m = self.membership
        field = unit_field(self, "unit", [Level.COMMUNE, Level.HAMLET])  # a search box when the scope is large
        field.label = "Xã, phường hoặc thôn, tổ dân phố"
        if not isinstance(field.widget, UnitSearchInput):
            field.queryset = field.queryset.select_related("parent")
            field.label_from_instance = lambda u: (f"{u.name} ({u.parent.name})" if u.level == Level.HAMLET
                                                   else u.name)
        if m is not None and m.unit is not None and m.unit.level == Level.COMMUNE and not self.instance.pk:
            self.fields["unit"].initial = m.unit.pk
        # Where it took place, not a venue record to read: the commune's establishments by name only.
        places = within(Establishment.objects.all(), m.unit) if m is not None and m.unit is not None \
            else Establishment.objects.none()
        self.fields["establishment"].queryset = places.order_by("name")
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].error_messages.update(DATE_ERRORS)
        for name in referrals.COUNTS:
            self.fields[name].error_messages.update({"min_value": "Vui lòng nhập một số không âm.",
                                                     "invalid": "Vui lòng nhập một số nguyên."})
