"""Load at a report deadline: N simulated officials log in, open dashboards, save activities and submit reports.

Builds a throwaway database (PostgreSQL with DATABASE_URL=postgresql://…/NAME -> NAME_deadline_bench; else a
temporary SQLite file) with the demo data and this year's due reports, gives each simulated official a commune
coordinator's seat in a different commune, starts gunicorn (`--workers`) on 127.0.0.1 and runs Locust in this
process for `--seconds` (the load never leaves 127.0.0.1). Each user logs in once, then in a loop (weights):
the leader's dashboard (4), the scorecard (2), the reports list and one of the commune's reports (2), a new
communication activity saved through the quick-entry form (2), and submitting one due report (1, once per
report; afterwards the report's page). Last line:

    locust_p95_ms=<n> errors=<n>

    pip install -e ".[bench]"   # Locust
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pcmd .venv/bin/python bench/deadline_load.py \
        [--users 200] [--spawn-rate 20] [--seconds 120] [--workers 4]
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import datetime  # noqa: E402
import html as htmllib  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from _common import ROOT, django_on_throwaway_database  # noqa: E402

PASSWORD = "Tai-han-bao-cao-2026"
INPUT = re.compile(r"<input\b([^>]*)>", re.S)
SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def form_fields(page: str) -> dict[str, str]:
    """What a browser would post from the page's main POST form (the one with most fields; the menu's log-out
    form is one too) with nothing changed."""
    forms = re.findall(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', page, re.S) or [page]
    form = max(forms, key=lambda f: f.count("name="))
    fields: dict[str, str] = {}
    for raw in INPUT.findall(form):
        attrs = dict(ATTR.findall(raw))
        if "name" not in attrs or attrs.get("type") in ("submit", "button", "file"):
            continue
        if attrs.get("type") in ("checkbox", "radio") and "checked" not in raw:
            continue
        fields.setdefault(attrs["name"], htmllib.unescape(attrs.get("value", "")))
    for raw, options in SELECT.findall(form):
        name = dict(ATTR.findall(raw)).get("name")
        values = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        selected = re.search(r'<option value="([^"]+)"[^>]*selected', options)
        if name:
            fields[name] = selected.group(1) if selected else (values[0] if values else "")
    for name, text in re.findall(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        fields.setdefault(name, htmllib.unescape(text).strip())
    return fields


def why(page: str) -> str:
    """The errors the page shows (for the failure's name in the report)."""
    found = re.findall(r'class="(?:invalid-feedback[^"]*|alert alert-(?:danger|warning)[^"]*)"[^>]*>(.{1,400}?)</div>',
                       page, re.S)
    texts = (" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)
    return " | ".join(dict.fromkeys(t for t in texts if t)) or "không rõ"


def setup(users: int) -> list[str]:
    django_on_throwaway_database("deadline_bench")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from pcmd.core.demo import seed
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.org.models import Membership, Role

    started = time.perf_counter()
    seed("demo")
    call_command("report_calendar", year=datetime.date.today().year, province=[], verbosity=0)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, province__code__in=["31", "01", "37"])
                    .order_by("code")[:users])
    User = get_user_model()
    names = []
    for n, commune in enumerate(communes):
        user = User.objects.create_user(f"tai.{n:03d}", password=PASSWORD, first_name="Cán bộ",
                                        last_name=f"{n:03d}")
        Membership.objects.create(user=user, unit=commune, role=Role.COORDINATOR)
        names.append(user.username)
    print(f"setup_s={time.perf_counter() - started:.0f} users={len(names)}", flush=True)
    return names


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="pcmd-deadline-")
    os.environ.update({"PCMD_DATA_DIR": data_dir, "PCMD_HTTPS": "0", "DEBUG": "0",
                       "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECRET_KEY": "deadline-bench-" + "x" * 40})
    usernames = setup(args.users)
    subprocess.run([sys.executable, "-m", "pcmd.cli", "collectstatic", "--no-input", "-v", "0"], check=True,
                   cwd=ROOT)
    port = free_port()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "pcmd.wsgi", "-w", str(args.workers),
                               "-b", f"127.0.0.1:{port}", "--timeout", "120"], cwd=ROOT, env=os.environ.copy(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        run_locust(base, usernames, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def run_locust(base: str, usernames: list[str], args) -> None:
    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment

    pool = list(usernames)
    random.shuffle(pool)

    class Official(HttpUser):
        host = base
        wait_time = between(1, 3)

        def on_start(self):
            self.username = pool.pop() if pool else random.choice(usernames)
            page = self.client.get("/dang-nhap/", name="đăng nhập (trang)").text
            fields = form_fields(page)
            fields.update({"username": self.username, "password": PASSWORD})
            with self.client.post("/dang-nhap/", data=fields, headers={"Referer": f"{base}/dang-nhap/"},
                                  name="đăng nhập", catch_response=True) as response:
                if "/dang-nhap/" in response.url:
                    response.failure("đăng nhập không được")
            self.submitted: set[str] = set()

        @task(4)
        def dashboard(self):
            self.client.get("/bang-dieu-hanh/", name="bảng điều hành")

        @task(2)
        def scorecard(self):
            self.client.get("/bang-dieu-hanh/bang-diem/", name="bảng điểm")

        @task(2)
        def reports(self):
            page = self.client.get("/bao-cao/", name="danh sách báo cáo").text
            ids = re.findall(r'href="/bao-cao/(\d+)/"', page)
            if ids:
                self.client.get(f"/bao-cao/{random.choice(ids)}/", name="một báo cáo")

        @task(2)
        def save_activity(self):
            page = self.client.get("/tuyen-truyen/them/", name="ghi hoạt động (mẫu)").text
            fields = form_fields(page)
            fields.update({"date": datetime.date.today().isoformat(), "topic": "Tuyên truyền phòng, chống mại dâm",
                           "reach_residents": str(random.randint(20, 80))})
            with self.client.post("/tuyen-truyen/them/", data=fields, name="ghi hoạt động",
                                  headers={"Referer": f"{base}/tuyen-truyen/them/"}, catch_response=True) as r:
                if r.status_code != 200 or "/them/" in r.url:
                    r.failure(f"hoạt động không lưu được: {why(r.text)}")
                    if os.environ.get("DEADLINE_DEBUG"):
                        open("/tmp/deadline-activity.html", "w").write(r.text)

        @task(1)
        def submit_report(self):
            page = self.client.get("/bao-cao/", name="danh sách báo cáo").text
            untried = [pk for pk in dict.fromkeys(re.findall(r'href="/bao-cao/(\d+)/"', page))
                       if pk not in self.submitted]
            if not untried:
                return
            pk = untried[0]
            self.submitted.add(pk)
            if f"/bao-cao/{pk}/xu-ly/gui/" not in self.client.get(f"/bao-cao/{pk}/", name="một báo cáo").text:
                return  # not this seat's to submit now (already sent, or not open)
            sections = form_fields(self.client.get(f"/bao-cao/{pk}/xu-ly/sua/", name="soạn báo cáo (trang)").text)
            for name in sections:
                if name.startswith("muc_") and not sections[name]:
                    sections[name] = "Đã triển khai các nhiệm vụ theo kế hoạch; kết quả cụ thể như số liệu kèm theo."
            with self.client.post(f"/bao-cao/{pk}/xu-ly/sua/", data=sections, name="soạn báo cáo",
                                  headers={"Referer": f"{base}/bao-cao/{pk}/xu-ly/sua/"}, catch_response=True) as r:
                if r.status_code != 200 or "/xu-ly/sua/" in r.url:
                    r.failure(f"báo cáo không lưu được: {why(r.text)}")
                    return
            form = self.client.get(f"/bao-cao/{pk}/xu-ly/gui/", name="gửi báo cáo (trang)").text
            if 'id="form-errors"' in form:
                return  # the page says why it cannot be sent yet (its period has not ended): an official stops here
            with self.client.post(f"/bao-cao/{pk}/xu-ly/gui/", data=form_fields(form), name="gửi báo cáo",
                                  headers={"Referer": f"{base}/bao-cao/{pk}/xu-ly/gui/"}, catch_response=True) as r:
                if r.status_code != 200 or "/xu-ly/gui/" in r.url:
                    r.failure(f"báo cáo không gửi được: {why(r.text)}")
                    if os.environ.get("DEADLINE_DEBUG"):
                        open("/tmp/deadline-report.html", "w").write(r.text)

    env = Environment(user_classes=[Official])
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.sleep(args.seconds)
    runner.quit()
    total = env.stats.total
    for name, entry in sorted(env.stats.entries.items()):
        p50, p95 = entry.get_response_time_percentile(0.5), entry.get_response_time_percentile(0.95)
        print(f"{name[1]:5s} {name[0]:28s} n={entry.num_requests:6d} fail={entry.num_failures:4d} "
              f"p50_ms={p50:.0f} p95_ms={p95:.0f}")
    for error in env.stats.errors.values():
        print(f"error n={error.occurrences} {error.method} {error.name}: {error.error}")
    print(f"users={args.users} workers={args.workers} seconds={args.seconds} requests={total.num_requests} "
          f"rps={total.num_requests / args.seconds:.1f}")
    print(f"locust_p95_ms={total.get_response_time_percentile(0.95):.0f} errors={total.num_failures}")


if __name__ == "__main__":
    main()
