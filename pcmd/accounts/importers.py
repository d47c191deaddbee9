"""Accounts from Excel through the one import mechanism (core.imports): name, e-mail, phone, unit, agency, role.

Each row is checked by the same rules as the form (`services.account_check`, `services.check_grant`): a unit or a
role beyond the importer's scope is a row error with its reason. Created accounts get their invitation e-mail.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from pcmd.core import imports
from pcmd.core.imports import Column, ImportScope, Row
from pcmd.core.models import fold
from pcmd.core.scoping import within
from pcmd.geo.models import AdminUnit
from pcmd.org.models import Agency, Role

from . import services

FIELD_HEADERS = {"full_name": "Họ và tên", "email": "Thư điện tử", "phone": "Điện thoại", "unit": "Đơn vị",
                 "agency": "Cơ quan", "role": "Vai trò", "username": "Tên đăng nhập"}


def _roles(scope: ImportScope) -> list[str]:
    if scope.membership is None:
        return [r.label for r in Role]
    return [r.label for r in services.grantable_roles(scope.membership)]


def _units(scope: ImportScope):
    if scope.membership is not None:
        return services.grantable_units(scope.membership)
    units = AdminUnit.objects.filter(level__in=["province", "commune"], is_active=True)
    return within(units, scope.unit) if scope.unit is not None else units


def _unit_names(scope: ImportScope) -> list[str]:
    if scope.unit is None:
        return []  # the whole country: the column stays free (code or name)
    return list(_units(scope).order_by("path").values_list("name", flat=True)[:5000])


class AccountImporter(imports.Importer):
    name = "accounts"
    title = "tài khoản"
    model = get_user_model()
    batch_size = 200
    matching_note = ("Mỗi thư điện tử một tài khoản: dòng có thư điện tử đã dùng bị báo lỗi, không tạo "
                     "tài khoản trùng. Mỗi tài khoản mới nhận một thư mời đặt mật khẩu; đơn vị, vai trò ngoài "
                     "phạm vi của bạn bị báo lỗi ở từng dòng.")
    columns = [
        Column("Họ và tên", "full_name", imports.text(150), required=True, example="Nguyễn Thị Hoa"),
        Column("Thư điện tử", "email", imports.text(254), required=True, example="hoa.nguyen@example.vn",
               note="Lời mời đặt mật khẩu được gửi đến địa chỉ này; mỗi tài khoản một địa chỉ."),
        Column("Điện thoại", "phone", imports.phone, example="0912345678"),
        Column("Đơn vị", "unit", imports.text(200), required=True, example="Phường Bạch Đằng",
               note="Mã đơn vị hoặc tên tỉnh, xã, phường trong phạm vi của bạn.", dropdown=_unit_names),
        Column("Cơ quan", "agency", imports.text(255), example="Hội Liên hiệp Phụ nữ",
               note="Tên cơ quan của đơn vị (có thể bỏ phần tên xã, phường); để trống nếu không gắn cơ quan."),
        Column("Vai trò", "role", imports.text(100), required=True, example=Role.AGENCY_OFFICER.label,
               dropdown=_roles),
    ]

    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        units = list(_units(scope).only("pk", "code", "name", "province_id", "level", "path"))
        by_code = {u.code: u for u in units}
        by_name = defaultdict(list)
        for unit in units:
            by_name[fold(unit.name)].append(unit)
            by_name[fold(unit.label)].append(unit)
        roles = {fold(r.label): r.value for r in Role} | {r.value: r.value for r in Role}
        wanted = set()
        for row in rows:
            raw = str(row.values.get("unit", "")).strip()
            found = [by_code[raw]] if raw in by_code else by_name.get(fold(raw), [])
            if not found:
                row.error("Đơn vị", f"“{raw}” không phải tỉnh, xã, phường trong phạm vi của bạn")
            elif len({u.pk for u in found}) > 1:
                row.error("Đơn vị", f"có nhiều đơn vị tên “{raw}”: hãy ghi mã đơn vị")
            else:
                row.values["unit"] = found[0]
                wanted.add(found[0].pk)
        agencies = defaultdict(dict)
        for agency in Agency.objects.filter(unit_id__in=wanted, is_active=True).select_related("kind"):
            agencies[agency.unit_id][fold(agency.name)] = agency
            if agency.kind_id:
                agencies[agency.unit_id].setdefault(fold(agency.kind.name), agency)
        User = get_user_model()
        emails = [str(r.values.get("email", "")).strip().lower() for r in rows]
        taken = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        for row in rows:
            if row.errors:
                continue
            unit = row.values["unit"]
            agency = None
            if row.values.get("agency"):
                agency = agencies[unit.pk].get(fold(row.values["agency"]))
                if agency is None:
                    row.error("Cơ quan", f"“{row.values['agency']}” không phải cơ quan của {unit.name}")
                    continue
            role = roles.get(fold(row.values["role"]))
            if role is None:
                row.error("Vai trò", f"“{row.values['role']}” không có trong danh mục vai trò")
                continue
            email = row.values["email"].lower()
            if email in taken:
                row.error("Thư điện tử", f"“{email}” đã dùng cho một tài khoản khác")
                continue
            try:
                services.account_check(full_name=row.values["full_name"], email=email,
                                       phone=row.values.get("phone", ""))
                if scope.membership is not None:
                    services.check_grant(scope.membership, unit=unit, agency=agency, role=role)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    row.error(FIELD_HEADERS.get(name, ""), " ".join(messages))
                continue
            user = User(email=email)
            user._pcmd = {"scope": scope, "full_name": row.values["full_name"], "phone": row.values.get("phone", ""),
                          "seat": (unit, agency, role)}
            row.instance, row.key = user, email

    def write(self, creates: list, updates: list) -> None:
        base_url = getattr(settings, "PCMD_SITE_URL", "")
        for user in creates:
            info = user._pcmd
            scope = info["scope"]
            services.account_create(
                membership=scope.membership, actor=scope.user, full_name=info["full_name"], email=user.email,
                phone=info["phone"], seats=[info["seat"]], base_url=base_url, note="Nhập từ Excel",
                check=scope.membership is not None)


imports.register(AccountImporter())
