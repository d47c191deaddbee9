"""Criminal cases and sanction decisions: who sees them, the date-order and count rules, the statistics."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.enforcement import services
from pcmd.enforcement.models import CriminalCase, Offence, SanctionRecord, ViolatorCategory
from pcmd.enforcement.selectors import case_statistics, sanction_statistics
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def police(member_factory, bach_dang):
    return member_factory("e.police", bach_dang, Role.POLICE_OFFICER, "cong-an-xa")


def case_data(unit, **extra):
    return {"unit": unit, "name": "Vụ thử", "offence": Offence.HARBOURING, "detected_on": D(2025, 3, 1), **extra}


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


def bd_case(bach_dang):
    return CriminalCase.objects.filter(unit=bach_dang).order_by("pk").first()


# --- rules ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"initiated_on": D(2025, 2, 1)}, "initiated_on",
     "Ngày khởi tố (01/02/2025) không được trước ngày phát hiện (01/03/2025)."),
    ({"initiated_on": D(2025, 3, 5), "indicted_on": D(2025, 3, 4)}, "indicted_on",
     "Ngày truy tố (04/03/2025) không được trước ngày khởi tố (05/03/2025)."),
    ({"initiated_on": D(2025, 3, 5), "indicted_on": D(2025, 4, 4), "tried_on": D(2025, 4, 1)}, "tried_on",
     "Ngày xét xử (01/04/2025) không được trước ngày truy tố (04/04/2025)."),
    ({"indicted_on": D(2025, 4, 4)}, "indicted_on", "Chưa có ngày khởi tố thì chưa thể có ngày truy tố."),
    ({"initiated_on": D(2025, 3, 5), "tried_on": D(2025, 6, 1)}, "tried_on",
     "Chưa có ngày truy tố thì chưa thể có ngày xét xử."),
    ({"verdict": "05 năm tù"}, "verdict", "Chỉ ghi kết quả xét xử khi đã có ngày xét xử."),
    ({"victims": 1, "minor_victims": 2}, "minor_victims",
     "Số bị hại dưới 18 tuổi (2) không được lớn hơn tổng số bị hại (1)."),
    ({"offence": Offence.OTHER}, "offence_other", "Hãy ghi rõ tội danh khác."),
])
def test_case_rules_in_vietnamese(bach_dang, extra, field, message):
    with pytest.raises(ValidationError) as exc:
        services.criminal_case_create(membership=None, data=case_data(bach_dang, **extra))
    assert message in errors(exc)[field]


def test_no_date_in_the_future(bach_dang):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.criminal_case_create(membership=None, data=case_data(bach_dang, detected_on=tomorrow))
    assert "Ngày phát hiện không được ở tương lai." in errors(exc)["detected_on"]
    with pytest.raises(ValidationError) as exc:
        services.sanction_record_create(membership=None, data={
            "unit": bach_dang, "decided_on": tomorrow, "decision_number": "1", "category": ViolatorCategory.BUYER,
            "people": 1, "fine_total": 0})
    assert "Ngày quyết định không được ở tương lai." in errors(exc)["decided_on"]


def test_update_checks_the_whole_case(bach_dang):
    case = services.criminal_case_create(membership=None, data=case_data(
        bach_dang, initiated_on=D(2025, 3, 2), indicted_on=D(2025, 5, 1)))
    with pytest.raises(ValidationError) as exc:
        services.criminal_case_update(instance=case, data={"detected_on": D(2025, 3, 10)})
    assert "không được trước ngày phát hiện" in errors(exc)["initiated_on"][0]
    services.criminal_case_update(instance=case, data={"tried_on": D(2025, 6, 1), "verdict": "03 năm tù"})
    assert CriminalCase.objects.get(pk=case.pk).stage == "Đã xét xử"


def test_linked_hotspot_must_be_in_the_province(bach_dang, ninh_binh_commune):
    from pcmd.hotspots.models import Hotspot

    spot = Hotspot.objects.filter(unit=bach_dang).first()
    with pytest.raises(ValidationError) as exc:
        services.criminal_case_create(membership=None, data=case_data(ninh_binh_commune, hotspots=[spot]))
    assert "không thuộc tỉnh/thành phố" in errors(exc)["hotspots"][0]


def test_sanction_counts(bach_dang):
    base = {"unit": bach_dang, "decided_on": D(2025, 5, 1), "decision_number": "9/QĐ-XPHC",
            "category": ViolatorCategory.BROKER}
    with pytest.raises(ValidationError) as exc:
        services.sanction_record_create(membership=None, data={**base, "people": 0, "fine_total": -1})
    assert errors(exc) == {"people": ["Số người (cơ sở) bị xử phạt phải từ 1 trở lên."],
                           "fine_total": ["Tiền phạt không được âm."]}


# --- who sees cases ------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.AGENCY_OFFICER, Role.CASE_WORKER, Role.SUPPORT_SUPERVISOR,
                                  Role.ADMIN])
def test_roles_outside_enforcement_never_see_cases(role, member_factory, verified_login, bach_dang):
    client = verified_login(member_factory(f"e.{role}", bach_dang, role))
    case = bd_case(bach_dang)
    for name, args in (("criminal_case_list", []), ("criminal_case_detail", [case.pk]),
                       ("criminal_case_export", []), ("sanction_record_list", []), ("enforcement_statistics", [])):
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_national_admin_does_not_see_cases(member_factory, verified_login, bach_dang):
    client = verified_login(member_factory("e.natadmin", None, Role.ADMIN))
    assert client.get(reverse("criminal_case_detail", args=[bd_case(bach_dang).pk])).status_code == 403


@pytest.mark.parametrize("persona", ["owner", "reader"])
def test_coordinators_and_leaders_read_only(persona, request, login, bach_dang):
    client = login(request.getfixturevalue(persona))
    case = bd_case(bach_dang)
    assert client.get(reverse("criminal_case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("criminal_case_list")).status_code == 200
    assert client.get(reverse("criminal_case_create")).status_code == 403
    assert client.post(reverse("criminal_case_edit", args=[case.pk]), {}).status_code == 403
    assert client.post(reverse("sanction_record_create"), {}).status_code == 403


def test_outsider_sees_nothing(outsider, member_factory, ninh_binh_commune, login, bach_dang):
    case = bd_case(bach_dang)
    record = SanctionRecord.objects.filter(unit=bach_dang).first()
    for user in (outsider, member_factory("nb.police", ninh_binh_commune, Role.POLICE_OFFICER, "cong-an-xa")):
        client = login(user)
        assert client.get(reverse("criminal_case_detail", args=[case.pk])).status_code == 404
        assert client.get(reverse("sanction_record_detail", args=[record.pk])).status_code == 404
        assert client.post(reverse("criminal_case_delete", args=[case.pk])).status_code in (403, 404)
        assert case.name not in client.get(reverse("criminal_case_list")).content.decode()
    assert CriminalCase.objects.filter(pk=case.pk).exists()


def test_police_records_a_case_and_keeps_typed_input_on_errors(police, login, bach_dang):
    client = login(police)
    data = {"unit": bach_dang.pk, "name": "Môi giới qua mạng xã hội", "offence": "328", "number": "07/2026",
            "detected_on": "2026-03-10", "initiated_on": "2026-03-01", "defendants": "2", "victims": "1",
            "minor_victims": "0"}
    response = client.post(reverse("criminal_case_create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ngày khởi tố (01/03/2026) không được trước ngày phát hiện (10/03/2026)." in page
    assert "Môi giới qua mạng xã hội" in page and "07/2026" in page
    response = client.post(reverse("criminal_case_create"), data | {"initiated_on": "2026-03-12", "victims": "-1"})
    assert response.status_code == 400
    response = client.post(reverse("criminal_case_create"), data | {"initiated_on": "2026-03-12"})
    assert response.status_code == 302
    case = CriminalCase.objects.get(number="07/2026")
    assert case.unit == bach_dang and case.stage == "Đã khởi tố"


def test_police_records_a_sanction(police, login, bach_dang):
    client = login(police)
    data = {"unit": bach_dang.pk, "decision_number": "51/QĐ-XPHC", "decided_on": "2026-04-02", "category": "buyer",
            "people": "2", "fine_total": "-5"}
    response = client.post(reverse("sanction_record_create"), data)
    assert response.status_code == 400 and "51/QĐ-XPHC" in response.content.decode()
    assert client.post(reverse("sanction_record_create"), data | {"fine_total": "4000000"}).status_code == 302
    assert SanctionRecord.objects.get(decision_number="51/QĐ-XPHC").fine_total == 4_000_000


# --- statistics ----------------------------------------------------------------------------------

@pytest.fixture
def fixture_cases(ninh_binh_commune):
    unit = ninh_binh_commune
    assert not CriminalCase.objects.filter(unit=unit).exists()
    rows = [
        # detected, initiated, indicted, tried
        (D(2025, 1, 5), D(2025, 1, 10), D(2025, 3, 1), D(2025, 5, 1)),
        (D(2025, 2, 1), D(2025, 2, 3), D(2025, 5, 2), None),
        (D(2025, 4, 1), D(2025, 4, 2), D(2025, 6, 30), D(2025, 7, 15)),
        (D(2025, 5, 1), None, None, None),
        (D(2024, 11, 1), D(2024, 11, 5), D(2025, 2, 1), D(2025, 4, 1)),
    ]
    for n, (det, ini, ind, tri) in enumerate(rows):
        services.criminal_case_create(membership=None, data=case_data(
            unit, name=f"Vụ {n}", detected_on=det, initiated_on=ini, indicted_on=ind, tried_on=tri,
            verdict="x" if tri else "", defendants=n + 1, victims=1, minor_victims=n % 2))
    sanctions = [(D(2025, 1, 9), ViolatorCategory.BUYER, 2, 4_000_000), (D(2025, 3, 3), ViolatorCategory.BUYER, 1,
                 2_000_000), (D(2025, 6, 1), ViolatorCategory.ESTABLISHMENT, 1, 25_000_000),
                 (D(2024, 12, 31), ViolatorCategory.SELLER, 1, 1_000_000)]
    for day, category, people, fine in sanctions:
        services.sanction_record_create(membership=None, data={
            "unit": unit, "decided_on": day, "decision_number": "1", "category": category, "people": people,
            "fine_total": fine})
    return CriminalCase.objects.filter(unit=unit), SanctionRecord.objects.filter(unit=unit)


@pytest.mark.parametrize(("code", "stages", "cohort", "rate"), [
    ("2025Q1", (2, 2, 2, 0), (2, 0), 0.0),       # indicted 01/03 and 01/02: neither tried by 31/03
    ("2025Q2", (2, 1, 2, 2), (2, 0), 0.0),       # indicted 02/05, 30/06: not tried by 30/06
    ("2025S1", (4, 3, 4, 2), (4, 2), 50.0),      # indicted 01/03 (tried 01/05), 01/02 (tried 01/04), 02/05, 30/06
    ("2025", (4, 3, 4, 3), (4, 3), 75.0),
    ("2024", (1, 1, 0, 0), (0, 0), None),
])
def test_case_statistics_by_hand(fixture_cases, ninh_binh_commune, code, stages, cohort, rate):
    cases, _ = fixture_cases
    rows, total = case_statistics(queryset=cases, period=Period.parse(code))
    assert tuple(total.values()) == stages
    assert (total.cohort_indicted, total.cohort_tried, total.tried_rate) == (*cohort, rate)
    assert [r.unit_id for r in rows] == [ninh_binh_commune.pk]


def test_case_statistics_sum_people_of_cases_detected_in_period(fixture_cases):
    cases, _ = fixture_cases
    _, total = case_statistics(queryset=cases, period=Period.parse("2025"))
    assert (total.defendants, total.victims, total.minor_victims) == (1 + 2 + 3 + 4, 4, 2)


def test_sanction_statistics_by_category(fixture_cases):
    _, sanctions = fixture_cases
    rows, total = sanction_statistics(queryset=sanctions, period=Period.parse("2025"))
    by = {r.category: (r.decisions, r.people, r.fine_total) for r in rows}
    assert by["buyer"] == (2, 3, 6_000_000) and by["establishment"] == (1, 1, 25_000_000)
    assert by["seller"] == (0, 0, 0) and len(rows) == len(ViolatorCategory)
    assert (total.decisions, total.people, total.fine_total) == (3, 4, 31_000_000)


def test_statistics_page(owner, login, bach_dang):
    client = login(owner)
    response = client.get(reverse("enforcement_statistics"), {"ky": "2025"})
    page = response.content.decode()
    assert response.status_code == 200 and "Năm 2025" in page
    stats = response.context["stats"]
    # The demo's Bạch Đằng 2025: cases 03/2025 (tried 15/08/2025) and 11/2025 (indicted 2026).
    assert tuple(stats.case_total.values()) == (2, 2, 1, 1) and stats.case_total.tried_rate == 100.0
    assert stats.sanction_total.fine_total == 4_000_000 + 2_000_000 + 25_000_000
    assert 'id="case-chart-data"' in page and 'id="sanction-chart-data"' in page


def test_statistics_of_an_outsider_leave_out_other_provinces(outsider, login, bach_dang):
    client = login(outsider)
    # Another province's unit is not there, like any record (it used to answer 200 with a message).
    assert client.get(reverse("enforcement_statistics"), {"ky": "2025", "don-vi": bach_dang.code}).status_code == 404
    response = client.get(reverse("enforcement_statistics"), {"ky": "2025"})
    assert response.context["stats"].case_rows == [] and response.context["stats"].sanction_total.decisions == 0


def test_statistics_export_to_excel(owner, login):
    from .test_hotspots import read_xlsx

    response = login(owner).get(reverse("enforcement_statistics"), {"ky": "2025", "format": "xlsx"})
    rows = read_xlsx(response)
    assert rows[0][:5] == ["Đơn vị", "Phát hiện", "Khởi tố", "Truy tố", "Xét xử"]
    assert ["Tổng cộng", 2, 2, 1, 1, 100, 3, 1, 1] == rows[rows.index([None] * len(rows[0])) - 1]
    assert rows[-1] == ["Tổng cộng", 3, 5, 31_000_000] + [None] * (len(rows[0]) - 4)


def test_one_save_shows_field_and_rule_errors_together(police, login, bach_dang):
    response = login(police).post(reverse("criminal_case_create"), {
        "unit": bach_dang.pk, "name": "Thiếu tội danh", "detected_on": "2026-03-10", "initiated_on": "2026-03-01",
        "defendants": "1", "victims": "1", "minor_victims": "3"})
    form = response.context["form"]
    assert response.status_code == 400 and set(form.errors) == {"offence", "initiated_on", "minor_victims"}
    assert "Số bị hại dưới 18 tuổi (3) không được lớn hơn tổng số bị hại (1)." in form.errors["minor_victims"]
