"""`pcmd report-reminders [--days 7]`: remind units before a report's deadline, tell the level above after it
(notices in the inbox; each report, kind and deadline once — part of the daily `pcmd inbox-scan`)."""

from django.core.management.base import BaseCommand, CommandError

from pcmd.reports.notifications import DAYS_BEFORE, send_reminders


class Command(BaseCommand):
    help = ("Nhắc hạn gửi báo cáo: nhắc đơn vị trước hạn, báo cấp trên khi quá hạn (thông báo trong hộp thông báo; "
            "mỗi báo cáo, mỗi mốc một lần).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DAYS_BEFORE, help="Nhắc trước hạn bao nhiêu ngày (mặc định 7)")

    def handle(self, *args, days, **options):
        if not 0 <= days <= 60:
            raise CommandError("Số ngày nhắc trước hạn phải từ 0 đến 60.")
        counts = send_reminders(days=days)
        self.stdout.write(f"{counts['reports']} báo cáo cần nhắc, {counts['notices']} thông báo.")
