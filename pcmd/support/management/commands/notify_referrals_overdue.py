"""`pcmd notify-referrals-overdue`: a `referral.overdue` webhook event for each referral past its answer deadline
(once per referral and deadline). Hourly in CELERY_BEAT_SCHEDULE; daily by cron where no scheduler runs."""

from django.core.management.base import BaseCommand

from pcmd.support import referrals


class Command(BaseCommand):
    help = "Ghi sự kiện webhook cho các lượt giới thiệu dịch vụ quá hạn trả lời."

    def handle(self, *args, **options):
        self.stdout.write(f"Đã ghi {referrals.notify_overdue()} sự kiện giới thiệu quá hạn.")
