"""A client's own data: the export given to the client, and erasure on request (Luật 91/2025/QH15).

- `export_data(client)`: every field of the file, with Vietnamese labels and displayed values, section by
  section (file, consents, screenings, plans and goals, referrals, services, follow-ups, history);
  `export_json` / `export_docx` render it; `export(membership, client, reason)` logs the export (AccessLog
  "export" with the reason, CaseEvent EXPORT) and returns a zip with both files.
- Erasure is two steps (actions.py): a case worker asks (`request_erasure`, with the legal ground), a support
  supervisor confirms (`confirm_erasure`, which runs `erase`) or refuses (`refuse_erasure`).
- `erase(client, ...)`: blanks every encrypted field of the file and its rows, deletes the consent scans, puts
  a random placeholder in `uic`, sets `erased_at`; keeps what the anonymous counts need (sex, registration date,
  unit, status; service kinds and dates; referral needs, statuses and dates; consent purposes and dates).
"""

import io
import json
import secrets
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from pcmd.core.crypto import EncryptedTextField
from pcmd.core.documents import OfficialDocument
from pcmd.core.models import AccessLog
from pcmd.core.scoping import scoped
from pcmd.geo.models import Level

from . import wall
from .models import (
    CaseEvent,
    CaseEventAction,
    CaseGoal,
    CasePlan,
    Client,
    Consent,
    CounsellingEvent,
    CounsellingMessage,
    CounsellingRequest,
    ErasureRequest,
    ErasureStatus,
    FollowUp,
    Referral,
    Screening,
    ServiceRecord,
    SupportNeed,
)

# Columns that are machinery, not the person's data (hashes of the referral link, denormalised copies).
INTERNAL = {"id", "version", "province", "token_lookup", "token_hash", "search_text", "created_at", "updated_at"}
UIC_PLACEHOLDER = "XOA-"  # an erased file's uic: this prefix and random letters (never a real UIC's shape)


# ---------------------------------------------------------------- export

def _value(obj, field) -> str | list | int | bool | None:
    value = getattr(obj, field.attname if isinstance(field, models.ForeignKey) else field.name)
    if value in (None, ""):
        return ""
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, field.name)
        if hasattr(related, "get_full_name"):
            return related.get_full_name() or related.get_username()
        return str(related)
    if isinstance(field, models.DateTimeField):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(field, models.DateField):
        return value.strftime("%d/%m/%Y")
    if isinstance(field, models.FileField):
        return "Có bản chụp" if value else ""
    if isinstance(field, models.JSONField) and field.name == "needs":
        labels = dict(SupportNeed.choices)
        return [labels.get(code, code) for code in value]
    if isinstance(field, models.BooleanField):
        return "Có" if value else "Không"
    return value


def record(obj, skip: frozenset = frozenset()) -> dict:
    """Label -> displayed value of every field of `obj` the person may read (all but the machinery)."""
    return {str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:]: _value(obj, f)
            for f in obj._meta.concrete_fields if f.name not in INTERNAL and f.name not in skip}


def export_data(client: Client) -> dict:
    """The whole file, section by section, as the client will read it."""
    plans = []
    for plan in client.plans.select_related("created_by", "decided_by", "screening"):
        row = record(plan, frozenset({"client"}))
        row["Mục tiêu"] = [record(goal, frozenset({"plan"})) for goal in plan.goals.all()]
        plans.append(row)
    return {
        "Hồ sơ": record(client, frozenset({"intake", "merged_into"})),
        "Sự đồng ý": [record(c, frozenset({"client"})) for c in client.consents.select_related("provider")],
        "Đánh giá nhu cầu": [record(s, frozenset({"client"})) for s in client.screenings.all()],
        "Kế hoạch hỗ trợ": plans,
        "Giới thiệu, chuyển gửi dịch vụ": [record(r, frozenset({"client", "unit", "token_expires_at"}))
                                           for r in client.referrals.select_related("provider")],
        "Dịch vụ đã nhận": [record(s, frozenset({"client", "unit"}))
                            for s in client.services.select_related("provider", "referral")],
        "Theo dõi, thăm lại": [record(f, frozenset({"client"})) for f in client.follow_ups.all()],
        "Diễn biến hồ sơ": [record(e, frozenset({"client"})) for e in client.events.select_related("actor")],
    }


def export_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value) -> str:
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def export_docx(client: Client, data: dict) -> bytes:
    unit = client.unit
    issuer = f"ỦY BAN NHÂN DÂN {unit.name.upper()}"
    parent = "" if unit.level == Level.PROVINCE else f"ỦY BAN NHÂN DÂN {unit.province.name.upper()}"
    doc = OfficialDocument(issuer_parent=parent, issuer=issuer, symbol="UBND", kind="THÔNG TIN",
                           place=unit.province.name.replace("Thành phố ", "").replace("Tỉnh ", ""),
                           date=timezone.localdate(),
                           title=f"Dữ liệu cá nhân đang được lưu trong hồ sơ hỗ trợ {client.code}")
    doc.paragraph("Theo đề nghị của người được hỗ trợ, dưới đây là toàn bộ thông tin đang được lưu trong hồ sơ "
                  "(Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15). Tài liệu chỉ giao cho chính người được hỗ trợ.",
                  italic=True)
    for number, (section, content) in enumerate(data.items(), start=1):
        doc.part(f"{number}. {section.upper()}")
        rows = [content] if isinstance(content, dict) else content
        if not rows:
            doc.paragraph("Không có.")
        for index, row in enumerate(rows, start=1):
            if len(rows) > 1:
                doc.heading(f"{section} ({index})")
            goals = row.get("Mục tiêu", [])
            doc.table(["Nội dung", "Thông tin"],
                      [[label, _cell(value)] for label, value in row.items() if label != "Mục tiêu"],
                      widths=[60, 105])
            for goal in goals:
                doc.table(["Mục tiêu", ""], [[label, _cell(value)] for label, value in goal.items()],
                          widths=[60, 105])
    return doc.to_bytes()


@transaction.atomic
def export(membership, client: Client, reason: str) -> bytes:
    """The client's own data as a zip (Word + JSON), logged with the reason; only the file's case workers."""
    wall.require_role(membership, "export", "Chỉ cán bộ quản lý trường hợp xuất dữ liệu cho người được hỗ trợ.")
    reason = wall.reason_check(reason, what="lý do xuất dữ liệu")
    if not wall.visible_clients(membership, "change").filter(pk=client.pk).exists():
        raise PermissionDenied
    data = export_data(client)
    AccessLog.record(membership=membership, obj=client, action="export", detail=f"Xuất dữ liệu: {reason}")
    CaseEvent.objects.create(client=client, actor_id=membership.user_id, action=CaseEventAction.EXPORT, note=reason)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{client.code}.json", export_json(data))
        archive.writestr(f"{client.code}.docx", export_docx(client, data))
    return buffer.getvalue()


# ---------------------------------------------------------------- erasure

def pending_request(client) -> ErasureRequest | None:
    return client.erasure_requests.filter(status=ErasureStatus.REQUESTED).order_by("-requested_at").first()


def pending_requests(membership):
    """Requests waiting for a supervisor of the file's scope (their list and menu badge)."""
    if not wall.may(membership, "erase_confirm"):
        return ErasureRequest.objects.none()
    return scoped(ErasureRequest.objects.select_related("client", "client__unit", "requested_by"),
                       membership, "view").filter(status=ErasureStatus.REQUESTED, client__erased_at__isnull=True)


def pending_count(membership) -> int:
    return pending_requests(membership).count()


def _locked_client(membership, client, action="change") -> Client:
    found = wall.visible_clients(membership, action).select_for_update(of=("self",)).filter(pk=client.pk).first()
    if found is None:
        raise PermissionDenied
    return found


@transaction.atomic
def request_erasure(membership, client: Client, reason: str) -> ErasureRequest:
    """The case worker records the client's request, with the legal ground; a supervisor confirms it."""
    wall.require_role(membership, "erase_request", "Chỉ cán bộ quản lý trường hợp đề nghị xóa dữ liệu.")
    client = _locked_client(membership, client)
    reason = wall.reason_check(reason, what="căn cứ pháp lý, lý do xóa")
    if pending_request(client):
        raise ValidationError("Hồ sơ đã có đề nghị xóa dữ liệu đang chờ xác nhận.")
    return ErasureRequest.objects.create(client=client, reason=reason, requested_by_id=membership.user_id)


@transaction.atomic
def refuse_erasure(membership, client: Client, note: str) -> ErasureRequest:
    wall.require_role(membership, "erase_confirm", "Chỉ giám sát hỗ trợ xác nhận hoặc từ chối việc xóa dữ liệu.")
    client = _locked_client(membership, client)
    request = pending_request(client)
    if request is None:
        raise ValidationError("Hồ sơ không có đề nghị xóa dữ liệu nào đang chờ.")
    note = wall.reason_check(note, "note", what="lý do không xóa")
    request.status, request.decided_at = ErasureStatus.REFUSED, timezone.now()
    request.decided_by_id, request.decision_note = membership.user_id, note
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    return request


@transaction.atomic
def confirm_erasure(membership, client: Client, note: str = "") -> ErasureRequest:
    """The supervisor confirms: the file's personal data is erased now (`erase`)."""
    wall.require_role(membership, "erase_confirm", "Chỉ giám sát hỗ trợ xác nhận hoặc từ chối việc xóa dữ liệu.")
    client = _locked_client(membership, client)
    request = pending_request(client)
    if request is None:
        raise ValidationError("Hồ sơ không có đề nghị xóa dữ liệu nào đang chờ.")
    note = " ".join((note or "").split())[:wall.REASON_MAX]
    request.status, request.decided_at = ErasureStatus.DONE, timezone.now()
    request.decided_by_id, request.decision_note = membership.user_id, note
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    erase(client, actor_id=membership.user_id, reason=request.reason)
    return request


def _encrypted(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _blank(queryset, *extra: str) -> None:
    """Empty every encrypted column (and `extra` text columns) of the rows, in one UPDATE per model."""
    names = _encrypted(queryset.model) + list(extra)
    if names:
        queryset.update(**{name: "" for name in names})


@transaction.atomic
def erase(client: Client, *, actor_id=None, reason: str = "") -> Client:
    """Erase the personal data of `client` and its rows, keeping what the anonymous counts need."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.erased_at is not None:
        raise ValidationError("Dữ liệu cá nhân của hồ sơ này đã được xóa.")
    _blank(CaseEvent.objects.filter(client=client))
    _blank(Consent.objects.filter(client=client), "withdrawal_note")
    for consent in Consent.objects.filter(client=client).exclude(scan=""):
        consent.scan.delete(save=False)  # the file on disk
    Consent.objects.filter(client=client).update(scan="")
    _blank(Screening.objects.filter(client=client))
    _blank(CasePlan.objects.filter(client=client), "return_reason")
    _blank(CaseGoal.objects.filter(plan__client=client))
    _blank(Referral.objects.filter(client=client))
    Referral.objects.filter(client=client).update(token_lookup=None, token_hash="", token_expires_at=None)
    _blank(ServiceRecord.objects.filter(client=client))
    _blank(FollowUp.objects.filter(client=client))
    if client.intake_id:  # what the person wrote from the public page is theirs too
        _blank(CounsellingRequest.objects.filter(pk=client.intake_id))
        _blank(CounsellingMessage.objects.filter(request_id=client.intake_id))
        _blank(CounsellingEvent.objects.filter(request_id=client.intake_id))
    now = timezone.now()
    Client.objects.filter(pk=client.pk).update(
        **{name: "" for name in _encrypted(Client)}, birth_year=None,
        uic=UIC_PLACEHOLDER + secrets.token_hex(4).upper(), erased_at=now, updated_at=now,
        version=models.F("version") + 1)
    CaseEvent.objects.create(client=client, at=now, actor_id=actor_id, action=CaseEventAction.ERASE,
                             note=f"Căn cứ: {reason}" if reason else "")
    client.refresh_from_db()
    return client
