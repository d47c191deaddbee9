"""The support demo (pcmd.support.demo): the states the demo must show, idempotence, the support logins.

The session's demo seed (conftest) made the four communes' files at the frozen today.
"""

from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcmd.core.demo import SeedContext, seed
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Membership, Role
from pcmd.support import consent, demo, wall
from pcmd.support import uic as uic_rule
from pcmd.support.models import (
    CaseEvent,
    CaseEventAction,
    CaseGoal,
    CasePlan,
    CaseStatus,
    Client,
    ClosureReason,
    Consent,
    ConsentPurpose,
    FollowUp,
    OutreachContact,
    PlanStatus,
    Provider,
    ProviderKind,
    Referral,
    ReferralStatus,
    Screening,
    ServiceRecord,
)

pytestmark = pytest.mark.django_db

MODELS = [Client, Consent, Screening, CasePlan, CaseGoal, Provider, Referral, ServiceRecord, FollowUp, CaseEvent,
          OutreachContact]


def _communes():
    return [demo._commune(province, folded) for province, folded, _p, _a in demo.COMMUNES]


def _membership(username):
    return Membership.objects.select_related("unit").get(user__username=username)


def test_four_communes_of_two_cities_with_their_files(bach_dang):
    communes = _communes()
    assert communes[0] == bach_dang
    assert [c.province.code for c in communes] == ["31", "31", "01", "01"]
    for commune in communes:
        files = Client.objects.filter(unit=commune)
        assert files.count() == demo.PER_COMMUNE
        codes = sorted(files.values_list("code", flat=True))
        assert codes == [f"HT-{commune.code}-{n:06d}" for n in range(1, demo.PER_COMMUNE + 1)]
        assert all(uic_rule.PATTERN.fullmatch(u) for u in files.values_list("uic", flat=True))
        assert set(Provider.objects.filter(unit=commune).values_list("kind", flat=True)) == {
            k for k, _name in demo.PROVIDERS}
        assert OutreachContact.objects.filter(unit__path__startswith=f"{commune.path}").count() >= 24


def test_some_names_encrypted_most_files_without(bach_dang):
    files = Client.objects.filter(unit=bach_dang)
    named = [c for c in files if c.full_name]
    assert 3 <= len(named) < len(files) / 2
    assert all(c.full_name.endswith("(tên mẫu)") for c in named)
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM support_client WHERE id = %s", [named[0].pk])
        stored = cursor.fetchone()[0]
    assert stored and "tên mẫu" not in stored, "the name is stored encrypted"


def test_every_plan_state_with_a_reason_for_the_returned_one(bach_dang):
    plans = CasePlan.objects.filter(client__unit=bach_dang)
    assert set(plans.values_list("status", flat=True)) == set(PlanStatus.values)
    returned = plans.get(status=PlanStatus.RETURNED)
    assert returned.return_reason and returned.decided_by.username == "bachdang.giamsat"
    assert CaseGoal.objects.filter(plan__client__unit=bach_dang).count() >= 20


def test_referrals_in_every_state_some_overdue_and_each_with_its_consent(bach_dang, today):
    referrals = Referral.objects.filter(unit=bach_dang).select_related("provider", "client")
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    overdue = referrals.filter(status=ReferralStatus.SENT, answer_due__lt=today)
    assert overdue.count() >= 2
    assert referrals.filter(status=ReferralStatus.SENT, answer_due__gte=today).exists(), "one still waits in time"
    for referral in referrals:
        given = Consent.objects.filter(client=referral.client, purpose=ConsentPurpose.REFERRAL,
                                       provider=referral.provider, given_on__lte=referral.referred_on)
        assert given.exists(), referral
    done = referrals.filter(status=ReferralStatus.COMPLETED)
    assert done.exists() and all(r.services.exists() for r in done)
    assert {p.kind for p in Provider.objects.filter(unit=bach_dang, agency__isnull=False)} == {
        ProviderKind.HEALTH_STATION}


def test_closures_and_the_one_waiting_for_approval(bach_dang):
    files = Client.objects.filter(unit=bach_dang)
    closed = files.filter(status=CaseStatus.CLOSED)
    assert {ClosureReason.GOALS_MET, ClosureReason.MOVED, ClosureReason.LOST} <= set(
        closed.values_list("closure_reason", flat=True))
    assert all(c.closed_on for c in closed)
    waiting = files.get(status=CaseStatus.CLOSING)
    actions = list(waiting.events.values_list("action", flat=True))
    assert CaseEventAction.CLOSE_REQUEST in actions and CaseEventAction.CLOSE_APPROVE not in actions
    open_referrals = Referral.objects.filter(client__status__in=[CaseStatus.CLOSING, CaseStatus.CLOSED],
                                             status__in=[ReferralStatus.SENT, ReferralStatus.RECEIVED])
    assert not open_referrals.exists(), "a file is closed only once its referrals are answered"


def test_consents_withdrawn_expired_and_reporting(bach_dang, today):
    consents = Consent.objects.filter(client__unit=bach_dang)
    withdrawn = consents.filter(withdrawn_at__isnull=False)
    assert {ConsentPurpose.SERVICES, ConsentPurpose.REPORTING, ConsentPurpose.PHONE} <= set(
        withdrawn.values_list("purpose", flat=True))
    assert all(c.withdrawal_note for c in withdrawn)
    assert consents.filter(expires_on__lt=today, purpose=ConsentPurpose.REFERRAL).count() == 1
    files = Client.objects.filter(unit=bach_dang)
    counted = consent.reporting_clients(files).count()
    assert 0.8 * files.count() <= counted < files.count(), "most, not all, consented to reporting"
    # Every withdrawal and consent is in the file's history.
    withdrawals = CaseEvent.objects.filter(client__unit=bach_dang, action=CaseEventAction.WITHDRAW)
    assert withdrawals.count() == withdrawn.count()


def test_dates_hold_together(bach_dang, today):
    for service in ServiceRecord.objects.filter(unit=bach_dang).select_related("client"):
        assert service.client.registered_on <= service.received_on <= today
    assert ServiceRecord.objects.filter(unit=bach_dang, received_on__gte=today.replace(year=today.year - 1)).exists()
    for screening in Screening.objects.filter(client__unit=bach_dang).select_related("client"):
        assert screening.client.registered_on <= screening.screened_on <= today and screening.needs
    assert FollowUp.objects.filter(client__unit=bach_dang).exists()
    intake = Client.objects.get(unit=bach_dang, intake__isnull=False)
    assert intake.registered_on >= intake.intake.received_at.date()


def test_the_support_logins(bach_dang, hai_phong):
    expected = {"bachdang.hotro": (Role.CASE_WORKER, bach_dang),
                "bachdang.giamsat": (Role.SUPPORT_SUPERVISOR, bach_dang),
                "haiphong.giamsat": (Role.SUPPORT_SUPERVISOR, hai_phong)}
    for username, (role, unit) in expected.items():
        seat = _membership(username)
        assert (seat.role, seat.unit) == (role, unit)
        assert TOTPDevice.objects.filter(user=seat.user, name="Demo", confirmed=True).exists()
    ctx = SeedContext(scale="demo", faker=None, rng=None)
    from pcmd.core.demo import seed_users

    seed_users(ctx)
    printed = {login.username: login for login in ctx.logins}
    assert all(printed[name].two_factor for name in expected)
    assert printed["haiphong.giamsat"].role == "Giám sát hỗ trợ"
    readme = Path("README.md").read_text()
    assert "| `bachdang.giamsat` | Giám sát hỗ trợ" in readme and "| `haiphong.giamsat` | Giám sát hỗ trợ" in readme


def test_the_wall_holds_on_the_demo_files(bach_dang, hai_phong):
    worker = wall.visible_clients(_membership("bachdang.hotro"))
    assert set(worker.values_list("unit", flat=True)) == {bach_dang.pk}
    city = wall.visible_clients(_membership("haiphong.giamsat"))
    assert set(city.values_list("province", flat=True)) == {hai_phong.pk}
    assert city.values("unit").distinct().count() == 2  # Bạch Đằng and Lê Chân
    assert not wall.visible_clients(_membership("bachdang.congan")).exists()


def test_seeding_again_adds_nothing():
    before = {model: model.objects.count() for model in MODELS}
    seed("demo")
    assert {model: model.objects.count() for model in MODELS} == before


def test_volume_fills_every_commune_of_the_province_without_encrypted_data(monkeypatch, hai_phong, bach_dang):
    # The national generator at province scale, one small file a commune (the full scale is bench/support.py).
    monkeypatch.setattr(demo, "VOLUME_PER_COMMUNE", (1, 2))
    monkeypatch.setattr(demo, "SERVICES_PER_FILE", (2, 3))
    monkeypatch.setattr(demo, "_progress", lambda message: None)
    ctx = SeedContext(scale="province", faker=None, rng=None)
    demo.seed_volume(ctx)
    made = ctx.summary["hồ sơ hỗ trợ mới (quy mô lớn)"]
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True, province=hai_phong)
    assert made >= communes.count()
    per_unit = dict(Client.objects.filter(province=hai_phong).values_list("unit").annotate(n=Count("pk")))
    assert set(per_unit) == set(communes.values_list("pk", flat=True))
    assert per_unit[bach_dang.pk] > demo.PER_COMMUNE
    assert Client.objects.filter(code=f"HT-{bach_dang.code}-{demo.PER_COMMUNE + 1:06d}").exists()
    bulk = Client.objects.filter(province=hai_phong).exclude(unit__in=_communes())
    assert not bulk.exclude(full_name="").exists()
    assert ServiceRecord.objects.filter(client__in=bulk).count() >= made
    shares = consent.reporting_clients(bulk).count() / bulk.count()
    assert 0.7 < shares <= 1
    for referral in Referral.objects.filter(client__in=bulk).select_related("client")[:200]:
        assert Consent.objects.filter(client=referral.client, purpose=ConsentPurpose.REFERRAL,
                                      provider=referral.provider_id).exists()
    again = SeedContext(scale="province", faker=None, rng=None)
    demo.seed_volume(again)
    assert again.summary["hồ sơ hỗ trợ mới (quy mô lớn)"] == 0
