"""The inbox's jobs: thin wrappers of `services`, on the platform's `Job` base (retries, runs once, seen on the
admin's jobs page). The beat schedule runs the management commands through `pcmd.ops.run_command`."""

from celery import shared_task

from pcmd.ops.jobs import Job

from . import services


@shared_task(base=Job, name="pcmd.inbox.scan")
def inbox_scan() -> dict:
    return services.scan()


@shared_task(base=Job, name="pcmd.inbox.digest")
def inbox_digest() -> dict:
    return services.digest()
