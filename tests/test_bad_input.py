"""Bad input on list parameters and forms gives a Vietnamese message, never a 500 (issue 11: the causes found
by hand; tests/test_fuzz.py looks for more)."""

import pytest
from django.test import Client
from django.urls import reverse

from pcmd.geo.models import Level
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999999"
BAD_YEARS = ["-1", "99999", "9" * 20, "1e5", "abc"]


@pytest.fixture
def client_of(member_factory):
    def _client(username, unit, role, agency_kind=None):
        client = Client(raise_request_exception=False)  # a 500 is an answer to assert on, not an exception
        client.force_login(member_factory(username, unit, role, agency_kind))
        return client

    return _client


@pytest.fixture
def coordinator(client_of, bach_dang):
    return client_of("bad.coord", bach_dang, Role.COORDINATOR, "phong-vhxh")


@pytest.fixture
def police(client_of, bach_dang):
    return client_of("bad.police", bach_dang, Role.POLICE_OFFICER, "cong-an-xa")


@pytest.mark.parametrize("sort", ["programs_display", "-programs_display"])
def test_sorting_by_a_computed_column_is_ignored(coordinator, sort):
    response = coordinator.get(f"/tuyen-truyen/long-ghep/?sort={sort}")
    assert response.status_code == 200
    # The computed column is not offered as a sort link either.
    assert b"sort=programs_display" not in response.content
    assert b"sort=document_number" in response.content


def test_sorting_by_an_annotation_still_works(coordinator):
    assert coordinator.get("/kinh-phi/?sort=-rate").status_code == 200
    assert coordinator.get("/tuyen-truyen/?sort=reached").status_code == 200


@pytest.mark.parametrize("url", ["/cam-ket/", "/kinh-phi/khoan-chi/"])
def test_search_on_a_list_without_search_text_is_ignored(coordinator, url):
    response = coordinator.get(f"{url}?q=abc")
    assert response.status_code == 200
    assert b'name="q"' not in response.content  # no search box where nothing can be searched


@pytest.mark.parametrize("url", ["/tuyen-truyen/", "/ke-hoach/", "/luot-kiem-tra/", "/dot-kiem-tra/", "/tap-huan/lop/",
                                 "/tuyen-truyen/so-doi-tuong/"])
@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_bad_year_filter_is_a_message(coordinator, url, year):
    response = coordinator.get(f"{url}?year={year}")
    assert response.status_code == 200
    assert "Năm phải" in response.content.decode()


@pytest.mark.parametrize("url", ["/tuyen-truyen/tinh-hinh/", "/tap-huan/ket-qua/", "/do-bao-phu-kiem-tra/",
                                 "/do-bao-phu-kiem-tra/co-so/"])
@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_bad_year_parameter_is_a_message(coordinator, url, year):
    response = coordinator.get(f"{url}?nam={year}")
    assert response.status_code == 200
    assert "không hợp lệ: năm phải từ 2000" in response.content.decode()


def _plan_of(unit):
    from pcmd.plans.models import Plan

    return Plan.objects.filter(unit__path__startswith=unit.path).order_by("pk").first()


@pytest.mark.parametrize("url, field", [
    ("/diem-phuc-tap/them/", "establishments"),
    ("/diem-phuc-tap/them/", "visits"),
    ("/vu-an/them/", "hotspots"),
    ("/vu-an/them/", "establishments"),
    ("plan-task", "lead_agencies"),
])
def test_an_overflowing_id_in_a_multi_select_is_a_form_error(police, coordinator, bach_dang, url, field):
    client = police
    if url == "plan-task":
        client, url = coordinator, reverse("plan_item_add", args=[_plan_of(bach_dang).pk, "nhiem-vu"])
    response = client.post(url, {field: [HUGE, "1"], "version": "0"})
    assert response.status_code == 400
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()


def test_an_overflowing_id_in_a_posted_list_is_not_found(coordinator, bach_dang):
    """Views that read ids with getlist() go through the same `in` lookup (course participants)."""
    from pcmd.outreach.models import Course

    course = Course.objects.filter(unit=bach_dang).order_by("pk").first()
    response = coordinator.post(reverse("course_participants", args=[course.pk]), {"step": "add", "staff": HUGE})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("unit", ["abc", HUGE, "-1", "1.5"])
def test_a_non_numeric_unit_on_the_activity_form_is_a_form_error(client_of, hai_phong, unit):
    client = client_of("bad.province", hai_phong, Role.COORDINATOR, "so-vhtt")
    response = client.post("/tuyen-truyen/them/", {"unit": unit, "date": "2026-01-05", "topic": "Thử"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["unit"]


def test_a_province_member_still_narrows_hamlets_by_the_posted_commune(client_of, hai_phong, bach_dang):
    from pcmd.org.models import Membership
    from pcmd.outreach.forms import ActivityForm

    client_of("ok.province", hai_phong, Role.COORDINATOR, "so-vhtt")
    membership = Membership.objects.get(user__username="ok.province")
    form = ActivityForm(data={"unit": str(bach_dang.pk)}, membership=membership)
    hamlets = form.fields["hamlets"].queryset
    assert hamlets.exists() and not hamlets.exclude(parent=bach_dang).exists()
    assert bach_dang.level == Level.COMMUNE


@pytest.mark.parametrize("field, value", [("attended", "abc"), ("remove", HUGE), ("attended", ""), ("staff", "1,5")])
def test_a_forged_id_on_the_participants_page_is_a_message(coordinator, bach_dang, field, value):
    from pcmd.outreach.models import Course

    course = Course.objects.filter(unit=bach_dang, participants__isnull=False).order_by("pk").first()
    before = sorted(course.participants.values_list("staff_id", "attended"))
    step = "add" if field == "staff" else "attendance"
    response = coordinator.post(reverse("course_participants", args=[course.pk]), {"step": step, field: value},
                                follow=True)
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()
    assert sorted(course.participants.values_list("staff_id", "attended")) == before  # nothing changed


@pytest.mark.parametrize("month", ["99999999999999999999-1", "0001-01", "9999-12", "2026-13", "abc"])
def test_a_bad_month_on_the_activity_calendar_is_a_message(coordinator, month):
    response = coordinator.get(f"/tuyen-truyen/lich/?thang={month}")
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode() or "nằm ngoài khoảng" in response.content.decode() or \
        "không có trong năm" in response.content.decode()


# "²" is a digit to str.isdigit() but not to int(): every id or year read from a request must be ASCII digits.
SUPERSCRIPT = "²"


@pytest.mark.parametrize("url", ["/do-bao-phu-kiem-tra/?don-vi=²", "/bang-dieu-hanh/?unit=²",
                                 "/luot-kiem-tra/them/?co-so=²"])
def test_a_superscript_digit_in_a_parameter_is_not_a_500(coordinator, url):
    assert coordinator.get(url).status_code in (200, 404)


@pytest.mark.parametrize("url, data", [("/ke-hoach/them/", {"period": "¹²³⁴", "title": "Thử"}),
                                       ("/ke-hoach/xay-dung-tu-cap-tren/", {"parent": SUPERSCRIPT, "unit": "1"})])
def test_a_superscript_digit_in_a_form_is_not_a_500(coordinator, url, data):
    assert coordinator.post(url, data).status_code in (200, 400, 404)


@pytest.mark.parametrize("method, url, data", [
    ("get", "/co-quan/", {"q": "a\x00b"}), ("get", "/tin-bao/", {"x\x00": "1"}),
    ("post", "/co-quan/them/", {"name": "a\x00b"})])
def test_a_nul_character_is_refused_in_vietnamese(coordinator, method, url, data):
    """PostgreSQL cannot store or compare text with NUL (DataError, a 500): refused before any query."""
    response = getattr(coordinator, method)(url, data)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


def test_the_visit_form_without_an_establishment_opens(police):
    assert police.get("/luot-kiem-tra/them/").status_code == 200
