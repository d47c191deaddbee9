"""The case worker's list of files and one client file, at national scale, timed (p50/p95).

Builds into a throwaway database what `pcmd seed-demo --scale national` makes for support (34 provinces,
3,321 communes and their agencies, the demo logins, the four demo communes' files, then ~100,000 files
spread over every commune with ~1,000,000 services, ~200,000 referrals and their consents:
`pcmd.support.demo.seed_volume`), or with `--existing` uses the database DATABASE_URL points at as it is
(after `pcmd seed-demo --scale national`). Then, over `--requests` requests each:

- list: the case worker's list of files (`bachdang.hotro`, Phường Bạch Đằng) and the province supervisor's
  (`haiphong.giamsat`, all Hải Phòng). When the page /ho-tro/ho-so/ exists, through django.test.Client with a
  logged-in, two-factor-verified user; otherwise the selector a list page runs — `wall.visible_clients(...)`
  ordered and paginated (25 a page: the page's rows and the total) — plus the counselling inbox page
  (/ho-tro/de-nghi-tu-van/) through the test client, to show a whole support page's overhead.
- file: one client file, a different one each request — through its page when /ho-tro/ho-so/<pk>/ exists,
  otherwise the reads a file page makes: `wall.client_or_404` (with its access-log row), consents, screenings,
  plans with goals, referrals with providers, services, follow-ups and the history, every encrypted field
  decrypted (a third of the demo files carry them; the bulk files leave them blank).

Last line:

    list_p50_ms=<ms> list_p95_ms=<ms> province_list_p95_ms=<ms> file_p50_ms=<ms> file_p95_ms=<ms>
    list_via=<page|selector>   (on the same line)

SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME it uses NAME_support_bench on
that server, dropped and created anew.

    .venv/bin/python bench/support.py [--scale national|province|demo] [--requests 50] [--existing]

Measured on a 2-core machine shared with other test runs, PostgreSQL, the list page not yet on main (selector):
clients=99993 services=1000263 referrals=208228, seed_support_s=824 (SQLite: 655 s, the same load);
caseworker_files=60 province_files=3379; counselling inbox page p50 80 ms, p95 111 ms;
    list_p50_ms=12.9 list_p95_ms=18.2 province_list_p95_ms=33.9 file_p50_ms=75.8 file_p95_ms=97.4 list_via=selector
"""

import argparse
import os
import random
import statistics
import time

from _common import django_on_throwaway_database  # noqa: E402

LIST_PATH = "/ho-tro/ho-so/"
PAGE_SIZE = 25


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="national", choices=("demo", "province", "national"))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--existing", action="store_true", help="use DATABASE_URL's database as it is")
    args = parser.parse_args()

    if args.existing:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
        import django

        django.setup()
        from django.db import connection

        print(f"database={connection.vendor} (existing)")
    else:
        django_on_throwaway_database("support")
        print(f"generate_s={generate(args.scale):.1f}")

    from django.conf import settings
    from django.test import override_settings

    from pcmd.support.models import Client, Referral, ServiceRecord

    print(f"clients={Client.objects.count()} services={ServiceRecord.objects.count()} "
          f"referrals={Referral.objects.count()}")
    storages = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["*"]):
        measure(args)


def generate(scale: str) -> float:
    """The support part of `seed(scale)`: reference data, the logins, then `seed_support`."""
    import random as _random

    from django.db import connection, transaction
    from faker import Faker

    from pcmd.core.demo import SeedContext, seed_reference, seed_users
    from pcmd.support.demo import seed_support

    faker = Faker("vi_VN")
    faker.seed_instance(2026)
    ctx = SeedContext(scale=scale, faker=faker, rng=_random.Random(2026))
    started = time.perf_counter()
    for seeder in (seed_reference, seed_users):
        with transaction.atomic():
            seeder(ctx)
    support_started = time.perf_counter()
    with transaction.atomic():
        seed_support(ctx)
    print(f"seed_support_s={time.perf_counter() - support_started:.1f}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return 1000 * statistics.median(ordered), 1000 * p95


def verified_client(username: str):
    """A test client logged in as a demo user who has passed the second factor."""
    from django.contrib.auth import get_user_model
    from django.test import Client as Browser
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Demo", defaults={"confirmed": True})
    browser = Browser(HTTP_HOST="localhost")
    browser.force_login(user)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return browser


def timed_gets(browser, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = browser.get(url, secure=True)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return times


def exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def seat(username: str):
    from pcmd.org.models import Membership

    return Membership.objects.select_related("unit", "unit__province", "agency").get(user__username=username)


def list_by_selector(membership, page: int) -> int:
    """What a list page reads: one page of files (newest first) with their commune and case worker, and the total."""
    from django.core.paginator import Paginator

    from pcmd.support import wall

    files = wall.visible_clients(membership).order_by("-registered_on", "-pk")
    current = Paginator(files, PAGE_SIZE).get_page(page)
    rows = [(c.code, c.uic, c.unit.name, c.case_worker_id, c.get_status_display()) for c in current.object_list]
    return len(rows) + current.paginator.count


def read_file(request, pk: int) -> int:
    """What a file page reads, every encrypted field decrypted (masked by class as the page does)."""
    from pcmd.support import wall

    client = wall.client_or_404(request, pk)
    shown = wall.masked(client, request.membership)
    parts = [
        list(client.consents.select_related("provider")),
        [(s, wall.masked(s, request.membership)) for s in client.screenings.all()],
        [(p, list(p.goals.all())) for p in client.plans.select_related("created_by", "decided_by")],
        [(r, r.note, r.outcome_note) for r in client.referrals.select_related("provider")],
        [(s, s.note) for s in client.services.select_related("provider", "referral")],
        [(f, f.note) for f in client.follow_ups.select_related("recorded_by")],
        [(e, e.note) for e in client.events.select_related("actor")],
    ]
    return len(shown) + sum(len(p) for p in parts)


def measure(args):
    from django.test import RequestFactory
    from django.test.utils import setup_test_environment

    from pcmd.support import wall

    setup_test_environment()
    rng = random.Random(2026)
    worker, supervisor = seat("bachdang.hotro"), seat("haiphong.giamsat")
    mine = list(wall.visible_clients(worker).values_list("pk", flat=True))
    pages_worker = max(1, -(-len(mine) // PAGE_SIZE))
    province_total = wall.visible_clients(supervisor).count()
    pages_province = max(1, -(-province_total // PAGE_SIZE))
    print(f"caseworker_files={len(mine)} province_files={province_total}")

    if exists(LIST_PATH):
        via = "page"
        browser = verified_client(worker.user.username)
        urls = [f"{LIST_PATH}?page={rng.randint(1, pages_worker)}" for _ in range(args.requests)]
        timed_gets(browser, urls[:3])  # warm up
        list_times = timed_gets(browser, urls)
        boss = verified_client(supervisor.user.username)
        urls = [f"{LIST_PATH}?page={rng.randint(1, pages_province)}" for _ in range(args.requests)]
        timed_gets(boss, urls[:3])
        province_times = timed_gets(boss, urls)
    else:
        via = "selector"
        list_times, province_times = [], []
        for membership, pages, times in ((worker, pages_worker, list_times),
                                         (supervisor, pages_province, province_times)):
            list_by_selector(membership, 1)
            for _ in range(args.requests):
                started = time.perf_counter()
                list_by_selector(membership, rng.randint(1, pages))
                times.append(time.perf_counter() - started)
        browser = verified_client(worker.user.username)
        inbox = ["/ho-tro/de-nghi-tu-van/"] * args.requests
        timed_gets(browser, inbox[:3])
        p50, p95 = percentiles(timed_gets(browser, inbox))
        print(f"counselling_inbox_page_p50_ms={p50:.0f} counselling_inbox_page_p95_ms={p95:.0f}")

    # One file per request, a different one each time: the case worker's own files, then the province's.
    sample = rng.sample(mine, min(len(mine), args.requests))
    if exists(f"{LIST_PATH}{sample[0]}/"):
        browser = verified_client(worker.user.username)
        timed_gets(browser, [f"{LIST_PATH}{sample[0]}/"])
        file_times = timed_gets(browser, [f"{LIST_PATH}{pk}/" for pk in sample])
        file_via = "page"
    else:
        request = RequestFactory().get("/")
        request.user, request.membership = worker.user, worker
        read_file(request, sample[0])
        file_times = []
        for pk in sample:
            started = time.perf_counter()
            read_file(request, pk)
            file_times.append(time.perf_counter() - started)
        file_via = "reads"
    list_p50, list_p95 = percentiles(list_times)
    province_p50, province_p95 = percentiles(province_times)
    file_p50, file_p95 = percentiles(file_times)
    print(f"province_list_p50_ms={province_p50:.1f} file_via={file_via} files_timed={len(file_times)}")
    print(f"list_p50_ms={list_p50:.1f} list_p95_ms={list_p95:.1f} province_list_p95_ms={province_p95:.1f} "
          f"file_p50_ms={file_p50:.1f} file_p95_ms={file_p95:.1f} list_via={via}")


if __name__ == "__main__":
    main()
