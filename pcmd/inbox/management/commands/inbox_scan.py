"""`pcmd inbox-scan`: the daily deadline scan (tips, reports, plan tasks, overdue referrals) into the inbox."""

from django.core.management.base import BaseCommand

from pcmd.inbox.services import scan


class Command(BaseCommand):
    help = ("Quét thời hạn hằng ngày (tin báo, báo cáo, nhiệm vụ kế hoạch, giới thiệu dịch vụ quá hạn) và tạo "
            "thông báo; chạy lại trong ngày không tạo thông báo trùng.")

    def handle(self, *args, **options):
        counts = scan()
        self.stdout.write(f"Thông báo mới: {counts['tips']} về tin báo, {counts['reports']} về báo cáo, "
                          f"{counts['tasks']} về nhiệm vụ, {counts['referrals']} về giới thiệu dịch vụ.")
