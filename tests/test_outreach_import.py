"""Activities from Excel through core.imports: bad rows with row/column/reason, re-import updates, scope."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from pcmd.core import imports
from pcmd.core.imports import ImportScope
from pcmd.org.models import Membership
from pcmd.outreach.importers import activities as importer
from pcmd.outreach.models import Activity, Denominator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def day(offset=2):
    return (timezone.localdate() - datetime.timedelta(days=offset)).strftime("%d/%m/%Y")


def row(topic="Tuyên truyền nhập Excel", **extra):
    values = {"date": day(), "unit": "Phường Bạch Đằng", "kind": "Hội nghị, hội thảo, họp dân", "topic": topic,
              "hamlets_display": "Tổ dân phố số 1; Tổ dân phố số 2", "reach_residents": 40,
              "integration_display": "Ma túy, HIV/AIDS", "leaflets": 0}
    values.update(extra)
    return values


def write(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importer.headers)
    for values in rows:
        sheet.append([values.get(c.field) for c in importer.columns])
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(out.getvalue())
    return path


def run(path, scope, mode="valid"):
    return imports.import_all(importer=importer, path=path, scope=scope, mode=mode)


def test_good_rows_import_with_hamlets_and_flags_and_bad_rows_say_why(bach_dang, ninh_binh_commune, tmp_path):
    future = (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    path = write(tmp_path / "hd.xlsx", [
        row(topic="Dòng tốt A"),
        row(topic="Dòng tốt B", hamlets_display="", integration_display=""),
        row(topic="Âm", reach_residents=-3),
        row(topic="Sai hình thức", kind="Múa lân"),
        row(topic="Thôn lạ", hamlets_display="Thôn Không Có"),
        row(topic="Tương lai", date=future),
        row(topic="Ngoài phạm vi", unit=ninh_binh_commune.name, hamlets_display=""),
        row(topic="Lồng ghép lạ", integration_display="Bóng đá"),
    ])
    job = run(path, ImportScope(unit=bach_dang))
    errors = {(n, column): reason for n, column, reason in job.preview["errors"]}
    assert errors[(4, "Người dân")] == "không được là số âm"
    assert "“Múa lân” không có trong danh mục" in errors[(5, "Hình thức")]
    assert errors[(6, "Thôn, tổ dân phố")] == f"không có “Thôn Không Có” trong {bach_dang.name}"
    assert "ở tương lai" in errors[(7, "Ngày thực hiện")]
    assert "không phải xã, phường trong phạm vi" in errors[(8, "Xã, phường, đặc khu")]
    assert "không phải chương trình lồng ghép" in errors[(9, "Lồng ghép")]
    assert (job.created, job.rejected) == (2, 6)
    a = Activity.objects.get(topic="Dòng tốt A")
    assert a.unit == bach_dang and a.integ_drugs and a.integ_hiv and not a.integ_gbv
    assert sorted(a.hamlets.values_list("name", flat=True)) == ["Tổ dân phố số 1", "Tổ dân phố số 2"]
    assert not Activity.objects.get(topic="Dòng tốt B").hamlets.exists()


def test_all_or_nothing_writes_nothing_with_a_bad_row(bach_dang, tmp_path):
    path = write(tmp_path / "hd.xlsx", [row(topic="Tất cả 1"), row(topic="Tất cả 2", reach_officials="mười")])
    with pytest.raises(imports.ImportFileError):
        run(path, ImportScope(unit=bach_dang), mode="all")
    assert not Activity.objects.filter(topic__startswith="Tất cả").exists()


def test_reimport_updates_and_the_same_activity_twice_is_an_error(bach_dang, tmp_path):
    path = write(tmp_path / "hd.xlsx", [row(topic="Nhập lại"), row(topic="Nhập lại")])
    job = run(path, ImportScope(unit=bach_dang))
    assert job.created == 1 and "trùng với dòng 2" in job.preview["errors"][0][2]
    path = write(tmp_path / "hd2.xlsx", [row(topic="nhap lai", reach_residents=99, hamlets_display="Tổ dân phố số 3")])
    again = run(path, ImportScope(unit=bach_dang))
    assert (again.created, again.updated) == (0, 1)
    a = Activity.objects.get(topic__in=["Nhập lại", "nhap lai"])
    assert a.reach_residents == 99 and list(a.hamlets.values_list("name", flat=True)) == ["Tổ dân phố số 3"]


def test_reach_above_the_denominator_needs_the_note(bach_dang, tmp_path):
    year = timezone.localdate().year
    reached = sum(Activity.objects.filter(unit=bach_dang, date__year=year).values_list("reach_high_risk", flat=True))
    Denominator.objects.update_or_create(unit=bach_dang, year=year, group="high_risk", defaults={
        "value": reached + 5, "source": "Ước tính", "as_of": datetime.date(year, 1, 1)})
    path = write(tmp_path / "hd.xlsx", [
        row(topic="Vượt 1", date=day(0), reach_high_risk=4),
        row(topic="Vượt 2", date=day(0), reach_high_risk=4),  # together above the base
        row(topic="Vượt 3", date=day(0), reach_high_risk=4, reach_note="Một người dự nhiều buổi"),
    ])
    job = run(path, ImportScope(unit=bach_dang))
    assert job.created == 2
    assert [(n, column) for n, column, _reason in job.preview["errors"]] == [
        (3, "Giải thích số người được tiếp cận")]


def test_export_reimports_as_updates(login, owner, bach_dang, tmp_path):
    scope = ImportScope(unit=bach_dang, membership=Membership.objects.get(user=owner), user=owner)
    run(write(tmp_path / "hd.xlsx", [row(topic="Xuất rồi nhập 1"), row(topic="Xuất rồi nhập 2")]), scope)
    year = timezone.localdate().year
    exported = b"".join(login(owner).get(reverse("activity_export"), {"year": year}).streaming_content)
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = imports.import_upload(importer=importer, fileobj=SimpleUploadedFile("x.xlsx", exported), filename="x.xlsx",
                                scope=scope)
    preview = imports.import_preview(job, importer, scope)
    count = Activity.objects.filter(unit=bach_dang, date__year=year).count()
    assert count >= 2
    assert preview["errors"] == [] and preview["create"] == 0 and preview["update"] == count


def test_outsider_cannot_import_into_bach_dang(login, outsider, bach_dang, tmp_path):
    scope = ImportScope(unit=Membership.objects.get(user=outsider).unit,
                        membership=Membership.objects.get(user=outsider), user=outsider)
    job = run(write(tmp_path / "hd.xlsx", [row(topic="Của người ngoài")]), scope)
    assert job.created == 0 and "không phải xã, phường trong phạm vi" in job.preview["errors"][0][2]
    assert login(outsider).get(reverse("activity_import")).status_code == 200  # his own commune's import


def test_template_lists_the_forms_and_agencies(login, owner):
    from openpyxl import load_workbook

    response = login(owner).get(reverse("activity_import_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                        if response.streaming else response.content))
    lists = {str(c.value) for col in workbook[imports.LISTS_SHEET].iter_cols() for c in col if c.value}
    assert "Hội nghị, hội thảo, họp dân" in lists and "Phòng Văn hóa - Xã hội phường Bạch Đằng" in lists
    assert [c.value for c in workbook[imports.DATA_SHEET][1]][:2] == ["Ngày thực hiện", "Xã, phường, đặc khu"]


def test_denominators_import_creates_updates_and_refuses_bad_rows(bach_dang, hai_phong, ninh_binh_commune, tmp_path):
    from pcmd.outreach.importers import denominators

    def write_bases(path, rows):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(denominators.headers)
        for values in rows:
            sheet.append([values.get(c.field) for c in denominators.columns])
        out = io.BytesIO()
        workbook.save(out)
        path.write_bytes(out.getvalue())
        return path

    base = {"year": 2025, "unit": "Phường Bạch Đằng", "group": "Học viên giáo dục nghề nghiệp", "value": 300,
            "source": "Sở Giáo dục", "as_of": "15/01/2025"}
    path = write_bases(tmp_path / "dt.xlsx", [
        base, {**base, "unit": "31", "value": 90_000},
        {**base, "value": -1}, {**base, "group": "Người ngoài hành tinh"}, {**base, "unit": ninh_binh_commune.name},
    ])
    job = imports.import_all(importer=denominators, path=path, scope=ImportScope(unit=hai_phong), mode="valid")
    assert job.created == 2
    columns = sorted(column for _n, column, _r in job.preview["errors"])
    assert columns == ["Số đối tượng", "Đơn vị", "Đối tượng"]
    assert Denominator.objects.get(unit=bach_dang, year=2025, group="voc_students").value == 300
    assert Denominator.objects.get(unit=hai_phong, year=2025, group="voc_students").value == 90_000
    again = imports.import_all(importer=denominators, path=write_bases(tmp_path / "b.xlsx", [{**base, "value": 320}]),
                               scope=ImportScope(unit=hai_phong), mode="all")
    assert (again.created, again.updated) == (0, 1)
    assert Denominator.objects.get(unit=bach_dang, year=2025, group="voc_students").value == 320
