from django import forms

from pcmd.core.crud import ScopedModelForm
from pcmd.core.pickers import unit_field
from pcmd.core.scoping import agency_bound, unit_choices, within
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency

from .models import Establishment, EstablishmentType

# Sections of the form (phone-friendly: one column, grouped), in order.
SECTIONS = [
    ("Thông tin chung", ["name", "type", "status", "unit", "hamlet", "address", "latitude", "longitude"]),
    ("Giấy phép", ["registration_number", "licence_number", "licence_date", "licence_expiry",
                   "security_cert_number", "security_cert_date", "security_cert_expiry"]),
    ("Chủ cơ sở, người quản lý", ["owner_name", "owner_phone", "manager_name", "manager_phone"]),
    ("Quản lý nhà nước", ["managing_agency", "workers_total", "workers_female", "commitment_date", "notes"]),
]
DATE_FIELDS = ["licence_date", "licence_expiry", "security_cert_date", "security_cert_expiry", "commitment_date"]


class EstablishmentForm(ScopedModelForm):
    confirm_duplicate = forms.BooleanField(label="Vẫn lưu (không phải trùng)", required=False)

    class Meta:
        model = Establishment
        fields = [f for _title, names in SECTIONS for f in names]
        widgets = {
            **{f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for f in DATE_FIELDS},
            "owner_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "manager_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "workers_total": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "workers_female": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "managing_agency": "Để trống: cơ quan quản lý mặc định của loại hình ở xã (nếu không có thì của tỉnh).",
            "registration_number": "Dùng để phát hiện cơ sở bị nhập trùng.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = "Xã, phường, đặc khu"
        self.fields["type"].queryset = EstablishmentType.objects.filter(is_active=True)
        m = self.membership
        if m is not None and m.unit is not None and m.unit.level == Level.COMMUNE:
            self.fields["unit"].initial = m.unit.pk
            self.fields["unit"].required = False
            self.fields["unit"].disabled = True  # a commune user's establishments are the commune's
        unit_field(self, "unit", [Level.COMMUNE])
        commune = self.instance.unit if self.instance.unit_id else (m.unit if m and m.unit_id else None)
        if commune is None and self.is_bound:  # a national seat: the agencies of the commune it posted
            commune = self.posted_choice("unit")
        hamlets = unit_choices(m, [Level.HAMLET], under=commune) if commune is not None else AdminUnit.objects.none()
        agencies = Agency.objects.filter(is_active=True)
        if commune is not None and commune.level == Level.COMMUNE:
            agencies = agencies.filter(unit__in=[commune.pk, commune.province_id])
        elif commune is not None:  # a province user picks the commune first; the service checks the hamlet
            agencies = within(agencies, commune.province)
        else:  # a national seat: the country's 37,000 agencies are offered once the commune is known
            agencies = agencies.none()
            self.fields["managing_agency"].help_text = "Chọn đơn vị và lưu; sau đó sửa bản ghi để chọn cơ quan."
        self.fields["hamlet"].queryset = hamlets.select_related("parent").order_by("code")
        self.fields["hamlet"].label_from_instance = lambda h: f"{h.name} ({h.parent.name})" if commune is None \
            or commune.level != Level.COMMUNE else h.name
        self.fields["managing_agency"].queryset = agencies.select_related("unit").order_by("unit__path", "name")
        if agency_bound(m):
            self.fields["managing_agency"].disabled = True
            self.fields["managing_agency"].initial = m.agency_id
            self.fields["managing_agency"].help_text = "Cơ sở do cơ quan của bạn quản lý."
        for name in ("name", "address", "type"):
            self.fields[name].widget.attrs.setdefault("autocomplete", "off")

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]
