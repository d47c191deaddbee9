"""The demo seed gives the scorecard a mix of statuses over the Hà Nội demo communes (pcmd.indicators.demo)."""

import datetime

import pytest

from pcmd.core.demo import seed
from pcmd.core.periods import Period
from pcmd.indicators import engine, status, targets
from pcmd.indicators.catalogue import BY_CODE
from pcmd.indicators.demo import (
    ESTABLISHMENTS,
    VENUES_TARGET,
    demo_communes,
    elapsed_share,
    inspected_share,
    last_quarters,
    profile_of,
)
from pcmd.indicators.models import DataValue
from pcmd.inspections.models import Visit
from pcmd.outreach.models import Activity
from pcmd.venues.models import Establishment

pytestmark = pytest.mark.django_db

S = status.Status


def _statuses(code: str, period: Period, today: datetime.date) -> list[str]:
    ids = [c.pk for c in demo_communes()]
    values = engine.compute(code, level="commune", units=ids, period=period)
    goals = targets.targets_for(code, level="commune", units=ids, year=period.start.year)
    return [status.judge(BY_CODE[code], goals.get(i), values.get(i), period, today).status for i in ids]


def test_six_ha_noi_communes_with_records():
    communes = demo_communes()
    assert len(communes) == 6 and {c.province.code for c in communes} == {"01"}
    for commune in communes:
        assert Establishment.objects.filter(unit=commune).count() == ESTABLISHMENTS
        assert Activity.objects.filter(unit=commune).exists()


def test_profiles_shape_the_inspected_share(today):
    elapsed = elapsed_share(today)
    assert inspected_share("met", elapsed) > VENUES_TARGET
    assert VENUES_TARGET * elapsed <= inspected_share("on_track", elapsed) <= VENUES_TARGET
    assert inspected_share("lagging", elapsed) < VENUES_TARGET * elapsed
    assert [profile_of(i) for i in range(4)] == ["met", "on_track", "lagging", "met"]


def test_this_year_scorecard_has_communes_met_on_track_and_behind(today):
    # The demo was seeded at the session's frozen today (conftest.TODAY).
    assert today.month > 1, "in January too little of the year has passed: freeze a later day (PCMD_TEST_TODAY)"
    year = Period.parse(str(today.year))
    inspected = _statuses("VENUES_INSPECTED", year, today)
    communication = _statuses("COMM_COMMUNES", year, today)
    assert {S.MET, S.ON_TRACK, S.BEHIND} <= set(inspected)  # the three profiles
    assert S.BEHIND in communication and {S.ON_TRACK, S.MET} & set(communication)


def test_support_access_entered_quarters_met_and_missed_with_one_outlier(today):
    quarters = last_quarters(today)
    communes = demo_communes()
    rows = DataValue.objects.filter(indicator="SUPPORT_ACCESS", unit__in=communes)
    assert rows.count() == len(communes) * len(quarters)
    assert rows.exclude(agency=None).count() == rows.count()  # the Women's Union reports it
    assert {r.agency.kind.code for r in rows.select_related("agency__kind")} == {"hlhpn-xa"}
    assert rows.exclude(comment="").count() == 1  # the outlier
    judged = _statuses("SUPPORT_ACCESS", quarters[-1], today)  # an ended quarter: met or missed
    assert S.MET in judged and S.MISSED in judged


def test_seeding_again_changes_nothing():
    counts = (Establishment.objects.count(), Visit.objects.count(), Activity.objects.count())
    seed("demo")
    assert (Establishment.objects.count(), Visit.objects.count(), Activity.objects.count()) == counts
