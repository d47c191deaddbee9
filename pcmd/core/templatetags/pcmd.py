from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def display(value):
    """A cell value as a Vietnamese reader expects it: Có/Không, dd/mm/yyyy, 1.234,5, '—' for empty."""
    import datetime

    from django.utils import timezone

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float):
        return number_format(value, force_grouping=True)
    if hasattr(value, "label") and not isinstance(value, str):
        return value.label
    return value


@register.filter
def person(user):
    """A user as people know them: the full name; the login name only when no name was entered."""
    return user.get_full_name() or user.get_username()


@register.filter
def period_label(code):
    """A stored period code as words: "2026Q4" -> "Quý IV năm 2026"."""
    from pcmd.core.periods import label_of

    return label_of(str(code)) if code else ""


@register.filter
def lowerfirst(text):
    from pcmd.core.periods import lower_first

    return lower_first(str(text))


@register.filter
def bs(field):
    """Render a form field with Bootstrap's classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", "")
    css = "form-select" if kind == "select" or widget.__class__.__name__.endswith("Select") else "form-control"
    if kind == "checkbox":
        css = "form-check-input"
    existing = widget.attrs.get("class", "")
    classes = " ".join(c for c in (existing, css, "is-invalid" if field.errors else "") if c)
    return field.as_widget(attrs={"class": classes})


@register.filter
def model_label(content_type):
    """'Cơ quan' for the content type of Agency."""
    model = content_type.model_class() if content_type else None
    return str(model._meta.verbose_name).capitalize() if model else ""


ACTION_LABELS = {0: "Thêm mới", 1: "Sửa", 2: "Xóa", 3: "Xem"}


@register.filter
def money(value):
    """An amount in đồng as people write it: 40.000.000 (core.money); '—' when empty."""
    from decimal import Decimal

    from pcmd.core.money import group

    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return group(value)
    return display(value)


@register.filter
def history_rows(entries):
    """Audit entries as people read them (core.history): Vietnamese labels and values, no internal columns."""
    from pcmd.core.history import history_rows as rows

    return rows(entries)


@register.filter
def action_label(entry):
    """Vietnamese name of an audit entry's action (django-auditlog ships none)."""
    return ACTION_LABELS.get(entry.action, entry.get_action_display())
