"""The generic CRUD mechanism, on agencies: list, filters, search, export, create, edit, delete, history."""

import io

import pytest
from openpyxl import load_workbook

from pcmd.core.search import search
from pcmd.org.models import Agency

pytestmark = pytest.mark.django_db


def test_list_shows_own_unit_only_and_searches_without_diacritics(login, owner, bach_dang):
    client = login(owner)
    response = client.get("/co-quan/", {"q": "cong an"})
    assert response.status_code == 200
    names = [obj.name for obj, _ in response.context["rows"]]
    assert names == ["Công an phường Bạch Đằng"]
    response = client.get("/co-quan/")
    assert response.context["page"].paginator.count == Agency.objects.filter(unit=bach_dang).count()


def test_province_member_sees_the_province_and_its_communes(login, member_factory, hai_phong):
    from pcmd.org.models import Role

    user = member_factory("hp.user", hai_phong, Role.COORDINATOR)
    response = login(user).get("/co-quan/", {"q": "y te"})
    provinces = {obj.province_id for obj, _ in response.context["rows"]}
    assert provinces == {hai_phong.pk}
    everything_in_province = search(Agency.objects.filter(province=hai_phong), "y te").count()
    assert response.context["page"].paginator.count == everything_in_province > 100


def test_filter_and_htmx_partial(login, owner, bach_dang):
    kind = Agency.objects.get(unit=bach_dang, kind__code="tram-y-te").kind_id
    response = login(owner).get("/co-quan/", {"kind": kind}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="crud-table")
    text = response.content.decode()
    assert "<html" not in text and "Trạm Y tế phường Bạch Đằng" in text and "Công an phường" not in text


def test_export_writes_the_filtered_rows(login, owner):
    response = login(owner).get("/co-quan/xuat-excel/", {"q": "cong an"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Tên cơ quan"
    assert [r[0] for r in rows[1:]] == ["Công an phường Bạch Đằng"]


def test_create_keeps_typed_values_and_explains_errors(login, owner, bach_dang):
    client = login(owner)
    response = client.post("/co-quan/them/", {"unit": bach_dang.pk, "name": "", "phone": "0225 3888 999",
                                              "email": "khong-phai-email", "is_active": "on"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "0225 3888 999" in text and "khong-phai-email" in text
    assert "Chưa lưu được" in text


def test_create_edit_delete_with_history(login, owner, bach_dang):
    client = login(owner)
    response = client.post("/co-quan/them/", {"unit": bach_dang.pk, "name": "Trường THCS Bạch Đằng",
                                              "is_active": "on"})
    agency = Agency.objects.get(unit=bach_dang, name="Trường THCS Bạch Đằng")
    assert response.status_code == 302 and response["Location"] == f"/co-quan/{agency.pk}/"
    assert agency.province_id == bach_dang.province_id

    response = client.post(f"/co-quan/{agency.pk}/sua/", {"name": "Trường THCS Bạch Đằng (cơ sở 2)",
                                                         "phone": "0225 3111 111", "is_active": "on",
                                                         "version": agency.version})
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.phone == "0225 3111 111" and agency.version == 2

    detail = client.get(f"/co-quan/{agency.pk}/").content.decode()
    assert "Lịch sử thay đổi" in detail and "0225 3111 111" in detail and "p.owner" in detail or "Thử" in detail

    response = client.post(f"/co-quan/{agency.pk}/xoa/")
    assert response.status_code == 302 and not Agency.objects.filter(pk=agency.pk).exists()


def test_concurrent_edit_is_refused_and_keeps_what_was_typed(login, owner, bd_agency):
    client = login(owner)
    stale = bd_agency.version
    first = client.post(f"/co-quan/{bd_agency.pk}/sua/", {"name": bd_agency.name, "phone": "0225 3111 111",
                                                          "is_active": "on",
                                                          "version": stale})
    assert first.status_code == 302
    second = client.post(f"/co-quan/{bd_agency.pk}/sua/", {"name": bd_agency.name, "phone": "0225 3222 222",
                                                           "is_active": "on", "version": stale})
    assert second.status_code == 400
    text = second.content.decode()
    assert "vừa được người khác cập nhật" in text and 'value="0225 3222 222"' in text
    bd_agency.refresh_from_db()
    assert bd_agency.phone == "0225 3111 111"
    # The re-shown form carries the current version: saving again is a deliberate overwrite.
    third = client.post(f"/co-quan/{bd_agency.pk}/sua/", {"name": bd_agency.name, "phone": "0225 3222 222",
                                                          "is_active": "on", "version": second.context["version"]})
    assert third.status_code == 302


def test_delete_of_an_agency_in_use_is_refused_with_a_reason(login, owner, bach_dang):
    agency = Agency.objects.get(unit=bach_dang, kind__code="phong-vhxh")  # the owner's membership points at it
    response = login(owner).post(f"/co-quan/{agency.pk}/xoa/", follow=True)
    assert Agency.objects.filter(pk=agency.pk).exists()
    assert "Không xóa được" in response.content.decode()


def test_cannot_create_an_agency_outside_ones_scope(login, owner, ninh_binh_commune):
    response = login(owner).post("/co-quan/them/", {"unit": ninh_binh_commune.pk, "name": "Lạ", "is_active": "on"})
    assert response.status_code == 400
    assert not Agency.objects.filter(name="Lạ").exists()


def test_reader_may_look_but_not_write(login, reader, bd_agency):
    client = login(reader)
    assert client.get(f"/co-quan/{bd_agency.pk}/").status_code == 200
    assert client.get("/co-quan/them/").status_code == 403
    assert client.post(f"/co-quan/{bd_agency.pk}/sua/", {"name": "x", "version": 1}).status_code == 403
    assert client.post(f"/co-quan/{bd_agency.pk}/xoa/").status_code == 403
    assert Agency.objects.filter(pk=bd_agency.pk, name=bd_agency.name).exists()


def test_outsider_gets_nothing(login, outsider, bd_agency):
    client = login(outsider)
    for url in (f"/co-quan/{bd_agency.pk}/", f"/co-quan/{bd_agency.pk}/sua/", f"/co-quan/{bd_agency.pk}/xoa/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/co-quan/{bd_agency.pk}/xoa/").status_code == 404
    listing = client.get("/co-quan/", {"q": "bach dang"})
    assert listing.context["page"].paginator.count == 0
    export = client.get("/co-quan/xuat-excel/", {"q": "bach dang"})
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    assert len(rows) == 1  # the header only
