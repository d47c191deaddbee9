"""Establishments from Excel: the registry's declaration for core.imports (also the export's columns)."""

import functools
import unicodedata
from collections import defaultdict

from django.core.exceptions import ValidationError

from pcmd.core import imports
from pcmd.core.collation import vi_order
from pcmd.core.imports import Column, ImportScope, Row
from pcmd.core.models import fold
from pcmd.core.scoping import agency_bound
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency

from .models import Establishment, EstablishmentStatus, EstablishmentType
from .services import ManagingAgencies, establishment_check

STATUS = {label: value for value, label in EstablishmentStatus.choices}
# Communes, types, hamlets and agencies repeat across rows: fold each spelling once.
folded = functools.lru_cache(maxsize=8192)(fold)


def _text(name):
    return imports.text(Establishment._meta.get_field(name).max_length)


def _communes(scope: ImportScope):
    return scope.queryset(AdminUnit.objects.filter(level=Level.COMMUNE))


def _commune_names(scope):
    if scope.unit is None:
        return []  # 3,321 names, many alike: the national template leaves the column free
    return list(_communes(scope).filter(is_active=True).order_by(vi_order()).values_list("name", flat=True))


def _hamlet_names(scope):
    if scope.unit is None or scope.unit.level != Level.COMMUNE:
        return []
    return list(AdminUnit.objects.filter(parent=scope.unit, level=Level.HAMLET, is_active=True)
                .order_by("code").values_list("name", flat=True))


def _agency_names(scope):
    if scope.unit is None or scope.unit.level != Level.COMMUNE:
        return []
    return list(Agency.objects.filter(unit__in=[scope.unit.pk, scope.unit.province_id], is_active=True)
                .order_by("unit__path", "kind__order", "name").values_list("name", flat=True))


def _example_commune(scope):
    return scope.unit.name if scope.unit is not None and scope.unit.level == Level.COMMUNE else "Phường Bạch Đằng"


class EstablishmentImporter(imports.Importer):
    name = "establishments"
    group_by = ("province", "unit")  # batches by commune: see Importer.group_by
    title = "cơ sở kinh doanh"
    model = Establishment
    fast_insert = True  # nothing refers to the new rows' keys after the write
    columns = [
        Column("Tên cơ sở", "name", _text("name"), required=True, example="Karaoke Hoàng Gia"),
        Column("Loại hình", "type", imports.text(120), required=True, example="Karaoke",
               note="Chọn trong danh sách (danh mục loại hình cơ sở).",
               dropdown=lambda scope: list(EstablishmentType.objects.filter(is_active=True)
                                           .values_list("name", flat=True))),
        Column("Địa chỉ", "address", _text("address"), required=True, example="Số 12 Trần Hưng Đạo"),
        Column("Xã, phường, đặc khu", "unit", imports.text(200), required=True, example=_example_commune,
               dropdown=_commune_names,
               note="Xã, phường, đặc khu nơi cơ sở hoạt động: tên (Phường Bạch Đằng) hoặc mã đơn vị. "
                    "Phải thuộc phạm vi đơn vị của bạn."),
        Column("Tỉnh/thành phố", "province", imports.text(200), example="Thành phố Hải Phòng",
               note="Chỉ cần khi nhập cho cả nước và tên xã trùng ở nhiều tỉnh."),
        Column("Thôn, tổ dân phố", "hamlet", imports.text(200), example="Tổ dân phố số 1", dropdown=_hamlet_names,
               note="Phải thuộc đúng xã, phường đã ghi."),
        Column("Số đăng ký kinh doanh", "registration_number",
               imports.identifier(Establishment._meta.get_field("registration_number").max_length),
               example="0201234567",
               note="Dùng để nhận ra cơ sở đã có: nhập lại sẽ cập nhật, không tạo bản trùng. Cột để dạng chữ (Text) "
                    "để giữ số 0 ở đầu."),
        Column("Số giấy phép kinh doanh", "licence_number", _text("licence_number"), example="15/GP-UBND"),
        Column("Ngày cấp giấy phép", "licence_date", imports.date(not_future=True), example="15/03/2024",
               note="Ngày/tháng/năm, không ở tương lai."),
        Column("Giấy phép hết hạn", "licence_expiry", imports.date(), example="15/03/2029",
               note="Phải sau ngày cấp."),
        Column("Số giấy chứng nhận đủ điều kiện ANTT", "security_cert_number", _text("security_cert_number")),
        Column("Ngày cấp giấy chứng nhận ANTT", "security_cert_date", imports.date(not_future=True)),
        Column("Giấy chứng nhận ANTT hết hạn", "security_cert_expiry", imports.date()),
        Column("Chủ cơ sở", "owner_name", _text("owner_name"), example="Nguyễn Văn An"),
        Column("Điện thoại chủ cơ sở", "owner_phone", imports.phone, example="0912345678"),
        Column("Người quản lý", "manager_name", _text("manager_name")),
        Column("Điện thoại người quản lý", "manager_phone", imports.phone),
        Column("Cơ quan quản lý", "managing_agency", imports.text(255), dropdown=_agency_names,
               example="Phòng Văn hóa - Xã hội phường Bạch Đằng",
               note="Để trống: cơ quan quản lý mặc định của loại hình ở xã (nếu xã không có thì của tỉnh)."),
        Column("Số lao động", "workers_total", imports.integer(0, 100_000), example=12, note="Số nguyên, không âm."),
        Column("Số lao động nữ", "workers_female", imports.integer(0, 100_000), example=8,
               note="Không lớn hơn số lao động."),
        Column("Tình trạng", "status", imports.choice(STATUS), example="Đang hoạt động",
               dropdown=lambda scope: list(STATUS), note="Để trống: Đang hoạt động."),
        Column("Ngày ký cam kết", "commitment_date", imports.date(not_future=True), example="10/01/2026"),
        Column("Vĩ độ", "latitude", imports.number(-90, 90)),
        Column("Kinh độ", "longitude", imports.number(-180, 180)),
        Column("Ghi chú", "notes", imports.text(5000)),
    ]
    # Fields a matched record takes from the file (plus the columns derived from them).
    update_fields = ["name", "type", "address", "unit", "province", "hamlet", "registration_number",
                     "licence_number", "licence_date", "licence_expiry", "security_cert_number", "security_cert_date",
                     "security_cert_expiry", "owner_name", "owner_phone", "manager_name", "manager_phone",
                     "managing_agency", "workers_total", "workers_female", "status", "commitment_date", "latitude",
                     "longitude", "notes", "name_key", "search_text"]
    BLANK = {"workers_total": 0, "workers_female": 0, "status": EstablishmentStatus.OPERATING}
    PLAIN = [c.field for c in columns if c.field not in ("type", "unit", "province", "hamlet", "managing_agency")]
    HEADER = {c.field: c.header for c in columns}

    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        communes = scope.cached("communes", lambda: _CommuneIndex(_communes(scope)))
        for row in rows:
            commune, reason = communes.find(row.values["unit"], row.values.get("province"))
            row.commune = commune
            if commune is None:
                row.error(self.HEADER["unit"], reason)
        rows_ok = [r for r in rows if not r.errors]
        unit_ids = {r.commune.pk for r in rows_ok}
        types = scope.cached("types", _types)
        places = scope.cached("places", _Places)
        places.load(unit_ids, {r.commune.province_id for r in rows_ok})
        hamlets, agencies = places.hamlets, places.agencies
        defaults = scope.cached("defaults", lambda: ManagingAgencies(communes.all))
        for r in rows_ok:
            r.name_key = Establishment.make_name_key(r.values["name"], r.values["address"])
        existing_by_reg, existing_by_key = {}, {}
        # Set-wise: one query for the registration numbers of the batch, one for the names of the rows not found
        # by number (not an OR, which the planners answer by scanning the communes' rows). Each goes by its own
        # index only: the rows kept are those of the batch's communes, which came from the scope
        # (`_communes(scope)`), so a record outside the scope is never matched; adding the scope's province
        # or path to the query made SQLite walk the province index — every row of the province, per batch.
        regs = {r.values["registration_number"] for r in rows_ok if r.values.get("registration_number")}
        regs |= {r.upper() for r in regs}
        found = list(Establishment.objects.filter(registration_number__in=regs).order_by()) if regs else []
        found = [e for e in found if e.unit_id in unit_ids]
        matched = {(e.unit_id, e.registration_number.upper()) for e in found}
        keys = {r.name_key for r in rows_ok
                if (r.commune.pk, (r.values.get("registration_number") or "").upper()) not in matched}
        if keys:
            found += [e for e in Establishment.objects.filter(name_key__in=keys).order_by() if e.unit_id in unit_ids]
        found.sort(key=lambda e: -e.pk)
        for e in found:  # the oldest record (lowest pk) is written last, so it is the one updated
            if e.registration_number:
                existing_by_reg[(e.unit_id, e.registration_number.upper())] = e
            existing_by_key[(e.unit_id, e.name_key)] = e
        may_change = scope.may(Establishment.module, "change")
        bound_agency = scope.membership.agency_id if agency_bound(scope.membership) else None

        for row in rows_ok:
            v, commune = row.values, row.commune
            etype = types.get(folded(v["type"]))
            if etype is None:
                row.error(self.HEADER["type"], f"loại hình “{v['type']}” không có trong danh mục")
            hamlet = None
            if v.get("hamlet"):
                hamlet = hamlets.get((commune.pk, folded(v["hamlet"])))
                if hamlet is None:
                    row.error(self.HEADER["hamlet"], f"không có “{v['hamlet']}” trong {commune.name}")
            agency = None
            if v.get("managing_agency"):
                name = folded(v["managing_agency"])
                agency = agencies.get((commune.pk, name)) or agencies.get((commune.province_id, name))
                if agency is None:
                    row.error(self.HEADER["managing_agency"],
                              f"không có cơ quan “{v['managing_agency']}” ở {commune.name} hoặc tỉnh")
            if row.errors:
                continue
            name_key = row.name_key
            reg = (v.get("registration_number") or "").upper()
            existing = (existing_by_reg.get((commune.pk, reg)) if reg else None) or existing_by_key.get(
                (commune.pk, name_key))
            if existing is not None:
                if not may_change:
                    row.error("", f"cơ sở “{existing.name}” đã có; vai trò của bạn không được sửa")
                    continue
                if bound_agency is not None and existing.managing_agency_id != bound_agency:
                    row.error("", f"cơ sở “{existing.name}” đã có và do cơ quan khác quản lý; bạn không được sửa")
                    continue
            obj = existing or Establishment()
            for f in self.PLAIN:
                if f in v:
                    setattr(obj, f, v[f])
                elif f in row.raw or existing is None:  # a cleared cell clears; a missing column keeps
                    field = Establishment._meta.get_field(f)
                    setattr(obj, f, self.BLANK.get(f, "" if not field.null else None))
            obj.type, obj.unit, obj.province_id, obj.hamlet = etype, commune, commune.province_id, hamlet
            if agency is not None:
                obj.managing_agency = agency
            elif "managing_agency" in row.raw or existing is None or not obj.managing_agency_id:
                obj.managing_agency_id = bound_agency or defaults.get(commune, etype.pk)  # as the form does
            obj.name_key = name_key
            try:
                establishment_check(obj, membership=scope.membership)
            except ValidationError as exc:
                for f, messages in exc.message_dict.items():
                    for message in messages:
                        row.error(self.HEADER.get(f, ""), message)
                continue
            row.instance, row.is_update = obj, existing is not None
            row.key = (commune.pk, "reg", reg) if reg else (commune.pk, "name", name_key)


def _types() -> dict:
    types = {}
    for t in EstablishmentType.objects.all():
        types[folded(t.name)] = types[folded(t.code)] = t
    return types


class _Places:
    """Hamlets and agencies of the communes (and their provinces) met so far in the import, loaded once each."""

    def __init__(self):
        self.hamlets, self.agencies, self.loaded = {}, {}, set()

    def load(self, unit_ids: set, province_ids: set) -> None:
        communes, provinces = unit_ids - self.loaded, province_ids - self.loaded
        if communes:
            for h in AdminUnit.objects.filter(parent_id__in=communes, level=Level.HAMLET):
                self.hamlets[(h.parent_id, folded(h.name))] = self.hamlets[(h.parent_id, folded(h.code))] = h
        if communes or provinces:
            for a in Agency.objects.filter(unit_id__in=communes | provinces).select_related("kind"):
                self.agencies[(a.unit_id, folded(a.name))] = a
                if a.kind_id:
                    self.agencies.setdefault((a.unit_id, folded(a.kind.name)), a)
        self.loaded |= communes | provinces


def _exact(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


class _CommuneIndex:
    """Find a commune of the scope by code or name (with or without "Xã"/"Phường"), narrowed by province."""

    def __init__(self, queryset):
        self.by_key = defaultdict(list)
        self.provinces = {}
        self.all = list(queryset.only("pk", "code", "name", "division_type", "province_id", "path", "level",
                                      "parent_id"))
        for c in self.all:
            self.by_key[folded(c.code)].append(c)
            self.by_key[folded(c.name)].append(c)
            short = folded(c.name).removeprefix(folded(c.division_type)).strip()
            if short and short != folded(c.name):
                self.by_key[short].append(c)
        for p in AdminUnit.objects.filter(level=Level.PROVINCE).only("pk", "code", "name"):
            self.provinces[folded(p.name)] = self.provinces[folded(p.code)] = p.pk
            self.provinces[folded(p.name).removeprefix("thanh pho ").removeprefix("tinh ")] = p.pk

    def find(self, name: str, province: str | None):
        found = {c.pk: c for c in self.by_key.get(folded(name), [])}
        if province:
            pid = self.provinces.get(folded(province))
            if pid is None:
                return None, f"không có tỉnh/thành phố “{province}”"
            found = {k: c for k, c in found.items() if c.province_id == pid}
        if not found:
            return None, f"“{name}” không phải xã, phường trong phạm vi đơn vị của bạn"
        if len(found) > 1:  # "Xã Cẩm Giang" and "Xã Cẩm Giàng" fold alike: the exact spelling decides
            exact = _exact(name)
            found = {k: c for k, c in found.items() if exact in (_exact(c.name), _exact(c.code))} or found
        if len(found) > 1:
            return None, f"có {len(found)} xã, phường tên “{name}”: hãy ghi thêm tỉnh/thành phố hoặc dùng mã đơn vị"
        return next(iter(found.values())), ""


establishments = imports.register(EstablishmentImporter())
