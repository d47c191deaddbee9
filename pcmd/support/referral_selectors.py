"""Reads of referrals and services received. Every queryset passes through `core.scoping.scoped()`."""

from django.db.models import QuerySet
from django.utils import timezone

from pcmd.core.scoping import scoped

from .models import Referral, ServiceRecord
from .models import ReferralStatus as S

OPEN = (S.SENT, S.RECEIVED)

# Badge colour of each referral status (one map, not a chain of ifs in the templates).
STATUS_BADGE = {
    S.SENT: "text-bg-primary", S.RECEIVED: "text-bg-info", S.COMPLETED: "text-bg-success",
    S.NOT_SERVED: "text-bg-warning", S.CANCELLED: "text-bg-secondary",
}


def _referrals() -> QuerySet:
    return Referral.objects.select_related("client", "provider", "unit")


def visible(membership) -> QuerySet:
    """The referrals of the files the seat reaches (support roles of the commune or province)."""
    return scoped(_referrals(), membership, "view")


def listing(membership, status: str = "") -> QuerySet:
    rows = visible(membership)
    return rows.filter(status=status) if status else rows


def overdue(membership) -> QuerySet:
    """Referrals still waiting for the provider (sent or received) past their answer deadline."""
    return visible(membership).filter(status__in=OPEN, answer_due__lt=timezone.localdate()).order_by(
        "answer_due", "pk")


def overdue_count(membership) -> int:
    """For the menu badge and the home page of support roles (a count only)."""
    return overdue(membership).count()


def incoming(membership, status: str = "") -> QuerySet:
    """Referrals sent to the seat's agency as a provider (the `incoming` rule): only their own fields are shown."""
    rows = scoped(_referrals(), membership, "incoming").order_by("-referred_on", "-pk")
    return rows.filter(status=status) if status else rows


def incoming_open_count(membership) -> int:
    return incoming(membership).filter(status__in=OPEN).count()


def is_overdue(referral) -> bool:
    return referral.status in OPEN and referral.answer_due < timezone.localdate()


def client_lists(client) -> dict:
    """What the client file page shows of referrals and services (pass it to `support/_client_referrals.html`
    and `support/_client_services.html`); the file itself was reached through `wall.client_or_404`."""
    today = timezone.localdate()
    referrals = list(client.referrals.select_related("provider").order_by("-referred_on", "-pk"))
    for referral in referrals:
        referral.overdue = referral.status in OPEN and referral.answer_due < today
        referral.badge = STATUS_BADGE[S(referral.status)]
    services = list(ServiceRecord.objects.filter(client=client).select_related("provider", "referral")
                    .order_by("-received_on", "-pk"))
    return {"client_referrals": referrals, "client_services": services}
