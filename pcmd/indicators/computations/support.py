"""Support indicators, computed from the support registry (see engine.py for the contract).

Every figure about clients counts only the files counted in aggregates on the period's "as of" day
(min(period end, today)): not merged into another file (an erased file still counts), with a reporting
consent in force that day — `pcmd.support.consent.counted`, the one definition. Outreach contacts are
anonymous counts (no client, no consent). These are numbers: small counts are hidden where they are shown or
exported (indicators/suppression.py), never here.

The definitions below count the registry (one grouped query per level). The aggregates keep their answer per
commune for every calendar block (`sup_*` cells, aggregates.AsOfKind: the cell *is* this code's answer for the
block, brought to today before each read), so a month, quarter, half-year or year is read from one cell per
unit, and SUPPORT_ACCESS from the month-end cells; a period of several blocks, or one not made of whole months,
is counted here.

- SUPPORT_ACCESS: counted clients registered by the period's end whose latest screening on or before it
  is eligible (denominator), of them those with a service received or a referral completed by the end
  (numerator). A commune "uses the module" for the period when it has at least one client registered by
  its end (whatever the file's state: using the registry is about the commune, not the person): it gets
  the registry's value (none when nobody counted is eligible), any other unit (a commune without clients,
  the province's own entered figure) its entered value (entered.latest_by_unit). A province sums each of
  its units' one chosen source: never both.
- SUPPORT_SCREENED / SUPPORT_REFERRED: distinct clients with a screening / a referral (not cancelled) dated
  in the period.
- SUPPORT_REFERRALS_COMPLETED: referrals made in the period (not cancelled) completed by its end / referrals
  made in the period.
- SUPPORT_SERVICES: service records dated in the period; `services_by_kind` splits them by ServiceKind.
- SUPPORT_OUTREACH_REACH: people reached by outreach contacts dated in the period; a contact recorded at a
  hamlet counts for the hamlet's commune.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, When
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import Level
from pcmd.support.consent import counted
from pcmd.support.models import Client, OutreachContact, Referral, ReferralStatus, Screening, ServiceRecord

from ..catalogue import BY_CODE
from ..engine import CellCount, CountSpec, computes, count_indicator
from ..entered import latest_by_unit


def as_of(period: Period) -> datetime.date:
    """The day the consent must be in force: the period's end, or today for the running period."""
    return min(period.end, timezone.localdate())


def _restrict(qs, path, ids):
    return qs.filter(**{f"{path}__in": ids}) if ids is not None else qs


@computes("SUPPORT_ACCESS")
def support_access(period, by, ids, *, registry=False):
    """Eligible counted clients served by the period's end / eligible counted clients, per unit's one source
    (`registry`: counted from the registry, not read from the cells; the tests compare the two)."""
    per_unit = _access_per_unit(period, by, ids, registry=registry)
    if by == "unit":
        return {unit_id: pair for unit_id, (_province, pair) in per_unit.items()}
    totals: dict[int, tuple] = {}
    for _unit_id, (province_id, (num, den)) in per_unit.items():  # ≤ one row per unit: merging grouped rows
        n, d = totals.get(province_id, (0, 0))
        totals[province_id] = (n + num, d + den)
    return totals


def _access_per_unit(period, by, ids, *, registry=False) -> dict[int, tuple[int, tuple]]:
    """{unit id: (province id, (numerator, denominator))}, the registry where the unit uses it, else entered.

    The registry's part is read from the month-end cells (aggregates "sup_access_*", the registry's own answer
    at each month's end) when the period ends on a month's last day no later than this month; otherwise counted
    here (`access_registry`)."""
    from pcmd.aggregates.services import month_end_cell, read_month_end

    month = None if registry else month_end_cell(period)
    if month is not None:
        cells = read_month_end(["sup_access_num", "sup_access_den", "sup_clients"], by, ids, month)
        using = set(cells["sup_clients"])
        out = {unit_id: (province_id, (cells["sup_access_num"].get(unit_id, (province_id, 0))[1], den))
               for unit_id, (province_id, den) in cells["sup_access_den"].items()}
    else:
        out, using = access_registry(period, by, ids)
    for unit_id, (province_id, pair) in latest_by_unit(BY_CODE["SUPPORT_ACCESS"], period, by, ids).items():
        if unit_id not in using:
            out[unit_id] = (province_id, pair)
    return out


def _registered(period, by, ids):
    return _restrict(Client.objects.filter(registered_on__lte=period.end), by, ids)


def access_registry(period, by, ids) -> tuple[dict[int, tuple[int, tuple]], set[int]]:
    """The registry's SUPPORT_ACCESS: ({unit: (province, (numerator, denominator))} of the units with an eligible
    counted client, the units using the module: with a client registered by the period's end)."""
    end = period.end
    registered = _registered(period, by, ids)
    using = set(registered.order_by().values_list("unit", flat=True).distinct())
    latest_eligible = (Screening.objects.filter(client=OuterRef("pk"), screened_on__lte=end)
                       .order_by("-screened_on", "-pk").values("eligible")[:1])
    served = (Q(Exists(ServiceRecord.objects.filter(client=OuterRef("pk"), received_on__lte=end)))
              | Q(Exists(Referral.objects.filter(client=OuterRef("pk"), status=ReferralStatus.COMPLETED,
                                                 completed_on__lte=end))))
    rows = (registered.filter(counted(as_of(period)))
            .alias(eligible_now=Subquery(latest_eligible, output_field=BooleanField()))
            .filter(eligible_now=True)
            .order_by().values("unit", "province")
            .annotate(num=Count("pk", filter=served), den=Count("pk"))
            .values_list("unit", "province", "num", "den"))
    return {unit_id: (province_id, (num, den)) for unit_id, province_id, num, den in rows}, using


def access_cells(period, units) -> dict[int, tuple[int, int]]:
    """Per commune, the registry's (numerator, denominator) at the period's end: the "sup_access_*" cells."""
    return {unit_id: pair for unit_id, (_province, pair) in access_registry(period, "unit", units)[0].items()}


def clients_registered(period, units) -> dict[int, tuple[int]]:
    """Per commune, the files registered by the period's end, whatever their state: the "sup_clients" cells (a
    commune with one uses the module)."""
    rows = _registered(period, "unit", units).order_by().values("unit").annotate(n=Count("pk"))
    return {unit_id: (n,) for unit_id, n in rows.values_list("unit", "n")}


@dataclass(frozen=True)
class ClientCountSpec(CountSpec):
    """A CountSpec over rows of a client (`client_path`), keeping the clients counted on the period's "as of"."""

    client_path: str = "client"

    def _rows(self, period, by, ids):
        return super()._rows(period, by, ids).filter(counted(as_of(period), client=self.client_path))


# The registry definitions (ClientCountSpec) and the engine's reads of the cells that hold their answer per
# calendar block (aggregates "sup_*", AsOfKind: one block only; other periods are answered by the registry).
SCREENED = count_indicator("SUPPORT_SCREENED", CellCount("sup_screened", ClientCountSpec(
    Screening.objects.all, "screened_on", unit_path="client__unit", province_path="client__province",
    distinct="client"), as_of=True))
REFERRED = count_indicator("SUPPORT_REFERRED", CellCount("sup_referred", ClientCountSpec(
    lambda: Referral.objects.exclude(status=ReferralStatus.CANCELLED), "referred_on", distinct="client"), as_of=True))
SERVICES = count_indicator("SUPPORT_SERVICES", CellCount("sup_services", ClientCountSpec(
    ServiceRecord.objects.all, "received_on"), as_of=True))


@computes("SUPPORT_REFERRALS_COMPLETED")
def support_referrals_completed(period, by, ids):
    """Referrals made in the period (not cancelled) completed by its end / referrals made in the period."""
    from pcmd.aggregates.services import blocks, read

    cover = blocks(period.start, period.end)
    if cover is None or len(cover) > 1:
        return referrals_completed_registry(period, by, ids)
    done = read("sup_referrals_done", by, ids, cover)
    return {unit_id: (done.get(unit_id, 0), made) for unit_id, made in
            read("sup_referrals_made", by, ids, cover).items() if made}


def referrals_completed_registry(period, by, ids):
    """The registry's SUPPORT_REFERRALS_COMPLETED: {unit or province: (completed by the end, made)}."""
    qs = _restrict(Referral.objects.filter(referred_on__range=(period.start, period.end))
                   .exclude(status=ReferralStatus.CANCELLED), by, ids).filter(counted(as_of(period), client="client"))
    done = Q(status=ReferralStatus.COMPLETED, completed_on__lte=period.end)
    rows = (qs.order_by().values(by).annotate(num=Count("pk", filter=done), den=Count("pk"))
            .values_list(by, "num", "den"))
    return {unit_id: (num, den) for unit_id, num, den in rows if den}


def services_by_kind(period: Period, by: str, ids: Collection[int] | None) -> dict[int, dict[str, int]]:
    """{unit id: {ServiceKind: records}}: SUPPORT_SERVICES split by kind, the same rows (one grouped query)."""
    spec = SERVICES.spec
    path = spec.unit_path if by == "unit" else spec.province_path
    out: dict[int, dict[str, int]] = {}
    for unit_id, kind, n in (spec._rows(period, by, ids).values(path, "kind").annotate(n=Count("pk"))
                             .values_list(path, "kind", "n")):
        out.setdefault(unit_id, {})[kind] = n
    return out


def _commune_of_contact():
    """The commune of an outreach contact: the unit itself, or the hamlet's commune."""
    return Case(When(unit__level=Level.HAMLET, then=F("unit__parent")), default=F("unit"))


def contacts_by_commune():
    """Outreach contacts with their `commune`: the unit itself, or the hamlet's commune (the "outreach_reach"
    cells and the registry count both)."""
    return OutreachContact.objects.annotate(commune=_commune_of_contact())


@computes("SUPPORT_OUTREACH_REACH")
def support_outreach_reach(period, by, ids, *, registry=False):
    """People reached by outreach contacts dated in the period (summed), per commune (hamlets to their commune):
    the "outreach_reach" cells (anonymous counts, no consent: a plain sum of months), or counted here for a
    period not made of whole months (or with `registry`)."""
    from pcmd.aggregates.services import blocks, read

    cover = None if registry else blocks(period.start, period.end)
    if cover is not None:
        return {unit_id: (n, None) for unit_id, n in read("outreach_reach", by, ids, cover).items() if n}
    key = "commune" if by == "unit" else "province"
    qs = _restrict(contacts_by_commune().filter(date__range=(period.start, period.end)), key, ids)
    rows = qs.order_by().values(key).annotate(n=Sum("people_reached")).values_list(key, "n")
    return {unit_id: (n, None) for unit_id, n in rows if n}
