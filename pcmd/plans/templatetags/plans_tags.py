from django import template

from pcmd.plans import selectors

register = template.Library()


@register.simple_tag
def plan_items(plan):
    """`{% plan_items object as items %}`: the plan's legal bases, targets, tasks and duties (few queries)."""
    return selectors.plan_items(plan)


@register.filter
def number(value):
    """A target value without trailing zeros, Vietnamese separators: 5300.00 -> "5.300", 2.50 -> "2,5"."""
    if value is None or value == "":
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
