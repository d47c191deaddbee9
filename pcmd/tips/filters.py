import django_filters
from django.db.models import F
from django.utils import timezone

from pcmd.core.filters import ScopedFilterSet
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency

from . import selectors
from .models import Tip, TipCategory, TipChannel, TipKind, TipStatus


class TipFilter(ScopedFilterSet):
    unit = django_filters.ModelChoiceFilter(label="Xã, phường", empty_label="Tất cả",
                                            queryset=AdminUnit.objects.filter(level=Level.COMMUNE))
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=TipStatus.choices, empty_label="Tất cả")
    kind = django_filters.ChoiceFilter(label="Phân loại", choices=TipKind.choices, empty_label="Tất cả")
    category = django_filters.ChoiceFilter(label="Nội dung", choices=TipCategory.choices, empty_label="Tất cả")
    channel = django_filters.ChoiceFilter(label="Nguồn", choices=TipChannel.choices, empty_label="Tất cả")
    assigned_agency = django_filters.ModelChoiceFilter(label="Cơ quan được giao", empty_label="Tất cả",
                                                       queryset=Agency.objects.all())
    deadline = django_filters.ChoiceFilter(label="Thời hạn", method="filter_deadline", empty_label="Tất cả",
                                           choices=[("soon", "Sắp đến hạn"), ("overdue", "Quá hạn"),
                                                    ("late", "Xử lý trễ hạn")])
    received_from = django_filters.DateFilter(field_name="received_at", lookup_expr="date__gte",
                                              label="Tiếp nhận từ ngày")
    received_to = django_filters.DateFilter(field_name="received_at", lookup_expr="date__lte",
                                            label="Đến ngày")

    class Meta:
        model = Tip
        fields = ["unit", "status", "kind", "category", "channel", "assigned_agency"]

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "soon":
            return selectors.due_soon(queryset, today)
        if value == "overdue":
            return selectors.overdue(queryset, today)
        if value == "late":
            return queryset.filter(handled_on__gt=F("due_date"))
        return queryset
