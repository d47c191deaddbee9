import django_filters

from pcmd.core.filters import ScopedFilterSet, active_filter
from pcmd.geo.models import AdminUnit, Level

from .models import Agency, AgencyKind


class AgencyFilter(ScopedFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label="Đơn vị", queryset=AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]),
        empty_label="Tất cả đơn vị",
    )
    kind = django_filters.ModelChoiceFilter(label="Loại cơ quan", queryset=AgencyKind.objects.all(),
                                            empty_label="Tất cả loại")
    is_active = active_filter()

    class Meta:
        model = Agency
        fields = ["unit", "kind", "is_active"]
