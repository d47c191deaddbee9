"""Public intake: a tip or a counselling request from the anonymous form, and the replies of the person.

Nothing about the sender's connection (address, browser) is passed on or stored: the tips and support apps
receive only what the person typed. The receipt code exists in clear only in the return value. A tip goes
to the tips app; a counselling request to the support app (never a tip: see pcmd.support).
"""

from django.db import transaction
from django.urls import reverse

from pcmd.core.models import fold
from pcmd.inbox.models import Kind
from pcmd.inbox.services import notify
from pcmd.support.models import CounsellingRequest
from pcmd.support.services import counselling_request_create, counselling_requester_message
from pcmd.tips import receipts
from pcmd.tips.models import (
    MessageDirection,
    Tip,
    TipAttachment,
    TipChannel,
    TipEvent,
    TipEventAction,
    TipMessage,
)
from pcmd.tips.notifications import tip_recipients
from pcmd.tips.services import tip_create
from pcmd.venues.models import Establishment

SUMMARY_LENGTH = 120


def summarise(text: str) -> str:
    """The first line of `text`, cut at a word to SUMMARY_LENGTH characters."""
    line = " ".join((text or "").split())
    if len(line) <= SUMMARY_LENGTH:
        return line
    return line[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def match_establishment(commune, venue_name: str, location: str = ""):
    """The registered establishment of `commune` the reporter most likely means, or None.

    Matched on the folded name (and the address when several share it). Only stored on the tip for
    the officers: the public pages never show whether a venue is registered.
    """
    name = fold(venue_name)
    if not name or commune is None:
        return None
    candidates = list(Establishment.objects.filter(unit=commune, name_key__startswith=f"{name}|")
                      .order_by("pk").values_list("pk", "name_key")[:20])
    if len(candidates) > 1 and location:
        candidates = [c for c in candidates if c[1] == f"{name}|{fold(location)}"] or candidates[:0]
    return Establishment.objects.get(pk=candidates[0][0]) if len(candidates) == 1 else None


def _attach(tip: Tip, files, message=None) -> None:
    """Store cleaned files (uploads.CleanFile) under MEDIA_ROOT with random names."""
    TipAttachment.objects.bulk_create([
        TipAttachment(tip=tip, message=message, file=f.content, original_name=f.original_name,
                      content_type=f.content_type, size=f.size) for f in files
    ])


def _notify(tip: Tip, text: str) -> None:
    """An in-app notice to the officers who follow the tip (its commune's coordinators and police, the
    assigned agency's officers: the same people as the tips app's deadline notices)."""
    notify(tip_recipients([tip])[tip.pk], Kind.TIP_NEW, text, url=reverse("tip_detail", args=[tip.pk]), unit=tip.unit)


@transaction.atomic
def public_tip_submit(*, data: dict, files=()) -> tuple[Tip, str]:
    """Record a tip from the public form; returns (tip, receipt code). `data` is the form's cleaned data."""
    named = data.get("report_type") == "named"
    code = receipts.new_code()
    fields = {
        "unit": data["commune"],
        "category": data["category"],
        "summary": summarise(data["description"]),
        "description": data["description"].strip(),
        "location": data.get("location", "").strip(),
        "occurred_on": data.get("occurred_on"),
        "occurred_when": data.get("occurred_when", "").strip(),
        "venue_name": data.get("venue_name", "").strip(),
        "establishment": match_establishment(data["commune"], data.get("venue_name", ""), data.get("location", "")),
        "online_link": data.get("online_link", ""),
        "is_anonymous": not named,
        "reporter_name": data.get("reporter_name", "").strip(),
        "reporter_contact": data.get("reporter_contact", "").strip(),
        "reporter_identity": data.get("reporter_identity", "").strip(),
        **receipts.hashes(code),
    }
    tip = tip_create(channel=TipChannel.WEB, data=fields)
    _attach(tip, files)
    _notify(tip, f"Tin báo mới từ cổng công khai ({tip.unit.name}): {tip.code} — {tip.summary}")
    return tip, code


def public_counselling_request(*, data: dict) -> tuple[CounsellingRequest, str]:
    """A confidential request for help: never a tip. It goes to the support app, where only the support roles
    of the commune read it (no tips notice, no audit entry); returns (request, receipt code)."""
    return counselling_request_create(unit=data["commune"], needs=data["needs"], message=data.get("message", ""),
                                      contact=data.get("contact", ""))


def find_by_receipt(text: str) -> Tip | CounsellingRequest | None:
    """The tip or counselling request the receipt code `text` was given for (None if none or wrong)."""
    return receipts.find(text, models=(Tip, CounsellingRequest))


def public_counselling_reply(*, counselling: CounsellingRequest, text: str):
    """The person writes again from the status page (text only: counselling takes no files)."""
    return counselling_requester_message(counselling=counselling, text=text)


@transaction.atomic
def public_reply(*, tip: Tip, text: str, files=()) -> TipMessage:
    """The reporter answers or adds information (and files) from the status page."""
    text = (text or "").strip() or "(Gửi bổ sung tệp đính kèm)"
    message = TipMessage.objects.create(tip=tip, direction=MessageDirection.FROM_REPORTER, text=text)
    _attach(tip, files, message)
    TipEvent.objects.create(tip=tip, at=message.created_at, action=TipEventAction.MESSAGE,
                            reason=f"Người báo bổ sung thông tin: {summarise(text)}")
    _notify(tip, f"Người báo bổ sung thông tin cho tin {tip.code} ({tip.unit.name}).")
    return message
