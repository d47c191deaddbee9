import django_filters
from django import forms
from django.db.models import QuerySet

from .periods import MAX_YEAR, MIN_YEAR
from .pickers import PICKER_LIMIT, agency_field, unit_field
from .scoping import scoped


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choices of scoped records are limited to the user's scope.

    A unit or agency filter whose choices number more than ``PICKER_LIMIT`` (a national seat: 3,321 communes,
    37,000 agencies; a province seat: a thousand agencies) becomes a search box (``core.pickers.unit_field`` /
    ``agency_field``) instead of a drop-down weighing megabytes."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        membership = self.membership = getattr(request, "membership", None)
        for f in self.filters.values():
            # django-filter builds a ModelChoiceFilter's field from its `queryset` attribute, not `extra`.
            qs = getattr(f, "queryset", None)
            if isinstance(qs, QuerySet) and getattr(qs.model, "module", ""):
                f.queryset = f.extra["queryset"] = scoped(qs, membership, "view")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.membership = self.membership
            if self.membership is not None:
                large_pickers(form)
        return self._form


def large_pickers(form) -> None:
    """Turn the form's unit and agency drop-downs with more than PICKER_LIMIT choices into search boxes."""
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Agency

    for name, field in form.fields.items():
        qs = getattr(field, "queryset", None)
        if not isinstance(field, forms.ModelChoiceField) or isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if qs.model is Agency:
            agency_field(form, name, qs)
        elif qs.model is AdminUnit and qs.count() > PICKER_LIMIT:
            levels = sorted(set(qs.order_by().values_list("level", flat=True).distinct()))
            unit_field(form, name, levels, active=False)


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
