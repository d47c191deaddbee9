import django_filters
from django.db.models import QuerySet

from .scoping import scoped


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of scoped records are limited to the user's scope."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        membership = getattr(request, "membership", None)
        for f in self.filters.values():
            # django-filter builds a ModelChoiceFilter's field from its `queryset` attribute, not `extra`.
            qs = getattr(f, "queryset", None)
            if isinstance(qs, QuerySet) and getattr(qs.model, "module", ""):
                f.queryset = f.extra["queryset"] = scoped(qs, membership, "view")


def active_filter(label: str = "Tình trạng") -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name="is_active", label=label, empty_label="Tất cả",
        choices=[(True, "Đang hoạt động"), (False, "Ngừng hoạt động")],
    )
