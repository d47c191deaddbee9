"""Shared fixtures: a fixed today, the reference data once per session, and the three personas.

Today is frozen for the whole session (`TODAY`, from before the demo is seeded): the demo data,
deadlines, periods, statuses and forecasts all read the same date whatever the machine's clock
says. The clock still ticks from there, so durations and TOTP codes behave. To check that nothing
depends on the real date, run the suite with another frozen day: `PCMD_TEST_TODAY=2027-02-10 pytest`.

Personas (ARCHITECTURE.md): an owner of the unit (coordinator of Phường Bạch Đằng, Hải Phòng),
a read-only member of the same unit (leader), and an outsider from another province
(coordinator of a commune of Tỉnh Ninh Bình).
"""

import datetime
import os
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency, Membership, Role

PASSWORD = "mat-khau-thu-nghiem"
# A Wednesday in September, mid-quarter, away from Tết and the other holidays.
TODAY = datetime.date.fromisoformat(os.environ.get("PCMD_TEST_TODAY") or "2026-09-16")


_travel = time_machine.travel(datetime.datetime.combine(TODAY, datetime.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                              tick=True)


def pytest_configure(config):
    """Travel to TODAY 09:00 in Việt Nam before any test module is imported (module-level dates included)
    and before the demo is seeded; the clock ticks on from there."""
    _travel.start()


def pytest_unconfigure(config):
    _travel.stop()


@pytest.fixture
def today():
    return TODAY


@pytest.fixture(scope="session")
def system_tool():
    """The path of a system program a test needs (LibreOffice, poppler, Tesseract). A missing one fails the test:
    `make test` installs them first (scripts/system-packages.sh), so a skip could only hide a defect."""

    def _find(*names: str) -> str:
        for name in names:
            if path := shutil.which(name):
                return path
        pytest.fail(f"{names[0]} is not installed (scripts/system-packages.sh installs it)")

    return _find


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from pcmd.core.demo import seed

    with django_db_blocker.unblock():
        seed("demo")


@pytest.fixture
def bach_dang(db):
    from pcmd.core.demo import bach_dang

    return bach_dang()


@pytest.fixture
def hai_phong(db):
    return AdminUnit.objects.get(code="31")


@pytest.fixture
def ninh_binh_commune(db):
    return AdminUnit.objects.filter(province__code="37", level=Level.COMMUNE).order_by("code").first()


def make_member(username, unit, role, agency_kind=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name="Thử",
                                                last_name=username)
    agency = Agency.objects.filter(unit=unit, kind__code=agency_kind).first() if agency_kind else None
    Membership.objects.create(user=user, unit=unit, agency=agency, role=role)
    return user


@pytest.fixture
def member_factory(db):
    return make_member


@pytest.fixture
def owner(bach_dang):
    return make_member("p.owner", bach_dang, Role.COORDINATOR, "phong-vhxh")


@pytest.fixture
def reader(bach_dang):
    return make_member("p.reader", bach_dang, Role.LEADER)


@pytest.fixture
def outsider(ninh_binh_commune):
    return make_member("p.outsider", ninh_binh_commune, Role.COORDINATOR, "phong-vhxh")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def bd_agency(bach_dang):
    return Agency.objects.get(unit=bach_dang, kind__code="cong-an-xa")


@pytest.fixture
def bd_hamlet(bach_dang):
    return AdminUnit.objects.filter(parent=bach_dang, level=Level.HAMLET).order_by("code").first()


@pytest.fixture
def verified_login(client):
    """Log in a user who must use two-factor, as if they had just entered their TOTP code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _login(user):
        device = TOTPDevice.objects.create(user=user, name="kiểm thử", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return _login
