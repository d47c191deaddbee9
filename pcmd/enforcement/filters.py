import django_filters

from pcmd.core.filters import ScopedFilterSet
from pcmd.geo.models import AdminUnit, Level

from .models import CriminalCase, Offence, SanctionRecord, ViolatorCategory


def _date_range(field_name, label):
    return django_filters.DateFromToRangeFilter(
        field_name=field_name, label=label,
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )


class CriminalCaseFilter(ScopedFilterSet):
    unit = django_filters.ModelChoiceFilter(label="Đơn vị", empty_label="Tất cả",
                                            queryset=AdminUnit.objects.filter(level__in=[Level.PROVINCE,
                                                                                         Level.COMMUNE]))
    offence = django_filters.ChoiceFilter(label="Tội danh", choices=Offence.choices, empty_label="Tất cả")
    stage = django_filters.ChoiceFilter(label="Giai đoạn", empty_label="Tất cả", method="filter_stage", choices=[
        ("detected", "Đang xác minh"), ("initiated", "Đã khởi tố"), ("indicted", "Đã truy tố"),
        ("tried", "Đã xét xử")])
    detected_on = _date_range("detected_on", "Ngày phát hiện")

    class Meta:
        model = CriminalCase
        fields = ["unit", "offence"]

    def filter_stage(self, queryset, name, value):
        return {
            "detected": queryset.filter(initiated_on__isnull=True),
            "initiated": queryset.filter(initiated_on__isnull=False, indicted_on__isnull=True),
            "indicted": queryset.filter(indicted_on__isnull=False, tried_on__isnull=True),
            "tried": queryset.filter(tried_on__isnull=False),
        }.get(value, queryset)


class SanctionRecordFilter(ScopedFilterSet):
    unit = django_filters.ModelChoiceFilter(label="Đơn vị", empty_label="Tất cả",
                                            queryset=AdminUnit.objects.filter(level__in=[Level.PROVINCE,
                                                                                         Level.COMMUNE]))
    category = django_filters.ChoiceFilter(label="Đối tượng", choices=ViolatorCategory.choices, empty_label="Tất cả")
    decided_on = _date_range("decided_on", "Ngày quyết định")

    class Meta:
        model = SanctionRecord
        fields = ["unit", "category"]
