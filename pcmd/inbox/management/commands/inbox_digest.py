"""`pcmd inbox-digest`: one e-mail per person with the unread notices of the kinds they chose (run daily)."""

from django.core.management.base import BaseCommand

from pcmd.inbox.services import digest


class Command(BaseCommand):
    help = "Gửi e-mail tổng hợp hằng ngày: các thông báo chưa đọc thuộc loại người dùng đã chọn nhận qua e-mail."

    def handle(self, *args, **options):
        counts = digest()
        self.stdout.write(f"{counts['emails']} e-mail đã gửi ({counts['notices']} thông báo, "
                          f"{counts['users']} người nhận).")
