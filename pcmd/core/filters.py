import django_filters

from .scoping import scoped


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of scoped records are limited to the user's scope."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        membership = getattr(request, "membership", None)
        for f in self.filters.values():
            qs = f.extra.get("queryset")
            if qs is not None and getattr(qs.model, "module", ""):
                f.extra["queryset"] = scoped(qs, membership, "view")


def active_filter(label: str = "Tình trạng") -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name="is_active", label=label, empty_label="Tất cả",
        choices=[(True, "Đang hoạt động"), (False, "Ngừng hoạt động")],
    )
