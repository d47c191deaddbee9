import django_filters
from django.db.models import Q
from django.db.models.functions import Substr

from pcmd.core.filters import ScopedFilterSet, YearFilter
from pcmd.geo.models import AdminUnit, Level

from .models import Plan, PlanKind, PlanStatus


class PlanFilter(ScopedFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="Đơn vị", empty_label="Tất cả đơn vị",
        queryset=AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]),
    )
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=PlanStatus.choices, empty_label="Tất cả")
    kind = django_filters.ChoiceFilter(label="Loại", choices=PlanKind.choices, empty_label="Tất cả")
    year = YearFilter(method="filter_year")

    class Meta:
        model = Plan
        fields = ["unit", "status", "kind", "year"]

    def filter_year(self, queryset, name, value):
        """Plans covering the year: "2026" itself or a phase such as "2026-2030"."""
        year = str(int(value))
        return queryset.annotate(first_year=Substr("period", 1, 4), last_year=Substr("period", 6, 4)).filter(
            Q(period=year) | Q(period__contains="-", first_year__lte=year, last_year__gte=year))
