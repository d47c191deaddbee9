"""Jobs of the platform itself: the scheduled management commands (settings.CELERY_BEAT_SCHEDULE)."""

import datetime
import io

from celery import shared_task
from django.core.management import call_command

from .jobs import Job

# The commands the scheduler may run; anything else is refused (a queue message is not a shell).
SCHEDULED_COMMANDS = {
    "notify_tip_deadlines": "Nhắc hạn xử lý tin báo",
    "report_reminders": "Nhắc hạn báo cáo định kỳ",
    "report_calendar": "Tạo báo cáo định kỳ đến hạn",
    "inbox_scan": "Quét thời hạn hằng ngày, tạo thông báo",
    "inbox_digest": "Gửi e-mail tổng hợp thông báo",
    "aggregates_today": "Cập nhật số liệu tổng hợp tính theo ngày",
}


@shared_task(base=Job, name="pcmd.ops.run_command")
def run_command(command: str, *args: str) -> str:
    if command not in SCHEDULED_COMMANDS:
        raise ValueError(f"Lệnh không được phép chạy theo lịch: {command}")
    if command == "report_calendar" and not args:
        args = ("--year", str(datetime.date.today().year))
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()[-2000:]
