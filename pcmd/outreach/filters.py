import django_filters

from pcmd.core.collation import vi_order
from pcmd.core.filters import ScopedFilterSet, YearFilter
from pcmd.core.pickers import UNIT
from pcmd.core.scoping import unit_choices
from pcmd.geo.models import AdminUnit, Level

from .models import (
    Activity,
    ActivityKind,
    Audience,
    Commitment,
    Course,
    Denominator,
    Integration,
    StaffCategory,
    StaffMember,
    TrainingLevel,
)


class ActivityFilter(ScopedFilterSet):
    kind = django_filters.ModelChoiceFilter(label="Hình thức", queryset=ActivityKind.objects.all(),
                                            empty_label="Tất cả hình thức")
    year = YearFilter(field_name="date", lookup_expr="year")
    date_from = django_filters.DateFilter(label="Từ ngày", field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label="Đến ngày", field_name="date", lookup_expr="lte")
    unit = django_filters.ModelChoiceFilter(label="Xã, phường", empty_label="Tất cả xã, phường",
                                            queryset=AdminUnit.objects.filter(level=Level.COMMUNE))
    hamlets = django_filters.ModelChoiceFilter(label="Thôn, tổ dân phố", empty_label="Tất cả",
                                               queryset=AdminUnit.objects.filter(level=Level.HAMLET))

    class Meta:
        model = Activity
        fields = ["kind", "unit", "hamlets"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        membership = getattr(request, "membership", None)
        unit = getattr(membership, "unit", None)
        if unit is not None and unit.level == Level.COMMUNE:
            del self.filters["unit"]
            self.choices("hamlets", unit_choices(membership, [Level.HAMLET], active=False).order_by("code"))
        else:
            del self.filters["hamlets"]
            self.choices("unit", unit_choices(membership, [Level.COMMUNE]).order_by(vi_order()))

    def choices(self, name: str, queryset) -> None:
        self.filters[name].queryset = self.filters[name].extra["queryset"] = queryset


class DenominatorFilter(ScopedFilterSet):
    year = YearFilter()
    group = django_filters.ChoiceFilter(label="Đối tượng", choices=Audience.choices, empty_label="Tất cả")

    class Meta:
        model = Denominator
        fields = ["year", "group"]


class StaffFilter(ScopedFilterSet):
    category = django_filters.ChoiceFilter(label="Đối tượng", choices=StaffCategory.choices, empty_label="Tất cả")
    level = django_filters.ChoiceFilter(label="Cấp", field_name="unit__level", empty_label="Tất cả",
                                        choices=[(Level.PROVINCE, "Cấp tỉnh"), (Level.COMMUNE, "Cấp xã")])
    is_active = django_filters.BooleanFilter(label="Đang công tác")

    class Meta:
        model = StaffMember
        fields = ["category", "level", "is_active"]


class CourseFilter(ScopedFilterSet):
    year = YearFilter(field_name="start_date", lookup_expr="year")
    level = django_filters.ChoiceFilter(label="Cấp tổ chức", choices=TrainingLevel.choices, empty_label="Tất cả")

    class Meta:
        model = Course
        fields = ["year", "level"]


class CommuneCodeFilterSet(ScopedFilterSet):
    """A list the scorecard drills into with `?don-vi=<code>` (core.pickers): the commune's records only."""

    unit_field = "unit"

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        membership = getattr(request, "membership", None)
        unit = getattr(membership, "unit", None)
        if unit is not None and unit.level == Level.COMMUNE:
            return  # a commune seat sees its own commune's records only anyway
        self.filters[UNIT] = django_filters.ModelChoiceFilter(
            label="Xã, phường", empty_label="Tất cả xã, phường", field_name=self.unit_field, to_field_name="code",
            queryset=unit_choices(membership, [Level.COMMUNE]).order_by(vi_order()))


class IntegrationFilter(CommuneCodeFilterSet):
    class Meta:
        model = Integration
        fields = []


class CommitmentFilter(CommuneCodeFilterSet):
    unit_field = "establishment__unit"

    class Meta:
        model = Commitment
        fields = []
