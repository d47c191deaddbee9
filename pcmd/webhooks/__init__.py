"""Webhooks: signed, retried, at-least-once deliveries of PCMD events to other systems (docs/api.md#webhook).

The services that cause an event call `webhooks.emit(event, unit, payload)` inside their transaction: the
event is written to the outbox with it (or not at all), and delivered after the commit by a Celery task.
"""


def emit(event: str, unit, payload: dict, *, also=(), key: str = ""):
    """Write `event` about `unit` to the outbox, with a pending delivery per matching subscription, in the caller's
    transaction (see services.emit)."""
    from .services import emit as _emit

    return _emit(event, unit, payload, also=also, key=key)
