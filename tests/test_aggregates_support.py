"""Support aggregates (aggregates.AsOfKind): the cells counted "as of a day" equal the registry after random writes
and after days pass with no write.

A support figure counts a client only with a reporting consent in force on min(period end, today), so a block
that has not ended changes when a consent starts or expires, without any write. The random sequences mix the
writes the support services make (files, consents given and withdrawn, screenings, referrals sent, completed,
cancelled, services, merges as cases.merge writes them, a file moved to another commune) with days passing
(the clock moved forward). After each sequence the cells of the units touched must equal the cells recomputed
from the registry, and the five support indicators must equal their registry definitions for ended, running,
multi-block and future periods. Anonymous outreach contacts (a plain sum, a hamlet's under its commune) are
written too.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcmd.aggregates import services
from pcmd.aggregates.models import AsOfDay, Cell
from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.indicators.computations.support import (
    referrals_completed_registry,
    support_access,
    support_outreach_reach,
)
from pcmd.support.models import (
    CaseEvent,
    Client,
    Consent,
    ConsentPurpose,
    OutreachContact,
    Provider,
    Referral,
    ReferralStatus,
    Screening,
    ServiceRecord,
)

from .conftest import TODAY
from .test_aggregates import _recomputed, _stored

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = st.dates(TODAY - datetime.timedelta(days=420), TODAY + datetime.timedelta(days=45))
IX = st.integers(0, 30)
PURPOSES = st.sampled_from([ConsentPurpose.REPORTING, ConsentPurpose.REPORTING, ConsentPurpose.SERVICES])

OPS = st.lists(st.one_of(
    st.tuples(st.just("client"), st.integers(1, 2), DAYS),
    st.tuples(st.just("consent"), IX, PURPOSES, DAYS, st.one_of(st.none(), DAYS)),
    st.tuples(st.just("withdraw"), IX),
    st.tuples(st.just("screen"), IX, DAYS, st.booleans()),
    st.tuples(st.just("refer"), IX, DAYS),
    st.tuples(st.just("complete"), IX, DAYS),
    st.tuples(st.just("cancel"), IX),
    st.tuples(st.just("service"), IX, DAYS),
    st.tuples(st.just("service_delete"), IX),
    st.tuples(st.just("merge"), IX, IX),
    st.tuples(st.just("move"), IX, st.integers(1, 2)),
    st.tuples(st.just("days_pass"), st.integers(1, 40)),
    st.tuples(st.just("contact"), st.integers(1, 3), DAYS, st.integers(0, 20)),
    st.tuples(st.just("contact_delete"), IX),
), min_size=1, max_size=16)

CODES = ["SUPPORT_SCREENED", "SUPPORT_REFERRED", "SUPPORT_SERVICES", "SUPPORT_REFERRALS_COMPLETED", "SUPPORT_ACCESS",
         "SUPPORT_OUTREACH_REACH"]


SUPPORT_KINDS = [name for name in services.kinds() if name.startswith("sup_") or name == "outreach_reach"]


def _periods(today):
    """Ended and running blocks, a period of several blocks (the registry answers) and a future month."""
    y, q = today.year, (today.month - 1) // 3 + 1
    later = today + datetime.timedelta(days=62)
    return [str(y), str(y - 1), f"{y}S{1 if today.month <= 6 else 2}", f"{y}Q{q}", f"{today:%Y%m}",
            f"{y - 1}Q4", f"{y - 1}-{y}", f"{later:%Y%m}"]


@pytest.fixture
def place(db):
    p = AdminUnit.objects.create(code="HTA", name="Tỉnh Hỗ Trợ Tổng Hợp", level=Level.PROVINCE, path="HTA/")
    p.province = p
    p.save()
    communes = [AdminUnit.objects.create(code=f"HTA{n}", name=f"Xã Hỗ Trợ {n}", level=Level.COMMUNE, parent=p,
                                         province=p, path=f"HTA/HTA{n}/") for n in (1, 2)]
    hamlet = AdminUnit.objects.create(code="HTA1.1", name="Thôn Một", level=Level.HAMLET, parent=communes[0],
                                      province=p, path="HTA/HTA1/HTA1.1/")
    provider = Provider.objects.create(unit=communes[0], name="Trạm y tế", kind="health_station")
    return [p, *communes, hamlet], provider


def apply(ops, units, provider, traveller):
    clients, consents, referrals, services_, contacts = [], [], [], [], []

    def pick(items, i):
        return items[i % len(items)] if items else None

    for op in ops:
        name = op[0]
        if name == "client":
            c = Client(unit=units[op[1]], code=f"HTA-{len(clients)}", uic=f"UA{len(clients):04d}", sex="F",
                       registered_on=op[2])
            c.save()
            clients.append(c)
        elif name == "consent" and clients:
            c = Consent(client=pick(clients, op[1]), purpose=op[2], method="verbal", given_on=op[3], expires_on=op[4])
            c.save()
            consents.append(c)
        elif name == "withdraw" and consents:
            c = pick(consents, op[1])
            c.withdrawn_at = timezone.now()
            c.save(update_fields=["withdrawn_at"])
        elif name == "screen" and clients:
            Screening(client=pick(clients, op[1]), screened_on=op[2], eligible=op[3]).save()
        elif name == "refer" and clients:
            c = pick(clients, op[1])
            r = Referral(client=c, unit=c.unit, provider=provider, need="health", referred_on=op[2],
                         answer_due=op[2] + datetime.timedelta(days=14))
            r.save()
            referrals.append(r)
        elif name == "complete" and referrals:
            r = pick(referrals, op[1])
            r.status, r.completed_on = ReferralStatus.COMPLETED, op[2]
            r.save()
        elif name == "cancel" and referrals:
            r = pick(referrals, op[1])
            r.status = ReferralStatus.CANCELLED
            r.save()
        elif name == "service" and clients:
            c = pick(clients, op[1])
            s = ServiceRecord(client=c, unit=c.unit, kind="health_check", received_on=op[2])
            s.save()
            services_.append(s)
        elif name == "service_delete" and services_:
            services_.pop(op[1] % len(services_)).delete()
        elif name == "merge" and clients:
            kept, duplicate = pick(clients, op[1]), pick(clients, op[2])
            if kept.pk == duplicate.pk or kept.unit_id != duplicate.unit_id or duplicate.merged_into_id:
                continue
            # As cases.merge writes it: the rows move in bulk, then the duplicate is saved as merged.
            for related in (Consent, Screening, Referral, ServiceRecord, CaseEvent):
                related.objects.filter(client=duplicate).update(client=kept)
            duplicate.merged_into = kept
            duplicate.save(update_fields=["merged_into", "updated_at"])
        elif name == "move" and clients:
            c = pick(clients, op[1])
            c.unit = units[op[2]]
            c.save()
        elif name == "contact":  # a commune's or a hamlet's (counted for the hamlet's commune)
            c = OutreachContact(unit=units[op[1]], date=op[2], people_reached=op[3])
            c.save()
            contacts.append(c)
        elif name == "contact_delete" and contacts:
            contacts.pop(op[1] % len(contacts)).delete()
        elif name == "days_pass":
            traveller.shift(datetime.timedelta(days=op[1]))


def _registry(code, period, by, ids):
    """The indicator counted from the registry alone (the definitions the cells hold)."""
    if code == "SUPPORT_ACCESS":
        return support_access(period, by, ids, registry=True)
    if code == "SUPPORT_REFERRALS_COMPLETED":
        return referrals_completed_registry(period, by, ids)
    if code == "SUPPORT_OUTREACH_REACH":
        return support_outreach_reach(period, by, ids, registry=True)
    return {k: v for k, v in engine.COMPUTATIONS[code].spec(period, by, ids).items() if v[0]}


@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops=OPS)
def test_support_cells_equal_the_registry_after_writes_and_days(place, ops):
    units, provider = place
    ids = [u.pk for u in units[:3]]  # the province and its two communes (the hamlet counts for its commune)
    start = datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=VN)
    with transaction.atomic(), time_machine.travel(start, tick=False) as traveller:
        apply(ops, units, provider, traveller)
        for code in _periods(timezone.localdate()):
            period = Period.parse(code)
            # A page's reads together (aggregates.reading), first of all after the days passed and with a plain
            # kind read first: the cells of every kind are loaded at once, so they are brought to today before.
            panel = engine.panel(["SUPPORT_OUTREACH_REACH", *CODES[:-1]], level="commune", units=ids, period=period)
            for indicator, values in panel.items():
                got = {k: (v.numerator, v.denominator) for k, v in values.items()}
                assert got == _registry(indicator, period, "unit", ids), (indicator, code, "panel")
            for level, restrict in (("commune", ids), ("province", [units[0].pk])):
                by = "unit" if level == "commune" else "province"
                for indicator in CODES:
                    got = {k: (v.numerator, v.denominator) for k, v in
                           engine.compute(indicator, level=level, units=restrict, period=period).items()}
                    assert got == _registry(indicator, period, by, restrict), (indicator, code, level)
        services.bring_to_today()  # done by the reads above
        assert _stored(ids, SUPPORT_KINDS) == _recomputed(ids, SUPPORT_KINDS)
        transaction.set_rollback(True)


def test_a_consent_that_expires_leaves_the_running_year_the_next_day(place):
    """No write between the two reads: only the day changes, and the figure with it."""
    units, _provider = place
    commune = units[1]
    year = Period.parse(str(TODAY.year))
    with time_machine.travel(datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=VN), tick=False) as traveller:
        client = Client.objects.create(unit=commune, code="HTA-X", uic="UAX001", sex="F",
                                       registered_on=TODAY - datetime.timedelta(days=30))
        Consent.objects.create(client=client, purpose=ConsentPurpose.REPORTING, method="verbal",
                               given_on=client.registered_on, expires_on=TODAY + datetime.timedelta(days=1))
        ServiceRecord.objects.create(client=client, unit=commune, kind="health_check",
                                     received_on=TODAY - datetime.timedelta(days=3))

        def services_this_year():
            return engine.compute("SUPPORT_SERVICES", level="commune", units=[commune.pk], period=year)

        assert services_this_year() == {commune.pk: engine.Value(1)}
        traveller.shift(datetime.timedelta(days=1))  # the consent's last day
        assert services_this_year() == {commune.pk: engine.Value(1)}
        traveller.shift(datetime.timedelta(days=1))  # expired: no longer counted in the running year
        # A page reading several figures at once (aggregates.reading), a plain kind first: the cells it loads
        # together are brought to the new day first.
        page = engine.panel(["SUPPORT_OUTREACH_REACH", "SUPPORT_SERVICES"], level="commune", units=[commune.pk],
                            period=year)
        assert page["SUPPORT_SERVICES"] == {}
        assert services_this_year() == {}
        assert AsOfDay.objects.get(name=services.AS_OF).day == TODAY + datetime.timedelta(days=2)


def test_cells_never_built_are_built_on_the_first_read(place):
    units, _provider = place
    commune = units[2]
    client = Client.objects.create(unit=commune, code="HTA-Y", uic="UAY001", sex="F", registered_on=TODAY)
    Consent.objects.create(client=client, purpose=ConsentPurpose.REPORTING, method="verbal", given_on=TODAY)
    Screening.objects.create(client=client, screened_on=TODAY, eligible=True)
    Cell.objects.filter(kind__startswith="sup_").delete()
    AsOfDay.objects.filter(name=services.AS_OF).update(day=None)
    month = Period.parse(f"{TODAY:%Y%m}")
    assert engine.compute("SUPPORT_SCREENED", level="commune", units=[commune.pk], period=month) == {
        commune.pk: engine.Value(1)}
    assert engine.compute("SUPPORT_ACCESS", level="commune", units=[commune.pk], period=month) == {
        commune.pk: engine.Value(0, 1)}
    assert AsOfDay.objects.get(name=services.AS_OF).day == TODAY


def test_the_scheduler_brings_the_cells_to_today_before_the_first_reader(place):
    from pcmd.ops.tasks import run_command

    units, _provider = place
    client = Client.objects.create(unit=units[1], code="HTA-Z", uic="UAZ001", sex="F", registered_on=TODAY)
    Consent.objects.create(client=client, purpose=ConsentPurpose.REPORTING, method="verbal", given_on=TODAY,
                           expires_on=TODAY + datetime.timedelta(days=2))
    Screening.objects.create(client=client, screened_on=TODAY, eligible=True)
    year_cell = Cell.objects.filter(kind="sup_screened", unit=units[1], start=TODAY.year * 12, months=12)
    assert year_cell.get().n == 1
    with time_machine.travel(datetime.datetime.combine(TODAY + datetime.timedelta(days=5), datetime.time(0, 5),
                                                       tzinfo=VN), tick=False):
        out = run_command("aggregates_today")
        assert AsOfDay.objects.get(name=services.AS_OF).day == TODAY + datetime.timedelta(days=5)
        assert "đến" in out
        # Done before anyone reads: the consent has expired, the running year no longer counts the file.
        assert not year_cell.exists()
