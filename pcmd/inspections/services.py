"""Writes of the inspections app; every business rule of a visit lives here.

Errors are ValidationErrors keyed by field. Errors of a child row are keyed
"violations.<i>.<field>" / "sanctions.<i>.<field>" (i = position in the list given), so the
page can put them next to the row that caused them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pcmd.core.scoping import within
from pcmd.venues.models import Establishment, EstablishmentStatus

from .models import (
    InspectionRound,
    RiskWeights,
    Sanction,
    SanctionKind,
    Team,
    TeamMember,
    Violation,
    Visit,
    VisitResult,
)

VISIT_FIELDS = ("establishment", "date", "time", "kind", "team", "round", "result", "found_selling",
                "found_buying", "found_brokering", "found_staff_no_papers", "follow_up_due", "follow_up_outcome",
                "notes")
SANCTION_FIELDS = ("decision_number", "decision_date", "kind", "amount", "suspension_months", "target",
                   "individuals")


def _today() -> datetime.date:
    return timezone.localdate()


def _covers(unit, inner_unit) -> bool:
    """True if `unit` is `inner_unit` or lies above it in the tree."""
    return inner_unit.path.startswith(unit.path)


def _in_scope(membership, establishment: Establishment) -> bool:
    if membership is None:
        return False
    if membership.unit_id is None:
        return True
    return within(Establishment.objects.filter(pk=establishment.pk), membership.unit).exists()


def _check_visit(*, membership, data: dict, violations: list[dict], sanctions: list[dict]) -> None:
    errors: dict[str, list[str]] = {}

    def err(key, message):
        errors.setdefault(key, []).append(message)

    today = _today()
    establishment = data.get("establishment")
    visit_date = data.get("date")
    if establishment is not None:
        if not _in_scope(membership, establishment):
            err("establishment", "Cơ sở này không thuộc phạm vi đơn vị của bạn.")
        elif establishment.status == EstablishmentStatus.CLOSED:
            err("establishment", f"Cơ sở “{establishment.name}” đã đóng cửa; không ghi lượt kiểm tra cho cơ sở "
                                 "đã đóng cửa. Nếu cơ sở hoạt động trở lại, hãy cập nhật tình trạng cơ sở trước.")
        for name in ("team", "round"):
            holder = data.get(name)
            if holder is not None and not _covers(holder.unit, establishment.unit):
                label = "Đội" if name == "team" else "Đợt kiểm tra"
                err(name, f"{label} “{holder}” thuộc {holder.unit}, không phụ trách địa bàn của cơ sở này.")
    if visit_date is not None:
        if visit_date > today:
            err("date", f"Ngày kiểm tra {visit_date:%d/%m/%Y} ở tương lai; chỉ ghi lượt kiểm tra đã diễn ra.")
        due = data.get("follow_up_due")
        if due is not None and due <= visit_date:
            err("follow_up_due", "Hạn kiểm tra lại phải sau ngày kiểm tra.")
        round_ = data.get("round")
        if round_ is not None and not (round_.start_date <= visit_date <= round_.end_date):
            err("round", f"Ngày kiểm tra nằm ngoài thời gian của đợt ({round_.start_date:%d/%m/%Y} – "
                         f"{round_.end_date:%d/%m/%Y}).")
    result = data.get("result")
    if result == VisitResult.VIOLATIONS and not violations:
        err("result", "Kết quả “Phát hiện vi phạm” cần ít nhất một hành vi vi phạm: hãy chọn hành vi ở phần Vi phạm.")
    if result == VisitResult.COMPLIANT and (violations or sanctions):
        err("result", "Kết quả “Không phát hiện vi phạm” không đi kèm vi phạm hay xử phạt: hãy đổi kết quả hoặc "
                      "bỏ các dòng vi phạm, xử phạt.")
    for i, row in enumerate(violations):
        if row.get("type") is None:
            err(f"violations.{i}.type", "Hãy chọn hành vi vi phạm.")
    for i, row in enumerate(sanctions):
        kind, amount, months = row.get("kind"), row.get("amount"), row.get("suspension_months")
        if amount is not None and amount < 0:
            err(f"sanctions.{i}.amount", "Số tiền phạt không được âm.")
        elif kind == SanctionKind.FINE and not amount:
            err(f"sanctions.{i}.amount", "Hình thức phạt tiền cần số tiền phạt (lớn hơn 0 đồng).")
        if kind in (SanctionKind.SUSPENSION, SanctionKind.LICENCE) and not months:
            err(f"sanctions.{i}.suspension_months", "Đình chỉ hoặc tước giấy phép cần số tháng áp dụng.")
        decided = row.get("decision_date")
        if decided is not None and decided > today:
            err(f"sanctions.{i}.decision_date", "Ngày quyết định xử phạt không được ở tương lai.")
        if decided is not None and visit_date is not None and decided < visit_date:
            err(f"sanctions.{i}.decision_date", "Ngày quyết định xử phạt không được trước ngày kiểm tra.")
        if row.get("target") == "individual" and not row.get("individuals"):
            err(f"sanctions.{i}.individuals", "Xử phạt cá nhân cần số cá nhân bị xử phạt.")
    if errors:
        raise ValidationError(errors)


def _write_children(visit: Visit, violations: list[dict], sanctions: list[dict]) -> None:
    """One save per row (a visit has a handful), so the audit log records each violation and sanction."""
    for row in violations:
        Violation.objects.create(visit=visit, type=row["type"], note=row.get("note") or "")
    for row in sanctions:
        Sanction.objects.create(visit=visit, **{name: row.get(name) for name in SANCTION_FIELDS
                                                if row.get(name) is not None})


@transaction.atomic
def visit_create(*, membership, data: dict, violations: list[dict] = (), sanctions: list[dict] = (),
                 user=None) -> Visit:
    violations, sanctions = list(violations), list(sanctions)
    _check_visit(membership=membership, data=data, violations=violations, sanctions=sanctions)
    visit = Visit(**{name: data.get(name) for name in VISIT_FIELDS if name in data})
    visit.unit = data["establishment"].unit
    visit.recorded_by = user
    visit.full_clean()
    visit.save()
    _write_children(visit, violations, sanctions)
    return visit


@transaction.atomic
def visit_update(*, membership, instance: Visit, data: dict, violations: list[dict] = (),
                 sanctions: list[dict] = ()) -> Visit:
    """Replace the visit's fields and its violation and sanction rows by what the form now holds."""
    violations, sanctions = list(violations), list(sanctions)
    _check_visit(membership=membership, data=data, violations=violations, sanctions=sanctions)
    for name in VISIT_FIELDS:
        if name in data:
            setattr(instance, name, data[name])
    instance.unit = instance.establishment.unit
    instance.full_clean()
    instance.save()
    for child in [*instance.violations.all(), *instance.sanctions.all()]:
        child.delete()  # one by one, so the audit log keeps each removal
    _write_children(instance, violations, sanctions)
    return instance


def _check_period(start, end, errors: dict) -> None:
    if start and end and end < start:
        errors["end_date"] = "Ngày kết thúc phải từ ngày bắt đầu trở đi."


def round_create(*, membership, data: dict) -> InspectionRound:
    return _round_save(InspectionRound(), membership, data)


def round_update(*, instance: InspectionRound, data: dict) -> InspectionRound:
    return _round_save(instance, None, data)


def _round_save(instance: InspectionRound, membership, data: dict) -> InspectionRound:
    errors: dict = {}
    unit = data.get("unit") or instance.unit_id and instance.unit or (membership and membership.unit)
    _check_period(data.get("start_date"), data.get("end_date"), errors)
    team = data.get("team")
    if team is not None and unit is not None and not _covers(team.unit, unit):
        errors["team"] = f"Đội “{team}” thuộc {team.unit}, không phụ trách {unit}."
    if errors:
        raise ValidationError(errors)
    for name, value in data.items():
        setattr(instance, name, value)
    if unit is not None:
        instance.unit = unit
    instance.full_clean()
    instance.save()
    return instance


def team_create(*, membership, data: dict) -> Team:
    team = Team(**data)
    if not data.get("unit") and membership.unit_id:
        team.unit = membership.unit
    team.full_clean()
    team.save()
    return team


def team_member_check(data: dict) -> None:
    """A team member is named or is a user of the system (the form, the CRUD and any import call this)."""
    if not (data.get("full_name") or "").strip() and not data.get("user"):
        raise ValidationError({"full_name": "Hãy nhập họ tên hoặc chọn tài khoản của thành viên."})


def team_member_create(*, membership, data: dict) -> TeamMember:
    """A member of a team the user may see (the form offers only those); unit comes from the team."""
    team_member_check(data)
    member = TeamMember(**data)
    member.full_clean()
    member.save()
    return member


def team_member_update(*, instance: TeamMember, data: dict) -> TeamMember:
    team_member_check({"full_name": instance.full_name, "user": instance.user, **data})
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def risk_weights_save(*, unit, data: dict) -> RiskWeights:
    weights = RiskWeights.objects.filter(unit=unit).first() or RiskWeights(unit=unit)
    for name, value in data.items():
        if value is not None and value < 0:
            raise ValidationError({name: "Trọng số không được âm."})
        setattr(weights, name, value)
    weights.full_clean()
    weights.save()
    return weights
