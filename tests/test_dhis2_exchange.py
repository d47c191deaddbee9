"""DHIS2 exchange against DHIS2's own formats (payloads written here from the DHIS2 Web API documentation's
description of dataValueSets: JSON, CSV, XML DXF2, ADX): round trips in the four formats, values given on the
set, deletions, disaggregations and computed indicators refused per row, the id scheme, DHIS2 periods, the CSV
header, hostile XML, and the mapping of elements and units to DHIS2 UIDs (service and page)."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import dhis2, mapping
from pcmd.indicators.models import DataValue, Dhis2ElementMap, Dhis2UnitMap, MatchedBy
from pcmd.org.models import Membership, Role

pytestmark = pytest.mark.django_db

PCT = "SUPPORT_ACCESS"  # the entered percent indicator
FORMATS = ["json", "csv", "xml", "adx"]


def _province(code, name):
    province = AdminUnit.objects.create(code=code, name=name, level=Level.PROVINCE, path=f"{code}/")
    province.province = province
    province.save()
    communes = [AdminUnit.objects.create(code=f"{code}{n}", name=f"Xã {name} {n}", level=Level.COMMUNE,
                                         parent=province, province=province, path=f"{code}/{code}{n}/")
                for n in (1, 2)]
    return province, communes


@pytest.fixture
def units(db):
    return _province("TX9", "Trao Xuất")


@pytest.fixture
def coordinator(units, member_factory):
    return Membership.objects.get(user=member_factory("tx9.coord", units[0], Role.COORDINATOR))


def put(unit, period, numerator, denominator, comment=""):
    p = Period.parse(period)
    return DataValue.objects.create(indicator=PCT, unit=unit, period=p.code, period_kind=p.kind, period_start=p.start,
                                    period_end=p.end, numerator=numerator, denominator=denominator, comment=comment)


def snapshot(units):
    return sorted(DataValue.objects.filter(unit__in=units).values_list("indicator", "unit__name", "period",
                                                                       "numerator", "denominator", "comment"))


def values_of(units):
    return sorted(DataValue.objects.filter(unit__in=units).values_list("indicator", "period", "numerator",
                                                                       "denominator", "comment"))


def reasons(summary):
    return {n: reason for n, _element, reason in summary.conflicts}


# --- round trips ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_in_each_format(units, coordinator, fmt):
    """Export → delete → import gives the same values (codes); the file parses back as its own format."""
    _province_unit, (a, b) = units
    put(a, "2026Q1", 14, 20, "Hội LHPN, “quý 1” <có> & dấu phẩy")
    put(a, "202605", 6.5, 10)
    put(b, "2026S1", 0, 7)
    put(b, "2025", 13, 19)
    before = snapshot([a, b])
    text = dhis2.render(dhis2.with_scheme(dhis2.entered_rows(DataValue.objects.filter(unit__in=[a, b])), "code"),
                        fmt, "code")
    parsed = dhis2.parse(text.encode())
    assert parsed.fmt == fmt and len(parsed) == 8
    DataValue.objects.filter(unit__in=[a, b]).delete()
    summary = dhis2.import_values(parsed, membership=coordinator)
    assert (summary.status, summary.imported, summary.updated, summary.ignored) == ("SUCCESS", 8, 0, 0), \
        summary.conflicts
    assert snapshot([a, b]) == before
    again = dhis2.import_values(dhis2.parse(text), membership=coordinator)
    assert (again.imported, again.updated, again.ignored) == (0, 0, 8)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_with_uids_into_a_fresh_set_of_units(units, fmt):
    """A file in DHIS2 UIDs (the mapping) goes into another set of units paired with the same UIDs: the values
    arrive there unchanged, the first units are untouched."""
    _p, (a, b) = units
    fresh_province, (c, d) = _province("TY7", "Tươi Mới")
    put(a, "2026Q1", 14, 20, "quý 1")
    put(b, "202603", 12, 15)
    for element, uid in ((f"{PCT}_NUM", "deNumeratr1"), (f"{PCT}_DEN", "deDenominat")):
        Dhis2ElementMap.objects.create(element=element, uid=uid, matched_by=MatchedBy.MANUAL)
    Dhis2UnitMap.objects.create(unit=a, uid="ouCommuneA1", matched_by=MatchedBy.MANUAL)
    Dhis2UnitMap.objects.create(unit=b, uid="ouCommuneB1", matched_by=MatchedBy.MANUAL)
    rows = dhis2.with_scheme(dhis2.entered_rows(DataValue.objects.filter(unit__in=[a, b])), "uid")
    assert rows.unmapped == 0 and {r["orgUnit"] for r in rows} == {"ouCommuneA1", "ouCommuneB1"}
    text = dhis2.render(rows, fmt, "uid")
    assert "TX91" not in text and PCT not in text  # UIDs only
    # The other instance: the same UIDs now name the fresh communes.
    Dhis2UnitMap.objects.filter(unit=a).update(unit=c, province=fresh_province)
    Dhis2UnitMap.objects.filter(unit=b).update(unit=d, province=fresh_province)
    before = values_of([a, b])
    summary = dhis2.import_values(dhis2.parse(text))
    assert (summary.status, summary.imported) == ("SUCCESS", 4), summary.conflicts
    assert values_of([c, d]) == before and values_of([a, b]) == before


# --- what the old code got wrong -------------------------------------------------------------------------------

XML_SET = """<?xml version="1.0" encoding="UTF-8"?>
<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" dataSet="dsPcmdQuart" completeDate="2026-04-05"
    period="2026Q1" orgUnit="TX91" dataElementIdScheme="CODE" orgUnitIdScheme="CODE">
  <dataValue dataElement="SUPPORT_ACCESS_NUM" value="8" comment="theo sổ HLHPN"/>
  <dataValue dataElement="SUPPORT_ACCESS_DEN" value="11"/>
  <dataValue dataElement="SUPPORT_ACCESS_NUM" orgUnit="TX92" value="1"/>
  <dataValue dataElement="SUPPORT_ACCESS_DEN" orgUnit="TX92" period="2026Q2" value="4"/>
</dataValueSet>
"""


def test_xml_dxf2_with_values_on_the_set_is_read(units, coordinator):
    _p, (a, b) = units
    rows = dhis2.parse(XML_SET.encode())
    assert rows.fmt == "xml" and rows.schemes == {"dataElement": "code", "orgUnit": "code"}
    assert [(r["period"], r["orgUnit"]) for r in rows] == [("2026Q1", "TX91"), ("2026Q1", "TX91"),
                                                           ("2026Q1", "TX92"), ("2026Q2", "TX92")]
    summary = dhis2.import_values(rows, membership=coordinator, mode="valid")
    v = DataValue.objects.get(unit=a, period="2026Q1")
    assert (v.numerator, v.denominator, v.comment) == (8, 11, "theo sổ HLHPN")
    # TX92 has a numerator for Q1 and a denominator for Q2 only: each misses its other half.
    assert summary.imported == 2 and "Thiếu" in reasons(summary)[3] and "Thiếu" in reasons(summary)[4]


def test_json_values_on_the_set_apply_to_rows_without_them(units, coordinator):
    _p, (a, _b) = units
    doc = {"dataSet": "dsPcmdQuart", "period": "202604", "orgUnit": "TX91", "attributeOptionCombo": "HllvX50cXC0",
           "dataValues": [{"dataElement": f"{PCT}_NUM", "value": "3"}, {"dataElement": f"{PCT}_DEN", "value": 5}]}
    summary = dhis2.import_values(dhis2.parse(json.dumps(doc)), membership=coordinator)
    assert summary.status == "SUCCESS" and summary.imported == 2
    assert DataValue.objects.get(unit=a, period="202604").denominator == 5


ADX = """<adx xmlns="urn:ihe:qrph:adx:2015" exported="2026-07-02T08:00:00Z">
  <group orgUnit="TX91" period="2026-04-01/P3M" dataSet="PCMD">
    <dataValue dataElement="SUPPORT_ACCESS_NUM" value="4"/>
    <dataValue dataElement="SUPPORT_ACCESS_DEN" value="9"/>
  </group>
  <group orgUnit="TX92" period="2026-01-01/P1Y" dataSet="PCMD">
    <dataValue dataElement="SUPPORT_ACCESS_NUM" SEX="F" AGE_GROUP="Y18_24" value="2"/>
    <dataValue dataElement="SUPPORT_ACCESS_DEN" value="6"/>
  </group>
</adx>"""


def test_adx_groups_periods_and_exploded_categories(units, coordinator):
    _p, (a, b) = units
    rows = dhis2.parse(ADX)
    assert rows.fmt == "adx" and [r["period"] for r in rows] == ["2026Q2", "2026Q2", "2026", "2026"]
    summary = dhis2.import_values(rows, membership=coordinator, mode="valid")
    assert DataValue.objects.get(unit=a, period="2026Q2").numerator == 4
    why = reasons(summary)
    assert "AGE_GROUP=Y18_24, SEX=F" in why[3] and "giới tính" in why[3]  # a breakdown is never taken as the total
    assert not DataValue.objects.filter(unit=b).exists()


def test_deleted_and_empty_values_delete_the_stored_figure(units, coordinator):
    _p, (a, b) = units
    put(a, "2026Q1", 3, 9)
    put(b, "2026Q1", 1, 2)
    doc = {"period": "2026Q1", "dataValues": [
        {"dataElement": f"{PCT}_NUM", "orgUnit": "TX91", "value": "3", "deleted": True},
        {"dataElement": f"{PCT}_DEN", "orgUnit": "TX91", "value": "9", "deleted": True},
        {"dataElement": f"{PCT}_NUM", "orgUnit": "TX92", "value": ""},
        {"dataElement": f"{PCT}_DEN", "orgUnit": "TX92", "value": None},
        {"dataElement": f"{PCT}_NUM", "orgUnit": "TX91", "period": "2026Q3", "deleted": "true"},  # nothing stored
        {"dataElement": f"{PCT}_DEN", "orgUnit": "TX91", "period": "2026Q3", "value": ""}]}
    dry = dhis2.import_values(dhis2.parse(json.dumps(doc)), membership=coordinator, dry_run=True)
    assert dry.deleted == 4 and DataValue.objects.filter(unit__in=[a, b]).count() == 2
    summary = dhis2.import_values(dhis2.parse(json.dumps(doc)), membership=coordinator)
    assert (summary.status, summary.deleted, summary.ignored, summary.imported) == ("SUCCESS", 4, 2, 0)
    assert summary.as_dict()["importCount"]["deleted"] == 4
    assert not DataValue.objects.filter(unit__in=[a, b]).exists()
    # CSV's deleted column, and XML's deleted attribute, do the same.
    put(a, "2026Q1", 3, 9)
    csv_text = (f"dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,"
                f"comment,followup,deleted\n{PCT}_NUM,2026Q1,TX91,,,3,,,,false,true\n{PCT}_DEN,2026Q1,TX91,,,9,,,,,true\n")
    assert dhis2.import_values(dhis2.parse(csv_text), membership=coordinator).deleted == 2
    put(a, "2026Q1", 3, 9)
    xml = (f'<dataValueSet xmlns="{dhis2.DXF_NS}" period="2026Q1" orgUnit="TX91">'
           f'<dataValue dataElement="{PCT}_NUM" value="3" deleted="true"/><dataValue dataElement="{PCT}_DEN" value=""/>'
           "</dataValueSet>")
    assert dhis2.import_values(dhis2.parse(xml), membership=coordinator).deleted == 2
    assert not DataValue.objects.filter(unit=a).exists()


def test_deleting_one_half_while_writing_the_other_is_refused(units, coordinator, member_factory):
    _p, (a, _b) = units
    put(a, "2026Q1", 3, 9)
    rows = [{"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TX91", "value": ""},
            {"dataElement": f"{PCT}_DEN", "period": "2026Q1", "orgUnit": "TX91", "value": "12"}]
    summary = dhis2.import_values(rows, membership=coordinator)
    assert "một phần bị xóa" in reasons(summary)[1] and DataValue.objects.get(unit=a).denominator == 9
    # An agency officer may add and change figures, not delete them.
    officer = Membership.objects.get(user=member_factory("tx9.officer", a, Role.AGENCY_OFFICER))
    summary = dhis2.import_values(rows[:1], membership=officer)
    assert "không có quyền xóa" in reasons(summary)[1] and DataValue.objects.filter(unit=a).exists()


def test_non_default_category_option_combos_are_refused_not_summed_nor_duplicates(units, coordinator):
    _p, (a, _b) = units
    rows = [
        {"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TX91", "categoryOptionCombo": "cocFemale01",
         "value": "2"},
        {"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TX91", "categoryOptionCombo": "cocMale0001",
         "value": "3"},
        {"dataElement": f"{PCT}_DEN", "period": "2026Q1", "orgUnit": "TX91", "categoryOptionCombo": "HllvX50cXC0",
         "value": "9"},
        {"dataElement": f"{PCT}_DEN", "period": "2026Q2", "orgUnit": "TX91", "attributeOptionCombo": "aocDonorX01",
         "value": "9"},
    ]
    summary = dhis2.import_values(rows, membership=coordinator, mode="valid")
    why = reasons(summary)
    assert "categoryOptionCombo" in why[1] and "cocFemale01" in why[1] and "giới tính" in why[1]
    assert "cocMale0001" in why[2] and "Trùng" not in why[2]
    assert "attributeOptionCombo" in why[4]
    assert 3 in why and "Thiếu" in why[3]  # the default COC is accepted; the numerator went with the refused rows
    assert not DataValue.objects.filter(unit=a).exists()


def test_a_computed_indicator_is_refused_per_row(units, coordinator):
    _p, (a, _b) = units
    rows = [{"dataElement": "COMM_SESSIONS", "period": "2026Q1", "orgUnit": "TX91", "value": "12"},
            {"dataElement": "TIPS_ON_TIME_NUM", "period": "2026Q1", "orgUnit": "TX91", "value": "1"},
            {"dataElement": f"{PCT}_NUM", "period": "2026Q1", "orgUnit": "TX91", "value": "1"},
            {"dataElement": f"{PCT}_DEN", "period": "2026Q1", "orgUnit": "TX91", "value": "2"}]
    summary = dhis2.import_values(rows, membership=coordinator, mode="valid")
    why = reasons(summary)
    assert "tính tự động" in why[1] and "sổ hoạt động truyền thông" in why[1]
    assert "tính tự động" in why[2]
    assert (summary.status, summary.imported, summary.ignored) == ("WARNING", 2, 2)
    assert set(DataValue.objects.filter(unit=a).values_list("indicator", flat=True)) == {PCT}


def test_export_declares_its_id_scheme(units):
    _p, (a, _b) = units
    put(a, "2026Q1", 11, 12)
    rows = dhis2.entered_rows(DataValue.objects.filter(unit=a))
    doc = json.loads(dhis2.to_json(rows, "code"))
    assert (doc["dataElementIdScheme"], doc["orgUnitIdScheme"], doc["idScheme"]) == ("CODE", "CODE", "CODE")
    assert 'dataElementIdScheme="CODE"' in dhis2.to_xml(rows) and 'orgUnitIdScheme="CODE"' in dhis2.to_adx(rows)
    # UIDs: only mapped rows leave, the others are counted.
    Dhis2ElementMap.objects.create(element=f"{PCT}_NUM", uid="deNumeratr1", matched_by=MatchedBy.CODE)
    Dhis2UnitMap.objects.create(unit=a, uid="ouCommuneA1", matched_by=MatchedBy.CODE)
    uid_rows = dhis2.with_scheme(rows, "uid")
    assert [r["dataElement"] for r in uid_rows] == ["deNumeratr1"] and uid_rows.unmapped == 1
    assert json.loads(dhis2.to_json(uid_rows, "uid"))["dataElementIdScheme"] == "UID"
    # An undeclared file is read by UID first, then by code; a declared code scheme does not read UIDs.
    rows_in = [{"dataElement": "deNumeratr1", "period": "2026Q1", "orgUnit": "ouCommuneA1", "value": "1"}]
    assert dhis2.import_values(rows_in, schemes={"dataElement": "code"}).conflicts


def test_export_emits_only_periods_dhis2_knows(units, coordinator, tmp_path):
    province, (a, _b) = units
    put(a, "2027Q1", 13, 14)
    put(a, "2028", 15, 16)
    phase = Period.parse("2026-2030")
    DataValue.objects.create(indicator=PCT, unit=a, period=phase.code, period_kind=phase.kind,
                             period_start=phase.start, period_end=phase.end, numerator=11, denominator=12)
    rows = dhis2.computed_rows(codes=[PCT], level="province", units=[province], period=phase)
    assert {r["period"] for r in rows} <= {"2026", "2027", "2028", "2029", "2030"} and "2027" in {
        r["period"] for r in rows}
    entered = dhis2.entered_rows(DataValue.objects.filter(unit=a))
    assert {r["period"] for r in entered} == {"2027Q1", "2028"} and entered.not_dhis2 == 2
    assert "giai đoạn" in entered.note
    out = tmp_path / "phase.json"
    call_command("dhis2", "export", "--period", "2026-2030", "--unit", "TX9", "--source", "computed", "--level",
                 "province", "--output", str(out))
    periods = {v["period"] for v in json.loads(out.read_text(encoding="utf-8"))["dataValues"]}
    assert periods and all(Period.parse(p).kind == "year" for p in periods)
    # Importing a phase is refused with the reason.
    summary = dhis2.import_values([{"dataElement": f"{PCT}_NUM", "period": "2026-2030", "orgUnit": "TX91",
                                    "value": "1"}], membership=coordinator)
    assert "không phải là kỳ của DHIS2" in reasons(summary)[1]


def test_csv_header_is_always_row_one_and_checked(units, coordinator):
    bad = f"dataelement,peroid,orgunit,categoryoptioncombo,attributeoptioncombo,value\n{PCT}_NUM,2026Q1,TX91,,,1\n"
    with pytest.raises(dhis2.ImportFormatError, match="cột 2 là “peroid”, cần “period”"):
        dhis2.parse(bad)
    with pytest.raises(dhis2.ImportFormatError, match="dòng tiêu đề"):
        dhis2.parse("a,b\n")
    # DHIS2's documented header with quotes and its short names is fine.
    good = ('"dataelement","period","orgunit","catoptcombo","attroptcombo","value","strby","lstupd","cmt"\n'
            f'"{PCT}_NUM","2026Q1","TX91","","","1","admin","2026-04-01",""\n')
    assert [r["value"] for r in dhis2.parse(good)] == ["1"]


@pytest.mark.parametrize("payload, match", [
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     '<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"><dataValue value="&b;"/></dataValueSet>', "DTD"),
    ('<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">' + "<x>" * 50 + "</x>" * 50 + "</dataValueSet>",
     "quá sâu"),
    ("<dataValueSet><dataValue", "không đọc được"),
    ('<html><body>nope</body></html>', "phần tử gốc"),
])
def test_hostile_or_wrong_xml_is_a_vietnamese_error(payload, match):
    with pytest.raises(dhis2.ImportFormatError, match=match):
        dhis2.parse(payload)


def test_too_many_xml_values_is_refused(monkeypatch):
    monkeypatch.setattr(dhis2, "MAX_ROWS", 3)
    monkeypatch.setattr(dhis2, "MAX_XML_ELEMENTS", 100)
    xml = f'<dataValueSet xmlns="{dhis2.DXF_NS}">' + '<dataValue dataElement="X" value="1"/>' * 5 + "</dataValueSet>"
    with pytest.raises(dhis2.ImportFormatError, match="quá nhiều"):
        dhis2.parse(xml)


def test_pages_export_each_format_and_import_xml(units, coordinator, client):
    _p, (a, _b) = units
    put(a, "2026Q1", 6, 10)
    client.force_login(coordinator.user)
    for fmt, marker in (("xml", "<dataValueSet"), ("adx", "<adx"), ("csv", "dataelement,period"), ("json", "{")):
        response = client.get(reverse("dhis2_export") + f"?nguon=entered&ky=2026&dinh-dang={fmt}&ma=code")
        assert response.status_code == 200 and response.content.decode().lstrip().startswith(
            marker) or marker in response.content.decode()[:200], fmt
        assert response["X-PCMD-Id-Scheme"] == "CODE"
    text = client.get(reverse("dhis2_export") + "?nguon=entered&ky=2026&dinh-dang=xml&ma=code").content
    DataValue.objects.filter(unit=a).delete()
    page = client.post(reverse("dhis2_import"), {"file": SimpleUploadedFile("dv.xml", text), "mode": "all"})
    assert page.status_code == 200 and "Nhập mới: <strong>2</strong>" in page.content.decode()
    assert DataValue.objects.get(unit=a, period="2026Q1").numerator == 6


# --- mapping ----------------------------------------------------------------------------------------------------

METADATA = {
    "dataElements": [
        {"id": "deNumeratr1", "code": "SUPPORT_ACCESS_NUM", "name": "Tiếp cận hỗ trợ - tử số"},
        {"id": "deDenominat", "code": "", "name": "Tỷ lệ người bán dâm có nhu cầu được hỗ trợ (mẫu số)"},
        {"id": "deSessions1", "code": "", "name": "Số buổi truyền thông, tuyên truyền tổ chức trong năm"},
        {"id": "bad id", "code": "X", "name": "no uid"},
    ],
    "organisationUnits": [
        {"id": "ouProvince1", "code": "TX9", "name": "Tỉnh Trao Xuất"},
        {"id": "ouCommune01", "code": "", "name": "XA TRAO XUAT 1"},
        {"id": "ouTwinA0001", "code": "", "name": "Xã Trao Xuất 2"},
        {"id": "ouTwinB0001", "code": "", "name": "Xa Trao Xuat 2"},  # the same name twice: no automatic pair
    ],
    "categoryOptionCombos": [{"id": "cocDefault1", "code": "", "name": "default"},
                             {"id": "cocFemale01", "code": "F", "name": "Nữ, 18-24"}],
}


@pytest.fixture
def national_admin(member_factory):
    return Membership.objects.get(user=member_factory("tx9.nat.admin", None, Role.ADMIN))


@pytest.fixture
def province_admin(units, member_factory):
    return Membership.objects.get(user=member_factory("tx9.prov.admin", units[0], Role.ADMIN))


def test_metadata_pairs_by_code_then_name_and_keeps_manual_pairs(units, national_admin, province_admin):
    province, (a, b) = units
    from pcmd.indicators.catalogue import BY_CODE

    name = BY_CODE[PCT].name
    METADATA["dataElements"][1]["name"] = f"{name} (mẫu số)"
    data = json.dumps(METADATA).encode()
    # A province admin pairs the province's units, not the data elements.
    result = mapping.metadata_import(membership=province_admin, data=data)
    assert result.elements == {} and result.units == {"code": 1, "name": 1}
    assert Dhis2UnitMap.objects.get(unit=province).uid == "ouProvince1"
    assert Dhis2UnitMap.objects.get(unit=a).matched_by == MatchedBy.NAME
    assert not Dhis2UnitMap.objects.filter(unit=b).exists()  # ambiguous name: left for a person
    with pytest.raises(PermissionDenied):
        mapping.element_set(membership=province_admin, element=f"{PCT}_NUM", uid="deNumeratr1")
    # The national seat pairs the elements: by code, then by name (the percent's denominator, a count's name).
    result = mapping.metadata_import(membership=national_admin, data=data)
    maps = dict(Dhis2ElementMap.objects.values_list("element", "matched_by"))
    assert maps[f"{PCT}_NUM"] == "code" and maps[f"{PCT}_DEN"] == "name" and maps["COMM_SESSIONS"] == "name"
    # A hand-made pair survives the next automatic pairing.
    mapping.unit_set(membership=province_admin, unit=b, uid="ouTwinB0001")
    mapping.unit_set(membership=province_admin, unit=a, uid="ouManual001")
    mapping.metadata_import(membership=province_admin, data=data)
    assert Dhis2UnitMap.objects.get(unit=a).uid == "ouManual001"
    assert Dhis2UnitMap.objects.get(unit=b).matched_by == MatchedBy.MANUAL
    # The imported default COC is accepted on import; another COC is refused with its DHIS2 name.
    rows = [{"dataElement": "deNumeratr1", "period": "2026Q1", "orgUnit": "ouProvince1", "value": "1",
             "categoryOptionCombo": "cocDefault1"},
            {"dataElement": "deDenominat", "period": "2026Q1", "orgUnit": "ouProvince1", "value": "2",
             "categoryOptionCombo": "cocFemale01"}]
    why = reasons(dhis2.import_values(rows, mode="valid"))
    assert 1 not in why or "Thiếu" in why[1]
    assert "Nữ, 18-24" in why[2]
    with pytest.raises(Exception, match="không phải UID"):
        mapping.unit_set(membership=province_admin, unit=a, uid="x;drop")


def test_mapping_page_scoped_by_seat(units, province_admin, national_admin, client, coordinator, outsider,
                                     verified_login):
    province, (a, _b) = units
    verified_login(province_admin.user)
    page = client.get(reverse("dhis2_mapping"))
    text = page.content.decode()
    assert page.status_code == 200 and a.name in text and 'name="uid-SUPPORT_ACCESS_NUM"' not in text
    upload = SimpleUploadedFile("meta.json", json.dumps(METADATA).encode(), content_type="application/json")
    client.post(reverse("dhis2_mapping"), {"step": "metadata", "file": upload})
    assert Dhis2UnitMap.objects.get(unit=province).uid == "ouProvince1"
    client.post(reverse("dhis2_mapping"), {"step": "units", f"uid-{a.code}": "ouHandMade1"})
    assert Dhis2UnitMap.objects.get(unit=a).uid == "ouHandMade1"
    assert client.post(reverse("dhis2_mapping"), {"step": "elements"}).status_code == 403
    bad = client.post(reverse("dhis2_mapping"), {"step": "units", f"uid-{a.code}": "không hợp lệ"}, follow=True)
    assert "không phải UID" in bad.content.decode()
    # A national seat pairs elements; another province's admin does not see this province.
    verified_login(national_admin.user)
    client.post(reverse("dhis2_mapping"), {"step": "elements", f"uid-{PCT}_NUM": "deHandMade1"})
    assert Dhis2ElementMap.objects.get(element=f"{PCT}_NUM").uid == "deHandMade1"
    far = AdminUnit.objects.get(code="37")
    outsider.memberships.update(is_active=False)
    verified_login(Membership.objects.create(user=outsider, unit=far, role=Role.ADMIN).user)
    assert client.get(reverse("dhis2_mapping") + "?don-vi=TX9").status_code in (403, 404)
    client.force_login(coordinator.user)  # coordinators exchange data but do not pair
    assert client.get(reverse("dhis2_mapping")).status_code == 403


def test_metadata_file_with_duplicates_and_junk(national_admin):
    from django.core.exceptions import ValidationError

    from pcmd.indicators.models import Dhis2Object

    data = {"organisationUnits": [{"id": "ouSame00001", "name": "A"}, {"id": "ouSame00001", "name": "B"}, "junk",
                                  {"id": 5}, {"id": "ouOther0001", "code": ["x"], "name": {"y": 1}}]}
    result = mapping.metadata_import(membership=national_admin, data=json.dumps(data).encode())
    assert result.objects == {"orgunit": 3}
    assert list(Dhis2Object.objects.filter(uid="ouSame00001").values_list("name", flat=True)) == ["A"]
    assert Dhis2Object.objects.get(uid="ouOther0001").code == ""
    for junk in (b"[1, 2]", b"\xff\xfe", b"{", b'{"dataElements": 3}', b"[" * 5000 + b"]" * 5000):
        with pytest.raises(ValidationError):
            mapping.read_metadata(junk)
