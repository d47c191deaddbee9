"""Establishments: the CRUD, its rules, scoping (unit and managing agency), duplicate warning, demo data."""

import datetime

import pytest
from django.urls import reverse

from pcmd.core.demo import SeedContext
from pcmd.org.models import Agency, Role
from pcmd.venues import services
from pcmd.venues.models import Establishment, EstablishmentType

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {"name": "Karaoke Ánh Trăng", "type": EstablishmentType.objects.get(code="karaoke").pk,
            "status": "operating", "address": "Số 5 Lạch Tray", "workers_total": "8", "workers_female": "3",
            "owner_phone": "0987654321"}
    data.update(extra)
    return data


def bd_record(bach_dang, kind="phong-vhxh"):
    return Establishment.objects.filter(unit=bach_dang, managing_agency__kind__code=kind).order_by("pk").first()


def test_owner_creates_with_default_managing_agency_and_hamlet(login, owner, bach_dang, bd_hamlet):
    client = login(owner)
    response = client.post(reverse("establishment_create"), form_data(hamlet=bd_hamlet.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Establishment.objects.get(name="Karaoke Ánh Trăng")
    assert made.unit == bach_dang and made.province_id == bach_dang.province_id
    assert made.managing_agency == Agency.objects.get(unit=bach_dang, kind__code="phong-vhxh")
    hotel = services.establishment_create(membership=None, data={
        "name": "Nhà nghỉ Bến Cảng", "address": "Số 9 Cầu Đất", "unit": bach_dang,
        "type": EstablishmentType.objects.get(code="nha-nghi")})
    assert hotel.managing_agency.kind.code == "cong-an-xa"


def test_default_agency_falls_back_to_the_province(bach_dang, hai_phong):
    Agency.objects.filter(unit=bach_dang, kind__code="phong-vhxh").update(is_active=False)
    agency = services.default_managing_agency(bach_dang, EstablishmentType.objects.get(code="karaoke"))
    assert agency == Agency.objects.get(unit=hai_phong, kind__code="so-vhtt")


@pytest.mark.parametrize("extra,field,message", [
    ({"workers_total": "2", "workers_female": "5"}, "workers_female", "không được lớn hơn"),
    ({"licence_date": "2025-05-01", "licence_expiry": "2025-01-01"}, "licence_expiry", "phải sau ngày cấp"),
    ({"workers_total": "-4"}, "workers_total", ""),
])
def test_rules_keep_typed_input_and_say_why(login, owner, extra, field, message):
    response = login(owner).post(reverse("establishment_create"), form_data(**extra))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert form["name"].value() == "Karaoke Ánh Trăng"  # nothing typed is lost
    assert not Establishment.objects.filter(name="Karaoke Ánh Trăng").exists()


def test_hamlet_must_belong_to_the_commune(bach_dang, ninh_binh_commune):
    from pcmd.geo.models import AdminUnit, Level

    other = AdminUnit.objects.filter(parent=ninh_binh_commune, level=Level.HAMLET).first()
    with pytest.raises(services.ValidationError) as info:
        services.establishment_create(membership=None, data={
            "name": "X", "address": "Y", "unit": bach_dang, "hamlet": other,
            "type": EstablishmentType.objects.get(code="karaoke")})
    assert "không thuộc Phường Bạch Đằng" in info.value.message_dict["hamlet"][0]


def test_duplicate_is_a_warning_the_user_can_confirm(login, owner, bach_dang):
    existing = Establishment.objects.filter(unit=bach_dang).exclude(registration_number="").first()
    client = login(owner)
    data = form_data(name="Tên khác hẳn", registration_number=existing.registration_number)
    response = client.post(reverse("establishment_create"), data)
    page = response.content.decode()
    assert response.status_code == 400 and "có thể trùng" in page
    assert reverse("establishment_detail", args=[existing.pk]) in page and "Vẫn lưu (không phải trùng)" in page
    assert not Establishment.objects.filter(name="Tên khác hẳn").exists()
    response = client.post(reverse("establishment_create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Establishment.objects.filter(name="Tên khác hẳn").exists()
    # Same name and address (any case, any diacritics) in the commune is a possible duplicate too.
    response = client.post(reverse("establishment_create"), form_data(name=existing.name.upper(),
                                                                      address=existing.address))
    assert response.status_code == 400 and existing.name in response.content.decode()


def test_owner_edits_and_reader_is_read_only(login, owner, reader, bach_dang):
    target = bd_record(bach_dang)
    client = login(owner)
    data = form_data(name="Đổi tên", version=target.version, type=target.type_id)
    assert client.post(reverse("establishment_edit", args=[target.pk]), data).status_code == 302
    target.refresh_from_db()
    assert target.name == "Đổi tên" and target.version == 2
    client = login(reader)
    assert client.get(reverse("establishment_list")).status_code == 200
    assert client.get(reverse("establishment_detail", args=[target.pk])).status_code == 200
    for name in ("establishment_edit", "establishment_delete"):
        assert client.get(reverse(name, args=[target.pk])).status_code == 403
    assert client.post(reverse("establishment_edit", args=[target.pk]), data).status_code == 403
    assert client.get(reverse("establishment_create")).status_code == 403


def test_outsider_gets_nothing(login, outsider, bach_dang):
    target = bd_record(bach_dang)
    client = login(outsider)
    for name in ("establishment_detail", "establishment_edit", "establishment_delete"):
        assert client.get(reverse(name, args=[target.pk])).status_code == 404
    assert client.post(reverse("establishment_edit", args=[target.pk]), form_data()).status_code == 404
    listing = client.get(reverse("establishment_list"), {"q": target.name}).content.decode()
    assert target.address not in listing
    exported = b"".join(client.get(reverse("establishment_export")).streaming_content)
    assert target.address.encode() not in exported


def test_culture_officer_edits_only_his_agencys_establishments(login, member_factory, bach_dang):
    officer = member_factory("bd.vanhoa", bach_dang, Role.AGENCY_OFFICER, "phong-vhxh")
    client = login(officer)
    own, police = bd_record(bach_dang, "phong-vhxh"), bd_record(bach_dang, "cong-an-xa")
    assert client.get(reverse("establishment_detail", args=[police.pk])).status_code == 200  # reading is fine
    assert client.get(reverse("establishment_edit", args=[police.pk])).status_code == 403
    data = form_data(name="Sửa trái phép", version=police.version, type=police.type_id)
    assert client.post(reverse("establishment_edit", args=[police.pk]), data).status_code == 403
    police.refresh_from_db()
    assert police.name != "Sửa trái phép"
    data = form_data(name="Sửa đúng thẩm quyền", version=own.version, type=own.type_id)
    assert client.post(reverse("establishment_edit", args=[own.pk]), data).status_code == 302
    # Creating: the managing agency is his own (the field is fixed), so a hotel is refused.
    hotel = form_data(name="Khách sạn Mới", type=EstablishmentType.objects.get(code="khach-san").pk,
                      managing_agency=Agency.objects.get(unit=bach_dang, kind__code="cong-an-xa").pk)
    response = client.post(reverse("establishment_create"), hotel)
    assert response.status_code == 302
    assert Establishment.objects.get(name="Khách sạn Mới").managing_agency.kind.code == "phong-vhxh"


def test_filters(login, owner, bach_dang):
    client = login(owner)
    karaoke = EstablishmentType.objects.get(code="karaoke")
    html = client.get(reverse("establishment_list"), {"type": karaoke.pk, "commitment": "none"},
                      HTTP_HX_REQUEST="true", HTTP_HX_TARGET="crud-table").content.decode()
    expected = Establishment.objects.filter(unit=bach_dang, type=karaoke, commitment_date__isnull=True)
    others = Establishment.objects.filter(unit=bach_dang).exclude(pk__in=expected)
    assert all(e.name in html for e in expected[:5])
    assert not any(f">{e.name}<" in html for e in others.exclude(name__in=expected.values("name")))
    soon = Establishment.objects.filter(unit=bach_dang).first()
    soon.licence_expiry = datetime.date.today() + datetime.timedelta(days=10)
    soon.save()
    html = client.get(reverse("establishment_list"), {"licence": "expiring"}).content.decode()
    assert soon.name in html


def test_list_offers_import_to_writers_only(login, owner, reader):
    assert "Nhập từ Excel" in login(owner).get(reverse("establishment_list")).content.decode()
    assert "Nhập từ Excel" not in login(reader).get(reverse("establishment_list")).content.decode()


def test_demo_seed_is_deterministic_idempotent_and_spread(bach_dang):
    import random

    from faker import Faker

    from pcmd.venues.demo import seed_establishments

    in_bd = Establishment.objects.filter(unit=bach_dang)
    assert 35 <= in_bd.count() <= 45
    assert in_bd.values("hamlet").distinct().count() >= 10  # spread over its residential groups
    assert in_bd.exclude(managing_agency=None).count() == in_bd.count()
    total = Establishment.objects.count()
    ctx = SeedContext(scale="demo", faker=Faker("vi_VN"), rng=random.Random(1))
    seed_establishments(ctx)
    assert Establishment.objects.count() == total and ctx.summary["cơ sở kinh doanh mới"] == 0
    first = in_bd.order_by("pk").first()
    assert first.registration_number.startswith(bach_dang.code)
    statuses = set(Establishment.objects.values_list("status", flat=True))
    assert statuses == {"operating", "suspended", "closed"}
    share = Establishment.objects.exclude(commitment_date=None).count() / total
    assert 0.45 < share < 0.75


def test_province_user_lists_all_communes_and_creates_in_one(login, member_factory, hai_phong, bach_dang):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordinator = member_factory("hp.coordinator", hai_phong, Role.COORDINATOR, "so-y-te")
    client = login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("establishment_list"))
    assert response.status_code == 200 and len(queries) < 30  # no query per row
    assert "Xã, phường" in response.content.decode()  # the commune filter is offered to province users
    form = client.get(reverse("establishment_create"))
    assert form.status_code == 200
    response = client.post(reverse("establishment_create"), form_data(unit=bach_dang.pk, name="Bar Cảng Biển"))
    assert response.status_code == 302
    assert Establishment.objects.get(name="Bar Cảng Biển").unit == bach_dang
    response = client.get(reverse("establishment_list"), {"unit": bach_dang.pk, "q": "cang bien"})
    assert "Bar Cảng Biển" in response.content.decode()


def test_filter_choices_stay_inside_the_users_unit(login, owner, ninh_binh_commune):
    html = login(owner).get(reverse("establishment_list")).content.decode()
    far = Agency.objects.filter(unit=ninh_binh_commune).first()
    assert far.name not in html
    assert html.count("<option") < 60  # the commune's hamlets and agencies, not the country's
