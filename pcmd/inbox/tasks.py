"""The inbox's jobs: thin wrappers of `services` (run by the beat schedule in settings, or inline)."""

from celery import shared_task

from . import services


@shared_task
def inbox_scan() -> dict:
    return services.scan()


@shared_task
def inbox_digest() -> dict:
    return services.digest()
