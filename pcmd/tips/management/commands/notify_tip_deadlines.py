"""`pcmd notify-tip-deadlines`: inbox notices for tips due soon or overdue (part of the daily `pcmd inbox-scan`)."""

from django.core.management.base import BaseCommand

from pcmd.tips.notifications import notify_deadlines


class Command(BaseCommand):
    help = "Nhắc hạn xử lý tin báo: thông báo trong hộp thông báo (mỗi tin, mỗi mốc một lần)."

    def handle(self, *args, **options):
        counts = notify_deadlines()
        self.stdout.write(f"{counts['tips']} tin cần nhắc, {counts['notices']} thông báo.")
