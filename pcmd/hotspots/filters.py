import django_filters
from django.utils import timezone

from pcmd.core.filters import ScopedFilterSet
from pcmd.geo.models import AdminUnit, Level

from .models import Hotspot, HotspotKind, HotspotStatus


class HotspotFilter(ScopedFilterSet):
    unit = django_filters.ModelChoiceFilter(label="Xã, phường", empty_label="Tất cả",
                                            queryset=AdminUnit.objects.filter(level=Level.COMMUNE))
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=HotspotStatus.choices, empty_label="Tất cả")
    kind = django_filters.ChoiceFilter(label="Loại", choices=HotspotKind.choices, empty_label="Tất cả")
    reemerged = django_filters.ChoiceFilter(label="Tái hoạt động", method="filter_reemerged", empty_label="Tất cả",
                                            choices=[("yes", "Đã từng tái hoạt động"), ("no", "Chưa từng")])
    monitoring = django_filters.ChoiceFilter(label="Theo dõi", method="filter_monitoring", empty_label="Tất cả",
                                             choices=[("due", "Hết thời gian theo dõi, chờ kết thúc")])

    class Meta:
        model = Hotspot
        fields = ["unit", "status", "kind"]

    def filter_reemerged(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(reemergence_count__gt=0)
        return queryset.filter(reemergence_count=0) if value == "no" else queryset

    def filter_monitoring(self, queryset, name, value):
        if value == "due":
            return queryset.filter(status=HotspotStatus.MONITORED, monitor_until__lte=timezone.localdate())
        return queryset
