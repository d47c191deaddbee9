"""Consent per purpose: the one place that says whether a purpose may be served for a client.

A consent is in force on a day when it was given on or before that day, has not expired and has not been
withdrawn. Every service that processes a client's data for a purpose calls `require()` first (a referral
needs a referral consent naming that provider; contact by phone a phone consent…); the aggregates count only
clients with a reporting consent in force (`reporting_clients()`).
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Consent, ConsentPurpose

REFUSAL = {
    ConsentPurpose.SERVICES: "Người này chưa đồng ý (hoặc đã rút lại đồng ý) nhận dịch vụ hỗ trợ.",
    ConsentPurpose.REFERRAL: "Người này chưa đồng ý (hoặc đã rút lại đồng ý) được giới thiệu đến nơi nhận này.",
    ConsentPurpose.SHARING: "Người này chưa đồng ý (hoặc đã rút lại đồng ý) chia sẻ thông tin với đơn vị khác.",
    ConsentPurpose.REPORTING: "Người này chưa đồng ý được tính trong số liệu báo cáo.",
    ConsentPurpose.PHONE: "Người này chưa đồng ý (hoặc đã rút lại đồng ý) được liên hệ qua điện thoại.",
}


def _in_force(on) -> Q:
    return (Q(given_on__lte=on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))
            & Q(withdrawn_at__isnull=True))


def units_moved_between(first, last) -> set[int]:
    """The communes whose counted clients (`counted`) may differ between the days `first` <= `last` with no write:
    a reporting consent, not withdrawn, that starts after `first` up to `last` or ends (expires_on) on a day from
    `first` to the day before `last` — in force on one day and not the other. The aggregates recount them
    (aggregates.services.bring_to_today)."""
    rows = Consent.objects.filter(purpose=ConsentPurpose.REPORTING, withdrawn_at__isnull=True).filter(
        Q(given_on__gt=first, given_on__lte=last) | Q(expires_on__gte=first, expires_on__lt=last))
    return set(rows.order_by().values_list("client__unit", flat=True).distinct())


def in_force(client, purpose: str, *, provider=None, on=None) -> Consent | None:
    """The consent in force for `purpose` on `on` (today by default); a referral one must name `provider`."""
    on = on or timezone.localdate()
    rows = Consent.objects.filter(_in_force(on), client=client, purpose=purpose)
    if purpose == ConsentPurpose.REFERRAL:
        rows = rows.filter(provider=provider)
    return rows.order_by("-given_on", "-pk").first()


def require(client, purpose: str, *, provider=None, on=None) -> Consent:
    """The consent in force, or a ValidationError with the Vietnamese reason (nothing is done without it)."""
    consent = in_force(client, purpose, provider=provider, on=on)
    if consent is None:
        raise ValidationError(REFUSAL[ConsentPurpose(purpose)])
    return consent


def reporting_clients(clients: QuerySet, on=None) -> QuerySet:
    """The clients of `clients` counted in aggregates on `on` (set-wise): unmerged files with a reporting consent
    in force (`counted`)."""
    return clients.filter(counted(on))


def counted(on=None, client: str = "") -> Q:
    """The condition "counted in aggregates on `on`", for a queryset of clients (`client` "") or of rows that
    point to a client (`client` "client"): the file was not merged into another (its rows moved to the kept file)
    and has a reporting consent in force on `on`. An erased file still counts: erasure on the person's request
    leaves the anonymous counts (owndata.erase keeps the consent rows' purposes and dates). The indicator
    engine filters every support figure with it."""
    on = on or timezone.localdate()
    prefix = f"{client}__" if client else ""
    given = Consent.objects.filter(_in_force(on), client=OuterRef(f"{client}_id" if client else "pk"),
                                   purpose=ConsentPurpose.REPORTING)
    return Q(**{f"{prefix}merged_into__isnull": True}) & Q(Exists(given))
