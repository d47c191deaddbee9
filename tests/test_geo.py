import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from pcmd.geo import services
from pcmd.geo.models import AdminUnit, Level
from pcmd.geo.selectors import units_search
from pcmd.org.models import Membership

pytestmark = pytest.mark.django_db


def test_official_units_are_loaded_with_codes_names_and_types():
    active = AdminUnit.objects.filter(is_active=True)
    assert active.filter(level=Level.PROVINCE).count() == 34
    assert active.filter(level=Level.COMMUNE).count() == 3321
    hanoi = AdminUnit.objects.get(code="01")
    assert (hanoi.name, hanoi.division_type, hanoi.province_id, hanoi.path) == (
        "Thành phố Hà Nội", "thành phố trung ương", hanoi.pk, "01/")
    assert AdminUnit.objects.get(code="37").name == "Tỉnh Ninh Bình"
    hoan_kiem = AdminUnit.objects.get(code="00070")
    assert hoan_kiem.name == "Phường Hoàn Kiếm" and hoan_kiem.parent == hanoi and hoan_kiem.path == "01/00070/"


def test_loading_again_changes_nothing(capsys):
    before = AdminUnit.objects.count()
    call_command("load_units")
    assert AdminUnit.objects.count() == before
    assert "thêm 0" in capsys.readouterr().out


def test_search_ignores_diacritics_and_case_and_shows_the_province(owner):
    membership = Membership.objects.get(user=owner)
    found = [u.label for u in units_search("bach dang", membership) if u.level != Level.HAMLET]
    assert sorted(found) == ["Phường Bạch Đằng, Thành phố Hải Phòng", "Xã Bạch Đằng, Tỉnh Cao Bằng"]
    assert [u.name for u in units_search("BẠCH ĐẰNG", membership) if u.level != Level.HAMLET] == \
        [u.name for u in units_search("bach dang", membership) if u.level != Level.HAMLET]


def test_search_page_shows_units_with_their_province(login, owner):
    response = login(owner).get("/don-vi/", {"q": "bach dang"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Phường Bạch Đằng" in text and "Thành phố Hải Phòng" in text and "Xã Bạch Đằng" in text


def test_hamlets_of_other_provinces_do_not_show_in_search(login, outsider, bach_dang):
    hamlet = AdminUnit.objects.filter(parent=bach_dang, level=Level.HAMLET).first()
    response = login(outsider).get("/don-vi/", {"q": hamlet.name}, HTTP_HX_REQUEST="true")
    assert bach_dang.name not in response.content.decode()


def test_legacy_district_and_commune_are_created_inactive(hai_phong):
    # The demo already declares Q-DUONG-KINH (the seed plan's district); this test uses Quận Hồng Bàng's old code.
    district = services.legacy_unit_create(code="Q-HONG-BANG", name="Quận Hồng Bàng", division_type="quận",
                                           level=Level.DISTRICT, parent=hai_phong)
    ward = services.legacy_unit_create(code="P-HOA-NGHIA", name="Phường Hòa Nghĩa", division_type="phường",
                                       level=Level.COMMUNE, parent=district)
    assert not district.is_active and not ward.is_active
    assert ward.province == hai_phong and ward.path == "31/Q-HONG-BANG/P-HOA-NGHIA/"
    with pytest.raises(ValidationError):
        services.legacy_unit_create(code="Q-HONG-BANG", name="x", division_type="quận", level=Level.DISTRICT,
                                    parent=hai_phong)


def test_hamlet_needs_a_commune_and_a_unique_name(bach_dang, hai_phong):
    hamlet = services.hamlet_create(commune=bach_dang, name="Tổ dân phố Cầu Rào", division_type="tổ dân phố")
    assert hamlet.level == Level.HAMLET and hamlet.province_id == hai_phong.pk
    assert hamlet.path.startswith(bach_dang.path)
    with pytest.raises(ValidationError):
        services.hamlet_create(commune=bach_dang, name="to dan pho cau rao", division_type="tổ dân phố")
    with pytest.raises(ValidationError):
        services.hamlet_create(commune=hai_phong, name="Tổ 1", division_type="tổ dân phố")


def test_add_legacy_unit_command(capsys):
    call_command("add_legacy_unit", code="Q-DK", name="Quận Dương Kinh", division_type="quận", level="district",
                 parent="31")
    unit = AdminUnit.objects.get(code="Q-DK")
    assert not unit.is_active and unit.parent.code == "31" and "Đã tạo Quận Dương Kinh" in capsys.readouterr().out
