"""Writes for establishments and their type catalogue. Business rules live here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pcmd.core import services as core_services
from pcmd.core.scoping import agency_bound
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency, AgencyKind

from . import catalogue
from .models import Establishment, EstablishmentType
from .selectors import establishment_duplicates


@transaction.atomic
def establishment_types_load() -> int:
    """Create the catalogue of types (idempotent; what administrators edited later is kept). Returns new count."""
    kinds = dict(AgencyKind.objects.values_list("code", "pk"))
    have = set(EstablishmentType.objects.values_list("code", flat=True))
    new = [
        EstablishmentType(code=code, name=name, managing_agency_kind_id=kinds.get(kind), risk_weight=weight,
                          order=order)
        for order, (code, name, kind, weight, _share) in enumerate(catalogue.TYPES, start=1)
        if code not in have
    ]
    EstablishmentType.objects.bulk_create(new)
    return len(new)


class ManagingAgencies:
    """Resolves the default managing agency of (commune, type) for many rows with two queries.

    The type's agency kind in the commune; failing that, the province agency of the same sector.
    """

    def __init__(self, communes):
        communes = list(communes)
        kinds = set(EstablishmentType.objects.exclude(managing_agency_kind=None)
                    .values_list("managing_agency_kind__code", flat=True))
        province_kinds = {catalogue.PROVINCE_COUNTERPART.get(k) for k in kinds} - {None}
        provinces = {c.province_id for c in communes}
        rows = Agency.objects.filter(is_active=True).filter(
            models_q(unit__in=[c.pk for c in communes], kind__code__in=kinds)
            | models_q(unit__in=provinces, kind__code__in=province_kinds)
        ).values_list("unit_id", "kind__code", "pk")
        self.by_unit_kind = {(unit, kind): pk for unit, kind, pk in rows}
        self.type_kind = dict(EstablishmentType.objects.values_list("pk", "managing_agency_kind__code"))

    def get(self, commune: AdminUnit, type_id: int) -> int | None:
        kind = self.type_kind.get(type_id)
        if not kind:
            return None
        return (self.by_unit_kind.get((commune.pk, kind))
                or self.by_unit_kind.get((commune.province_id, catalogue.PROVINCE_COUNTERPART.get(kind))))


def models_q(**kwargs):
    from django.db.models import Q

    return Q(**kwargs)


def default_managing_agency(commune: AdminUnit, etype: EstablishmentType) -> Agency | None:
    pk = ManagingAgencies([commune]).get(commune, etype.pk)
    return Agency.objects.get(pk=pk) if pk else None


class PossibleDuplicate(ValidationError):
    """Not an error of the data: the user confirms ("Vẫn lưu") and saves again."""

    def __init__(self, duplicates):
        self.duplicates = list(duplicates)
        super().__init__(
            f"Có {len(self.duplicates)} cơ sở có thể trùng (cùng số đăng ký kinh doanh, hoặc cùng tên và địa chỉ "
            "trong xã/phường). Hãy xem danh sách bên dưới; nếu không phải trùng, đánh dấu "
            "“Vẫn lưu (không phải trùng)” rồi lưu lại."
        )


def establishment_check(instance: Establishment, *, membership=None) -> None:
    """The rules every write path shares (form, import): raises ValidationError with per-field messages."""
    errors = {}
    unit = instance.unit if instance.unit_id else None
    if unit is not None and unit.level != Level.COMMUNE:
        errors["unit"] = "Cơ sở phải thuộc một xã, phường hoặc đặc khu."
    if instance.hamlet_id and unit is not None and instance.hamlet.parent_id != unit.pk:
        errors["hamlet"] = f"Thôn, tổ dân phố “{instance.hamlet.name}” không thuộc {unit.name}."
    if instance.workers_female > instance.workers_total:
        errors["workers_female"] = "Số lao động nữ không được lớn hơn tổng số lao động."
    if instance.licence_date and instance.licence_expiry and instance.licence_expiry <= instance.licence_date:
        errors["licence_expiry"] = "Ngày hết hạn giấy phép phải sau ngày cấp."
    if (instance.security_cert_date and instance.security_cert_expiry
            and instance.security_cert_expiry <= instance.security_cert_date):
        errors["security_cert_expiry"] = "Ngày hết hạn giấy chứng nhận ANTT phải sau ngày cấp."
    if (agency_bound(membership)
            and instance.managing_agency_id != membership.agency_id):
        errors["managing_agency"] = ("Bạn chỉ được cập nhật các cơ sở do cơ quan của mình quản lý "
                                     f"({membership.agency or 'chưa gắn cơ quan'}).")
    if errors:
        raise ValidationError(errors)


def _fill(instance: Establishment, data: dict) -> bool:
    data = dict(data)
    confirmed = bool(data.pop("confirm_duplicate", False))
    for name, value in data.items():
        setattr(instance, name, value)
    if instance.unit_id:
        instance.province_id = instance.unit.province_id
    if not instance.managing_agency_id and instance.unit_id and instance.type_id:
        instance.managing_agency = default_managing_agency(instance.unit, instance.type)
    instance.name_key = Establishment.make_name_key(instance.name, instance.address)
    return confirmed


def _save(instance: Establishment, *, membership, confirmed: bool) -> Establishment:
    establishment_check(instance, membership=membership)
    instance.full_clean()
    if not confirmed:
        duplicates = establishment_duplicates(instance)
        if duplicates:
            raise PossibleDuplicate(duplicates)
    instance.save()
    return instance


@transaction.atomic
def establishment_create(*, membership, data: dict) -> Establishment:
    data = dict(data)
    if not data.get("unit") and membership is not None and membership.unit is not None:
        data["unit"] = membership.unit
    if not data.get("unit"):
        raise ValidationError({"unit": "Hãy chọn xã, phường của cơ sở."})
    instance = Establishment()
    confirmed = _fill(instance, data)
    return _save(instance, membership=membership, confirmed=confirmed)


@transaction.atomic
def establishment_update(*, instance: Establishment, data: dict, membership=None) -> Establishment:
    confirmed = _fill(instance, data)
    return _save(instance, membership=membership, confirmed=confirmed)


def establishment_delete(*, instance: Establishment) -> None:
    core_services.record_delete(instance=instance)
