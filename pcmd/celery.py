"""The job queue: Celery with Redis as broker.

Production sets PCMD_BROKER_URL (or REDIS_URL) and runs `pcmd worker` and `pcmd scheduler`
(docs/deploy.md). The demo and the tests run without extra processes: with no broker
configured, a job runs inline in the request or command that queued it (CELERY_TASK_ALWAYS_EAGER).
Write background work as a function in the app's service and a thin `@shared_task` in its
`tasks.py` that calls it; queue it with `.delay()`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")

app = Celery("pcmd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
