"""The production stack, end to end (`make prod-test`, run by .ci/run): gunicorn serving static files with
whitenoise, PostgreSQL, Redis as cache and broker, a Celery worker.

On a throwaway PostgreSQL database and Redis database number 13, with DEBUG off:
1. the load balancer's health check, a static file with its long cache header;
2. an official logs in and reads a page; a member of the public submits a tip and gets a receipt;
3. a scheduled command runs as a job on the worker and is recorded done;
4. a long job is started, the worker is killed in the middle (SIGKILL, as a crash or OOM would), a new
   worker is started: the job is delivered again and finishes exactly once (JobRun done, one finished run).
Exits non-zero with the reason on the first failure. Needs: PostgreSQL (PGHOST/PGPORT/PGUSER or
127.0.0.1:5432 postgres), Redis at REDIS_HOST (127.0.0.1:6379).
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

PG = f"postgresql://{os.environ.get('PGUSER', 'postgres')}@{os.environ.get('PGHOST', '127.0.0.1')}:" \
     f"{os.environ.get('PGPORT', '5432')}"
REDIS = f"redis://{os.environ.get('REDIS_HOST', '127.0.0.1:6379')}/13"
DB = f"pcmd_prodstack_{os.getpid()}"
PASSWORD = "Prod-stack-test-2026!"
VISIBILITY_S = 15  # a message taken by a dead worker is handed out again after this


def step(text):
    print(f"== {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def wait_until(check, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise SystemExit(f"FAILED: {what} (waited {seconds:.0f} s)")


class Stack:
    def __init__(self, env):
        self.env = env
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs = Path(env["PCMD_DATA_DIR"]) / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name, args):
        log = open(self.logs / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def kill(self, name, sig=signal.SIGKILL):
        proc = self.procs.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop_all(self):
        for name in list(self.procs):
            try:
                self.kill(name, signal.SIGTERM)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass

    def tail(self):
        for log in sorted(self.logs.glob("*.log")):
            print(f"--- {log.name} (last lines)")
            print("\n".join(log.read_text(errors="replace").splitlines()[-30:]))


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="pcmd-prodstack-"))
    env = {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": REDIS, "PCMD_BROKER_URL": REDIS,
           "DEBUG": "0", "PCMD_HTTPS": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "PCMD_DATA_DIR": str(data),
           "SECRET_KEY": uuid.uuid4().hex * 2, "DJANGO_SETTINGS_MODULE": "pcmd.settings",
           "PCMD_JOB_VISIBILITY_S": str(VISIBILITY_S), "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    admin_sql(f'CREATE DATABASE "{DB}"')
    stack = Stack(env)
    try:
        return run(stack, env)
    except BaseException:
        stack.tail()
        raise
    finally:
        stack.stop_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        import redis

        redis.Redis.from_url(REDIS).flushdb()


def run(stack, env) -> int:
    import django

    django.setup()
    import redis
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from pcmd.geo.models import AdminUnit
    from pcmd.ops.models import JobRun, JobState
    from pcmd.org.models import Membership, Role

    redis.Redis.from_url(REDIS).flushdb()
    step("migrate, collect static files, load the country's units")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_units", verbosity=0)
    hai_phong = AdminUnit.objects.get(code="31")
    user = get_user_model().objects.create_user("prod.dieuphoi", password=PASSWORD, first_name="Điều phối",
                                                last_name="Hải Phòng")
    Membership.objects.create(user=user, unit=hai_phong, role=Role.COORDINATOR)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    step("start gunicorn (2 workers) and a Celery worker")
    stack.start("gunicorn", [str(BIN / "gunicorn"), "pcmd.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--timeout", "60"])
    worker = [str(BIN / "celery"), "-A", "pcmd", "worker", "-c", "1", "-l", "info", "--include",
              "tests.prodstack_jobs", "--without-gossip", "--without-mingle"]
    stack.start("worker", worker)

    def get(url, opener=None):
        try:
            with (opener or urllib.request.build_opener()).open(url, timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace"), r.headers
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), exc.headers
        except OSError:
            return None, "", {}

    wait_until(lambda: get(f"{base}/healthz")[0] == 200, 60, "gunicorn answers /healthz")
    step("health check and a static file from whitenoise")
    status, page, _ = get(f"{base}/dang-nhap/")
    assert status == 200, f"login page: {status}"
    css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    status, _, headers = get(base + css)
    assert status == 200 and "max-age" in headers.get("Cache-Control", ""), f"static {css}: {status} {headers}"

    step("an official logs in and reads the home page")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, page, _ = get(f"{base}/dang-nhap/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": user.username,
                                   "password": PASSWORD}).encode()
    request = urllib.request.Request(f"{base}/dang-nhap/", data=body, headers={"Referer": f"{base}/dang-nhap/"})
    with opener.open(request, timeout=30) as response:
        assert response.status == 200 and "/dang-nhap/" not in response.url, f"login ended at {response.url}"
    status, page, _ = get(f"{base}/", opener)
    assert status == 200 and "Hải Phòng" in page, f"home page: {status}"

    step("a member of the public submits a tip and gets a receipt")
    from tips_load import answer, multipart

    public = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _, form, _ = get(f"{base}/phan-anh/?tinh=31", public)
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|challenge_token)" value="([^"]+)"', form))
    commune = re.findall(r'<option value="(\d+)"', form)[0]
    body, content_type = multipart([
        ("csrfmiddlewaretoken", fields["csrfmiddlewaretoken"]), ("tinh", "31"), ("commune", commune),
        ("category", "establishment"), ("location", "Số 12 phố Thử"),
        ("description", "Quán karaoke có dấu hiệu chứa mại dâm sau 22 giờ, nhiều người ra vào."),
        ("report_type", "anonymous"), ("challenge_token", fields["challenge_token"]),
        ("challenge_answer", answer(form))], [])
    request = urllib.request.Request(f"{base}/phan-anh/", data=body, method="POST", headers={
        "Content-Type": content_type, "Referer": f"{base}/phan-anh/?tinh=31"})
    with public.open(request, timeout=30) as response:
        receipt = response.read().decode()
    assert re.search(r"\d{4} \d{4} \d{4} \d{4}", receipt), "no receipt code on the receipt page"

    step("a scheduled command runs as a job on the worker")
    from pcmd.ops.tasks import run_command

    task_id = run_command.delay("notify_tip_deadlines").id
    wait_until(lambda: JobRun.objects.filter(task_id=task_id, state=JobState.DONE).exists(), 90,
               "the worker runs the deadline scan")

    step(f"a long job; the worker is killed in the middle and started again (visibility {VISIBILITY_S} s)")
    from tests.prodstack_jobs import slow_job

    key = f"prodstack:{uuid.uuid4().hex}"
    task_id = slow_job.delay(8, key).id
    wait_until(lambda: JobRun.objects.filter(task_id=task_id, state=JobState.RUNNING).exists(), 60,
               "the worker starts the long job")
    time.sleep(2)
    stack.kill("worker")
    assert JobRun.objects.get(task_id=task_id).state == JobState.RUNNING
    stack.start("worker", worker)
    run = wait_until(lambda: JobRun.objects.filter(task_id=task_id, state=JobState.DONE).first(), 120,
                     "the job is delivered again and finishes")
    finished = int(redis.Redis.from_url(REDIS).get(key) or 0)
    assert finished == 1, f"the job finished {finished} times"
    assert run.attempts >= 2, f"attempts={run.attempts}"
    print(f"prodstack=ok job_attempts={run.attempts} job_finished_runs={finished}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
