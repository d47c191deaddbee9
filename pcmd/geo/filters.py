import django_filters

from pcmd.core.filters import ScopedFilterSet, active_filter

from .models import AdminUnit, Level


class HamletFilter(ScopedFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label="Xã/phường", queryset=AdminUnit.objects.filter(level=Level.COMMUNE), empty_label="Tất cả xã/phường"
    )
    is_active = active_filter()

    class Meta:
        model = AdminUnit
        fields = ["parent", "is_active"]
