import time

from django.core.management.base import BaseCommand

from pcmd.core.demo import DEMO_PASSWORD, SCALES
from pcmd.core.demo import seed as run_seed


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (xác định, chạy lại không nhân đôi) và in các tài khoản dùng thử."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="demo")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, seed: int, **options):
        started = time.perf_counter()
        ctx = run_seed(scale, seed_value=seed)
        for what, count in ctx.summary.items():
            self.stdout.write(f"  {what}: {count}")
        self.stdout.write(f"Dữ liệu mẫu ({scale}) xong sau {time.perf_counter() - started:.1f} giây.\n")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in ctx.logins)
        for login in ctx.logins:
            extra = f"  [xác thực 2 lớp: pcmd demo-otp {login.username}]" if login.two_factor else ""
            self.stdout.write(f"  {login.username:<{width}}  {login.role} — {login.place}{extra}")

