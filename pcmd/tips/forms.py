from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from pcmd.core.collation import vi_order
from pcmd.core.crud import ScopedModelForm, add_errors
from pcmd.core.pickers import UnitSearchInput, unit_field
from pcmd.core.scoping import scoped, within
from pcmd.enforcement.models import CriminalCase
from pcmd.geo.models import AdminUnit, Level
from pcmd.hotspots.forms import chosen_unit, date_widget, limit_links
from pcmd.hotspots.models import Hotspot
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.venues.models import Establishment

from . import services
from .models import Tip, TipChannel, TipKind, TipOutcome
from .selectors import can_see_identity

# Whether the reporter is named, and who: only roles that may read the identity see or change these.
IDENTITY_FIELDS = ("is_anonymous", "reporter_name", "reporter_contact", "reporter_identity")
STAFF_CHANNELS = [c for c in TipChannel.choices if c[0] != TipChannel.WEB]


class TipForm(ScopedModelForm):
    """Staff intake (and correction of what was received). Workflow fields change through the actions."""

    channel = forms.ChoiceField(label="Nguồn tiếp nhận", choices=STAFF_CHANNELS)
    online_link = forms.URLField(label="Đường dẫn trên mạng", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Tip
        fields = ["unit", "channel", "kind", "category", "summary", "description", "location", "occurred_on",
                  "occurred_when", "venue_name", "establishment", "online_link", "is_anonymous", "reporter_name",
                  "reporter_contact", "reporter_identity"]
        widgets = {"occurred_on": date_widget(), "description": forms.Textarea(attrs={"rows": 5}),
                   "reporter_name": forms.TextInput(), "reporter_contact": forms.TextInput(),
                   "reporter_identity": forms.TextInput()}
        labels = {"unit": "Xã, phường nơi xảy ra", "kind": "Phân loại sơ bộ (nếu đã rõ)"}
        help_texts = {"kind": "Khiếu nại có thời hạn thụ lý 10 ngày; để trống nếu chưa rõ, phân loại khi xác minh.",
                      "is_anonymous": "Bỏ chọn nếu người báo cho biết họ tên (tố giác có danh tính).",
                      "reporter_identity": "Số CCCD hoặc giấy tờ khác; được mã hóa khi lưu."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["unit"].disabled = True  # another unit takes a tip over only by transfer
            self.fields["channel"].disabled = True
            self.initial["channel"] = self.instance.channel
            if self.instance.channel == TipChannel.WEB:
                self.fields["channel"].choices = TipChannel.choices
        unit_field(self, "unit", [Level.COMMUNE])
        limit_links(self, chosen_unit(self), [("establishment", Establishment)])
        if not can_see_identity(self.membership):
            # Whoever may not read the reporter's identity never gets it in a form either (DOMAIN.md §7).
            for name in IDENTITY_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if "reporter_name" not in self.fields:
            return data
        try:
            services.tip_reporter_check({"is_anonymous": data.get("is_anonymous"),
                                         "reporter_name": data.get("reporter_name")})
        except ValidationError as exc:
            add_errors(self, exc)
        return data


class ConfirmForm(forms.Form):
    """No fields: the action is confirmed by the button."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Nội dung, lý do", widget=forms.Textarea(attrs={"rows": 3}))


class ClassifyForm(ReasonForm):
    kind = forms.ChoiceField(label="Phân loại", choices=TipKind.choices)
    is_complex = forms.BooleanField(label="Vụ việc phức tạp (thời hạn dài hơn)", required=False)
    is_urgent = forms.BooleanField(label="Khẩn cấp", required=False)
    involves_minor = forms.BooleanField(label="Liên quan người dưới 18 tuổi", required=False)
    involves_trafficking = forms.BooleanField(label="Có dấu hiệu mua bán người", required=False)
    field_order = ["kind", "is_complex", "is_urgent", "involves_minor", "involves_trafficking", "reason"]


class AssignForm(ReasonForm):
    agency = forms.ModelChoiceField(label="Cơ quan được giao", queryset=Agency.objects.none())
    field_order = ["agency", "reason"]

    def __init__(self, *args, tip, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (Agency.objects.filter(unit_id__in=[tip.unit_id, tip.province_id])
                                          .select_related("unit").order_by("unit__level", "name"))


class ExtendForm(ReasonForm):
    approver = forms.CharField(label="Người, cơ quan phê duyệt", max_length=255,
                               help_text="Ví dụ: Viện kiểm sát nhân dân khu vực 1 — Văn bản số 12/VKS.")
    new_due_date = forms.DateField(label="Hạn mới", widget=date_widget())
    field_order = ["new_due_date", "approver", "reason"]


# A select lists at most this many linked records (the most recent); validation still takes any of the commune's.
LINK_CHOICES_SHOWN = 200


class HandleForm(ReasonForm):
    outcome = forms.ChoiceField(label="Kết quả", choices=[c for c in TipOutcome.choices
                                                          if c[0] != TipOutcome.DUPLICATE])
    visit = forms.ModelChoiceField(label="Lượt kiểm tra", queryset=Visit.objects.none(), required=False)
    criminal_case = forms.ModelChoiceField(label="Vụ án", queryset=CriminalCase.objects.none(), required=False)
    hotspot = forms.ModelChoiceField(label="Điểm, tụ điểm", queryset=Hotspot.objects.none(), required=False)
    field_order = ["outcome", "visit", "criminal_case", "hotspot", "reason"]

    # field, model, link to the establishment, newest first
    LINKS = (("visit", Visit, "establishment", "-date"),
             ("criminal_case", CriminalCase, "establishments", "-detected_on"),
             ("hotspot", Hotspot, "establishments", "-first_identified"))

    def __init__(self, *args, tip, membership, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model, link, order in self.LINKS:
            field = self.fields[name]
            # Validation takes the whole set (a sliced queryset refuses every choice); only the select is cut.
            field.queryset = within(scoped(model.objects.all(), membership, "view"), tip.unit)
            shown = field.queryset.select_related("establishment") if model is Visit else field.queryset
            if tip.establishment_id:  # the records of the tip's establishment first
                shown = shown.annotate(of_establishment=Exists(
                    model.objects.filter(pk=OuterRef("pk"), **{link: tip.establishment_id}))
                ).order_by("-of_establishment", order, "-pk")
            else:
                shown = shown.order_by(order, "-pk")
            field.widget.choices = [("", field.empty_label)] + [
                (obj.pk, field.label_from_instance(obj)) for obj in shown[:LINK_CHOICES_SHOWN]]
            if field.queryset.count() > LINK_CHOICES_SHOWN:
                field.help_text = f"Danh sách hiện {LINK_CHOICES_SHOWN} bản ghi gần nhất của xã, phường."
        self.fields["reason"].label = "Kết quả xử lý"


class CloseForm(forms.Form):
    reason = forms.CharField(label="Trả lời người báo", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="Người báo đọc nội dung này trên trang tra cứu bằng mã tiếp nhận.")


class MessageForm(forms.Form):
    reason = forms.CharField(label="Tin nhắn gửi người báo", widget=forms.Textarea(attrs={"rows": 3}))


class TransferForm(ReasonForm):
    to_unit = forms.ModelChoiceField(label="Chuyển đến xã, phường", queryset=AdminUnit.objects.none())
    field_order = ["to_unit", "reason"]

    def __init__(self, *args, tip, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        field.queryset = (AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True)
                          .exclude(pk=tip.unit_id).select_related("province")
                          .order_by(vi_order("province__name"), vi_order()))
        field.label_from_instance = lambda u: f"{u.name} — {u.province.name}"
        if membership is not None and membership.unit_id is None:
            # A national seat may send anywhere, and its unit search answers every commune: a search box rather
            # than 3,321 options.
            field.to_field_name = "code"
            field.widget = UnitSearchInput(levels=[Level.COMMUNE])
            field.error_messages["invalid_choice"] = ("Không có xã, phường mã “%(value)s”. Hãy gõ tên rồi chọn trong "
                                                      "danh sách gợi ý.")
            field.help_text = "Gõ tên xã, phường (không cần dấu) rồi chọn trong danh sách gợi ý."


class MergeForm(ReasonForm):
    primary_code = forms.CharField(label="Số tin chính (gộp tin này vào)", max_length=24,
                                   help_text="Ví dụ TB31-2026-000012; các tin có thể trùng được gợi ý bên cạnh.")
    field_order = ["primary_code", "reason"]

    def __init__(self, *args, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible = visible

    def clean_primary_code(self):
        code = self.cleaned_data["primary_code"].strip().upper()
        primary = self.visible.filter(code=code).first()
        if primary is None:
            raise forms.ValidationError("Không tìm thấy tin báo có số này trong phạm vi của bạn.")
        self.cleaned_data["primary"] = primary
        return code
