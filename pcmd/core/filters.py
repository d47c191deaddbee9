import django_filters
from django import forms
from django.db.models import QuerySet

from .periods import MAX_YEAR, MIN_YEAR
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


class YearFilter(django_filters.NumberFilter):
    """A year typed in a list's filter: a whole number within the years periods know (else a Vietnamese error
    and the list unfiltered), so `?year=99999` never reaches a `__year` lookup that cannot build the date."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", "Năm")
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("error_messages", {
            "invalid": "Năm phải là một số, ví dụ 2026.",
            "min_value": f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.",
            "max_value": f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.",
        })
        super().__init__(*args, **kwargs)
