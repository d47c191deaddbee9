"""Writes for communication activities, denominators and the regularity rule. Business rules live here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from pcmd.core import services as core_services
from pcmd.core.uploads import IMAGES, check_upload
from pcmd.geo.models import Level
from pcmd.venues.models import Establishment

from . import catalogue
from .models import (
    INTEGRATION_PROGRAMS,
    REACH_FIELDS,
    Activity,
    ActivityKind,
    ActivityPhoto,
    Audience,
    BudgetLine,
    Commendation,
    CommendationStatus,
    Commitment,
    Course,
    Denominator,
    Integration,
    Participant,
    RegularityRule,
    Spending,
    StaffMember,
    TrainingLevel,
)


@transaction.atomic
def with_own_unit(membership, data: dict) -> dict:
    """A record entered without a unit belongs to the user's own unit."""
    if not data.get("unit") and membership is not None and membership.unit is not None:
        return {**data, "unit": membership.unit}
    return dict(data)


def activity_kinds_load() -> int:
    """Create the catalogue of forms (idempotent; administrators' edits are kept). Returns the new count."""
    have = set(ActivityKind.objects.values_list("code", flat=True))
    new = [ActivityKind(code=code, name=name, order=order)
           for order, (code, name) in enumerate(catalogue.KINDS, start=1) if code not in have]
    ActivityKind.objects.bulk_create(new)
    return len(new)


def activity_check(instance: Activity, hamlets, *, today: datetime.date | None = None) -> None:
    """The rules every write path shares (form, import): raises ValidationError with per-field messages."""
    today = today or timezone.localdate()
    errors = {}
    unit = instance.unit if instance.unit_id else None
    if unit is not None and unit.level != Level.COMMUNE:
        errors["unit"] = "Hoạt động phải thuộc một xã, phường hoặc đặc khu."
    if instance.date:
        if instance.date > today:
            errors["date"] = f"Ngày thực hiện {instance.date:%d/%m/%Y} ở tương lai; chỉ ghi nhận hoạt động đã diễn ra."
        elif instance.date.year < today.year - 1:
            errors["date"] = (f"Ngày {instance.date:%d/%m/%Y} nằm ngoài kỳ báo cáo: chỉ ghi nhận hoạt động của năm "
                              f"{today.year - 1} và {today.year}.")
    if unit is not None:
        foreign = [h.name for h in hamlets if h.parent_id != unit.pk]
        if foreign:
            errors["hamlets"] = f"{', '.join(foreign)} không thuộc {unit.name}."
    if instance.agency_id and unit is not None and instance.agency.unit_id not in (unit.pk, unit.province_id):
        errors["agency"] = f"Cơ quan “{instance.agency}” không thuộc {unit.name} hoặc tỉnh, thành phố của đơn vị."
    for name in REACH_FIELDS:
        if (getattr(instance, name) or 0) < 0:
            errors[name] = "Không được là số âm."
    if errors:
        raise ValidationError(errors)


def over_denominator(instance: Activity) -> list[tuple[str, int, int]]:
    """Groups whose reach in the activity's year (this activity included) exceeds the unit's denominator.

    Returns (group label, reached, denominator) triples.
    """
    year = instance.date.year
    bases = dict(Denominator.objects.filter(unit=instance.unit_id, year=year).values_list("group", "value"))
    if not bases:
        return []
    others = Activity.objects.filter(unit=instance.unit_id, date__year=year).exclude(pk=instance.pk)
    sums = others.aggregate(**{name: Sum(name) for name in REACH_FIELDS})
    over = []
    for name, group in REACH_FIELDS.items():
        if group in bases:
            reached = (sums[name] or 0) + getattr(instance, name)
            if reached > bases[group]:
                over.append((Audience(group).label, reached, bases[group]))
    return over


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def over_message(over: list[tuple[str, int, int]]) -> str:
    detail = "; ".join(f"{label}: {_n(reached)} lượt / {_n(base)} người" for label, reached, base in over)
    return (f"Số lượt tiếp cận trong năm vượt số đối tượng của đơn vị ({detail}). Nếu số liệu đúng (một người "
            "được tuyên truyền nhiều lần, người ngoài địa bàn…), hãy ghi giải thích vào ô “Giải thích số người được "
            "tiếp cận” rồi lưu lại.")


class ReachLedger:
    """over_denominator() for many activities at once (the import): two queries, then counted in memory."""

    def __init__(self, unit_ids, years):
        unit_ids, years = set(unit_ids), set(years)
        self.bases = {(u, y, g): v for u, y, g, v in Denominator.objects.filter(
            unit__in=unit_ids, year__in=years).values_list("unit_id", "year", "group", "value")}
        self.sums: dict[tuple, int] = {}
        if self.bases:
            rows = (Activity.objects.filter(unit__in=unit_ids, date__year__in=years)
                    .values_list("unit_id", "date__year").annotate(**{n: Sum(n) for n in REACH_FIELDS}).order_by())
            for unit, year, *values in rows:
                for (_name, group), value in zip(REACH_FIELDS.items(), values, strict=True):
                    self.sums[(unit, year, group)] = value or 0

    def add(self, instance: Activity, previous: dict | None = None) -> list[tuple[str, int, int]]:
        """Count the activity (replacing `previous`, its stored reach, for an update); return the groups over."""
        over = []
        year = instance.date.year
        for name, group in REACH_FIELDS.items():
            key = (instance.unit_id, year, group)
            total = self.sums.get(key, 0) + getattr(instance, name) - ((previous or {}).get(name) or 0)
            self.sums[key] = total
            if key in self.bases and total > self.bases[key]:
                over.append((Audience(group).label, total, self.bases[key]))
        return over


def _save_activity(instance: Activity, data: dict) -> Activity:
    data = dict(data)
    hamlets = list(data.pop("hamlets", None) or [])
    for name, value in data.items():
        setattr(instance, name, value)
    if instance.unit_id:
        instance.province_id = instance.unit.province_id
    activity_check(instance, hamlets)
    if not instance.reach_note.strip():
        over = over_denominator(instance)
        if over:
            raise ValidationError({"reach_note": over_message(over)})
    instance.full_clean(exclude=["hamlets"])
    instance.save()
    instance.hamlets.set(hamlets)
    return instance


@transaction.atomic
def activity_create(*, membership, data: dict) -> Activity:
    data = with_own_unit(membership, data)
    if not data.get("unit"):
        raise ValidationError({"unit": "Hãy chọn xã, phường thực hiện hoạt động."})
    instance = Activity(created_by=getattr(membership, "user", None))
    return _save_activity(instance, data)


@transaction.atomic
def activity_update(*, instance: Activity, data: dict) -> Activity:
    return _save_activity(instance, data)


def activity_delete(*, instance: Activity) -> None:
    core_services.record_delete(instance=instance)


def activity_defaults(membership) -> dict:
    """Initial values of the quick-entry form: the user's last entry (form, agency, topic, hamlets) and today."""
    initial = {"date": timezone.localdate()}
    if membership is None:
        return initial
    if membership.unit is not None and membership.unit.level == Level.COMMUNE:
        initial["unit"] = membership.unit
    if membership.agency_id:
        initial["agency"] = membership.agency_id
    last = (Activity.objects.filter(created_by=membership.user_id).order_by("-created_at", "-pk").first()
            if membership.user_id else None)
    if last is not None:
        initial.update(kind=last.kind_id, agency=last.agency_id, topic=last.topic,
                       hamlets=list(last.hamlets.values_list("pk", flat=True)),
                       **{name: getattr(last, name) for name in
                          ("integ_drugs", "integ_hiv", "integ_trafficking", "integ_gbv", "integ_social")})
        if last.unit.level == Level.COMMUNE and "unit" not in initial:
            initial["unit"] = last.unit
    return initial


# --------------------------------------------------------------------------- regularity rule, denominators


def _check_rule(instance: RegularityRule) -> None:
    errors = {}
    if instance.unit_id and instance.unit.level not in (Level.PROVINCE, Level.COMMUNE):
        errors["unit"] = "Quy tắc duy trì thường xuyên đặt cho tỉnh, thành phố hoặc xã, phường."
    if instance.min_per_quarter < 1:
        errors["min_per_quarter"] = "Phải có ít nhất 1 hoạt động mỗi quý."
    if not 1 <= instance.min_quarters <= 4:
        errors["min_quarters"] = "Số quý phải từ 1 đến 4."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_create(*, membership, data: dict) -> RegularityRule:
    data = with_own_unit(membership, data)
    instance = RegularityRule(**data)
    if instance.unit_id:
        instance.province_id = instance.unit.province_id
    _check_rule(instance)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def rule_update(*, instance: RegularityRule, data: dict) -> RegularityRule:
    for name, value in data.items():
        setattr(instance, name, value)
    _check_rule(instance)
    instance.full_clean()
    instance.save()
    return instance


def denominator_check(instance: Denominator) -> None:
    errors = {}
    if instance.unit_id and instance.unit.level not in (Level.PROVINCE, Level.COMMUNE):
        errors["unit"] = "Số đối tượng nhập cho tỉnh, thành phố hoặc xã, phường."
    today = timezone.localdate()
    if instance.year and not 2020 <= instance.year <= today.year + 1:
        errors["year"] = f"Năm phải từ 2020 đến {today.year + 1}."
    if instance.as_of and instance.as_of > today:
        errors["as_of"] = "Ngày của số liệu không được ở tương lai."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def denominator_create(*, membership, data: dict) -> Denominator:
    data = with_own_unit(membership, data)
    instance = Denominator(**data)
    if instance.unit_id:
        instance.province_id = instance.unit.province_id
    denominator_check(instance)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def denominator_update(*, instance: Denominator, data: dict) -> Denominator:
    for name, value in data.items():
        setattr(instance, name, value)
    denominator_check(instance)
    instance.full_clean()
    instance.save()
    return instance


# --------------------------------------------------------------------------------------------- trainings


def _agency_check(errors: dict, unit, agency, field: str) -> None:
    if agency is not None and unit is not None and agency.unit_id not in (unit.pk, unit.province_id):
        errors[field] = f"Cơ quan “{agency}” không thuộc {unit.name} hoặc tỉnh, thành phố của đơn vị."


def _save_checked(instance, data: dict, check):
    for name, value in data.items():
        setattr(instance, name, value)
    if instance.unit_id:
        instance.province_id = instance.unit.province_id
    check(instance)
    instance.full_clean()
    instance.save()
    return instance


def staff_check(instance: StaffMember) -> None:
    errors = {}
    unit = instance.unit if instance.unit_id else None
    if unit is not None and unit.level not in (Level.PROVINCE, Level.COMMUNE):
        errors["unit"] = "Cán bộ thuộc tỉnh, thành phố hoặc xã, phường."
    _agency_check(errors, unit, instance.agency if instance.agency_id else None, "agency")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def staff_create(*, membership, data: dict) -> StaffMember:
    data = with_own_unit(membership, data)
    return _save_checked(StaffMember(), data, staff_check)


@transaction.atomic
def staff_update(*, instance: StaffMember, data: dict) -> StaffMember:
    return _save_checked(instance, data, staff_check)


def course_check(instance: Course) -> None:
    errors = {}
    unit = instance.unit if instance.unit_id else None
    if unit is not None:
        if unit.level not in (Level.PROVINCE, Level.COMMUNE):
            errors["unit"] = "Lớp tập huấn do tỉnh, thành phố hoặc xã, phường tổ chức."
        elif instance.level and instance.level != unit.level:
            errors["level"] = (f"{unit.name} là cấp {'tỉnh' if unit.level == Level.PROVINCE else 'xã'}: "
                               "chọn đúng cấp tổ chức.")
    if instance.start_date and instance.end_date and instance.end_date < instance.start_date:
        errors["end_date"] = "Ngày kết thúc không được trước ngày bắt đầu."
    _agency_check(errors, unit, instance.organiser if instance.organiser_id else None, "organiser")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def course_create(*, membership, data: dict) -> Course:
    data = with_own_unit(membership, data)
    if data.get("unit") is not None and not data.get("level"):
        data["level"] = data["unit"].level if data["unit"].level in TrainingLevel.values else ""
    return _save_checked(Course(), data, course_check)


@transaction.atomic
def course_update(*, instance: Course, data: dict) -> Course:
    return _save_checked(instance, data, course_check)


@transaction.atomic
def participants_add(*, course: Course, staff: list[StaffMember], attended: bool = True) -> int:
    """Add people of the roster to a course; people of another province are refused. Returns the number added."""
    foreign = [s.full_name for s in staff if s.province_id != course.province_id]
    if foreign:
        raise ValidationError(f"Không thêm được: {', '.join(foreign)} thuộc tỉnh, thành phố khác với lớp tập huấn "
                              f"({course.province.name}).")
    have = set(course.participants.values_list("staff_id", flat=True))
    new = [Participant(course=course, staff=s, attended=attended) for s in staff if s.pk not in have]
    Participant.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def attendance_set(*, course: Course, attended_ids, removed_ids=()) -> None:
    """Mark who attended (the others did not) and take people off the list."""
    course.participants.filter(staff_id__in=set(removed_ids)).delete()
    course.participants.update(attended=False)
    course.participants.filter(staff_id__in=set(attended_ids)).update(attended=True)


# ------------------------------------------------------------------------------------------- integration


def integration_check(instance: Integration) -> None:
    errors = {}
    if instance.unit_id and instance.unit.level != Level.COMMUNE:
        errors["unit"] = "Lồng ghép được ghi cho từng xã, phường."
    if not any(getattr(instance, name) for name in INTEGRATION_PROGRAMS):
        errors["with_drugs"] = "Hãy đánh dấu ít nhất một chương trình được lồng ghép."
    today = timezone.localdate()
    if instance.year and not 2020 <= instance.year <= today.year + 1:
        errors["year"] = f"Năm phải từ 2020 đến {today.year + 1}."
    if instance.document_date and instance.document_date > today:
        errors["document_date"] = "Ngày ban hành không được ở tương lai."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def integration_create(*, membership, data: dict) -> Integration:
    data = with_own_unit(membership, data)
    return _save_checked(Integration(), data, integration_check)


@transaction.atomic
def integration_update(*, instance: Integration, data: dict) -> Integration:
    return _save_checked(instance, data, integration_check)


# ------------------------------------------------------------------------------------------- commitments



def commitment_check(instance: Commitment) -> None:
    errors = {}
    today = timezone.localdate()
    if instance.date and instance.date > today:
        errors["date"] = "Ngày ký không được ở tương lai."
    if instance.date and instance.valid_until and instance.valid_until < instance.date:
        errors["valid_until"] = "Ngày hết hiệu lực không được trước ngày ký."
    scan = instance.scan
    if scan and not getattr(scan, "_committed", True):  # a new upload
        try:
            check_upload(scan, field="scan", kinds=("pdf", *IMAGES))
        except ValidationError as exc:
            errors.update({name: messages[0] for name, messages in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def commitment_create(*, membership, data: dict) -> Commitment:
    commitment = _save_plain(Commitment(), data)
    _sync_establishment(commitment.establishment_id)
    return commitment


@transaction.atomic
def commitment_update(*, instance: Commitment, data: dict) -> Commitment:
    previous = instance.establishment_id
    commitment = _save_plain(instance, data)
    _sync_establishment(previous, commitment.establishment_id)
    return commitment


@transaction.atomic
def commitment_delete(*, instance: Commitment) -> None:
    establishment_id = instance.establishment_id
    instance.delete()
    _sync_establishment(establishment_id)


def _sync_establishment(*establishment_ids) -> None:
    """The establishment's profile shows the date of its latest commitment in this register."""
    for pk in set(establishment_ids):
        latest = Commitment.objects.filter(establishment_id=pk).aggregate(latest=Max("date"))["latest"]
        Establishment.objects.filter(pk=pk).update(commitment_date=latest)


def _save_plain(instance: Commitment, data: dict) -> Commitment:
    for name, value in data.items():
        if name == "scan":
            if value is None:
                continue  # no new file: keep the stored one
            value = value or ""  # False: the user ticked "clear"
        setattr(instance, name, value)
    commitment_check(instance)
    instance.full_clean()
    instance.save()
    return instance


# ----------------------------------------------------------------------------------------- commendations


def commendation_check(instance: Commendation) -> None:
    errors = {}
    today = timezone.localdate()
    if instance.year and not 2020 <= instance.year <= today.year:
        errors["year"] = f"Năm phải từ 2020 đến {today.year}."
    if instance.status == CommendationStatus.AWARDED:
        if not instance.decision_number:
            errors["decision_number"] = "Đã khen thưởng thì phải ghi số quyết định."
        if not instance.decision_date:
            errors["decision_date"] = "Đã khen thưởng thì phải ghi ngày quyết định."
    if instance.decision_date and instance.decision_date > today:
        errors["decision_date"] = "Ngày quyết định không được ở tương lai."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def commendation_create(*, membership, data: dict) -> Commendation:
    data = with_own_unit(membership, data)
    return _save_checked(Commendation(), data, commendation_check)


@transaction.atomic
def commendation_update(*, instance: Commendation, data: dict) -> Commendation:
    return _save_checked(instance, data, commendation_check)


# ------------------------------------------------------------------------------------------------ budget


def budget_line_check(instance: BudgetLine) -> None:
    errors = {}
    unit = instance.unit if instance.unit_id else None
    if unit is not None and unit.level not in (Level.PROVINCE, Level.COMMUNE):
        errors["unit"] = "Kinh phí giao cho tỉnh, thành phố hoặc xã, phường."
    if instance.task_id and instance.plan_id and instance.task.plan_id != instance.plan_id:
        errors["task"] = f"Nhiệm vụ này không thuộc kế hoạch “{instance.plan}”."
    if instance.task_id and not instance.plan_id:
        instance.plan = instance.task.plan
    if instance.plan_id and unit is not None and instance.plan.unit_id != unit.pk:
        errors["plan"] = f"Kế hoạch “{instance.plan}” không phải của {unit.name}."
    if instance.allocated is not None and instance.allocated <= 0:
        errors["allocated"] = "Dự toán phải lớn hơn 0."
    if instance.pk and instance.allocated is not None:
        spent = instance.spendings.aggregate(total=Sum("amount"))["total"] or 0
        if spent > instance.allocated:
            errors["allocated"] = f"Đã chi {_n(spent)} đồng, lớn hơn dự toán mới."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def budget_line_create(*, membership, data: dict) -> BudgetLine:
    data = with_own_unit(membership, data)
    return _save_checked(BudgetLine(), data, budget_line_check)


@transaction.atomic
def budget_line_update(*, instance: BudgetLine, data: dict) -> BudgetLine:
    return _save_checked(instance, data, budget_line_check)


def spending_check(instance: Spending) -> None:
    errors = {}
    if instance.date and instance.date > timezone.localdate():
        errors["date"] = "Ngày chi không được ở tương lai."
    if instance.amount is not None and instance.amount <= 0:
        errors["amount"] = "Số tiền phải lớn hơn 0."
    elif instance.line_id and instance.amount:
        line = BudgetLine.objects.select_for_update().get(pk=instance.line_id)
        others = line.spendings.exclude(pk=instance.pk).aggregate(total=Sum("amount"))["total"] or 0
        if others + instance.amount > line.allocated:
            errors["amount"] = (f"Vượt dự toán: đã chi {_n(others)} / {_n(line.allocated)} đồng, còn "
                                f"{_n(line.allocated - others)} đồng. Hãy điều chỉnh dự toán trước.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def spending_create(*, membership, data: dict) -> Spending:
    instance = Spending(**data)
    spending_check(instance)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def spending_update(*, instance: Spending, data: dict) -> Spending:
    for name, value in data.items():
        setattr(instance, name, value)
    spending_check(instance)
    instance.full_clean()
    instance.save()
    return instance


PHOTOS_PER_ACTIVITY = 10


@transaction.atomic
def activity_photo_add(*, activity: Activity, upload, caption: str = "") -> ActivityPhoto:
    """Attach a JPG or PNG (≤ 10 MB, at most 10 an activity), recognised by its first bytes."""
    if upload is None:
        raise ValidationError({"image": "Hãy chọn ảnh."})
    check_upload(upload, field="image", kinds=IMAGES)
    if Activity.objects.select_for_update().get(pk=activity.pk).photos.count() >= PHOTOS_PER_ACTIVITY:
        raise ValidationError({"image": f"Mỗi hoạt động có tối đa {PHOTOS_PER_ACTIVITY} ảnh."})
    photo = ActivityPhoto(activity=activity, caption=caption[:255])
    photo.image.save(upload.name.rsplit("/", 1)[-1][:80], upload, save=False)
    photo.save()
    return photo
