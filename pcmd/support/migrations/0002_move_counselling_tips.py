"""Move the counselling requests that were recorded as tips (before issue 11) out of the tips table.

They were tips of the public channel whose summary starts with "Đề nghị tư vấn, hỗ trợ". Each becomes a
CounsellingRequest with the same commune, date, receipt hashes (the person's code keeps working), needs,
message, contact (encrypted again by the new field) and conversation. Then the tip goes with everything that
repeated its content: its events, notices, messages, attachments (rows and files), the merge events of other
tips that name it, and its django-auditlog entries. Reads of it in the access log are pointed at the new row,
so who read it stays on record. The constants are frozen here: later changes of the apps must not change
what this migration does.
"""

from django.db import migrations, transaction
from django.utils import timezone

PREFIX = "Đề nghị tư vấn, hỗ trợ"
NEEDS_LINE = "Cần hỗ trợ về:"
NEEDS = [
    ("health", "Sức khỏe, xét nghiệm, điều trị"),
    ("psychological", "Tâm lý, tinh thần"),
    ("legal", "Pháp lý, giấy tờ"),
    ("job", "Học nghề, việc làm, vay vốn"),
    ("safety", "An toàn, chỗ ở tạm thời"),
    ("other", "Khác"),
]
STATUS = {"received": "new", "verifying": "in_progress", "classified": "in_progress", "assigned": "in_progress",
          "handled": "answered", "closed": "closed"}


def parse(description: str) -> tuple[list[str], str]:
    """(need codes, the person's own message) from the description the old intake wrote:
    "<PREFIX> (…).\\nCần hỗ trợ về: <labels>.\\n\\n<message>". A description edited since is kept whole."""
    description = description or ""
    if not description.startswith(PREFIX):
        return ["other"], description.strip()
    head, _, message = description.partition("\n\n")
    line = next((s for s in head.splitlines() if s.startswith(NEEDS_LINE)), "")
    return [code for code, label in NEEDS if label in line] or ["other"], message.strip()


def move_counselling_tips(apps, schema_editor=None) -> int:
    """Move every counselling tip; returns how many. Works with the migration's models or the real ones."""
    Tip = apps.get_model("tips", "Tip")
    TipEvent = apps.get_model("tips", "TipEvent")
    TipAttachment = apps.get_model("tips", "TipAttachment")
    Request = apps.get_model("support", "CounsellingRequest")
    Event = apps.get_model("support", "CounsellingEvent")
    Message = apps.get_model("support", "CounsellingMessage")
    AccessLog = apps.get_model("core", "AccessLog")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")

    tips = list(Tip.objects.filter(channel="web", summary__startswith=PREFIX).order_by("received_at", "pk"))
    if not tips:
        return 0
    now = timezone.now()
    moved = {}
    for tip in tips:
        needs, message = parse(tip.description)
        contact = " — ".join(v for v in (tip.reporter_name, tip.reporter_contact) if v)
        status = STATUS.get(tip.status, "in_progress")
        request = Request.objects.create(
            unit_id=tip.unit_id, province_id=tip.province_id, received_at=tip.received_at, needs=needs,
            message=message, contact=contact, status=status, status_changed_at=tip.status_changed_at,
            receipt_lookup=tip.receipt_lookup, receipt_hash=tip.receipt_hash)
        Request.objects.filter(pk=request.pk).update(created_at=tip.created_at)
        files = TipAttachment.objects.filter(tip=tip).count()
        note = f"Trước đây được ghi như tin báo số {tip.code}."
        if files:
            note += f" {files} tệp đính kèm không được chuyển sang (đã xóa cùng tin báo)."
        Event.objects.bulk_create([
            Event(request=request, at=tip.received_at, action="receive", to_status="new"),
            Event(request=request, at=now, action="moved", from_status="new" if status != "new" else "",
                  to_status=status if status != "new" else "", note=note),
        ])
        Message.objects.bulk_create([
            Message(request=request, direction=m.direction, text=m.text, author_id=m.author_id,
                    created_at=m.created_at)
            for m in tip.messages.order_by("created_at", "pk")
        ])
        moved[tip.pk] = request.pk

    pks = list(moved)
    # Other tips' records that point at these (a merge): the link and what it repeated go too.
    TipEvent.objects.filter(other_tip_id__in=pks).exclude(tip_id__in=pks).delete()
    Tip.objects.filter(duplicate_of_id__in=pks).exclude(pk__in=pks).update(duplicate_of=None)
    Tip.objects.filter(pk__in=pks).update(duplicate_of=None)
    stored = [a.file.name for a in TipAttachment.objects.filter(tip_id__in=pks) if a.file]
    storage = TipAttachment._meta.get_field("file").storage
    Tip.objects.filter(pk__in=pks).delete()  # events, messages, attachments, notices go with it (cascade)
    transaction.on_commit(lambda: [storage.delete(name) for name in stored])
    for tip_pk, request_pk in moved.items():
        AccessLog.objects.filter(target="tips.tip", object_id=str(tip_pk)).update(
            target="support.counsellingrequest", object_id=str(request_pk), detail="")
    tip_type = ContentType.objects.filter(app_label="tips", model="tip").first()
    if tip_type is not None:
        LogEntry.objects.filter(content_type_id=tip_type.pk, object_pk__in=[str(pk) for pk in pks]).delete()
    return len(moved)


def forwards(apps, schema_editor):
    move_counselling_tips(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0001_counselling_requests"),
        ("tips", "0004_receipt_event"),
        ("core", "0002_access_log_lists"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Not reversible into tips on purpose: these requests must never go back where the police read them.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
