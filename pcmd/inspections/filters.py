import django_filters

from pcmd.core.filters import ScopedFilterSet, YearFilter, active_filter
from pcmd.geo.models import AdminUnit, Level

from .models import InspectionRound, Team, TeamMember, Visit, VisitKind, VisitResult


def _unit_filter():
    return django_filters.ModelChoiceFilter(
        label="Đơn vị", queryset=AdminUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE]),
        empty_label="Tất cả đơn vị",
    )


class TeamFilter(ScopedFilterSet):
    unit = _unit_filter()
    is_active = active_filter()

    class Meta:
        model = Team
        fields = ["unit", "is_active"]


class TeamMemberFilter(ScopedFilterSet):
    team = django_filters.ModelChoiceFilter(label="Đội", queryset=Team.objects.all(), empty_label="Tất cả đội")

    class Meta:
        model = TeamMember
        fields = ["team"]


class RoundFilter(ScopedFilterSet):
    unit = _unit_filter()
    year = YearFilter(field_name="start_date", lookup_expr="year")

    class Meta:
        model = InspectionRound
        fields = ["unit", "year"]


class VisitFilter(ScopedFilterSet):
    unit = _unit_filter()
    year = YearFilter(field_name="date", lookup_expr="year")
    kind = django_filters.ChoiceFilter(label="Hình thức", choices=VisitKind.choices, empty_label="Tất cả")
    result = django_filters.ChoiceFilter(label="Kết quả", choices=VisitResult.choices, empty_label="Tất cả")
    team = django_filters.ModelChoiceFilter(label="Đội", queryset=Team.objects.all(), empty_label="Tất cả đội")

    class Meta:
        model = Visit
        fields = ["unit", "year", "kind", "result", "team"]
