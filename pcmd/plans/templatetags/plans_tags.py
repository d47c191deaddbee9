from django import template

register = template.Library()


@register.filter
def number(value):
    """A target value without trailing zeros, Vietnamese separators: 5300.00 -> "5.300", 2.50 -> "2,5"."""
    if value is None or value == "":
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
