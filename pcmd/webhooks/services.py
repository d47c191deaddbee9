"""Webhooks: emit into the outbox, deliver (signed, retried with exponential backoff, at least once), replay,
and the subscriptions' rules (events, unit scope, addresses). See docs/api.md#webhook.

At least once: the outbox row and its pending deliveries are written in the transaction of the change that
caused the event, so an event exists if and only if the change does. After the commit a Celery task sends
each delivery; one that fails, or whose task was lost (a crash between commit and queue, a worker killed
while sending), is picked up again by `deliver_due()` (command `pcmd deliver-webhooks`, every minute in
CELERY_BEAT_SCHEDULE). A receiver may therefore see an event twice: it dedupes on `X-PCMD-Event-Id`.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pcmd.core.scoping import require, scoped, unit_choices
from pcmd.geo.models import Level

from .models import EVENTS, Attempt, Delivery, DeliveryStatus, OutboxEvent, Subscription

S = DeliveryStatus
TIMEOUT_S = 10
CLAIM_TIMEOUT = datetime.timedelta(minutes=5)  # a delivery "sending" longer than this was lost: send again
MAX_BODY = 64 * 1024


def max_attempts() -> int:
    return int(getattr(settings, "PCMD_WEBHOOK_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> datetime.timedelta:
    """Wait after the n-th failed attempt: base · 2^(n-1), capped (30 s, 1 min, 2 min … 6 h by default)."""
    base = float(getattr(settings, "PCMD_WEBHOOK_BACKOFF_S", 30))
    cap = float(getattr(settings, "PCMD_WEBHOOK_BACKOFF_MAX_S", 6 * 3600))
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


# --- emit -------------------------------------------------------------------------------------------------------

def _codes(units) -> set[str]:
    """The codes of the units and of every unit above them (a unit's path is the codes from the province down)."""
    codes: set[str] = set()
    for unit in units:
        if unit is not None:
            codes |= {c for c in unit.path.split("/") if c}
    return codes


def emit(event: str, unit, payload: dict, *, also=(), key: str = "") -> OutboxEvent | None:
    """Write the event to the outbox with one pending delivery per active subscription that chose it and whose unit
    is `unit` (or one in `also`, e.g. a transfer's receiving commune), a unit above them, or the whole country.
    Runs in the caller's transaction; the deliveries are queued after its commit. `key` makes the event once-only
    (a periodic scan that meets the same overdue referral again emits nothing)."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event}")
    with transaction.atomic():
        if key and OutboxEvent.objects.filter(key=key).exists():
            return None
        row = OutboxEvent.objects.create(event=event, unit=unit, payload=payload, key=key or None)
        subscriptions = [s for s in Subscription.objects.filter(is_active=True, events__contains=event).filter(
            Q(unit__isnull=True) | Q(unit__code__in=_codes([unit, *also]))) if event in s.event_list]
        now = timezone.now()
        deliveries = Delivery.objects.bulk_create(
            [Delivery(subscription=s, event=row, next_attempt_at=now) for s in subscriptions])
        ids = [d.pk for d in deliveries if d.pk]
        if not ids:  # backends that do not return ids from bulk_create
            ids = list(Delivery.objects.filter(event=row).values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: queue(ids))
    return row


def queue(delivery_ids) -> None:
    from .tasks import deliver_task

    for pk in delivery_ids:
        deliver_task.delay(pk)


# --- addresses (SSRF) -------------------------------------------------------------------------------------------

def check_url(url: str) -> str:
    """The address a subscription may send to: http(s) only, no credentials in it, and — unless
    PCMD_WEBHOOK_ALLOW_PRIVATE (tests, demo) — a host whose every address is public (not loopback, private,
    link-local, shared, reserved or multicast), so PCMD cannot be made to call its own network."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError("Địa chỉ không hợp lệ.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Chỉ nhận địa chỉ bắt đầu bằng http:// hoặc https:// và có tên máy chủ.")
    if parts.username or parts.password:
        raise ValidationError("Không ghi tên đăng nhập, mật khẩu trong địa chỉ; bên nhận kiểm tra chữ ký.")
    if getattr(settings, "PCMD_WEBHOOK_ALLOW_PRIVATE", False):
        return url
    try:
        infos = socket.getaddrinfo(parts.hostname, port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValidationError(f"Không tìm thấy máy chủ “{parts.hostname}”.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise ValidationError(f"Địa chỉ {address} là địa chỉ nội bộ; chỉ gửi đến máy chủ có địa chỉ công khai.")
    return url


# --- delivery ---------------------------------------------------------------------------------------------------

def body_of(event: OutboxEvent) -> bytes:
    unit = event.unit
    doc = {"id": str(event.uid), "event": event.event, "created": event.created_at.isoformat(),
           "unit": {"code": unit.code, "name": unit.name, "level": unit.level}, "data": event.payload}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>" with the subscription's secret, as "sha256=<hex>"."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance_s: int = 300,
           now: float | None = None) -> bool:
    """What a receiver does (documented, and used by the tests): the signature matches and the timestamp is
    recent (a captured delivery replayed later is refused)."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= tolerance_s and hmac.compare_digest(sign(secret, timestamp, body), signature or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer (3xx), never followed: it could point inside the network


_opener = urllib.request.build_opener(_NoRedirect)


def _post(delivery: Delivery) -> tuple[int | None, str]:
    subscription, event = delivery.subscription, delivery.event
    try:
        url = check_url(subscription.url)
    except ValidationError as exc:
        return None, " ".join(exc.messages)[:300]
    body = body_of(event)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "PCMD-Webhook/1",
        "X-PCMD-Event": event.event, "X-PCMD-Event-Id": str(event.uid), "X-PCMD-Delivery": str(delivery.pk),
        "X-PCMD-Timestamp": timestamp, "X-PCMD-Signature": sign(subscription.secret, timestamp, body)})
    try:
        with _opener.open(request, timeout=TIMEOUT_S) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"Không kết nối được: {reason}"[:300]


def deliver(delivery_id: int) -> Delivery | None:
    """Send one delivery if it is due (pending, retrying and due, or lost while sending); record the attempt."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update().filter(pk=delivery_id).first())
        if delivery is None or delivery.status in (S.DELIVERED, S.GAVE_UP):
            return delivery
        if delivery.status == S.SENDING and delivery.claimed_at and delivery.claimed_at > now - CLAIM_TIMEOUT:
            return delivery  # another worker is sending it
        if delivery.status == S.RETRYING and delivery.next_attempt_at and delivery.next_attempt_at > now:
            return delivery  # not due yet
        delivery.status, delivery.claimed_at = S.SENDING, now
        delivery.save(update_fields=["status", "claimed_at"])
    delivery = Delivery.objects.select_related("subscription", "event", "event__unit").get(pk=delivery_id)
    started = time.monotonic()
    code, error = _post(delivery)
    duration = int((time.monotonic() - started) * 1000)
    done = timezone.now()
    with transaction.atomic():
        Attempt.objects.create(delivery=delivery, at=done, status_code=code, error=error, duration_ms=duration)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error, delivery.claimed_at = code, error, None
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = S.DELIVERED, done, None
        elif delivery.attempts >= max_attempts():
            delivery.status, delivery.next_attempt_at = S.GAVE_UP, None
        else:
            delivery.status, delivery.next_attempt_at = S.RETRYING, done + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_status_code", "last_error", "claimed_at", "status",
                                     "delivered_at", "next_attempt_at"])
    return delivery


def due(now=None):
    now = now or timezone.now()
    return Delivery.objects.filter(
        Q(status__in=[S.PENDING, S.RETRYING], next_attempt_at__lte=now)
        | Q(status=S.PENDING, next_attempt_at__isnull=True)
        | Q(status=S.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)).order_by("next_attempt_at", "pk")


def deliver_due(limit: int = 500) -> int:
    """Send what is due now (retries, and deliveries whose task was lost); the periodic job."""
    ids = list(due().values_list("pk", flat=True)[:limit])
    for pk in ids:
        deliver(pk)
    return len(ids)


def replay(*, membership, delivery: Delivery) -> Delivery:
    """"Gửi lại": the same outbox event to the same subscription, as a new delivery (the log keeps the old one)."""
    require(membership, "integrations", "change")
    if not scoped(Subscription.objects.filter(pk=delivery.subscription_id), membership, "change").exists():
        raise PermissionDenied
    with transaction.atomic():
        again = Delivery.objects.create(subscription_id=delivery.subscription_id, event_id=delivery.event_id,
                                        replay_of=delivery, requested_by_id=membership.user_id,
                                        next_attempt_at=timezone.now())
        transaction.on_commit(lambda: queue([again.pk]))
    return again


# --- subscriptions ----------------------------------------------------------------------------------------------

def _check(*, membership, name: str, url: str, events, unit) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Hãy đặt tên cho đăng ký (ví dụ: hệ thống tổng đài của tỉnh)."
    try:
        url = check_url(url)
    except ValidationError as exc:
        errors["url"] = exc.messages
    events = [e for e in events if e in EVENTS]
    if not events:
        errors["events"] = "Chọn ít nhất một sự kiện."
    if unit is None and membership.unit_id is not None:
        errors["unit"] = "Chọn đơn vị."
    elif unit is not None and not unit_choices(membership, [Level.PROVINCE, Level.COMMUNE]).filter(pk=unit.pk).exists():
        errors["unit"] = "Đơn vị nằm ngoài phạm vi của tài khoản."
    if errors:
        raise ValidationError(errors)
    return {"name": name[:120], "url": url, "events": ",".join(sorted(set(events))), "unit": unit}


def subscription_create(*, membership, name: str, url: str, events, unit) -> tuple[Subscription, str]:
    """A new subscription and its signing secret (shown once; kept encrypted to sign deliveries)."""
    require(membership, "integrations", "add")
    data = _check(membership=membership, name=name, url=url, events=events, unit=unit)
    secret = secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(secret=secret, created_by_id=membership.user_id, **data)
    return subscription, secret


def subscription_update(*, membership, subscription: Subscription, name: str, url: str, events, unit,
                        is_active: bool, version: int | None = None) -> Subscription:
    require(membership, "integrations", "change")
    with transaction.atomic():
        current = scoped(Subscription.objects.select_for_update(), membership, "change").filter(
            pk=subscription.pk).first()
        if current is None:
            raise PermissionDenied
        if version is not None and version != current.version:
            raise ValidationError("Đăng ký đã được người khác sửa sau khi bạn mở trang; hãy tải lại trang.")
        data = _check(membership=membership, name=name, url=url, events=events, unit=unit)
        for key, value in data.items():
            setattr(current, key, value)
        current.is_active = bool(is_active)
        current.version += 1
        current.save()
        if not scoped(Subscription.objects.filter(pk=current.pk), membership, "change").exists():
            raise PermissionDenied  # moved out of the seat's scope
    return current


def secret_rotate(*, membership, subscription: Subscription) -> str:
    require(membership, "integrations", "change")
    with transaction.atomic():
        current = scoped(Subscription.objects.select_for_update(), membership, "change").filter(
            pk=subscription.pk).first()
        if current is None:
            raise PermissionDenied
        secret = secrets.token_urlsafe(32)
        current.secret, current.version = secret, current.version + 1
        current.save(update_fields=["secret", "version", "updated_at"])
    return secret
