"""DHIS2 exchange: dataValueSets JSON and CSV out and in, round trip, every bad row's reason, the
pages and the command, and an outsider who gets nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import dhis2, services
from pcmd.indicators.models import DataValue
from pcmd.org.models import Membership, Role

pytestmark = pytest.mark.django_db

PCT = "SUPPORT_ACCESS"  # a sensitive indicator: values of 1–4 are never exported (tests/test_support_figures.py)


@pytest.fixture
def units(db):
    province = AdminUnit.objects.create(code="TD8", name="Tỉnh Trao Đổi", level=Level.PROVINCE, path="TD8/")
    province.province = province
    province.save()
    communes = [AdminUnit.objects.create(code=f"TD8{n}", name=f"Xã Đổi {n}", level=Level.COMMUNE, parent=province,
                                         province=province, path=f"TD8/TD8{n}/") for n in (1, 2)]
    return province, communes


@pytest.fixture
def coordinator(units, member_factory):
    return Membership.objects.get(user=member_factory("td8.coord", units[0], Role.COORDINATOR))


def put(unit, period, numerator, denominator, comment=""):
    p = Period.parse(period)
    return DataValue.objects.create(indicator=PCT, unit=unit, period=p.code, period_kind=p.kind, period_start=p.start,
                                    period_end=p.end, numerator=numerator, denominator=denominator, comment=comment)


def snapshot(units):
    return sorted(DataValue.objects.filter(unit__in=units).values_list("indicator", "unit__code", "period",
                                                                       "numerator", "denominator", "comment"))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_gives_the_same_values(units, coordinator, fmt):
    province, (a, b) = units
    put(a, "2026Q1", 14, 20, "Hội LHPN, “quý 1”, có dấu phẩy")
    put(a, "2026Q2", 6.5, 10)
    put(b, "2026Q1", 0, 7)
    before = snapshot([a, b])
    rows = dhis2.entered_rows(DataValue.objects.filter(unit__in=[a, b]))
    assert {r["dataElement"] for r in rows} == {f"{PCT}_NUM", f"{PCT}_DEN"} and len(rows) == 6
    text = dhis2.to_json(rows) if fmt == "json" else dhis2.to_csv(rows)
    if fmt == "json":
        assert json.loads(text)["dataValues"][0]["orgUnit"] in ("TD81", "TD82")
    DataValue.objects.filter(unit__in=[a, b]).delete()
    summary = dhis2.import_values(dhis2.parse(text), membership=coordinator)
    assert (summary.status, summary.imported, summary.updated, summary.ignored) == ("SUCCESS", 6, 0, 0)
    assert snapshot([a, b]) == before
    # The same file again changes nothing: every row is ignored.
    again = dhis2.import_values(dhis2.parse(text), membership=coordinator)
    assert (again.imported, again.updated, again.ignored) == (0, 0, 6)


def test_computed_values_export_and_import_as_entered(units, coordinator):
    province, (a, b) = units
    put(a, "2026Q3", 13, 14)
    put(b, "2026Q2", 11, 14)
    rows = dhis2.computed_rows(codes=[PCT], level="province", units=[province], period=Period.parse("2026"))
    assert rows == [
        {"dataElement": f"{PCT}_NUM", "period": "2026", "orgUnit": "TD8", "value": "24", "storedBy": "PCMD",
         "comment": ""},
        {"dataElement": f"{PCT}_DEN", "period": "2026", "orgUnit": "TD8", "value": "28", "storedBy": "PCMD",
         "comment": ""}]
    summary = dhis2.import_values(dhis2.parse(dhis2.to_csv(rows)), membership=coordinator)
    assert summary.imported == 2
    v = DataValue.objects.get(unit=province, period="2026")
    assert (v.numerator, v.denominator, v.period_kind) == (24, 28, "year")


def test_every_bad_row_has_its_reason_and_all_mode_writes_nothing(units, coordinator, outsider):
    province, (a, b) = units
    services.approve(membership=coordinator, unit=b, period=Period.parse("2025"))
    far = AdminUnit.objects.filter(province__code="37", level=Level.COMMUNE).order_by("code").first()
    hamlet = AdminUnit.objects.filter(level=Level.HAMLET).first()
    rows = [
        {"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TD81", "value": "3"},   # 1 good
        {"dataElement": f"{PCT}_DEN", "period": "2026Q1", "orgUnit": "TD81", "value": "9"},   # 2 good
        {"dataElement": "KHONG_CO", "period": "2026Q1", "orgUnit": "TD81", "value": "1"},     # 3 unknown element
        {"dataElement": PCT, "period": "2026Q1", "orgUnit": "TD81", "value": "1"},            # 4 percent w/o part
        {"dataElement": f"{PCT}_NUM", "period": "2026Q5", "orgUnit": "TD81", "value": "1"},   # 5 bad period
        {"dataElement": f"{PCT}_NUM", "period": "2026Q2", "orgUnit": "ZZ999", "value": "1"},  # 6 unknown unit
        {"dataElement": f"{PCT}_NUM", "period": "2026Q2", "orgUnit": far.code, "value": "1"},  # 7 out of scope
        {"dataElement": f"{PCT}_NUM", "period": "2026Q2", "orgUnit": "TD81", "value": "mười"},  # 8 not a number
        {"dataElement": f"{PCT}_NUM", "period": "2026Q2", "orgUnit": "TD81", "value": "-2"},  # 9 negative
        {"dataElement": f"{PCT}_NUM", "period": "2025Q4", "orgUnit": "TD82", "value": "1"},   # 10 locked
        {"dataElement": f"{PCT}_DEN", "period": "2025Q4", "orgUnit": "TD82", "value": "2"},   # 11 locked
        {"dataElement": f"{PCT}_NUM", "period": "2026Q3", "orgUnit": "TD82", "value": "5"},   # 12 no denominator
        {"dataElement": f"{PCT}_NUM", "period": "2026Q4", "orgUnit": "TD82", "value": "5"},   # 13 num > den
        {"dataElement": f"{PCT}_DEN", "period": "2026Q4", "orgUnit": "TD82", "value": "2"},   # 14 num > den
        {"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TD81", "value": "4"},   # 15 duplicate of 1
    ]
    if hamlet is not None:
        rows.append({"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": hamlet.code, "value": "1"})
    summary = dhis2.import_values(rows, membership=coordinator)
    reasons = {n: reason for n, _element, reason in summary.conflicts}
    assert "không có trong danh mục" in reasons[3]
    assert "_NUM" in reasons[4]
    assert "không hợp lệ" in reasons[5]
    assert "Không có đơn vị mã" in reasons[6]
    assert "ngoài phạm vi" in reasons[7]
    assert "không phải là số" in reasons[8]
    assert "âm" in reasons[9]
    assert "đã được phê duyệt" in reasons[10] and "đã được phê duyệt" in reasons[11]
    assert "Thiếu" in reasons[12] and "mẫu số" in reasons[12]
    assert "lớn hơn mẫu số" in reasons[13] and 14 in reasons
    assert "Trùng với dòng 1" in reasons[15]
    if hamlet is not None:
        assert "chỉ nhận số liệu" in reasons[16]
    assert 1 not in reasons and 2 not in reasons
    assert summary.status == "ERROR" and summary.imported == 0 and summary.ignored == len(rows)
    assert not DataValue.objects.filter(unit__in=[a, b]).exists()
    # Good rows only: the one good pair goes in, the rest is ignored.
    valid = dhis2.import_values(rows, membership=coordinator, mode="valid")
    assert (valid.status, valid.imported, valid.ignored) == ("WARNING", 2, len(rows) - 2)
    assert DataValue.objects.get(unit=a, period="2026Q1").numerator == 3
    assert valid.as_dict()["importCount"] == {"imported": 2, "updated": 0, "ignored": len(rows) - 2, "deleted": 0}


def test_bad_files_are_refused():
    with pytest.raises(dhis2.ImportFormatError):
        dhis2.parse(b"{not json")
    with pytest.raises(dhis2.ImportFormatError):
        dhis2.parse('{"foo": 1}')
    # DHIS2 always skips row 1 of a CSV: a file without a header is refused (row 1 would be lost), not read.
    with pytest.raises(dhis2.ImportFormatError, match="dòng tiêu đề"):
        dhis2.parse(f"{PCT}_NUM,2026Q1,TD81,,,3,admin,,ghi chú\n")
    # Columns are read by position after the header, as DHIS2 does.
    assert dhis2.parse(f"de,pe,ou,coc,aoc,value,strby,lstupd,cmt\n{PCT}_NUM,2026Q1,TD81,,,3,admin,,ghi chú\n")[0] == {
        "dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TD81", "categoryOptionCombo": "",
        "attributeOptionCombo": "", "value": "3", "comment": "ghi chú", "deleted": "", "disaggregation": ""}


def test_pages_export_and_import(units, coordinator, client):
    province, (a, _b) = units
    put(a, "2026Q1", 6, 10)
    client.force_login(coordinator.user)
    assert client.get(reverse("dhis2_import")).status_code == 200
    response = client.get(reverse("dhis2_export") + "?nguon=entered&ky=2026&dinh-dang=csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    assert response.status_code == 200 and f"{PCT}_NUM,2026Q1,TD81" in text
    DataValue.objects.all().filter(unit=a).delete()
    upload = SimpleUploadedFile("dv.csv", text.encode(), content_type="text/csv")
    page = client.post(reverse("dhis2_import"), {"file": upload, "mode": "all"})
    assert page.status_code == 200 and "Nhập mới: <strong>2</strong>" in page.content.decode()
    assert DataValue.objects.get(unit=a, period="2026Q1").denominator == 10
    computed = client.get(reverse("dhis2_export") + "?nguon=computed&cap=province&ky=2026")
    assert computed.status_code == 200 and '"orgUnit": "TD8"' in computed.content.decode()
    communes = client.get(reverse("dhis2_export") + "?nguon=computed&ky=2026").content.decode()
    assert '"orgUnit": "TD81"' in communes and '"orgUnit": "TD8"' not in communes  # the communes, not the province


def test_outsider_gets_nothing(units, outsider, client, tmp_path):
    province, (a, _b) = units
    put(a, "2026Q1", 6, 10)
    client.force_login(outsider)
    mine = client.get(reverse("dhis2_export") + "?nguon=entered&ky=2026")
    assert mine.status_code == 200 and "TD81" not in mine.content.decode()
    assert client.get(reverse("dhis2_export") + f"?don-vi={province.code}&ky=2026").status_code == 404
    rows = [{"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TD81", "value": "9"},
            {"dataElement": f"{PCT}_DEN", "period": "2026Q1", "orgUnit": "TD81", "value": "10"}]
    upload = SimpleUploadedFile("dv.json", dhis2.to_json(rows).encode(), content_type="application/json")
    page = client.post(reverse("dhis2_import"), {"file": upload, "mode": "valid"})
    assert "ngoài phạm vi" in page.content.decode()
    assert DataValue.objects.get(unit=a, period="2026Q1").numerator == 6


def test_command_round_trip(units, tmp_path, capsys):
    _province, (a, _b) = units
    put(a, "2026Q1", 6, 10)
    out = tmp_path / "dv.json"
    call_command("dhis2", "export", "--period", "2026", "--unit", "TD8", "--output", str(out))
    DataValue.objects.filter(unit=a).delete()
    call_command("dhis2", "import", str(out))
    assert '"imported": 2' in capsys.readouterr().out
    assert DataValue.objects.get(unit=a, period="2026Q1").numerator == 6


def test_command_export_as_a_user_keeps_to_their_scope(units, outsider, coordinator, tmp_path):
    """`--as` applies the seat's scope through core.scoping: another province's unit is refused and the
    seat's own export holds none of its figures; a seat of the province gets them."""
    from django.core.management.base import CommandError

    province, (a, _b) = units
    put(a, "2026Q1", 6, 10)
    with pytest.raises(CommandError, match="trong phạm vi"):
        call_command("dhis2", "export", "--period", "2026", "--unit", "TD8", "--as", outsider.username)
    theirs, ours = tmp_path / "theirs.json", tmp_path / "ours.json"
    call_command("dhis2", "export", "--period", "2026", "--as", outsider.username, "--output", str(theirs))
    assert "TD81" not in theirs.read_text(encoding="utf-8")
    call_command("dhis2", "export", "--period", "2026", "--as", coordinator.user.username, "--output", str(ours))
    assert '"orgUnit": "TD81"' in ours.read_text(encoding="utf-8")
