from django import template

from pcmd.core.scoping import scoped
from pcmd.org.permissions import allowed

from ..services import allowed_transitions

register = template.Library()


@register.simple_tag
def hotspot_transitions(hotspot):
    return allowed_transitions(hotspot)


@register.simple_tag
def hotspot_cases(hotspot, membership):
    """The hotspot's criminal cases the user may see, or None when the role has no access to cases."""
    if membership is None or not allowed(membership.role, "enforcement", "view"):
        return None
    return scoped(hotspot.cases.all(), membership).order_by("-detected_on")


@register.simple_tag
def hotspot_tips(hotspot, membership):
    """The tips linked to the hotspot that the user may see, or None when the role has no access to tips."""
    if membership is None or not allowed(membership.role, "tips", "view"):
        return None
    return scoped(hotspot.tips.all(), membership).order_by("-received_at")
