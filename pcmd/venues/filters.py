import datetime

import django_filters
from django.utils import timezone

from pcmd.core.collation import vi_order
from pcmd.core.filters import ScopedFilterSet
from pcmd.core.scoping import unit_choices
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency, AgencyKind

from .models import Establishment, EstablishmentStatus, EstablishmentType

EXPIRY_WINDOW_DAYS = 90


class EstablishmentFilter(ScopedFilterSet):
    type = django_filters.ModelChoiceFilter(label="Loại hình", queryset=EstablishmentType.objects.all(),
                                            empty_label="Tất cả loại hình")
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=EstablishmentStatus.choices,
                                         empty_label="Tất cả")
    unit = django_filters.ModelChoiceFilter(label="Xã, phường", empty_label="Tất cả xã, phường",
                                            queryset=AdminUnit.objects.filter(level=Level.COMMUNE))
    hamlet = django_filters.ModelChoiceFilter(label="Thôn, tổ dân phố", empty_label="Tất cả",
                                              queryset=AdminUnit.objects.filter(level=Level.HAMLET))
    managing_agency = django_filters.ModelChoiceFilter(label="Cơ quan quản lý", empty_label="Tất cả",
                                                       queryset=Agency.objects.all())
    managing_kind = django_filters.ModelChoiceFilter(
        label="Cơ quan quản lý", empty_label="Tất cả", field_name="managing_agency__kind",
        queryset=AgencyKind.objects.filter(pk__in=EstablishmentType.objects.values("managing_agency_kind")),
    )
    licence = django_filters.ChoiceFilter(
        label="Giấy phép", empty_label="Tất cả", method="filter_licence",
        choices=[("expiring", f"Sắp hết hạn ({EXPIRY_WINDOW_DAYS} ngày)"), ("expired", "Đã hết hạn"),
                 ("missing", "Chưa có ngày hết hạn")],
    )
    commitment = django_filters.ChoiceFilter(
        label="Cam kết", empty_label="Tất cả", method="filter_commitment",
        choices=[("none", "Chưa ký cam kết"), ("signed", "Đã ký cam kết")],
    )

    class Meta:
        model = Establishment
        fields = ["type", "status", "unit", "hamlet", "managing_agency"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        membership = getattr(request, "membership", None)
        unit = getattr(membership, "unit", None)
        if unit is not None and unit.level == Level.COMMUNE:
            del self.filters["unit"], self.filters["managing_kind"]  # a commune user sees only the commune
            self.choices("hamlet", unit_choices(membership, [Level.HAMLET], active=False).order_by("code"))
            self.choices("managing_agency", Agency.objects.filter(
                pk__in=Establishment.objects.filter(unit=unit).values("managing_agency")))
        else:
            # Hamlets and commune agencies number thousands in a province: filter by commune and agency kind.
            del self.filters["hamlet"], self.filters["managing_agency"]
            self.choices("unit", unit_choices(membership, [Level.COMMUNE]).order_by(vi_order()))

    def choices(self, name: str, queryset) -> None:
        # django-filter renders a ModelChoiceFilter from its `queryset` attribute (not `extra`).
        self.filters[name].queryset = self.filters[name].extra["queryset"] = queryset

    def filter_licence(self, queryset, name, value):
        today = timezone.localdate()
        if value == "expiring":
            return queryset.filter(licence_expiry__gte=today,
                                   licence_expiry__lte=today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS))
        if value == "expired":
            return queryset.filter(licence_expiry__lt=today)
        if value == "missing":
            return queryset.filter(licence_expiry__isnull=True)
        return queryset

    def filter_commitment(self, queryset, name, value):
        if value == "none":
            return queryset.filter(commitment_date__isnull=True)
        if value == "signed":
            return queryset.filter(commitment_date__isnull=False)
        return queryset
