"""`pcmd notify-tip-deadlines`: in-app notices and e-mails for tips due soon or overdue (run daily)."""

from django.core.management.base import BaseCommand

from pcmd.tips.notifications import notify_deadlines


class Command(BaseCommand):
    help = "Nhắc hạn xử lý tin báo: thông báo trong hệ thống và e-mail (mỗi tin, mỗi mốc một lần)."

    def handle(self, *args, **options):
        counts = notify_deadlines()
        self.stdout.write(f"{counts['tips']} tin cần nhắc, {counts['notices']} thông báo, "
                          f"{counts['emails']} e-mail đã gửi.")
