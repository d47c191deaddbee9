"""Demo webhook subscription: `seed_webhooks` runs from core.demo.SEEDERS after reports. One paused subscription
of Phường Bạch Đằng (a hotline system), with a delivery log to look at (one delivered, one that gave up)."""

import datetime
import secrets

from django.utils import timezone


def seed_webhooks(ctx) -> None:
    from pcmd.core.demo import bach_dang

    from .models import Attempt, Delivery, DeliveryStatus, OutboxEvent, Subscription

    unit = bach_dang()
    subscription, created = Subscription.objects.get_or_create(
        name="Tổng đài tiếp nhận tin báo (mẫu)", unit=unit,
        defaults={"url": "https://tongdai.demo.pcmd.invalid/pcmd/webhook", "secret": secrets.token_urlsafe(32),
                  "events": "report.approved,report.returned,report.submitted,tip.deadline_passed,tip.transferred",
                  "is_active": False})
    if not created:
        return
    now = timezone.now()
    event = OutboxEvent.objects.create(event="tip.transferred", unit=unit, key="demo:tip.transferred", payload={
        "tip": {"id": 0, "code": "DEMO", "status": "verifying", "category": "venue"},
        "from_unit": unit.code, "to_unit": unit.code})
    ok = Delivery.objects.create(subscription=subscription, event=event, status=DeliveryStatus.DELIVERED, attempts=2,
                                 last_status_code=200, delivered_at=now)
    Attempt.objects.create(delivery=ok, at=now - datetime.timedelta(seconds=30), status_code=503, error="HTTP 503")
    Attempt.objects.create(delivery=ok, at=now, status_code=200)
    failed = Delivery.objects.create(subscription=subscription, event=event, status=DeliveryStatus.GAVE_UP,
                                     attempts=8, last_status_code=500, last_error="HTTP 500", replay_of=ok)
    Attempt.objects.create(delivery=failed, at=now, status_code=500, error="HTTP 500")
    ctx.summary["đăng ký webhook mẫu"] = 1
