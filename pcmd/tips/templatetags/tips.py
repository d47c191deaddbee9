from django import template

from pcmd.tips.models import Notice

register = template.Library()


@register.simple_tag
def tip_notices(user, limit=10):
    """Unread tip notices of `user` (home page); opening the tip marks them read."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Notice.objects.filter(user=user, read_at__isnull=True).select_related("tip")[:limit])
