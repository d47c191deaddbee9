"""Trainings: roster, courses, participants (another province refused), attendance, share trained per level."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Membership, Role
from pcmd.outreach import selectors, services
from pcmd.outreach.models import Course, Participant, StaffMember

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def province(db):
    """Hà Nội: no demo roster, so the shares are computed by hand."""
    unit = AdminUnit.objects.get(code="01")
    assert not StaffMember.objects.filter(province=unit).exists()
    return unit


def person(unit, name, **extra):
    return StaffMember.objects.create(unit=unit, full_name=name, category="cong_chuc", **extra)


def test_trained_share_per_level(province):
    communes = list(AdminUnit.objects.filter(province=province, level=Level.COMMUNE).order_by("code")[:2])
    city = [person(province, f"Thành phố {n}") for n in range(4)]
    ward = [person(communes[n % 2], f"Xã {n}") for n in range(5)]
    person(province, "Đã nghỉ", is_active=False)
    course = services.course_create(membership=None, data={
        "unit": province, "title": "Tập huấn 2025", "start_date": D(2025, 4, 1), "end_date": D(2025, 4, 2)})
    assert course.level == "province"
    services.participants_add(course=course, staff=[*city[:3], *ward[:2]])
    services.attendance_set(course=course, attended_ids=[city[0].pk, city[1].pk, ward[0].pk, ward[1].pk])
    other_year = services.course_create(membership=None, data={
        "unit": communes[0], "title": "Lớp 2024", "start_date": D(2024, 4, 1), "end_date": D(2024, 4, 1)})
    services.participants_add(course=other_year, staff=[ward[4]])
    shares = {s.level: s for s in selectors.trained_shares(province, 2025)}
    assert (shares["province"].staff, shares["province"].trained, shares["province"].percent) == (4, 2, 50.0)
    assert (shares["commune"].staff, shares["commune"].trained, shares["commune"].percent) == (5, 2, 40.0)
    shares = {s.level: s for s in selectors.trained_shares(province, 2024)}
    assert (shares["commune"].trained, shares["province"].trained) == (1, 0)


def test_participants_from_another_province_are_refused(province, bach_dang):
    course = services.course_create(membership=None, data={
        "unit": province, "title": "Lớp Hà Nội", "start_date": D(2025, 5, 1), "end_date": D(2025, 5, 1)})
    outsider = person(bach_dang, "Người Hải Phòng")
    local = person(province, "Người Hà Nội")
    with pytest.raises(ValidationError) as exc:
        services.participants_add(course=course, staff=[local, outsider])
    assert "Người Hải Phòng thuộc tỉnh, thành phố khác" in exc.value.messages[0]
    assert not course.participants.exists()
    assert services.participants_add(course=course, staff=[local]) == 1
    assert services.participants_add(course=course, staff=[local]) == 0  # once only


def test_course_rules(province, bach_dang):
    with pytest.raises(ValidationError) as exc:
        services.course_create(membership=None, data={
            "unit": bach_dang, "level": "province", "title": "Sai", "start_date": D(2025, 5, 3),
            "end_date": D(2025, 5, 1)})
    assert set(exc.value.error_dict) == {"level", "end_date"}


def test_participants_page_adds_and_marks_attendance(owner, login, bach_dang):
    client = login(owner)
    course = Course.objects.filter(unit=bach_dang).order_by("pk").first()
    new = person(bach_dang, "Cán bộ Mới Thêm")
    page = client.get(reverse("course_participants", args=[course.pk]))
    assert page.status_code == 200
    assert new in page.context["candidates"] or page.context["candidates_total"] > 200
    client.post(reverse("course_participants", args=[course.pk]), {"step": "add", "staff": [new.pk]})
    assert Participant.objects.filter(course=course, staff=new, attended=True).exists()
    kept = list(course.participants.exclude(staff=new).values_list("staff_id", flat=True))
    client.post(reverse("course_participants", args=[course.pk]), {"step": "attendance", "attended": kept})
    assert not Participant.objects.get(course=course, staff=new).attended
    client.post(reverse("course_participants", args=[course.pk]), {"step": "attendance", "remove": [new.pk]})
    assert not Participant.objects.filter(course=course, staff=new).exists()


def test_participants_page_refuses_a_person_of_another_province(member_factory, login, hai_phong,
                                                                ninh_binh_commune):
    user = member_factory("p.national", None, Role.COORDINATOR)
    course = Course.objects.filter(unit=hai_phong).order_by("pk").first()
    far = StaffMember.objects.filter(province=ninh_binh_commune.province).first()
    response = login(user).post(reverse("course_participants", args=[course.pk]), {"step": "add", "staff": [far.pk]},
                                follow=True)
    assert "thuộc tỉnh, thành phố khác" in response.content.decode()
    assert not Participant.objects.filter(course=course, staff=far).exists()


def test_outsider_and_reader(outsider, reader, login, bach_dang):
    course = Course.objects.filter(unit=bach_dang).order_by("pk").first()
    url = reverse("course_participants", args=[course.pk])
    assert login(outsider).get(url).status_code == 404
    assert login(outsider).get(reverse("course_detail", args=[course.pk])).status_code == 404
    staff = StaffMember.objects.filter(unit=bach_dang).first()
    assert login(outsider).get(reverse("staff_member_detail", args=[staff.pk])).status_code == 404
    assert login(reader).get(url).status_code == 403


def test_training_overview_for_the_commune(owner, login, bach_dang):
    response = login(owner).get(reverse("training_overview"), {"nam": Course.objects.filter(
        unit=bach_dang).order_by("start_date").first().start_date.year})
    shares = {s.level: s for s in response.context["shares"]}
    roster = StaffMember.objects.filter(unit=bach_dang, is_active=True).count()
    assert shares["commune"].staff == roster and shares["province"].staff == 0
    assert 0 < shares["commune"].trained <= roster
    assert Membership.objects.get(user=owner).unit == bach_dang


def test_roster_import_with_course_attendance(bach_dang, hai_phong, ninh_binh_commune, tmp_path, settings):
    import io

    from openpyxl import Workbook

    from pcmd.core import imports
    from pcmd.core.imports import ImportScope
    from pcmd.outreach.importers import staff as importer

    settings.MEDIA_ROOT = tmp_path
    course = services.course_create(membership=None, data={
        "unit": hai_phong, "title": "Lớp nhập Excel", "start_date": D(2025, 6, 1), "end_date": D(2025, 6, 2)})
    rows = [
        {"full_name": "Trần Văn Nhập", "unit": "Phường Bạch Đằng", "category": "Công chức", "course": "Lớp nhập Excel"},
        {"full_name": "Lê Thị Vắng", "unit": "31", "category": "Viên chức", "course": "Lớp nhập Excel",
         "attended": "Không"},
        {"full_name": "Người Ninh Bình", "unit": ninh_binh_commune.name, "category": "Cán bộ"},
        {"full_name": "Sai Đối Tượng", "unit": "Phường Bạch Đằng", "category": "Phi hành gia"},
        {"full_name": "Sai Lớp", "unit": "Phường Bạch Đằng", "category": "Cán bộ", "course": "Lớp không có"},
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(importer.headers)
    for values in rows:
        sheet.append([values.get(c.field) for c in importer.columns])
    out = io.BytesIO()
    workbook.save(out)
    path = tmp_path / "can-bo.xlsx"
    path.write_bytes(out.getvalue())
    job = imports.import_all(importer=importer, path=path, scope=ImportScope(unit=hai_phong), mode="valid")
    assert job.created == 2
    assert sorted((n, column) for n, column, _r in job.preview["errors"]) == [
        (4, "Đơn vị"), (5, "Đối tượng"), (6, "Lớp tập huấn")]
    seats = {p.staff.full_name: p.attended for p in course.participants.select_related("staff")}
    assert seats == {"Trần Văn Nhập": True, "Lê Thị Vắng": False}
    assert StaffMember.objects.get(full_name="Lê Thị Vắng").unit == hai_phong
    again = imports.import_all(importer=importer, path=path, scope=ImportScope(unit=hai_phong), mode="valid")
    assert (again.created, again.updated) == (0, 2) and course.participants.count() == 2
