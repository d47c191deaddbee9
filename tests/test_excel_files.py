"""Excel out (core.exports.xlsx_response, the import template) read back with openpyxl, and spreadsheets in
(core.imports.read_rows): a title above the header, registration numbers typed as numbers, .ods, hostile extents."""

import datetime
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pcmd.core import imports
from pcmd.core.exports import MAX_WIDTH, Number, target_number, xlsx_response
from pcmd.core.imports import ImportFileError, ImportScope
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role
from pcmd.venues.importers import establishments as importer
from pcmd.venues.models import Establishment

pytestmark = pytest.mark.django_db
LONG_NAME = "Công ty Trách nhiệm hữu hạn Dịch vụ Karaoke và Nhà nghỉ Hoàng Gia Bạch Đằng"  # 76 characters
ADDRESS = "Số 12 ngõ 34 đường Trần Hưng Đạo, Tổ dân phố số 5"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def workbook_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def widths(sheet) -> dict[str, float]:
    return {letter: dim.width for letter, dim in sheet.column_dimensions.items()}


# ------------------------------------------------------------------------------------------------- exports

def test_columns_fit_their_content_dates_are_dates_and_numbers_numbers():
    rows = [[1, "Karaoke An", ADDRESS, datetime.date(2026, 3, 5), Number(80, '"≥ "General"%"'), "02–04"],
            [2, LONG_NAME, "Số 1", datetime.datetime(2026, 3, 5, 14, 30), 12.5, ""]]
    sheet = workbook_of(xlsx_response(title="Cơ sở", headers=["TT", "Tên cơ sở", "Địa chỉ", "Ngày", "Chỉ tiêu",
                                                               "Khoảng"], rows=rows, filename="co-so")).active
    width = widths(sheet)
    assert width["C"] >= len(ADDRESS)  # an address is not cut
    assert width["B"] == MAX_WIDTH and sheet["B3"].alignment.wrap_text  # a longer name wraps in a capped column
    assert width["A"] < 10  # a narrow column stays narrow
    assert sheet["D2"].is_date and sheet["D2"].number_format == "DD/MM/YYYY"
    assert sheet["D2"].value == datetime.datetime(2026, 3, 5)
    assert sheet["D3"].number_format == "DD/MM/YYYY HH:MM"
    assert sheet["E2"].value == 80 and sheet["E2"].data_type == "n" and sheet["E2"].number_format == '"≥ "General"%"'
    assert sheet["E3"].value == 12.5 and sheet["F2"].value == "02–04"
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet["A1"].font.bold and sheet["A1"].alignment.wrap_text


def test_target_numbers():
    assert target_number(80, "gte", percent=True) == Number(80, '"≥ "General"%"')
    assert target_number(0, "eq", percent=False) == Number(0, "General")
    assert target_number(2.5, "lte", percent=False) == Number(2.5, '"≤ "General')
    assert target_number(2, "range", percent=False) is None and target_number(None, "gte", percent=True) is None
    from pcmd.reports.export import sheet_target

    assert sheet_target({"target": "≥ 80%", "target_value": 80.0, "target_comparator": "gte", "metric": "percent"}) \
        == Number(80, '"≥ "General"%"')
    assert sheet_target({"target": "02–04", "target_value": 2.0, "target_comparator": "range"}) == "02–04"
    assert sheet_target({"target": "≥ 80%"}) == "≥ 80%"  # a report frozen before targets were numbers


def test_scorecard_export_prints_landscape_with_the_unit_column_frozen(member_factory, login):
    hai_phong = AdminUnit.objects.get(code="31")
    client = login(member_factory("xl.hp", hai_phong, Role.COORDINATOR))
    sheet = workbook_of(client.get(reverse("dashboard_scorecard"), {"format": "xlsx"})).active
    assert sheet.max_column >= 70  # the 76-column scorecard
    assert sheet.freeze_panes == "B2"  # the unit column and the header row stay in view
    assert sheet.print_title_rows == "$1:$1" and sheet.print_title_cols == "$A:$A"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    units = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert widths(sheet)["A"] >= min(MAX_WIDTH, max(len(u) for u in units))
    headers = [c.value for c in sheet[1]]
    targets = [row[i] for row in sheet.iter_rows(min_row=2, values_only=True)
               for i, h in enumerate(headers) if h == "Chỉ tiêu" and row[i] not in (None, "")]
    assert targets, "the demo has targets (Bạch Đằng's plan)"
    assert all(isinstance(t, int | float) or "–" in t for t in targets), [t for t in targets if isinstance(t, str)]


def test_establishment_export_keeps_names_and_addresses_whole(bach_dang, owner, login):
    from pcmd.venues.models import EstablishmentType

    Establishment.objects.create(unit=bach_dang, province_id=bach_dang.province_id, name=LONG_NAME[:60],
                                 address=ADDRESS, type=EstablishmentType.objects.first(),
                                 registration_number="0201234567")
    sheet = workbook_of(login(owner).get(reverse("establishment_export"))).active
    headers = [c.value for c in sheet[1]]
    width = widths(sheet)
    for header in ("Tên cơ sở", "Địa chỉ"):
        column = headers.index(header)
        letter = sheet.cell(row=1, column=column + 1).column_letter
        longest = max(len(str(r[column] or "")) for r in sheet.iter_rows(min_row=2, values_only=True))
        assert width[letter] >= min(MAX_WIDTH, longest), header
    if "Số đăng ký kinh doanh" in headers:
        values = [r[headers.index("Số đăng ký kinh doanh")] for r in sheet.iter_rows(min_row=2, values_only=True)]
        assert "0201234567" in values


def test_template_formats_text_and_date_columns(bach_dang):
    workbook = imports.template_workbook(importer, ImportScope(unit=bach_dang))
    sheet = workbook[imports.DATA_SHEET]
    by_header = {c.value: c.column_letter for c in sheet[1]}
    assert sheet.column_dimensions[by_header["Số đăng ký kinh doanh"]].number_format == "@"
    assert sheet.column_dimensions[by_header["Điện thoại chủ cơ sở"]].number_format == "@"
    assert sheet.column_dimensions[by_header["Ngày cấp giấy phép"]].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions[by_header["Số lao động"]].number_format == "General"
    assert sheet.column_dimensions[by_header["Tên cơ sở"]].width >= len("Karaoke Hoàng Gia")


# ------------------------------------------------------------------------------------------------- imports

HEADERS = [c.header for c in importer.columns]


def values(name="Karaoke Tiêu Đề", reg=None, unit="Phường Bạch Đằng"):
    row = {"name": name, "type": "Karaoke", "address": "Số 1 Đường Thử", "unit": unit, "registration_number": reg}
    return [row.get(c.field) for c in importer.columns]


def write_xlsx(path: Path, rows, above=()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = imports.DATA_SHEET
    for line in above:
        sheet.append(line)
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_ods(path: Path, rows, extra: str = "") -> Path:
    """A minimal OpenDocument spreadsheet, as LibreOffice writes one (the empty rest of the sheet as one row
    repeated a million times)."""
    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                    "</table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    body += extra + ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                     'table:number-columns-repeated="1024"/></table:table-row>')
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{imports.DATA_SHEET}">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                         '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>', zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_a_title_above_the_header_is_skipped(tmp_path):
    path = write_xlsx(tmp_path / "tieu-de.xlsx", [values()], above=[["DANH SÁCH CƠ SỞ KINH DOANH DỊCH VỤ NĂM 2026"],
                                                                     [], ["(Kèm theo Báo cáo số 12/BC-UBND)"]])
    rows = list(imports.read_rows(importer, path, "tieu-de.xlsx"))
    assert [(number, raw["name"]) for number, raw in rows] == [(5, "Karaoke Tiêu Đề")]  # the spreadsheet's row


def test_no_header_in_the_first_rows_is_a_clear_error(tmp_path):
    path = write_xlsx(tmp_path / "sau.xlsx", [values()], above=[["Xin chào"]] * imports.HEADER_SCAN_ROWS)
    with pytest.raises(ImportFileError, match="không thấy dòng tên cột của mẫu trong 10 dòng đầu"):
        list(imports.read_rows(importer, path, "sau.xlsx"))


def test_a_registration_number_typed_as_a_number_matches_the_record(tmp_path, bach_dang):
    from pcmd.venues.models import EstablishmentType

    existing = Establishment.objects.create(unit=bach_dang, province_id=bach_dang.province_id, name="Karaoke Số Không",
                                            address="Số 9 Đường Thử", registration_number="0201234567",
                                            type=EstablishmentType.objects.get(name="Karaoke"))
    path = write_xlsx(tmp_path / "so.xlsx", [values("Karaoke Số Không (đổi tên)", 201234567),
                                             values("Karaoke Mã Ngắn", 12345)])
    scope = ImportScope(unit=bach_dang)
    job = imports.import_all(importer=importer, path=path, scope=scope, mode=imports.MODE_VALID_ONLY)
    assert (job.created, job.updated, job.rejected) == (1, 1, 0)
    existing.refresh_from_db()
    assert existing.name == "Karaoke Số Không (đổi tên)" and existing.registration_number == "0201234567"
    assert Establishment.objects.get(name="Karaoke Mã Ngắn").registration_number == "12345"  # other lengths as typed
    assert Establishment.objects.filter(registration_number__in=["201234567", "0201234567"]).count() == 1


def test_an_ods_is_read(tmp_path):
    path = write_ods(tmp_path / "co-so.ods", [["Danh sách cơ sở"], HEADERS, values(reg=201234567)])
    rows = list(imports.read_rows(importer, path, "co-so.ods"))
    assert len(rows) == 1 and rows[0][0] == 3
    assert rows[0][1]["name"] == "Karaoke Tiêu Đề"
    assert importer.columns[6].parse(rows[0][1]["registration_number"]) == "0201234567"


def test_an_ods_through_the_page(login, owner, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = write_ods(tmp_path / "co-so.ods", [HEADERS, values()])
    response = login(owner).post(reverse("establishment_import"),
                                 {"step": "upload", "file": SimpleUploadedFile("co-so.ods", path.read_bytes())})
    assert response.status_code == 302, response.content.decode()[-3000:]


@pytest.mark.parametrize(("name", "make", "message"), [
    ("xa.xlsx", "far_cell", "quá nhiều dòng"),
    ("rong.xlsx", "wide_cell", "quá xa bên phải"),
    ("lap.ods", "repeated_cells", "quá xa bên phải"),
    ("lap-dong.ods", "repeated_rows", "quá nhiều dòng"),
])
def test_hostile_extents_are_refused_before_reading(tmp_path, name, make, message):
    """One cell at XFD1048576 would make the reader allocate terabytes (and abort the process): refused first."""
    path = tmp_path / name
    if make == "far_cell":
        workbook = Workbook()
        workbook.active["A1"], workbook.active["XFD1048576"] = "x", "y"
        workbook.save(path)
    elif make == "wide_cell":
        workbook = Workbook()
        workbook.active["A1"], workbook.active["ZZ10"] = "x", "y"
        workbook.save(path)
    elif make == "repeated_cells":
        write_ods(path, [HEADERS], extra='<table:table-row><table:table-cell table:number-columns-repeated="16000" '
                                         'office:value-type="float" office:value="1"/></table:table-row>')
    else:
        write_ods(path, [HEADERS], extra='<table:table-row table:number-rows-repeated="900000"><table:table-cell '
                                         'office:value-type="float" office:value="1"/></table:table-row>')
    with pytest.raises(ImportFileError, match=message):
        list(imports.read_rows(importer, path, name))


def test_a_commune_list_spreadsheet_is_not_mistaken(tmp_path):
    assert AdminUnit.objects.filter(level=Level.COMMUNE, name="Phường Bạch Đằng").exists()
    path = tmp_path / "khong-phai.docx"
    from docx import Document

    Document().save(path)
    with pytest.raises(ImportFileError, match="bị hỏng"):
        list(imports.read_rows(importer, path, "khong-phai.docx"))
