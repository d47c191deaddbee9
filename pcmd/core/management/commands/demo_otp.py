from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcmd.core.demo import DEMO_EMAIL_DOMAIN


class Command(BaseCommand):
    help = "In mã xác thực hai lớp hiện tại của một tài khoản DÙNG THỬ (chỉ tài khoản do seed-demo tạo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, name="Demo", confirmed=True,
                                           user__email__endswith=f"@{DEMO_EMAIL_DOMAIN}").first()
        if device is None:
            raise CommandError(f"{username} không phải tài khoản dùng thử có xác thực hai lớp.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
