"""`pcmd deliver-webhooks`: send the webhook deliveries that are due (retries, lost tasks). Every minute in
CELERY_BEAT_SCHEDULE; by cron where no scheduler runs."""

from django.core.management.base import BaseCommand

from pcmd.webhooks import services


class Command(BaseCommand):
    help = "Gửi các lượt webhook đến hạn (gửi lại sau lỗi, lượt bị gián đoạn)."

    def handle(self, *args, **options):
        sent = services.deliver_due()
        self.stdout.write(f"Đã xử lý {sent} lượt gửi webhook.")
