"""Reads for the org app, already scoped."""

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from pcmd.core.templatetags.pcmd import model_label
from pcmd.geo.models import Level


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(label="Người thực hiện", required=False, queryset=get_user_model().objects.none(),
                                   empty_label="Tất cả")
    content_type = forms.ModelChoiceField(label="Loại dữ liệu", required=False,
                                          queryset=ContentType.objects.none(), empty_label="Tất cả")
    action = forms.TypedChoiceField(
        label="Thao tác", required=False, coerce=int, empty_value=None,
        choices=[("", "Tất cả"), (LogEntry.Action.CREATE, "Thêm"), (LogEntry.Action.UPDATE, "Sửa"),
                 (LogEntry.Action.DELETE, "Xóa")],
    )
    date_from = forms.DateField(label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the entries the user may see, so they reveal nothing beyond them.
        self.fields["actor"].queryset = get_user_model().objects.filter(
            pk__in=entries.values("actor_id")).order_by("username")
        self.fields["content_type"].queryset = ContentType.objects.filter(
            pk__in=entries.values("content_type_id"))
        self.fields["content_type"].label_from_instance = model_label


def audit_entries(membership, params):
    """Audit entries the membership may see: all for national admins, the province's for others.

    Scoped records write their unit and province into each entry (UnitScopedModel.get_additional_data).
    """
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if membership.unit_id is not None:
        unit = membership.unit
        if unit.level == Level.PROVINCE:
            entries = entries.filter(additional_data__province=unit.pk)
        else:
            entries = entries.filter(additional_data__unit=unit.pk)
    form = AuditFilterForm(params or None, entries=entries)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(actor=data["actor"])
        if data["content_type"]:
            entries = entries.filter(content_type=data["content_type"])
        if data["action"] is not None:
            entries = entries.filter(action=data["action"])
        if data["date_from"]:
            entries = entries.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(timestamp__date__lte=data["date_to"])
    return entries, form


AGENCY_PICK_LIMIT = 20


def agency_picks(membership, query: str, *, under=None, limit: int = AGENCY_PICK_LIMIT):
    """What an agency search box suggests (core.pickers.AgencySearchInput): the active agencies in the member's
    scope (``scoped``, inside ``under`` when given) whose name or unit has every word of the query, without
    diacritics. Returns (agencies, more)."""
    from django.db.models import Q

    from pcmd.core.models import fold
    from pcmd.core.scoping import scoped, within

    from .models import Agency

    agencies = scoped(Agency.objects.filter(is_active=True), membership, "view")
    if under is not None:
        agencies = within(agencies, under)
    for word in fold(query).split():  # a word may name the agency or its unit ("cong an bach dang")
        agencies = agencies.filter(Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")
                                   | Q(unit__search_text__startswith=word) | Q(unit__search_text__contains=f" {word}"))
    found = list(agencies.select_related("unit").order_by("unit__level", "search_text", "pk")[:limit + 1])
    return found[:limit], len(found) > limit
