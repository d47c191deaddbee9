"""Background jobs on Celery (pcmd/celery.py), written to run once and to be seen.

Every PCMD task uses `Job` as its base (`@shared_task(base=Job)`):
- it retries on any error with exponential backoff and jitter (5 s, 10 s, 20 s… up to 10 min; 5 retries);
- its JobRun row shows the admin what ran, what is retrying and what failed (`/he-thong/tac-vu/`);
- its work and the row's "done" commit in one transaction, and a delivery whose row is already done does
  nothing. With `acks_late`, a worker killed mid-job leaves the message on the queue and the database
  rolled back, so the job runs again from the start and finishes once.
A job that works for one unit says so with a `unit_id=` keyword: its row is then scoped to that unit.
"""

import traceback

from celery import Task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import JobRun, JobState

ERROR_CHARS = 4000


class Job(Task):
    autoretry_for = (Exception,)
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5
    label = ""  # what the admin reads, in Vietnamese

    def __call__(self, *args, **kwargs):
        run = self._run_row(args, kwargs)
        # Seen at once on the admin's page (autocommit), unless another delivery already finished it.
        JobRun.objects.filter(pk=run.pk).exclude(state=JobState.DONE).update(
            state=JobState.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now())
        with transaction.atomic():
            # The row lock makes a second delivery of the same job (Redis hands a message out again when its
            # visibility timeout passes) wait for the first, then find it done.
            if JobRun.objects.select_for_update().get(pk=run.pk).state == JobState.DONE:
                return None
            result = super().__call__(*args, **kwargs)
            JobRun.objects.filter(pk=run.pk).update(state=JobState.DONE, finished_at=timezone.now(), error="")
        return result

    def _run_row(self, args, kwargs) -> JobRun:
        from pcmd.geo.models import AdminUnit

        task_id = self.request.id or f"inline-{timezone.now().timestamp()}"
        unit = AdminUnit.objects.filter(pk=kwargs.get("unit_id")).first() if kwargs.get("unit_id") else None
        run, _ = JobRun.objects.get_or_create(task_id=task_id, defaults={
            "name": self.name, "label": self.label or self.name, "args": {"args": list(args), "kwargs": kwargs},
            "unit": unit, "province_id": unit.province_id if unit else None,
        })
        return run

    def on_retry(self, exc, task_id, args, kwargs, einfo):
        _note(task_id, JobState.RETRYING, exc)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        _note(task_id, JobState.FAILED, exc)


def _note(task_id: str, state: str, exc: BaseException) -> None:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:ERROR_CHARS]
    JobRun.objects.filter(task_id=task_id).update(state=state, error=text, finished_at=timezone.now())


def run_again(run: JobRun) -> None:
    """Queue a failed job once more with the same arguments (the admin's "Chạy lại")."""
    from pcmd.celery import app

    # Through the task itself, not send_task: without a broker (the demo) it then runs inline like any job.
    app.tasks[run.name].apply_async(args=run.args.get("args", []), kwargs=run.args.get("kwargs", {}))
