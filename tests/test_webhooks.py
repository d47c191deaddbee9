"""Webhooks: a local HTTP server thread receives signed deliveries; failures are retried with backoff until
they succeed or give up; a lost task is picked up by the periodic job; "gửi lại" replays from the outbox; the
services write the outbox in their own transaction; referral events carry no client identity; addresses inside
the network are refused (SSRF); the pages are scoped."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from pcmd.org.models import Membership, Role
from pcmd.reports import services as report_services
from pcmd.reports.models import Report
from pcmd.support.models import Referral
from pcmd.tips import services as tip_services
from pcmd.tips.models import TipChannel
from pcmd.webhooks import emit, services
from pcmd.webhooks.models import Attempt, Delivery, DeliveryStatus, OutboxEvent, Subscription

pytestmark = pytest.mark.django_db
S = DeliveryStatus


class Receiver:
    """A local HTTP server on 127.0.0.1 answering each POST with the next planned status (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.plan: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({"path": self.path, "headers": headers, "body": body})
                status = receiver.plan.pop(0) if receiver.plan else 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def national_admin(member_factory):
    return Membership.objects.get(user=member_factory("wh.nat.admin", None, Role.ADMIN))


@pytest.fixture
def province_admin(member_factory, hai_phong):
    return Membership.objects.get(user=member_factory("wh.hp.admin", hai_phong, Role.ADMIN))


def subscribe(membership, url, events, unit=None):
    return services.subscription_create(membership=membership, name="Tổng đài thử", url=url, events=events,
                                        unit=unit)


def emit_committed(capture, event, unit, payload, **kw):
    """Emit inside a transaction and run its on-commit hooks (the test itself runs inside one)."""
    with capture(execute=True):
        with transaction.atomic():
            return emit(event, unit, payload, **kw)


def test_a_signed_delivery_reaches_the_receiver(receiver, province_admin, bach_dang,
                                                django_capture_on_commit_callbacks):
    sub, secret = subscribe(province_admin, receiver.url, ["report.submitted"], bach_dang.province)
    event = emit_committed(django_capture_on_commit_callbacks, "report.submitted", bach_dang, {"report": {"id": 7}})
    assert len(receiver.requests) == 1
    req = receiver.requests[0]
    headers = req["headers"]
    assert headers["x-pcmd-event"] == "report.submitted" and headers["x-pcmd-event-id"] == str(event.uid)
    assert services.verify(secret, headers["x-pcmd-timestamp"], req["body"], headers["x-pcmd-signature"])
    assert not services.verify("another secret", headers["x-pcmd-timestamp"], req["body"],
                               headers["x-pcmd-signature"])
    assert not services.verify(secret, headers["x-pcmd-timestamp"], req["body"] + b" ", headers["x-pcmd-signature"])
    # A captured delivery sent again an hour later is refused by the timestamp check.
    stale = int(headers["x-pcmd-timestamp"]) + 3600
    assert not services.verify(secret, headers["x-pcmd-timestamp"], req["body"], headers["x-pcmd-signature"],
                               now=stale)
    body = json.loads(req["body"])
    assert body["event"] == "report.submitted" and body["unit"]["code"] == bach_dang.code
    assert body["data"] == {"report": {"id": 7}}
    delivery = Delivery.objects.get(subscription=sub)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (S.DELIVERED, 1, 200)


def test_failures_are_retried_with_backoff_then_succeed(receiver, national_admin, bach_dang,
                                                        django_capture_on_commit_callbacks):
    receiver.plan = [500, 503]
    sub, _secret = subscribe(national_admin, receiver.url, ["tip.transferred"])
    emit_committed(django_capture_on_commit_callbacks, "tip.transferred", bach_dang, {"tip": {"id": 1}})
    delivery = Delivery.objects.get(subscription=sub)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (S.RETRYING, 1, 500)
    assert delivery.next_attempt_at is not None
    assert services.deliver_due() == 0  # not due yet: nothing is sent
    assert len(receiver.requests) == 1
    for expected in (503, 200):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)  # time passes
        assert services.deliver_due() == 1
        delivery.refresh_from_db()
        assert delivery.last_status_code == expected
    assert (delivery.status, delivery.attempts) == (S.DELIVERED, 3)
    assert list(Attempt.objects.filter(delivery=delivery).order_by("at", "pk").values_list("status_code", flat=True)) \
        == [500, 503, 200]
    # Three POSTs of the same event: the receiver dedupes on the event id.
    assert len({r["headers"]["x-pcmd-event-id"] for r in receiver.requests}) == 1 and len(receiver.requests) == 3


def test_backoff_doubles_and_is_capped():
    waits = [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)]
    assert waits == [30, 60, 120, 240]
    assert services.backoff(40).total_seconds() == 6 * 3600


@override_settings(PCMD_WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_gives_up_after_the_last_attempt_and_redirects_are_not_followed(
        receiver, national_admin, bach_dang, django_capture_on_commit_callbacks):
    receiver.plan = [302, 302]
    sub, _secret = subscribe(national_admin, receiver.url, ["tip.transferred"])
    emit_committed(django_capture_on_commit_callbacks, "tip.transferred", bach_dang, {"tip": {"id": 1}})
    delivery = Delivery.objects.get(subscription=sub)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    services.deliver_due()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (S.GAVE_UP, 2, 302)
    assert [r["path"] for r in receiver.requests] == ["/hook", "/hook"]  # never followed to /elsewhere
    assert services.deliver_due() == 0


def test_a_lost_task_is_sent_by_the_periodic_job(receiver, national_admin, bach_dang,
                                                 django_capture_on_commit_callbacks):
    sub, _secret = subscribe(national_admin, receiver.url, ["tip.transferred"])
    with django_capture_on_commit_callbacks(execute=False):  # the process dies between commit and queue
        with transaction.atomic():
            emit("tip.transferred", bach_dang, {"tip": {"id": 2}})
    delivery = Delivery.objects.get(subscription=sub)
    assert delivery.status == S.PENDING and receiver.requests == []
    from django.core.management import call_command

    call_command("deliver_webhooks")
    delivery.refresh_from_db()
    assert delivery.status == S.DELIVERED and len(receiver.requests) == 1
    # A worker killed while sending: the claim goes stale and the job sends again (at least once).
    Delivery.objects.filter(pk=delivery.pk).update(status=S.SENDING,
                                                   claimed_at=delivery.created_at - datetime.timedelta(hours=1))
    assert services.deliver_due() == 1 and len(receiver.requests) == 2


def test_replay_sends_the_outbox_event_again(receiver, province_admin, bach_dang, client, verified_login,
                                             django_capture_on_commit_callbacks):
    sub, _secret = subscribe(province_admin, receiver.url, ["report.approved"], bach_dang)
    event = emit_committed(django_capture_on_commit_callbacks, "report.approved", bach_dang, {"report": {"id": 3}})
    first = Delivery.objects.get(subscription=sub)
    verified_login(province_admin.user)
    page = client.get(reverse("webhook_detail", args=[sub.pk]))
    assert page.status_code == 200 and "Đã nhận" in page.content.decode() and str(event.uid) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhook_detail", args=[sub.pk]), {"step": "replay", "delivery": first.pk})
    assert response.status_code == 302
    again = Delivery.objects.exclude(pk=first.pk).get(subscription=sub)
    assert again.replay_of == first and again.status == S.DELIVERED and again.requested_by == province_admin.user
    assert [r["headers"]["x-pcmd-event-id"] for r in receiver.requests] == [str(event.uid)] * 2
    # A delivery of another subscription cannot be replayed through this one; junk is a message, not a 500.
    assert client.post(reverse("webhook_detail", args=[sub.pk]), {"step": "replay", "delivery": "abc"},
                       follow=True).status_code == 200


def test_subscriptions_receive_only_their_units_and_events(receiver, province_admin, national_admin, bach_dang,
                                                            ninh_binh_commune, django_capture_on_commit_callbacks):
    mine, _ = subscribe(province_admin, receiver.url, ["tip.transferred"], bach_dang.province)
    other_event, _ = subscribe(province_admin, receiver.url, ["report.approved"], bach_dang.province)
    far, _ = subscribe(national_admin, receiver.url, ["tip.transferred"], ninh_binh_commune)
    country, _ = subscribe(national_admin, receiver.url, ["tip.transferred"])
    Subscription.objects.filter(pk=country.pk).update(is_active=False)
    event = emit_committed(django_capture_on_commit_callbacks, "tip.transferred", bach_dang, {"tip": {"id": 4}})
    assert set(Delivery.objects.filter(event=event).values_list("subscription_id", flat=True)) == {mine.pk}
    # A transfer to a Ninh Bình commune also reaches the receiving side's subscription.
    emit_committed(django_capture_on_commit_callbacks, "tip.transferred", bach_dang, {"tip": {"id": 5}},
                   also=[ninh_binh_commune])
    assert Delivery.objects.filter(subscription=far).count() == 1 and not Delivery.objects.filter(
        subscription__in=[other_event, country]).exists()


def test_services_write_the_outbox_in_their_transaction(bach_dang, owner, member_factory, ninh_binh_commune, today):
    # Report: submit, return, approve each write one event; a refused step writes none.
    report = Report.objects.select_related("type", "unit").get(unit=bach_dang, year=today.year,
                                                               type__code="xa-6-thang")
    writer = Membership.objects.get(user=member_factory("wh.writer", bach_dang, Role.COORDINATOR, "phong-vhxh"))
    reviewer = Membership.objects.get(user=member_factory("wh.reviewer", bach_dang.province, Role.COORDINATOR,
                                                          "so-y-te"))
    report_services.report_submit(report=report, membership=writer)
    with pytest.raises(ValidationError):
        report_services.report_return(report=report, membership=reviewer, reason="")
    report_services.report_return(report=report, membership=reviewer, reason="Thiếu số liệu quý II")
    report_services.report_submit(report=report, membership=writer)
    report_services.report_approve(report=report, membership=reviewer)
    events = list(OutboxEvent.objects.filter(payload__report__id=report.pk).order_by("pk").values_list("event",
                                                                                                       flat=True))
    assert events == ["report.submitted", "report.returned", "report.submitted", "report.approved"]
    # Tip transfer: one event naming both communes, nothing about the reporter.
    tip = tip_services.tip_create(channel=TipChannel.HOTLINE, data={
        "unit": bach_dang, "summary": "Nghi có mua bán dâm", "description": "Nội dung", "location": "Phố A",
        "is_anonymous": False, "reporter_name": "Nguyễn Văn Báo", "reporter_contact": "0912345678"})
    tip_services.tip_transfer(tip=tip, membership=Membership.objects.get(user=owner), to_unit=ninh_binh_commune,
                              reason="Địa điểm thuộc xã khác")
    event = OutboxEvent.objects.get(event="tip.transferred", payload__tip__id=tip.pk)
    assert event.payload["to_unit"] == ninh_binh_commune.code
    assert "Nguyễn Văn Báo" not in json.dumps(event.payload, ensure_ascii=False) and "0912345678" not in json.dumps(
        event.payload)


def test_tip_deadline_events(bach_dang, today):
    from pcmd.tips.models import DeadlineNotice
    from pcmd.tips.notifications import notify_deadlines

    # The demo seed already ran the daily scan (pcmd.inbox): start from a scan that has not run yet.
    DeadlineNotice.objects.all().delete()
    before = OutboxEvent.objects.filter(event__startswith="tip.deadline").count()
    notify_deadlines(today=today)
    after = OutboxEvent.objects.filter(event__startswith="tip.deadline")
    assert after.count() > before, "the demo has open tips near or past their deadline"
    assert {e.event for e in after} <= {"tip.deadline_near", "tip.deadline_passed"}
    # Once per tip, threshold and due date: running again adds nothing.
    count = after.count()
    notify_deadlines(today=today)
    assert OutboxEvent.objects.filter(event__startswith="tip.deadline").count() == count


def test_referral_overdue_events_carry_no_client_identity(bach_dang, today):
    from pcmd.support.referrals import notify_overdue

    referral = Referral.objects.filter(unit=bach_dang, status__in=["sent", "received"]).select_related(
        "client").order_by("pk").first()
    assert referral is not None
    Referral.objects.filter(pk=referral.pk).update(answer_due=today.replace(day=1))
    emitted = notify_overdue(today=today)
    assert emitted >= 1 and notify_overdue(today=today) == 0  # once per referral and deadline
    event = OutboxEvent.objects.get(event="referral.overdue", payload__referral__id=referral.pk)
    text = json.dumps(event.payload, ensure_ascii=False)
    assert set(event.payload) == {"referral", "commune"} and event.payload["commune"]["code"] == bach_dang.code
    assert set(event.payload["referral"]) == {"id", "need", "status", "referred_on", "answer_due", "days_overdue"}
    assert referral.client.uic not in text and str(referral.client_id) not in json.dumps(event.payload["commune"])


@override_settings(PCMD_WEBHOOK_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/hook", "http://10.1.2.3/", "http://[::1]/",
                                 "http://169.254.169.254/latest/meta-data/", "http://localhost/",
                                 "ftp://example.org/", "file:///etc/passwd", "http://user:pw@example.org/",
                                 "javascript:alert(1)", "http://[bad/"])
def test_addresses_inside_the_network_are_refused(url, national_admin):
    with pytest.raises(ValidationError):
        services.check_url(url)
    with pytest.raises(ValidationError):
        subscribe(national_admin, url, ["tip.transferred"])


def test_a_private_address_is_not_called_when_the_setting_is_off(receiver, national_admin, bach_dang,
                                                                  django_capture_on_commit_callbacks):
    sub, _ = subscribe(national_admin, receiver.url, ["tip.transferred"])
    with override_settings(PCMD_WEBHOOK_ALLOW_PRIVATE=False):
        emit_committed(django_capture_on_commit_callbacks, "tip.transferred", bach_dang, {"tip": {"id": 6}})
    delivery = Delivery.objects.get(subscription=sub)
    assert receiver.requests == [] and delivery.status == S.RETRYING and "nội bộ" in delivery.last_error


def test_pages_create_show_the_secret_once_and_are_scoped(province_admin, bach_dang, ninh_binh_commune, client,
                                                          verified_login, member_factory, owner):
    verified_login(province_admin.user)
    page = client.get(reverse("webhook_list"))
    assert page.status_code == 200
    response = client.post(reverse("webhook_list"), {
        "name": "Tổng đài 111", "url": "https://tongdai.example.org/hook", "events": ["report.submitted"],
        "unit": bach_dang.pk})
    text = response.content.decode()
    sub = Subscription.objects.get(name="Tổng đài 111")
    assert response.status_code == 200 and sub.secret in text and sub.unit == bach_dang
    assert sub.secret not in client.get(reverse("webhook_detail", args=[sub.pk])).content.decode()
    # Bad input is kept with the reason.
    bad = client.post(reverse("webhook_list"), {"name": "X", "url": "ftp://x", "events": ["nope"],
                                                "unit": ninh_binh_commune.pk}).content.decode()
    assert "http://" in bad and "ftp://x" in bad
    # Edit: deactivate.
    client.post(reverse("webhook_detail", args=[sub.pk]), {
        "step": "update", "version": sub.version, "name": "Tổng đài 111", "url": sub.url,
        "events": ["report.submitted", "report.approved"], "unit": bach_dang.pk})
    sub.refresh_from_db()
    assert not sub.is_active and sub.event_list == ["report.approved", "report.submitted"]
    old_secret = sub.secret
    rotated = client.post(reverse("webhook_detail", args=[sub.pk]), {"step": "secret"}).content.decode()
    sub.refresh_from_db()
    assert sub.secret != old_secret and sub.secret in rotated
    # Another province's admin: not there; a coordinator: no such module.
    far_admin = member_factory("wh.nb.admin", ninh_binh_commune.province, Role.ADMIN)
    verified_login(far_admin)
    assert client.get(reverse("webhook_detail", args=[sub.pk])).status_code == 404
    assert sub.name not in client.get(reverse("webhook_list")).content.decode()
    with pytest.raises(PermissionDenied):
        services.secret_rotate(membership=far_admin.memberships.get(), subscription=sub)
    client.force_login(owner)
    assert client.get(reverse("webhook_list")).status_code == 403


@pytest.mark.parametrize("level", ["province", "national"])
def test_exchange_pages_give_no_500_on_junk(level, member_factory, hai_phong, bach_dang):
    """The fuzz test's junk (tests/test_fuzz.py) on the pages of the `integrations` module, which its walking
    coordinators cannot open: every parameter and every form field of the mapping and webhook pages."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.test_fuzz import Fuzzer, _html

    user = member_factory(f"wh.fuzz.{level}", hai_phong if level == "province" else None, Role.ADMIN)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, name="fuzz", confirmed=True).persistent_id
    session.save()
    fuzzer = Fuzzer(client, f"admin@{level}")
    sample = Subscription.objects.filter(unit=bach_dang).order_by("pk").first()
    urls = [reverse("dhis2_mapping"), reverse("webhook_list"), reverse("webhook_detail", args=[sample.pk])]
    posted = 0
    for url in urls:
        page = _html(fuzzer.check("get", url, {}, "(as is)"))
        assert page is not None, url
        fuzzer.read(url, page)
        steps = set()
        for form in page.forms:  # every kind of form of the page (each "step"), once
            step = form.fields.get("step", "") if form.method.upper() == "POST" else None
            if step is None or step in steps:
                continue
            steps.add(step)
            fuzzer.post(url, form)
            posted += 1
    assert fuzzer.requests > 50 and posted >= 6
    assert not fuzzer.failures, "\n".join(fuzzer.failures)
