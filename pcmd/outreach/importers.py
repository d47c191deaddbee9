"""Communication activities from Excel: the registry's declaration for core.imports (also the export's columns).

A row describes one activity. Re-importing a file updates, never duplicates: an activity is the same when
commune, date, form and topic (ignoring case and diacritics) are the same.
"""

import functools
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from pcmd.core import imports
from pcmd.core.collation import vi_order
from pcmd.core.imports import Column, ImportScope, Row
from pcmd.core.models import fold
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency
from pcmd.venues.importers import _CommuneIndex

from .models import (
    INTEGRATION_FIELDS,
    REACH_FIELDS,
    Activity,
    ActivityKind,
    Audience,
    Course,
    Denominator,
    Participant,
    StaffCategory,
    StaffMember,
)
from .services import ReachLedger, activity_check, denominator_check, over_message

folded = functools.lru_cache(maxsize=8192)(fold)
INTEGRATIONS = {folded(label): name for name, label in INTEGRATION_FIELDS.items()}
SEPARATORS = re.compile(r"[;,\n]")


def _communes(scope: ImportScope):
    return scope.queryset(AdminUnit.objects.filter(level=Level.COMMUNE))


def _resolve_province_or_commune(rows: list[Row], scope: ImportScope, header: str) -> None:
    """Set `row.unit` to the province or commune the row names (by name or code), or record the error."""
    communes = _CommuneIndex(_communes(scope))
    provinces = {}
    for p in scope.queryset(AdminUnit.objects.filter(level=Level.PROVINCE)):
        provinces[folded(p.name)] = provinces[folded(p.code)] = p
    for row in rows:
        unit = provinces.get(folded(row.values["unit"]))
        if unit is None:
            unit, reason = communes.find(row.values["unit"], None)
            if unit is None:
                row.error(header, reason.replace("xã, phường", "đơn vị"))
        row.unit = unit


def _commune_names(scope):
    if scope.unit is None:
        return []
    return list(_communes(scope).filter(is_active=True).order_by(vi_order()).values_list("name", flat=True))


def _agency_names(scope):
    if scope.unit is None or scope.unit.level != Level.COMMUNE:
        return []
    return list(Agency.objects.filter(unit__in=[scope.unit.pk, scope.unit.province_id], is_active=True)
                .order_by("unit__path", "kind__order", "name").values_list("name", flat=True))


def _example_commune(scope):
    return scope.unit.name if scope.unit is not None and scope.unit.level == Level.COMMUNE else "Phường Bạch Đằng"


def _text(name):
    return imports.text(Activity._meta.get_field(name).max_length)


def _names(value) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(str(value)) if part.strip()]


class ActivityImporter(imports.Importer):
    name = "activities"
    group_by = ("province", "unit")  # batches by commune: see Importer.group_by
    title = "hoạt động tuyên truyền"
    model = Activity
    columns = [
        Column("Ngày thực hiện", "date", imports.date(not_future=True), required=True, example="15/03/2026",
               note="Ngày/tháng/năm; năm nay hoặc năm trước, không ở tương lai."),
        Column("Xã, phường, đặc khu", "unit", imports.text(200), required=True, example=_example_commune,
               dropdown=_commune_names, note="Tên (Phường Bạch Đằng) hoặc mã đơn vị, trong phạm vi đơn vị của bạn."),
        Column("Tỉnh/thành phố", "province", imports.text(200), example="Thành phố Hải Phòng",
               note="Chỉ cần khi nhập cho cả nước và tên xã trùng ở nhiều tỉnh."),
        Column("Hình thức", "kind", imports.text(120), required=True, example="Hội nghị, hội thảo, họp dân",
               dropdown=lambda scope: list(ActivityKind.objects.filter(is_active=True).values_list("name", flat=True)),
               note="Chọn trong danh mục hình thức tuyên truyền."),
        Column("Chủ đề, nội dung", "topic", _text("topic"), required=True,
               example="Tuyên truyền Luật Phòng, chống mại dâm"),
        Column("Thôn, tổ dân phố", "hamlets_display", imports.text(2000), example="Tổ dân phố số 1; Tổ dân phố số 2",
               note="Các thôn, tổ của xã, phường đã ghi, cách nhau bằng dấu chấm phẩy."),
        Column("Cơ quan tổ chức", "agency", imports.text(255), dropdown=_agency_names,
               example="Phòng Văn hóa - Xã hội phường Bạch Đằng", note="Cơ quan của xã, phường hoặc của tỉnh."),
        *[Column(Audience(group).label, name, imports.integer(0, 10_000_000), example=0,
                 note="Số người được tiếp cận; số nguyên, không âm.") for name, group in REACH_FIELDS.items()],
        Column("Số tờ rơi phát", "leaflets", imports.integer(0, 10_000_000), example=200),
        Column("Số pa nô, băng rôn", "panos", imports.integer(0, 100_000), example=0),
        Column("Lồng ghép", "integration_display", imports.text(500), example="Ma túy, HIV/AIDS",
               note="Các chương trình lồng ghép, cách nhau bằng dấu phẩy: " + ", ".join(INTEGRATION_FIELDS.values())),
        Column("Đường dẫn", "links", imports.text(5000)),
        Column("Giải thích số người được tiếp cận", "reach_note", _text("reach_note"),
               note="Bắt buộc khi số lượt tiếp cận trong năm vượt số đối tượng của đơn vị."),
        Column("Ghi chú", "notes", imports.text(5000)),
    ]
    PLAIN = ["date", "topic", *REACH_FIELDS, "leaflets", "panos", "links", "reach_note", "notes"]
    update_fields = [*PLAIN, *INTEGRATION_FIELDS, "unit", "province", "kind", "agency", "search_text"]
    HEADER = {c.field: c.header for c in columns}

    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        today = timezone.localdate()
        communes = _CommuneIndex(_communes(scope))
        for row in rows:
            row.commune, reason = communes.find(row.values["unit"], row.values.get("province"))
            if row.commune is None:
                row.error(self.HEADER["unit"], reason)
        rows_ok = [r for r in rows if not r.errors]
        unit_ids = {r.commune.pk for r in rows_ok}
        kinds = {}
        for k in ActivityKind.objects.all():
            kinds[folded(k.name)] = kinds[folded(k.code)] = k
        hamlets = {}
        for h in AdminUnit.objects.filter(parent_id__in=unit_ids, level=Level.HAMLET):
            hamlets[(h.parent_id, folded(h.name))] = hamlets[(h.parent_id, folded(h.code))] = h
        agencies = {}
        for a in Agency.objects.filter(unit_id__in=unit_ids | {r.commune.province_id for r in rows_ok}):
            agencies[(a.unit_id, folded(a.name))] = a
        existing = {}
        dates = {r.values["date"] for r in rows_ok}
        for a in scope.queryset(Activity.objects.filter(unit__in=unit_ids, date__in=dates), "view").order_by("-pk"):
            existing[(a.unit_id, a.date, a.kind_id, folded(a.topic))] = a  # the oldest wins
        may_change = scope.may(Activity.module, "change")
        ledger = ReachLedger(unit_ids, {d.year for d in dates})
        user = scope.user or getattr(scope.membership, "user", None)

        for row in rows_ok:
            v, commune = row.values, row.commune
            kind = kinds.get(folded(v["kind"]))
            if kind is None:
                row.error(self.HEADER["kind"], f"hình thức “{v['kind']}” không có trong danh mục")
            covered = []
            for name in _names(v.get("hamlets_display") or ""):
                hamlet = hamlets.get((commune.pk, folded(name)))
                if hamlet is None:
                    row.error(self.HEADER["hamlets_display"], f"không có “{name}” trong {commune.name}")
                else:
                    covered.append(hamlet)
            agency = None
            if v.get("agency"):
                agency = (agencies.get((commune.pk, folded(v["agency"])))
                          or agencies.get((commune.province_id, folded(v["agency"]))))
                if agency is None:
                    row.error(self.HEADER["agency"], f"không có cơ quan “{v['agency']}” ở {commune.name} hoặc tỉnh")
            flags = set()
            for name in _names(v.get("integration_display") or ""):
                if folded(name) not in INTEGRATIONS:
                    row.error(self.HEADER["integration_display"], f"“{name}” không phải chương trình lồng ghép "
                              f"({', '.join(INTEGRATION_FIELDS.values())})")
                flags.add(INTEGRATIONS.get(folded(name)))
            if row.errors:
                continue
            key = (commune.pk, v["date"], kind.pk, folded(v["topic"]))
            obj = existing.get(key)
            if obj is not None and not may_change:
                row.error("", f"hoạt động ngày {v['date']:%d/%m/%Y} “{v['topic']}” đã có; vai trò của bạn không "
                          "được sửa")
                continue
            previous = {n: getattr(obj, n) for n in REACH_FIELDS} if obj is not None else None
            is_update = obj is not None
            obj = obj or Activity(created_by=user)
            for f in self.PLAIN:
                if f in v:
                    setattr(obj, f, v[f])
                elif f in row.raw or not is_update:  # a cleared cell clears; a missing column keeps
                    setattr(obj, f, 0 if f in REACH_FIELDS or f in ("leaflets", "panos") else "")
            if "integration_display" in row.raw or not is_update:
                for name in INTEGRATION_FIELDS:
                    setattr(obj, name, name in flags)
            obj.unit, obj.province_id, obj.kind = commune, commune.province_id, kind
            if agency is not None or "agency" in row.raw or not is_update:
                obj.agency = agency
            obj.refresh_search_text()
            try:
                activity_check(obj, covered, today=today)
            except ValidationError as exc:
                for f, messages in exc.message_dict.items():
                    for message in messages:
                        row.error(self.HEADER.get(f, ""), message)
                continue
            over = ledger.add(obj, previous)
            if over and not obj.reach_note.strip():
                row.error(self.HEADER["reach_note"], over_message(over))
                continue
            obj.covered = covered if ("hamlets_display" in row.raw or not is_update) else None
            row.instance, row.is_update, row.key = obj, is_update, key

    def write(self, creates: list, updates: list, *, keys: bool = False) -> None:
        super().write(creates, updates, keys=keys)
        through = Activity.hamlets.through
        changed = [a for a in [*creates, *updates] if getattr(a, "covered", None) is not None]
        through.objects.filter(activity_id__in=[a.pk for a in updates if a.covered is not None]).delete()
        through.objects.bulk_create([through(activity_id=a.pk, adminunit_id=h.pk) for a in changed
                                     for h in a.covered], batch_size=5000)


activities = imports.register(ActivityImporter())


GROUPS = {label: value for value, label in Audience.choices}


class DenominatorImporter(imports.Importer):
    """Denominators from Excel: one row per unit, year and group; the same unit, year and group updates."""

    name = "denominators"
    title = "số đối tượng"
    model = Denominator
    columns = [
        Column("Năm", "year", imports.integer(2020, 2100), required=True, example=2026),
        Column("Đơn vị", "unit", imports.text(200), required=True, example=_example_commune, dropdown=_commune_names,
               note="Xã, phường (tên hoặc mã) hoặc tỉnh, thành phố (tên hoặc mã), trong phạm vi đơn vị của bạn."),
        Column("Đối tượng", "group", imports.choice(GROUPS), required=True, example="Học sinh trung học",
               dropdown=lambda scope: list(GROUPS)),
        Column("Số đối tượng", "value", imports.integer(0, 100_000_000), required=True, example=1200),
        Column("Nguồn số liệu", "source", imports.text(255), required=True, example="Phòng Giáo dục và Đào tạo"),
        Column("Số liệu tính đến ngày", "as_of", imports.date(not_future=True), required=True, example="15/01/2026"),
        Column("Ghi chú", "notes", imports.text(255)),
    ]
    update_fields = ["value", "source", "as_of", "notes", "search_text"]
    HEADER = {c.field: c.header for c in columns}

    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        _resolve_province_or_commune(rows, scope, self.HEADER["unit"])
        good = [r for r in rows if not r.errors]
        existing = {(d.unit_id, d.year, d.group): d for d in scope.queryset(Denominator.objects.filter(
            unit__in={r.unit.pk for r in good}, year__in={r.values["year"] for r in good}), "view")}
        may_change = scope.may(Denominator.module, "change")
        for row in good:
            v = row.values
            key = (row.unit.pk, v["year"], v["group"])
            obj = existing.get(key)
            if obj is not None and not may_change:
                row.error("", "số đối tượng này đã có; vai trò của bạn không được sửa")
                continue
            is_update = obj is not None
            obj = obj or Denominator(unit=row.unit, province_id=row.unit.province_id, year=v["year"], group=v["group"])
            obj.value, obj.source, obj.as_of, obj.notes = v["value"], v["source"], v["as_of"], v.get("notes", "")
            obj.refresh_search_text()
            try:
                denominator_check(obj)
            except ValidationError as exc:
                for f, messages in exc.message_dict.items():
                    for message in messages:
                        row.error(self.HEADER.get(f, ""), message)
                continue
            row.instance, row.is_update, row.key = obj, is_update, key


denominators = imports.register(DenominatorImporter())


CATEGORIES = {label: value for value, label in StaffCategory.choices}
YES_NO = {"Có": True, "Không": False, "x": True}


def _course_titles(scope):
    courses = scope.queryset(Course.objects.all()) if scope.unit is not None else Course.objects.none()
    return list(courses.order_by("-start_date").values_list("title", flat=True)[:200])


class StaffImporter(imports.Importer):
    """The roster from Excel, and optionally who took part in a course (“Lớp tập huấn” and “Có tham dự”).

    A person is the same when unit, name and agency are the same: re-importing updates.
    """

    name = "staff"
    title = "cán bộ"
    model = StaffMember
    columns = [
        Column("Họ và tên", "full_name", imports.text(120), required=True, example="Nguyễn Thị Hạnh"),
        Column("Đơn vị", "unit", imports.text(200), required=True, example=_example_commune, dropdown=_commune_names,
               note="Xã, phường (cán bộ cấp xã) hoặc tỉnh, thành phố (cán bộ cấp tỉnh): tên hoặc mã."),
        Column("Cơ quan", "agency", imports.text(255), dropdown=_agency_names,
               example="Phòng Văn hóa - Xã hội phường Bạch Đằng"),
        Column("Chức vụ", "position", imports.text(120), example="Chuyên viên"),
        Column("Đối tượng", "category", imports.choice(CATEGORIES), required=True, example="Công chức",
               dropdown=lambda scope: list(CATEGORIES)),
        Column("Lớp tập huấn", "course", imports.text(255), dropdown=_course_titles,
               note="Tên lớp đã có trong hệ thống; để trống nếu chỉ nhập danh sách cán bộ."),
        Column("Có tham dự", "attended", imports.choice(YES_NO), example="Có", dropdown=lambda scope: ["Có", "Không"],
               note="Để trống: Có."),
    ]
    update_fields = ["position", "category", "search_text"]
    HEADER = {c.field: c.header for c in columns}

    def export_fields(self) -> list[str]:
        return ["full_name", "unit", "agency", "position", "category"]

    def prepare(self, rows: list[Row], scope: ImportScope) -> None:
        _resolve_province_or_commune(rows, scope, self.HEADER["unit"])
        good = [r for r in rows if not r.errors]
        unit_ids = {r.unit.pk for r in good}
        agencies = {}
        for a in Agency.objects.filter(unit_id__in=unit_ids | {r.unit.province_id for r in good}):
            agencies[(a.unit_id, folded(a.name))] = a
        courses = {}
        for c in scope.queryset(Course.objects.all()).filter(title__in={r.values["course"] for r in good
                                                                          if r.values.get("course")}):
            courses.setdefault(folded(c.title), []).append(c)
        existing = {(s.unit_id, folded(s.full_name), s.agency_id): s
                    for s in scope.queryset(StaffMember.objects.filter(unit__in=unit_ids), "view").order_by("-pk")}
        for row in good:
            v, unit = row.values, row.unit
            agency = None
            if v.get("agency"):
                agency = agencies.get((unit.pk, folded(v["agency"]))) or agencies.get(
                    (unit.province_id, folded(v["agency"])))
                if agency is None:
                    row.error(self.HEADER["agency"], f"không có cơ quan “{v['agency']}” ở {unit.name} hoặc tỉnh")
                    continue
            course = None
            if v.get("course"):
                found = courses.get(folded(v["course"]), [])
                if len(found) != 1:
                    row.error(self.HEADER["course"], f"không có lớp “{v['course']}” trong phạm vi đơn vị của bạn"
                              if not found else f"có {len(found)} lớp cùng tên “{v['course']}”")
                    continue
                course = found[0]
                if course.province_id != unit.province_id:
                    row.error(self.HEADER["course"], f"{v['full_name']} thuộc tỉnh, thành phố khác với lớp tập huấn")
                    continue
            key = (unit.pk, folded(v["full_name"]), agency.pk if agency else None)
            obj = existing.get(key)
            is_update = obj is not None
            obj = obj or StaffMember(unit=unit, province_id=unit.province_id, agency=agency, full_name=v["full_name"])
            obj.position, obj.category = v.get("position", obj.position or ""), v["category"]
            obj.refresh_search_text()
            obj.course, obj.attended = course, v.get("attended", True)
            row.instance, row.is_update = obj, is_update
            row.key = list(key)  # a person once a file (one course per import)

    def write(self, creates: list, updates: list, *, keys: bool = False) -> None:
        super().write(creates, updates, keys=keys)
        seats = [Participant(course=s.course, staff=s, attended=s.attended) for s in [*creates, *updates]
                 if getattr(s, "course", None) is not None]
        Participant.objects.bulk_create(seats, update_conflicts=True, unique_fields=["course", "staff"],
                                        update_fields=["attended"])


staff = imports.register(StaffImporter())
