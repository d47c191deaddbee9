"""Public tip submissions under load: gunicorn on a throwaway database, concurrent clients on 127.0.0.1.

Sets up a fresh database (PostgreSQL with DATABASE_URL=postgresql://…/NAME -> NAME_tips_bench;
else a temporary SQLite file), migrates it, loads the administrative units, starts gunicorn with
the public rate limits raised for the run, then lets `--clients` threads submit tips for
`--seconds`: each submission is what a browser without JavaScript does, a GET of the form
(province Hải Phòng), the answer to its challenge question, and a multipart POST (a share of them
with a small photo, re-encoded by the server). Receipts are hashed with the production hasher
(argon2). Counts a submission as good only when the receipt page comes back. Last line:

    submissions_per_s=<n> errors=<n> p95_ms=<n>

(p95_ms: the POST that records the tip, as the reporter waits for the receipt.)

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pcmd .venv/bin/python bench/tips_load.py \
        [--clients 8] [--seconds 30] [--workers 4] [--photo-share 0.2]
"""

import argparse
import http.cookiejar
import io
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid

from _common import ROOT, django_on_throwaway_database  # noqa: E402

RAISED = {f"PCMD_PUBLIC_{name}": "1000000000" for name in
          ("ATTEMPT_PER_CLIENT_HOUR", "ATTEMPT_GLOBAL_HOUR", "SUBMIT_PER_CLIENT_HOUR", "SUBMIT_GLOBAL_HOUR",
           "LOOKUP_PER_CLIENT_HOUR", "LOOKUP_GLOBAL_HOUR")}
TEXTS = [
    "Quán karaoke cuối phố thường có người dẫn khách vào phòng riêng sau 22 giờ, nghi có hoạt động mại dâm.",
    "Cơ sở xoa bóp mới mở có nhân viên mời chào khách ngoài cửa, nhiều người ra vào lúc khuya.",
    "Tài khoản mạng xã hội đăng quảng cáo dịch vụ tình dục, có số điện thoại liên hệ và địa điểm gặp.",
    "Một người đàn ông thường đứng ở công viên môi giới cho khách, có cả người trông rất trẻ.",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def small_photo() -> bytes:
    from PIL import Image

    img = Image.new("RGB", (640, 480), (120, 160, 200))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data, content_type in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def answer(html: str) -> str:
    from pcmd.public.challenge import WORDS

    question = re.search(r'id="challenge-question">([^<]+)<', html).group(1)
    first, rest = question.split(" cộng ")
    return str(WORDS.index(first.lower()) + WORDS.index(rest.split(" bằng ")[0]))


def client_loop(base: str, until: float, photo: bytes, photo_share: float, seed: int, results: list, lock):
    rng = random.Random(seed)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    good, bad, times = 0, 0, []
    while time.monotonic() < until:
        try:
            with opener.open(f"{base}/phan-anh/?tinh=31", timeout=30) as response:
                html = response.read().decode()
            token = re.search(r'name="challenge_token" value="([^"]+)"', html).group(1)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            communes = re.findall(r'<option value="(\d+)"', html)
            fields = [("csrfmiddlewaretoken", csrf), ("tinh", "31"), ("commune", rng.choice(communes)),
                      ("category", rng.choice(["establishment", "public_place", "brokering", "other"])),
                      ("description", rng.choice(TEXTS)), ("location", f"Số {rng.randint(1, 300)} phố Thử"),
                      ("report_type", "anonymous"), ("challenge_token", token), ("challenge_answer", answer(html))]
            files = [("files", "anh.jpg", photo, "image/jpeg")] if rng.random() < photo_share else []
            body, content_type = multipart(fields, files)
            request = urllib.request.Request(f"{base}/phan-anh/", data=body, method="POST", headers={
                "Content-Type": content_type, "Referer": f"{base}/phan-anh/?tinh=31"})
            start = time.perf_counter()
            with opener.open(request, timeout=60) as response:
                page = response.read().decode()
            elapsed = time.perf_counter() - start
            if response.status == 200 and 'id="receipt-code"' in page:
                good += 1
                times.append(elapsed)
            else:
                bad += 1
        except Exception:  # noqa: BLE001 — every failure counts as an error of the run
            bad += 1
    with lock:
        results.append((good, bad, times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--photo-share", type=float, default=0.2)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="pcmd_tips_bench_")
    os.environ["PCMD_DATA_DIR"] = data_dir
    os.environ["PCMD_HTTPS"] = "0"
    django_on_throwaway_database("tips")
    from django.core.management import call_command

    call_command("load_units", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the production settings serve a manifest
    from pcmd.geo.models import AdminUnit

    print(f"communes={AdminUnit.objects.filter(level='commune').count()}")

    port = free_port()
    env = {**os.environ, **RAISED, "DJANGO_SETTINGS_MODULE": "pcmd.settings", "DEBUG": "0",
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "pcmd.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sys.stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/phan-anh/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        photo, results, lock = small_photo(), [], threading.Lock()
        start = time.monotonic()
        until = start + args.seconds
        threads = [threading.Thread(target=client_loop, args=(base, until, photo, args.photo_share, i, results,
                                                              lock)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(timeout=30)

    from pcmd.tips.models import Tip, TipAttachment

    good = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    times = sorted(t for r in results for t in r[2])
    p95 = times[int(0.95 * (len(times) - 1))] * 1000 if times else 0
    stored = Tip.objects.filter(channel="web").count()
    print(f"clients={args.clients} workers={args.workers} seconds={duration:.1f} tips_stored={stored} "
          f"attachments={TipAttachment.objects.count()} p50_ms={times[len(times) // 2] * 1000 if times else 0:.0f}")
    assert stored == good, f"{stored} tips stored for {good} receipts"
    shutil.rmtree(data_dir, ignore_errors=True)  # static files, keys and photos of the run
    print(f"submissions_per_s={good / duration:.1f} errors={errors} p95_ms={p95:.0f}")


if __name__ == "__main__":
    main()
