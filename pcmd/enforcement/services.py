"""Writes on criminal cases and sanction decisions, with their rules (Vietnamese messages).

Criminal case: detection <= initiation (khởi tố) <= indictment (truy tố) <= trial (xét xử); a later
stage needs the earlier one; no date in the future; a verdict needs a trial date; minor victims
cannot exceed victims. Sanction decision: date not in the future, at least one person, fine >= 0.
Linked hotspots and establishments must lie in the case's province.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core import services as core_services
from pcmd.geo.models import Level

from .models import CriminalCase, Offence, SanctionRecord

STAGES = [
    ("detected_on", "phát hiện"),
    ("initiated_on", "khởi tố"),
    ("indicted_on", "truy tố"),
    ("tried_on", "xét xử"),
]


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _check_unit(errors: dict, unit) -> None:
    if unit is not None and unit.level not in (Level.PROVINCE, Level.COMMUNE):
        _add(errors, "unit", "Đơn vị phải là tỉnh/thành phố hoặc xã, phường, đặc khu.")


def case_errors(data: dict) -> dict:
    """Every rule a case breaks, by field (empty when the case is fine)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    _check_unit(errors, data.get("unit"))
    previous = None  # (field, label, date) of the last filled stage
    for name, label in STAGES:
        day = data.get(name)
        if day is None:
            continue
        if day > today:
            _add(errors, name, f"Ngày {label} không được ở tương lai.")
        missing = [lbl for n, lbl in STAGES[: [s[0] for s in STAGES].index(name)] if data.get(n) is None]
        if missing:
            _add(errors, name, f"Chưa có ngày {missing[-1]} thì chưa thể có ngày {label}.")
        elif previous and day < previous[2]:
            _add(errors, name, f"Ngày {label} ({day:%d/%m/%Y}) không được trước ngày {previous[1]} "
                               f"({previous[2]:%d/%m/%Y}).")
        previous = (name, label, day)
    if (data.get("verdict") or "").strip() and data.get("tried_on") is None:
        _add(errors, "verdict", "Chỉ ghi kết quả xét xử khi đã có ngày xét xử.")
    victims, minors = data.get("victims") or 0, data.get("minor_victims") or 0
    for name in ("defendants", "victims", "minor_victims"):
        if (data.get(name) or 0) < 0:
            _add(errors, name, "Số lượng không được âm.")
    if minors > victims:
        _add(errors, "minor_victims", f"Số bị hại dưới 18 tuổi ({minors}) không được lớn hơn tổng số bị hại "
                                      f"({victims}).")
    if data.get("offence") == Offence.OTHER and not (data.get("offence_other") or "").strip():
        _add(errors, "offence_other", "Hãy ghi rõ tội danh khác.")
    unit = data.get("unit")
    if unit is not None:
        for name, noun in (("hotspots", "Điểm"), ("establishments", "Cơ sở")):
            for item in data.get(name) or ():
                if item.province_id != unit.province_id:
                    _add(errors, name, f"{noun} “{item}” không thuộc tỉnh/thành phố của đơn vị phát hiện.")
    return errors


def _unit_for(membership, data):
    return data.get("unit") or membership.unit


def _checked_create(*, model, rules, membership, data: dict):
    data = {**data, "unit": _unit_for(membership, data)}
    errors = rules(data)
    if errors:
        raise ValidationError(errors)
    return core_services.record_create(model=model, data=data)


def _checked_update(*, rules, instance, data: dict):
    # The rules compare fields with each other, so they see the record as it will be after the edit.
    full = {f.name: getattr(instance, f.name) for f in type(instance)._meta.concrete_fields}
    full.update(data)
    errors = rules(full)
    if errors:
        raise ValidationError(errors)
    return core_services.record_update(instance=instance, data=data)


@transaction.atomic
def criminal_case_create(*, membership, data: dict) -> CriminalCase:
    return _checked_create(model=CriminalCase, rules=case_errors, membership=membership, data=data)


@transaction.atomic
def criminal_case_update(*, instance: CriminalCase, data: dict) -> CriminalCase:
    return _checked_update(rules=case_errors, instance=instance, data=data)


def sanction_errors(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    _check_unit(errors, data.get("unit"))
    day = data.get("decided_on")
    if day is not None and day > timezone.localdate():
        _add(errors, "decided_on", "Ngày quyết định không được ở tương lai.")
    if data.get("people") is not None and data["people"] < 1:
        _add(errors, "people", "Số người (cơ sở) bị xử phạt phải từ 1 trở lên.")
    if data.get("fine_total") is not None and data["fine_total"] < 0:
        _add(errors, "fine_total", "Tiền phạt không được âm.")
    return errors


@transaction.atomic
def sanction_record_create(*, membership, data: dict) -> SanctionRecord:
    return _checked_create(model=SanctionRecord, rules=sanction_errors, membership=membership, data=data)


@transaction.atomic
def sanction_record_update(*, instance: SanctionRecord, data: dict) -> SanctionRecord:
    return _checked_update(rules=sanction_errors, instance=instance, data=data)
