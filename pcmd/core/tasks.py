"""Jobs of the core mechanisms (Celery; inline without a broker, see pcmd/celery.py)."""

from celery import shared_task

from . import imports


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def import_check(token: str) -> None:
    """Check every row of an uploaded spreadsheet (the import's preview): counts and row errors, nothing written."""
    imports.check_job(token)


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def import_run(token: str) -> None:
    """Write an import, batch after batch, from where it stands (a retried or resumed job goes on from there)."""
    imports.run_job(token)
