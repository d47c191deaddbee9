"""A job for the production-stack test (scripts/prod_stack_test.py) only: the worker loads it with
`--include tests.prodstack_jobs`. It takes `seconds`, then counts one finished run in Redis, so the test can
kill the worker in the middle and check that the job, delivered again, finishes exactly once."""

import os
import time

import redis
from celery import shared_task

from pcmd.ops.jobs import Job


@shared_task(base=Job, name="tests.prodstack.slow_job", label="Thử: việc dài bị dừng giữa chừng")
def slow_job(seconds: float, key: str) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.1)
    redis.Redis.from_url(os.environ["REDIS_URL"]).incr(key)
    return "xong"
