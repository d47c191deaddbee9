"""Celery tasks of the support app (thin: the work is in the services)."""

from celery import shared_task

from . import referrals


@shared_task(name="support.referrals_overdue")
def referrals_overdue_task() -> int:
    return referrals.notify_overdue()
