"""The Excel import mechanism (core.imports) through the establishments importer: web, CLI, batches."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from pcmd.core import imports
from pcmd.core.imports import ImportFileError, ImportScope
from pcmd.org.models import Role
from pcmd.venues.importers import establishments as importer
from pcmd.venues.models import Establishment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def row(name="Karaoke Thử Nghiệm", address="Số 1 Đường Thử", unit="Phường Bạch Đằng", **extra):
    values = {"name": name, "type": "Karaoke", "address": address, "unit": unit, "workers_total": 10,
              "workers_female": 4, "registration_number": "", "owner_phone": "0912345678"}
    values.update(extra)
    return values


def xlsx(rows, headers=None) -> bytes:
    """A workbook as a person would fill the template: header row, then one row per establishment."""
    workbook = Workbook()
    sheet = workbook.active
    columns = importer.columns
    sheet.append(headers or [c.header for c in columns])
    for values in rows:
        sheet.append([values.get(c.field) for c in columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="co-so.xlsx"):
    """Upload, then follow the preview's htmx chain (a slice of rows checked per request) to its end."""
    url = reverse("establishment_import")
    response = client.post(url, {"step": "upload", "file": _file(content, name)})
    if response.status_code != 302:
        return response
    token = token_of(response)
    page = client.get(url, {"t": token})
    steps = 0
    while b'"step": "check"' in page.content:
        page = client.post(url, {"step": "check", "t": token}, HTTP_HX_REQUEST="true")
        steps += 1
        assert steps < 100
    assert page.status_code == 204 and page["HX-Redirect"].endswith(f"?t={token}")
    return response


def _file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def run_web(client, token, mode):
    """Start the run, then follow the htmx chain (each response triggers the next batch) until it is done."""
    url = reverse("establishment_import")
    response = client.post(url, {"step": "start", "t": token, "mode": mode})
    steps = 0
    while b'hx-trigger="load"' in response.content:
        response = client.post(url, {"step": "batch", "t": token}, HTTP_HX_REQUEST="true")
        steps += 1
        assert steps < 1000
    return response


def token_of(response):
    return response["Location"].split("t=")[1]


def test_template_has_headers_dropdowns_notes_and_example(login, owner, bach_dang):
    response = login(owner).get(reverse("establishment_import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    data = workbook[imports.DATA_SHEET]
    headers = [c.value for c in data[1]]
    assert headers == importer.headers
    assert data["A1"].comment is not None  # column notes on the headers
    formulas = {dv.formula1 for dv in data.data_validations.dataValidation}
    lists = workbook[imports.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    listed = {c.value for col in lists.iter_cols() for c in col}
    assert {"Karaoke", "Nhà nghỉ", "Đang hoạt động", "Tổ dân phố số 1", "Phường Bạch Đằng"} <= listed
    assert len(formulas) >= 4 and all(f.startswith(f"='{imports.LISTS_SHEET}'!") for f in formulas)
    helper = workbook[imports.HELP_SHEET]
    texts = [c.value for r in helper.iter_rows() for c in r if c.value]
    assert "Karaoke Hoàng Gia" in texts and "Phường Bạch Đằng" in texts  # the example row


def test_good_file_previews_then_imports_and_reimport_updates(login, owner, bach_dang, bd_hamlet):
    client = login(owner)
    before = Establishment.objects.filter(unit=bach_dang).count()
    rows = [row(name=f"Nhà nghỉ Thử {n}", type="Nhà nghỉ", hamlet=bd_hamlet.name,
                registration_number=f"TEST{n:04d}", licence_date=datetime.date(2024, 1, 5),
                licence_expiry="05/01/2029") for n in range(30)]
    response = upload(client, xlsx(rows))
    assert response.status_code == 302
    token = token_of(response)
    preview = client.get(reverse("establishment_import"), {"t": token})
    assert "Thêm mới: 30" in preview.content.decode() and "Dòng lỗi: 0" in preview.content.decode()
    assert Establishment.objects.filter(unit=bach_dang).count() == before  # the preview writes nothing
    done = run_web(client, token, "all")
    assert "đã nhập xong" in done.content.decode()
    assert Establishment.objects.filter(unit=bach_dang).count() == before + 30
    made = Establishment.objects.get(registration_number="TEST0007")
    assert made.hamlet == bd_hamlet and made.licence_expiry == datetime.date(2029, 1, 5)
    assert made.managing_agency.kind.code == "cong-an-xa"  # default by type: police manage nhà nghỉ
    assert made.search_text and made.name_key == Establishment.make_name_key(made.name, made.address)

    # The same file again, with one changed value: updates, no duplicates; one summary audit entry each.
    rows[7]["workers_total"] = 25
    again = upload(client, xlsx(rows))
    preview = client.get(reverse("establishment_import"), {"t": token_of(again)}).content.decode()
    assert "Cập nhật: 30" in preview and "Thêm mới: 0" in preview
    run_web(client, token_of(again), "all")
    assert Establishment.objects.filter(unit=bach_dang).count() == before + 30
    made.refresh_from_db()
    assert made.workers_total == 25 and made.version == 2
    from auditlog.models import LogEntry

    entries = LogEntry.objects.filter(object_repr__startswith="Nhập Excel", actor=owner)
    assert entries.count() == 2 and entries.first().additional_data["import"]["rows"] == 30


def test_bad_rows_are_listed_with_row_column_and_reason(login, owner, bach_dang, ninh_binh_commune):
    client = login(owner)
    future = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    rows = [
        row(name="Hợp lệ 1"),
        row(name="Sai xã", unit="Phường Không Tồn Tại"),
        row(name="Sai loại", type="Sòng bạc"),
        row(name="Ngày tương lai", licence_date=future),
        row(name="Ngày hỏng", commitment_date="31/02/2025"),
        row(name="Âm", workers_total=-3),
        row(name="Nữ nhiều hơn", workers_total=2, workers_female=5),
        row(name="Ngoài phạm vi", unit=ninh_binh_commune.name),
        row(name="", address=""),
        row(name="Hợp lệ 2"),
    ]
    response = upload(client, xlsx(rows))
    page = client.get(reverse("establishment_import"), {"t": token_of(response)}).content.decode()
    assert "Thêm mới: 2" in page and "Dòng lỗi: 8" in page
    job = imports.ImportJob.load(token_of(response), user_id=owner.pk)
    errors = {(n, column): reason for n, column, reason in job.preview["errors"]}
    assert "không phải xã, phường trong phạm vi" in errors[(3, "Xã, phường, đặc khu")]
    assert "không có trong danh mục" in errors[(4, "Loại hình")]
    assert "ở tương lai" in errors[(5, "Ngày cấp giấy phép")]
    assert "không phải ngày hợp lệ" in errors[(6, "Ngày ký cam kết")]
    assert errors[(7, "Số lao động")] == "không được là số âm"
    assert "lao động nữ" in errors[(8, "Số lao động nữ")]
    assert "phạm vi" in errors[(9, "Xã, phường, đặc khu")]
    assert errors[(10, "Tên cơ sở")] == "bắt buộc phải có" and errors[(10, "Địa chỉ")] == "bắt buộc phải có"

    # All-or-nothing refuses; "valid rows only" imports the two good ones.
    refused = client.post(reverse("establishment_import"), {"step": "start", "t": job.token, "mode": "all"})
    assert refused.status_code == 400 and "Có 8 dòng lỗi" in refused.content.decode()
    assert not Establishment.objects.filter(name__startswith="Hợp lệ").exists()
    run_web(client, job.token, "valid")
    assert set(Establishment.objects.filter(unit=bach_dang, name__startswith="Hợp lệ")
               .values_list("name", flat=True)) == {"Hợp lệ 1", "Hợp lệ 2"}


def test_same_record_twice_in_one_file_is_an_error(login, owner):
    client = login(owner)
    response = upload(client, xlsx([row(registration_number="DUP1"), row(name="Khác", registration_number="DUP1")]))
    job = imports.ImportJob.load(token_of(response), user_id=owner.pk)
    assert job.preview["bad"] == 1 and "trùng với dòng 2" in job.preview["errors"][0][2]


@pytest.mark.parametrize("content,name,message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cu.xls", "Excel 97-2003 (.xls)"),
    ("Tên cơ sở,Loại hình\nA,Karaoke\n".encode(), "co-so.csv", "CSV/văn bản"),
    (b"PK\x03\x04 not really a zip", "hong.xlsx", "bị hỏng"),
    (b"%PDF-1.4", "van-ban.pdf", "không phải tệp Excel .xlsx"),
])
def test_not_an_xlsx_is_refused_in_vietnamese(login, owner, content, name, message):
    response = upload(login(owner), content, name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_wrong_columns_are_named(login, owner):
    headers = ["Tên cơ sở", "Loại hình", "Địa chỉ cụ thể", "Màu sơn"]
    response = upload(login(owner), xlsx([], headers=headers))
    text = response.content.decode()
    assert response.status_code == 400
    assert "thiếu cột bắt buộc: “Địa chỉ”, “Xã, phường, đặc khu”" in text
    assert "“Địa chỉ cụ thể”" in text and "“Màu sơn”" in text


def test_headers_match_without_diacritics_case_or_star(login, owner):
    headers = [c.header.upper() + (" *" if c.required else "") for c in importer.columns]
    headers[0] = "ten co so"
    response = upload(login(owner), xlsx([row()], headers=headers))
    assert response.status_code == 302


def test_an_upload_belongs_to_its_user(login, owner, member_factory, bach_dang, client):
    response = upload(login(owner), xlsx([row()]))
    token = token_of(response)
    other = member_factory("bd.other", bach_dang, Role.COORDINATOR, "phong-vhxh")
    client.force_login(other)
    page = client.get(reverse("establishment_import"), {"t": token})
    assert "Không tìm thấy lượt nhập này" in page.content.decode()
    client.post(reverse("establishment_import"), {"step": "start", "t": token, "mode": "all"})
    assert not Establishment.objects.filter(name="Karaoke Thử Nghiệm").exists()


def test_outsider_and_reader_cannot_import(login, reader, outsider):
    for user, status in ((reader, 403),):
        client = login(user)
        assert client.get(reverse("establishment_import")).status_code == status
        assert upload(client, xlsx([row()])).status_code == status
    # The outsider may import, but only into his own commune: Bạch Đằng rows are out of scope.
    client = login(outsider)
    response = upload(client, xlsx([row()]))
    job = imports.ImportJob.load(token_of(response), user_id=outsider.pk)
    assert job.preview["bad"] == 1 and "phạm vi" in job.preview["errors"][0][2]


def test_export_reimports_as_updates(login, owner, bach_dang):
    client = login(owner)
    exported = b"".join(client.get(reverse("establishment_export")).streaming_content)
    count = Establishment.objects.filter(unit=bach_dang).count()
    response = upload(client, exported, "xuat.xlsx")
    assert response.status_code == 302
    job = imports.ImportJob.load(token_of(response), user_id=owner.pk)
    assert job.preview["errors"] == [] and job.preview["update"] == count and job.preview["create"] == 0


def test_batches_commit_one_by_one_and_a_failing_batch_writes_nothing(owner, bach_dang, monkeypatch, tmp_path):
    path = tmp_path / "lo.xlsx"
    path.write_bytes(xlsx([row(name=f"Cơ sở lô {n}", registration_number=f"LO{n:03d}") for n in range(25)]))
    scope = ImportScope(unit=bach_dang)
    monkeypatch.setattr(importer, "batch_size", 10)
    calls = {"n": 0}
    original = type(importer).write

    def write(self, creates, updates):
        calls["n"] += 1
        original(self, creates[:5], updates)  # half of the batch is written…
        if calls["n"] == 2:
            raise RuntimeError("mất kết nối cơ sở dữ liệu")  # …then the batch fails

    monkeypatch.setattr(type(importer), "write", write)
    job = imports.import_all(importer=importer, path=path, scope=scope, mode="all")
    assert job.status == "stopped" and "dòng 12–21" in job.failure and "mất kết nối" in job.failure
    names = set(Establishment.objects.filter(name__startswith="Cơ sở lô").values_list("name", flat=True))
    assert names == {f"Cơ sở lô {n}" for n in range(5)}  # batch 1 kept, nothing of batch 2
    assert job.offset == 10


def test_ten_thousand_rows(owner, bach_dang, tmp_path):
    path = tmp_path / "muoi-nghin.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(imports.DATA_SHEET)
    sheet.append(importer.headers)
    fields = importer.export_fields()
    for n in range(10_000):
        values = row(name=f"Cơ sở {n}", address=f"Số {n} Lạch Tray", registration_number=f"M{n:06d}",
                     type=("Karaoke", "Nhà trọ", "Xoa bóp (massage)")[n % 3], licence_date=datetime.date(2023, 5, 1))
        sheet.append([values.get(f) for f in fields])
    workbook.save(path)
    before = Establishment.objects.count()
    job = imports.import_all(importer=importer, path=path, scope=ImportScope(unit=bach_dang), mode="all")
    assert job.status == "done" and job.created == 10_000 and job.rejected == 0
    assert Establishment.objects.count() == before + 10_000
    again = imports.import_all(importer=importer, path=path, scope=ImportScope(unit=bach_dang), mode="all")
    assert again.updated == 10_000 and Establishment.objects.count() == before + 10_000


def test_cli_dry_run_writes_nothing_and_errors_exit_1(bach_dang, tmp_path, capsys):
    good = tmp_path / "tot.xlsx"
    good.write_bytes(xlsx([row(name="CLI 1"), row(name="CLI 2")]))
    before = Establishment.objects.count()
    call_command("import", "establishments", str(good), "--unit", bach_dang.code, "--dry-run")
    assert Establishment.objects.count() == before
    assert "thêm mới 2" in capsys.readouterr().out
    bad = tmp_path / "loi.xlsx"
    bad.write_bytes(xlsx([row(name="CLI 3"), row(name="CLI 4", workers_total=-1)]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "establishments", str(bad), "--unit", bach_dang.code)
    assert exit_info.value.code == 1
    assert "Dòng 3, cột “Số lao động”: không được là số âm" in capsys.readouterr().out
    assert Establishment.objects.count() == before
    call_command("import", "establishments", str(bad), "--unit", bach_dang.code, "--mode", "valid")
    assert Establishment.objects.count() == before + 1
    call_command("import", "establishments", str(good), "--unit", bach_dang.code)
    assert Establishment.objects.count() == before + 3


def test_cli_refuses_a_non_xlsx(bach_dang, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "a.csv"
    path.write_text("a,b\n")
    with pytest.raises(CommandError, match="không phải tệp Excel"):
        call_command("import", "establishments", str(path), "--unit", bach_dang.code)


def test_parsers():
    with pytest.raises(imports.CellError):
        imports.integer()("3,5")
    assert imports.integer()(12.0) == 12 and imports.integer()("1.200") == 1200
    assert imports.date()("05-01-2024") == datetime.date(2024, 1, 5)
    assert imports.phone(912345678) == "0912345678"
    assert imports.text()(201234567.0) == "201234567"
    with pytest.raises(ImportFileError):
        imports.sniff(b"GIF89a", "anh.gif")


def test_communes_whose_names_fold_alike_are_told_apart(hai_phong):
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.venues.importers import _CommuneIndex

    index = _CommuneIndex(AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE))
    giang, _ = index.find("Xã Cẩm Giang", None)
    giang2, _ = index.find("xã cẩm giàng", None)
    assert giang.name == "Xã Cẩm Giang" and giang2.name == "Xã Cẩm Giàng"
    none, reason = index.find("Xa Cam Giang", None)  # without diacritics it is ambiguous: say so
    assert none is None and "có 2 xã, phường" in reason
    by_code, _ = index.find(giang.code, None)
    assert by_code == giang


def test_web_run_stops_on_a_failing_batch_and_resumes(login, owner, monkeypatch):
    client = login(owner)
    monkeypatch.setattr(importer, "batch_size", 3)
    response = upload(client, xlsx([row(name=f"Tiếp tục {n}", registration_number=f"TT{n}") for n in range(7)]))
    token = token_of(response)
    original = type(importer).write
    calls = {"n": 0}

    def flaky(self, creates, updates):
        calls["n"] += 1
        original(self, creates, updates)
        if calls["n"] == 2:
            raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(type(importer), "write", flaky)
    page = run_web(client, token, "all").content.decode()
    assert "ổ đĩa đầy" in page and "Thử lại từ dòng bị dừng" in page
    assert Establishment.objects.filter(name__startswith="Tiếp tục").count() == 3
    url = reverse("establishment_import")
    response = client.post(url, {"step": "resume", "t": token})
    while b'hx-trigger="load"' in response.content:
        response = client.post(url, {"step": "batch", "t": token}, HTTP_HX_REQUEST="true")
    assert "đã nhập xong" in response.content.decode()
    assert Establishment.objects.filter(name__startswith="Tiếp tục").count() == 7


def test_preview_is_checked_in_slices_and_still_sees_duplicates_across_them(login, owner, monkeypatch):
    monkeypatch.setattr(imports, "CHECK_ROWS_PER_REQUEST", 3)
    monkeypatch.setattr(importer, "batch_size", 2)
    rows = [row(name=f"Lát {n}", registration_number=f"L{n}") for n in range(7)]
    rows.append(row(name="Lát lặp", registration_number="L1"))  # same record as row 3, four slices later
    response = upload(login(owner), xlsx(rows))
    job = imports.ImportJob.load(token_of(response), user_id=owner.pk)
    assert job.status == "previewed" and job.checked == 8
    assert job.preview["create"] == 7 and job.preview["errors"] == [[9, "", "trùng với dòng 3 của tệp "
                                                                            "(cùng một cơ sở kinh doanh)"]]


def test_agency_officer_imports_only_for_his_agency(login, member_factory, bach_dang):
    officer = member_factory("bd.vh.import", bach_dang, Role.AGENCY_OFFICER, "phong-vhxh")
    police_run = Establishment.objects.filter(unit=bach_dang, managing_agency__kind__code="cong-an-xa").first()
    rows = [row(name="Karaoke Của Văn Hóa"),
            row(name=police_run.name, address=police_run.address, type=police_run.type.name)]
    response = upload(login(officer), xlsx(rows))
    job = imports.ImportJob.load(token_of(response), user_id=officer.pk)
    assert job.preview["create"] == 1 and job.preview["bad"] == 1
    assert "do cơ quan khác quản lý" in job.preview["errors"][0][2]
    run_web(login(officer), job.token, "valid")
    made = Establishment.objects.get(name="Karaoke Của Văn Hóa")
    assert made.managing_agency.kind.code == "phong-vhxh"
