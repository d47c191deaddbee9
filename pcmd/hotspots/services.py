"""Writes on hotspots: create, update, and the status transitions with their rules.

Allowed transitions (every one dated, never in the future, never before the first identification
nor before the previous transition):

    active      -> suppressed   (triệt xóa: how, by which agency)
    suppressed  -> monitored    (theo dõi N tháng: monitor_until = date + N months)
    monitored   -> closed       (kết thúc theo dõi, not before monitor_until)
    suppressed / monitored / closed -> active   (tái hoạt động: flagged and counted)
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core import services as core_services
from pcmd.geo.models import Level

from .models import Hotspot, HotspotEvent, HotspotKind, HotspotStatus

S = HotspotStatus


@dataclass(frozen=True)
class Transition:
    slug: str  # URL segment
    label: str  # button / page title
    sources: tuple[str, ...]
    target: str
    is_reemergence: bool = False


TRANSITIONS = {
    t.slug: t
    for t in (
        Transition("triet-xoa", "Triệt xóa", (S.ACTIVE,), S.SUPPRESSED),
        Transition("theo-doi", "Đưa vào theo dõi", (S.SUPPRESSED,), S.MONITORED),
        Transition("ket-thuc", "Kết thúc theo dõi", (S.MONITORED,), S.CLOSED),
        Transition("tai-hoat-dong", "Ghi nhận tái hoạt động", (S.SUPPRESSED, S.MONITORED, S.CLOSED), S.ACTIVE,
                   is_reemergence=True),
    )
}

FORBIDDEN = {
    # (status, target) -> why not, in the words of the user
    (S.CLOSED, S.SUPPRESSED): "Điểm này đã kết thúc theo dõi, không thể triệt xóa. Nếu điểm hoạt động trở lại, "
                              "hãy ghi nhận tái hoạt động trước.",
    (S.SUPPRESSED, S.SUPPRESSED): "Điểm này đã được triệt xóa.",
    (S.MONITORED, S.SUPPRESSED): "Điểm này đã được triệt xóa và đang được theo dõi.",
    (S.ACTIVE, S.MONITORED): "Chỉ đưa vào theo dõi điểm đã được triệt xóa.",
    (S.MONITORED, S.MONITORED): "Điểm này đang được theo dõi.",
    (S.CLOSED, S.MONITORED): "Điểm này đã kết thúc theo dõi.",
    (S.ACTIVE, S.CLOSED): "Điểm đang hoạt động: phải triệt xóa và theo dõi trước khi kết thúc.",
    (S.SUPPRESSED, S.CLOSED): "Phải đưa điểm vào theo dõi sau triệt xóa trước khi kết thúc.",
    (S.CLOSED, S.CLOSED): "Điểm này đã kết thúc theo dõi.",
    (S.ACTIVE, S.ACTIVE): "Điểm này đang hoạt động; chỉ ghi nhận tái hoạt động cho điểm đã triệt xóa.",
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _today() -> datetime.date:
    return timezone.localdate()


def _check_fields(*, unit, hamlet, kind, url, first_identified, establishments=(), visits=()) -> None:
    errors: dict[str, list[str]] = {}
    if unit is not None and unit.level != Level.COMMUNE:
        errors.setdefault("unit", []).append("Điểm, tụ điểm phải thuộc một xã, phường, đặc khu.")
    if hamlet is not None and unit is not None and hamlet.parent_id != unit.pk:
        errors.setdefault("hamlet", []).append(f"{hamlet.name} không thuộc {unit.name}.")
    if kind == HotspotKind.ONLINE and not url:
        errors.setdefault("url", []).append("Điểm trên không gian mạng cần đường dẫn (trang, nhóm, tài khoản).")
    if first_identified and first_identified > _today():
        errors.setdefault("first_identified", []).append("Ngày phát hiện không được ở tương lai.")
    province_id = unit.province_id if unit is not None else None
    for est in establishments:
        if est.province_id != province_id:
            errors.setdefault("establishments", []).append(f"Cơ sở “{est}” không thuộc tỉnh/thành phố của điểm.")
    for visit in visits:
        if visit.province_id != province_id:
            errors.setdefault("visits", []).append(f"Lượt kiểm tra “{visit}” không thuộc tỉnh/thành phố của điểm.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def hotspot_create(*, membership, data: dict, user=None) -> Hotspot:
    data = dict(data)
    if "unit" not in data or data["unit"] is None:
        data["unit"] = membership.unit
    _check_fields(unit=data["unit"], hamlet=data.get("hamlet"), kind=data.get("kind"), url=data.get("url"),
                  first_identified=data.get("first_identified"), establishments=data.get("establishments") or (),
                  visits=data.get("visits") or ())
    hotspot = core_services.record_create(model=Hotspot, data=data)
    hotspot.status_since = hotspot.first_identified
    hotspot.save(update_fields=["status_since"])
    HotspotEvent.objects.create(hotspot=hotspot, date=hotspot.first_identified, from_status="",
                                to_status=S.ACTIVE, note="Phát hiện điểm, tụ điểm.", user=user,
                                agency=getattr(membership, "agency", None))
    return hotspot


@transaction.atomic
def hotspot_update(*, instance: Hotspot, data: dict) -> Hotspot:
    unit = data.get("unit", instance.unit)
    first = data.get("first_identified", instance.first_identified)
    _check_fields(unit=unit, hamlet=data.get("hamlet", instance.hamlet), kind=data.get("kind", instance.kind),
                  url=data.get("url", instance.url), first_identified=first,
                  establishments=data.get("establishments") or (), visits=data.get("visits") or ())
    later = instance.events.exclude(from_status="").order_by("date").first()
    if later is not None and first > later.date:
        raise ValidationError({"first_identified": (
            f"Ngày phát hiện không được sau ngày {later.label.lower()} ({later.date:%d/%m/%Y}).")})
    hotspot = core_services.record_update(instance=instance, data=data)
    # The identification event follows the first-identified date (and so may the status date).
    hotspot.events.filter(from_status="").update(date=first)
    replay(hotspot, list(hotspot.events.order_by("date", "pk")))
    hotspot.save(update_fields=["status_since"])
    return hotspot


@transaction.atomic
def hotspot_transition(*, hotspot: Hotspot, target: str, date: datetime.date, note: str = "", user=None,
                       agency=None, method: str = "", monitor_months: int | None = None) -> HotspotEvent:
    """Move `hotspot` to `target` on `date`; raise ValidationError (Vietnamese) when the rules forbid it."""
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    source = hotspot.status
    transition = next((t for t in TRANSITIONS.values() if t.target == target and source in t.sources), None)
    if transition is None:
        raise ValidationError(FORBIDDEN.get((source, target), "Không thể chuyển sang trạng thái này."))
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = ["Hãy nhập ngày."]
    elif date > _today():
        errors["date"] = ["Ngày không được ở tương lai."]
    elif date < hotspot.first_identified:
        errors["date"] = [f"Ngày không được trước ngày phát hiện ({hotspot.first_identified:%d/%m/%Y})."]
    else:
        last = hotspot.events.order_by("-date", "-pk").first()
        if last is not None and date < last.date:
            errors["date"] = [f"Ngày không được trước lần chuyển trạng thái gần nhất ({last.date:%d/%m/%Y})."]
        if target == S.CLOSED and hotspot.monitor_until and date < hotspot.monitor_until:
            errors["date"] = [f"Chưa hết thời gian theo dõi: điểm được theo dõi đến {hotspot.monitor_until:%d/%m/%Y}."]
    if target == S.SUPPRESSED and not (method or "").strip():
        errors["method"] = ["Hãy ghi biện pháp triệt xóa."]
    if target == S.MONITORED and (not monitor_months or monitor_months < 1 or monitor_months > 60):
        errors["monitor_months"] = ["Số tháng theo dõi phải từ 1 đến 60."]
    if errors:
        raise ValidationError(errors)

    event = HotspotEvent.objects.create(
        hotspot=hotspot, date=date, from_status=source, to_status=target, is_reemergence=transition.is_reemergence,
        method=method.strip() if target == S.SUPPRESSED else "",
        monitor_months=monitor_months if target == S.MONITORED else None, note=note, user=user, agency=agency,
    )
    _save_replayed(hotspot)
    return event


@transaction.atomic
def hotspot_transition_undo(*, hotspot: Hotspot) -> HotspotEvent:
    """Take back the latest status change (a mistake); the identification itself cannot be taken back.

    The removed event stays in the audit log (HotspotEvent is audited); the status fields are recomputed.
    """
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    last = hotspot.events.order_by("-date", "-pk").first()
    if last is None or not last.from_status:
        raise ValidationError("Điểm này chưa có lần chuyển trạng thái nào để hủy.")
    last.delete()
    _save_replayed(hotspot)
    return last


def _save_replayed(hotspot: Hotspot) -> None:
    replay(hotspot, list(hotspot.events.order_by("date", "pk")))
    hotspot.version += 1
    hotspot.save()


def replay(hotspot: Hotspot, events: list[HotspotEvent]) -> None:
    """Set the hotspot's status fields from its events in date order: they are a function of the timeline."""
    hotspot.status, hotspot.status_since = S.ACTIVE, hotspot.first_identified
    hotspot.suppressed_on, hotspot.suppression_method, hotspot.suppressed_by_id = None, "", None
    hotspot.monitor_months = hotspot.monitor_until = None
    hotspot.reemergence_count = 0
    for event in events:
        if not event.from_status:
            continue  # the identification
        if event.to_status == S.SUPPRESSED:
            hotspot.suppressed_on, hotspot.suppression_method = event.date, event.method
            hotspot.suppressed_by_id = event.agency_id
            hotspot.monitor_months = hotspot.monitor_until = None
        elif event.to_status == S.MONITORED:
            hotspot.monitor_months = event.monitor_months
            hotspot.monitor_until = add_months(event.date, event.monitor_months) if event.monitor_months else None
        elif event.is_reemergence:
            hotspot.reemergence_count += 1
            hotspot.monitor_months = hotspot.monitor_until = None
        hotspot.status, hotspot.status_since = event.to_status, event.date
