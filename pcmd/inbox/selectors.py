"""What a person's inbox shows: their own notices; support notices only in a support seat."""

from django.db.models import QuerySet

from pcmd.org.permissions import allowed

from .models import SUPPORT_KINDS, Notification


def shows_support(membership) -> bool:
    return membership is not None and allowed(membership.role, "support", "view")


def notices_for(user, membership) -> QuerySet:
    qs = Notification.objects.filter(recipient=user)
    if not shows_support(membership):
        qs = qs.exclude(kind__in=list(SUPPORT_KINDS))
    return qs


def unread_count(user, membership) -> int:
    return notices_for(user, membership).filter(read_at__isnull=True).count()
