"""Move the tips' `Notice` and the reports' `ReportNotice` rows into the one inbox (issue 12), then the old
models are removed by tips 0005 and reports 0004."""

from django.db import migrations

REPORT_KINDS = {"due_soon": "report_due", "overdue": "report_overdue"}


def forward(apps, schema_editor):
    Notification = apps.get_model("inbox", "Notification")
    Notice = apps.get_model("tips", "Notice")
    ReportNotice = apps.get_model("reports", "ReportNotice")
    rows, times = [], []
    for n in Notice.objects.select_related("tip").iterator():
        rows.append(Notification(recipient_id=n.user_id, kind="tip_deadline" if n.tip_id else "tip_new",
                                 title=n.text, url=f"/tin-bao/{n.tip_id}/" if n.tip_id else "",
                                 unit_id=n.tip.unit_id if n.tip_id else None, read_at=n.read_at))
        times.append(n.created_at)
    for n in ReportNotice.objects.select_related("report").iterator():
        rows.append(Notification(recipient_id=n.user_id, kind=REPORT_KINDS.get(n.kind, "report_due"), title=n.text,
                                 url=n.url, unit_id=n.report.unit_id if n.report_id else None, read_at=n.read_at))
        times.append(n.created_at)
    created = Notification.objects.bulk_create(rows, batch_size=2000)
    for row, at in zip(created, times, strict=True):  # auto_now_add stamped "now": keep each notice's own time
        row.created_at = at
    Notification.objects.bulk_update(created, ["created_at"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0001_initial"),
        ("tips", "0004_receipt_event"),
        ("reports", "0003_attachments_adhoc_reminders"),
        ("support", "0002_move_counselling_tips"),  # the old counselling tips and their notices are gone first
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
