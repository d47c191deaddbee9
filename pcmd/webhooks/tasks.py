"""Celery tasks of the webhooks (thin: the work is in services)."""

from celery import shared_task

from . import services


@shared_task(name="webhooks.deliver")
def deliver_task(delivery_id: int) -> None:
    services.deliver(delivery_id)


@shared_task(name="webhooks.deliver_due")
def deliver_due_task() -> int:
    return services.deliver_due()
