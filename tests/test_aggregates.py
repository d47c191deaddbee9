"""Aggregates (pcmd.aggregates): incremental = rebuild after random writes, and the indicators that read
them give the registry's numbers.

The writes go through the paths the application uses: single saves and deletes (services, CRUD, admin:
the signals), bulk updates wrapped in `track` (core.imports.Importer.write), bulk creates followed by
`refresh_for` (the one function bulk paths call). After each random sequence the cells of the units
touched must equal the cells recomputed from the registries, and VISITS_MADE, VENUES_INSPECTED,
TIPS_RECEIVED, COMM_SESSIONS, PRESS_ITEMS, the reach indicators and COMMITMENTS_SIGNED must equal their registry
definitions.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pcmd.aggregates import services
from pcmd.aggregates.models import Cell
from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import engine
from pcmd.indicators.computations.outreach import PRESS_KINDS, STUDENT_GROUPS, _reach, commitments_signed_registry
from pcmd.indicators.computations.registries import venues_inspected_registry, venues_managed_registry
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.outreach.models import Activity, ActivityKind, Audience, Commitment
from pcmd.tips.models import Tip, TipOutcome
from pcmd.venues.models import Establishment, EstablishmentStatus, EstablishmentType

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = timezone.localdate()
DAYS = st.dates(datetime.date(2010, 12, 1), datetime.date(2012, 1, 31))  # nothing of the demo is dated there
STATUSES = st.sampled_from([EstablishmentStatus.OPERATING, EstablishmentStatus.OPERATING, EstablishmentStatus.CLOSED])
OUTCOMES = st.sampled_from(["", TipOutcome.DUPLICATE, TipOutcome.SPAM, "", ""])
IX = st.integers(0, 50)

OPS = st.lists(st.one_of(
    st.tuples(st.just("est_create"), st.integers(0, 2), STATUSES, st.booleans()),
    st.tuples(st.just("est_edit"), IX, st.integers(0, 2), STATUSES, st.booleans()),
    st.tuples(st.just("visit_create"), IX, DAYS),
    st.tuples(st.just("visit_edit"), IX, IX, DAYS),
    st.tuples(st.just("visit_delete"), IX),
    st.tuples(st.just("visits_bulk_update"), st.lists(IX, max_size=4), DAYS),
    st.tuples(st.just("tip_create"), st.integers(0, 2), DAYS, st.integers(0, 23), OUTCOMES),
    st.tuples(st.just("tip_edit"), IX, st.integers(0, 2), DAYS, OUTCOMES),
    st.tuples(st.just("tip_delete"), IX),
    st.tuples(st.just("act_create"), st.integers(0, 2), DAYS, st.booleans(), st.integers(0, 30)),
    st.tuples(st.just("act_edit"), IX, st.integers(0, 2), DAYS, st.booleans()),
    st.tuples(st.just("act_delete"), IX),
    st.tuples(st.just("acts_bulk_create"), st.integers(0, 2), st.lists(DAYS, min_size=1, max_size=3)),
    st.tuples(st.just("commit_create"), IX, DAYS, st.one_of(st.none(), DAYS)),
    st.tuples(st.just("commit_edit"), IX, IX, DAYS, st.one_of(st.none(), DAYS)),
    st.tuples(st.just("commit_delete"), IX),
), min_size=1, max_size=25)

# Reviews (profile saves) are dated today: the managed share is also asked for this year and the next.
PERIODS = ["2011", "2011S1", "2011Q4", "201112", "201201", "2010-2012", str(TODAY.year), f"{TODAY.year + 1}S1"]
CODES = ["VISITS_MADE", "VENUES_INSPECTED", "VENUES_MANAGED", "TIPS_RECEIVED", "COMM_SESSIONS", "PRESS_ITEMS",
         "REACH_VENUE_WORKERS", "REACH_STUDENTS", "COMMITMENTS_SIGNED"]


@pytest.fixture
def place(db):
    p = AdminUnit.objects.create(code="AGG", name="Tỉnh Tổng Hợp", level=Level.PROVINCE, path="AGG/")
    p.province = p
    p.save()
    communes = [AdminUnit.objects.create(code=f"AGG{n}", name=f"Xã Tổng Hợp {n}", level=Level.COMMUNE, parent=p,
                                         province=p, path=f"AGG/AGG{n}/") for n in (1, 2)]
    agency = Agency(name="Cơ quan tổng hợp", unit=p)
    agency.save()
    kinds = (ActivityKind.objects.exclude(code__in=PRESS_KINDS).order_by("pk").first(),
             ActivityKind.objects.filter(code__in=PRESS_KINDS).order_by("pk").first() or
             ActivityKind.objects.create(code=PRESS_KINDS[0], name="Báo chí"))
    return [p, *communes], (kinds, agency)


def _at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=VN)


def apply(ops, units, kinds_and_agency):
    kinds, agency = kinds_and_agency
    etype = EstablishmentType.objects.order_by("pk").first()
    ests, visits, tips, acts, commitments = [], [], [], [], []

    def pick(items, i):
        return items[i % len(items)] if items else None

    for op in ops:
        name = op[0]
        if name == "est_create":
            e = Establishment(name="cs", type=etype, address="x", unit=units[op[1]], status=op[2],
                              managing_agency=agency if op[3] else None)
            e.save()
            ests.append(e)
        elif name == "est_edit" and ests:
            e = pick(ests, op[1])
            e.unit, e.status, e.managing_agency = units[op[2]], op[3], agency if op[4] else None
            e.save()
        elif name == "visit_create" and ests:
            e = pick(ests, op[1])
            v = Visit(establishment=e, unit=e.unit, date=op[2])
            v.save()
            visits.append(v)
        elif name == "visit_edit" and visits and ests:
            v, e = pick(visits, op[1]), pick(ests, op[2])
            v.establishment, v.unit, v.date = e, e.unit, op[3]
            v.save()
        elif name == "visit_delete" and visits:
            visits.pop(op[1] % len(visits)).delete()
        elif name == "visits_bulk_update" and visits:
            chosen = list({pick(visits, i).pk: pick(visits, i) for i in op[1]}.values())
            with services.track(Visit, [v.pk for v in chosen]):
                Visit.objects.filter(pk__in=[v.pk for v in chosen]).update(date=op[2])
            for v in chosen:
                v.date = op[2]
        elif name == "tip_create":
            t = Tip(code=f"AGG-{len(tips)}-{op[2]:%y%m%d}{op[3]}", channel="hotline", summary="x", description="x",
                    unit=units[op[1]], received_at=_at(op[2], op[3]), outcome=op[4])
            t.save()
            tips.append(t)
        elif name == "tip_edit" and tips:
            t = pick(tips, op[1])
            t.unit, t.received_at, t.outcome = units[op[2]], _at(op[3], 23), op[4]
            t.save()
        elif name == "tip_delete" and tips:
            tips.pop(op[1] % len(tips)).delete()
        elif name == "act_create":
            a = Activity(unit=units[op[1]], date=op[2], kind=kinds[op[3]], topic="x", reach_est_workers=op[4],
                         reach_hs_students=op[4] // 2)
            a.save()
            acts.append(a)
        elif name == "act_edit" and acts:
            a = pick(acts, op[1])
            a.unit, a.date, a.kind = units[op[2]], op[3], kinds[op[4]]
            a.save()
        elif name == "act_delete" and acts:
            acts.pop(op[1] % len(acts)).delete()
        elif name == "acts_bulk_create":
            unit = units[op[1]]
            made = Activity.objects.bulk_create([
                Activity(unit=unit, province=units[0], date=d, kind=kinds[0], topic="x", reach_est_workers=3)
                for d in op[2]])
            acts.extend(made)
            services.refresh_for([unit.pk], op[2])  # the one function bulk paths call
        elif name == "commit_create" and ests:
            c = Commitment(establishment=pick(ests, op[1]), date=op[2], signed_by="x", valid_until=op[3])
            c.save()
            commitments.append(c)
        elif name == "commit_edit" and commitments and ests:
            c = pick(commitments, op[1])
            c.establishment, c.date, c.valid_until = pick(ests, op[2]), op[3], op[4]
            c.save()
        elif name == "commit_delete" and commitments:
            commitments.pop(op[1] % len(commitments)).delete()


def _stored(unit_ids, kind_names=None):
    """The cells stored for the units (of `kind_names`, None: every kind)."""
    cells = Cell.objects.filter(unit__in=unit_ids)
    if kind_names is not None:
        cells = cells.filter(kind__in=kind_names)
    return {(c.kind, c.unit_id, c.start, c.months): (c.province_id, c.n) for c in cells}


def _recomputed(unit_ids, kind_names=None):
    """The same cells recomputed from the registries."""
    out = {}
    for kind in services.kinds().values():
        if kind_names is not None and kind.name not in kind_names:
            continue
        for (u, s, m), value in kind.cells(unit_ids, None).items():
            out[(kind.name, u, s, m)] = value
    return out


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ops=OPS)
# An establishment closed after its commitment: every month end since the commitment changes.
@example(ops=[("est_create", 1, EstablishmentStatus.OPERATING, True),
              ("commit_create", 0, datetime.date(2011, 3, 1), None),
              ("est_edit", 0, 1, EstablishmentStatus.CLOSED, True)])
def test_incremental_equals_rebuild_after_random_writes(place, ops):
    units, kinds = place
    ids = [u.pk for u in units]
    with transaction.atomic():
        apply(ops, units, kinds)
        assert _stored(ids) == _recomputed(ids)
        for code in PERIODS:
            period = Period.parse(code)
            for level, restrict in (("commune", ids), ("province", [units[0].pk])):
                by = "unit" if level == "commune" else "province"
                for indicator in CODES:
                    got = {k: (v.numerator, v.denominator) for k, v in
                           engine.compute(indicator, level=level, units=restrict, period=period).items()}
                    assert got == _registry(indicator, period, by, restrict), (indicator, code, level)
            # A page's reads together (aggregates.reading: the cells of all kinds loaded at once) give the same.
            for indicator, values in engine.panel(CODES, level="commune", units=ids, period=period).items():
                got = {k: (v.numerator, v.denominator) for k, v in values.items()}
                assert got == _registry(indicator, period, "unit", ids), (indicator, code, "panel")
        transaction.set_rollback(True)


def _registry(code, period, by, ids):
    """The indicator computed from the registry alone (the definitions the aggregates replace)."""
    fn = engine.COMPUTATIONS[code]
    if code == "VENUES_INSPECTED":
        return venues_inspected_registry(period, by, ids)
    if code == "VENUES_MANAGED":
        return venues_managed_registry(period, by, ids)
    if code == "COMMITMENTS_SIGNED":
        return commitments_signed_registry(period, by, ids)
    if isinstance(fn, engine.CellCount):
        return {k: v for k, v in fn.spec(period, by, ids).items() if v[0]}
    groups = {"REACH_VENUE_WORKERS": [Audience.EST_WORKERS], "REACH_STUDENTS": list(STUDENT_GROUPS)}[code]
    return _reach(groups, period, by, ids, registry=True)


def test_rebuild_command_restores_deleted_cells(place):
    units, kinds = place
    e = Establishment(name="cs", type=EstablishmentType.objects.order_by("pk").first(), address="x",
                      unit=units[1], status=EstablishmentStatus.OPERATING)
    e.save()
    Visit(establishment=e, unit=units[1], date=datetime.date(2011, 5, 3)).save()
    before = _stored([u.pk for u in units])
    assert before[("visits", units[1].pk, 2011 * 12, 12)] == (units[0].pk, 1)
    assert before[("inspected", units[1].pk, 2011 * 12 + 3, 3)] == (units[0].pk, 1)
    Cell.objects.filter(unit__in=[u.pk for u in units]).delete()
    call_command("aggregates_rebuild", "visits", "inspected", "operating", verbosity=0)
    assert _stored([u.pk for u in units]) == before


def test_a_write_is_visible_on_the_next_read(place):
    units, _ = place
    e = Establishment(name="cs", type=EstablishmentType.objects.order_by("pk").first(), address="x",
                      unit=units[2], status=EstablishmentStatus.OPERATING)
    e.save()
    year = Period.parse("2011")
    assert engine.compute("VENUES_INSPECTED", level="commune", units=[units[2].pk], period=year)[units[2].pk] \
        == engine.Value(0, 1)
    Visit(establishment=e, unit=units[2], date=datetime.date(2011, 7, 1)).save()
    assert engine.compute("VENUES_INSPECTED", level="commune", units=[units[2].pk], period=year)[units[2].pk] \
        == engine.Value(1, 1)
    e.status = EstablishmentStatus.CLOSED
    e.save()
    assert engine.compute("VENUES_INSPECTED", level="commune", units=[units[2].pk], period=year) == {}
    assert engine.compute("VISITS_MADE", level="province", units=[units[0].pk], period=year)[units[0].pk] \
        == engine.Value(1)


def test_periods_not_made_of_whole_months_are_read_from_the_registry():
    assert services.blocks(datetime.date(2011, 1, 1), datetime.date(2011, 12, 31)) == [(2011 * 12, 12)]
    assert services.blocks(datetime.date(2011, 1, 1), datetime.date(2012, 4, 30)) == [
        (2011 * 12, 12), (2012 * 12, 3), (2012 * 12 + 3, 1)]
    assert services.blocks(datetime.date(2011, 2, 1), datetime.date(2011, 7, 31)) == [
        (2011 * 12 + 1, 1), (2011 * 12 + 2, 1), (2011 * 12 + 3, 3), (2011 * 12 + 6, 1)]
    assert services.blocks(datetime.date(2011, 1, 2), datetime.date(2011, 12, 31)) is None
    assert services.blocks(datetime.date(2011, 1, 1), datetime.date(2011, 12, 30)) is None


def test_a_commitment_that_expires_leaves_the_running_month_the_next_day(place):
    """COMMITMENTS_SIGNED is counted as of min(month end, today): with no write, only the day changes it."""
    import time_machine

    units, _ = place
    e = Establishment(name="cs", type=EstablishmentType.objects.order_by("pk").first(), address="x",
                      unit=units[1], status=EstablishmentStatus.OPERATING)
    e.save()
    day = TODAY.replace(day=10)  # the next day is in the same month: the running month is asked on both
    month = Period.parse(f"{day:%Y%m}")
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=VN), tick=False) as traveller:
        Commitment(establishment=e, date=day - datetime.timedelta(days=40), signed_by="x", valid_until=day).save()

        def signed():
            return {k: (v.numerator, v.denominator) for k, v in
                    engine.compute("COMMITMENTS_SIGNED", level="commune", units=[units[1].pk], period=month).items()}

        assert signed() == {units[1].pk: (1, 1)}
        traveller.shift(datetime.timedelta(days=1))  # expired yesterday
        assert signed() == {units[1].pk: (0, 1)} == commitments_signed_registry(month, "unit", [units[1].pk])


def test_a_page_reads_the_cells_of_all_its_figures_in_a_few_queries(place):
    """A province's scorecard (engine.breakdown of every indicator) reads the cells of its communes once per set
    of blocks it needs (the year, the state, the month at its end, the year's months for a distinct count…), not
    once per indicator: a page of 34 figures took 29 such queries before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    province = place[0][0]
    period = Period.parse(str(TODAY.year - 1))
    with CaptureQueriesContext(connection) as queries:
        engine.breakdown([i.code for i in engine.CATALOGUE], parent=province, period=period)
    cell_queries = [q["sql"] for q in queries.captured_queries if '"aggregates_cell"' in q["sql"]]
    assert 1 <= len(cell_queries) <= 4, "\n".join(q[-250:] for q in cell_queries)
