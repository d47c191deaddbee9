"""Issue 12, defect 7: a record's history and the audit page show Vietnamese field labels and values.

No "type → operation", no "None → False", no "outreach.ActivityPhoto.None", no English column names ("source
sha256", "imported by"), no hashes, versions or paths, and no "Sửa" entry right after a create (core.history)."""

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pcmd.core.history import entry_changes, history_rows
from pcmd.org.models import Role
from pcmd.plans.models import Plan
from pcmd.tips.models import Tip

pytestmark = pytest.mark.django_db

SEED = Path(settings.PCMD_SEEDS_DIR) / "ward-bach-dang-haiphong-2026.txt"
INTERNALS = ["source sha256", "source_sha256", "imported by", "imported_by", "search text", "version", "None",
             "False", "True", "type →", "operation", ".None", "name key"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _entry(model, obj, action, changes, actor=None):
    return LogEntry.objects.create(content_type=ContentType.objects.get_for_model(model), object_pk=str(obj.pk),
                                   object_id=obj.pk, object_repr=str(obj), action=action, changes=changes,
                                   actor=actor)


def test_values_and_labels_are_vietnamese(bach_dang, bd_agency):
    tip = Tip.objects.filter(unit=bach_dang).first()
    entry = _entry(Tip, tip, LogEntry.Action.UPDATE, {
        "is_urgent": ["False", "True"],
        "involves_minor": ["None", "False"],
        "status": ["received", "verifying"],
        "assigned_agency": ["None", str(bd_agency.pk)],
        "due_date": ["2026-03-01", "2026-03-15"],
        "version": ["1", "2"],
        "search_text": ["a", "b"],
        "receipt_hash": ["x", "y"],
        "events": ["None", "tips.TipEvent.None"],
    })
    changes = {c.label: (c.old, c.new) for c in entry_changes(entry)}
    assert changes["Khẩn cấp"] == ("Không", "Có")
    assert changes["Trạng thái"] == ("Mới tiếp nhận", "Đang xác minh") or changes["Trạng thái"][0] != "received"
    assert changes["Cơ quan được giao"] == ("—", bd_agency.name)
    assert changes["Hạn xử lý"] == ("01/03/2026", "15/03/2026")
    assert changes["Liên quan người dưới 18 tuổi"] == ("—", "Không")
    text = repr(changes)
    for internal in ("version", "search", "hash", "TipEvent", "received", "verifying", "None", "False"):
        assert internal not in text, internal


def test_many_to_many_changes_read_as_words(bach_dang):
    from pcmd.outreach.models import Activity

    activity = Activity.objects.filter(unit=bach_dang).first()
    entry = _entry(Activity, activity, LogEntry.Action.UPDATE, {
        "hamlets": {"type": "m2m", "operation": "add", "objects": ["Tổ dân phố 1", "Tổ dân phố 2"]},
        "photos": ["None", "outreach.ActivityPhoto.None"],
    })
    changes = entry_changes(entry)
    assert [(c.label, c.new) for c in changes] == [
        (str(Activity._meta.get_field("hamlets").verbose_name).capitalize(), "thêm: Tổ dân phố 1, Tổ dân phố 2")]


def test_plan_history_and_audit_page_show_no_internals(owner, login, member_factory, verified_login, hai_phong):
    client = login(owner)
    response = client.post(reverse("plan_upload"),
                           {"file": SimpleUploadedFile("ke-hoach.txt", SEED.read_bytes() + b"\n\n\n\n")})
    assert response.status_code == 302
    plan = Plan.objects.latest("pk")
    entries = LogEntry.objects.get_for_object(plan)
    assert entries.filter(action=LogEntry.Action.CREATE).exists()
    # the create's second save (the stored file) is not a "Sửa" of its own
    rows = history_rows(entries.order_by("-timestamp"))
    assert [r.entry.action for r in rows] == [LogEntry.Action.CREATE]
    create = rows[0]
    labels = {c.label for c in create.changes}
    assert "Người nhập" in labels and not any("sha" in label.lower() for label in labels)

    detail = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    history = detail[detail.index('id="history"'):]
    assert "Thêm mới" in history and "<strong>Sửa</strong>" not in history

    edit = client.get(reverse("plan_edit", args=[plan.pk])).context["form"]
    data = {k: v for k, v in edit.initial.items() if v is not None and k in edit.fields}
    data.update({"title": "Kế hoạch đã sửa trích yếu", "version": plan.version, "unit": plan.unit_id,
                 "issue_date": "2026-02-03"})
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    assert client.post(reverse("plan_edit", args=[plan.pk]), data).status_code == 302
    detail = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    history = detail[detail.index('id="history"'):]
    assert "<strong>Sửa</strong>" in history and "Kế hoạch đã sửa trích yếu" in history
    assert "03/02/2026" in history

    admin = verified_login(member_factory("hd.admin", hai_phong, Role.ADMIN))
    page = admin.get(reverse("audit_log")).content.decode()
    table = page[page.index('id="audit-table"'):page.index("</table>", page.index('id="audit-table"'))]
    assert "Kế hoạch đã sửa trích yếu" in table
    for internal in INTERNALS:
        assert internal not in table, internal
