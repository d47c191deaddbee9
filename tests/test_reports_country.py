"""The national level: the roll-up of the provinces' approved reports and the completeness page per province."""

import pytest
from django.db import connection
from django.urls import reverse

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role
from pcmd.reports import figures, selectors, services
from pcmd.reports.models import Report

pytestmark = pytest.mark.django_db

TEXTS = {"ket-qua": "Thành phố đã triển khai kế hoạch.", "danh-gia": "Ưu điểm, hạn chế, nguyên nhân.",
         "phuong-huong": "Tiếp tục kiểm tra.", "de-xuat": "Đề nghị Bộ Y tế bổ sung kinh phí."}


def seat(user):
    return user.memberships.get()


@pytest.fixture
def national(member_factory):
    return seat(member_factory("tw.tt", None, Role.COORDINATOR))


@pytest.fixture
def approved_province_report(hai_phong, member_factory, national, today):
    """Hải Phòng's own 6-month report, written, sent and approved by the national office."""
    office = seat(member_factory("hp.tt", hai_phong, Role.COORDINATOR, "so-y-te"))
    report = Report.objects.select_related("type", "unit").get(unit=hai_phong, year=today.year,
                                                              type__code="tinh-6-thang")
    services.report_save_sections(report=report, membership=office, texts=TEXTS)
    services.report_submit(report=report, membership=office)
    services.report_approve(report=report, membership=national)
    return report


def test_the_national_rollup_sums_the_provinces_approved_reports(approved_province_report, national, login, client,
                                                                today):
    provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE, is_active=True).order_by("name"))
    report = approved_province_report
    result = figures.country_rollup(national, provinces, "S", today.year, (report.window_start, report.window_end))
    assert result.approved == [report]
    assert report.unit not in result.missing and len(result.missing) == len(provinces) - 1
    frozen = {f["code"]: f for f in report.snapshot["figures"]}
    for row in result.rows:  # one approved province: the sum is its frozen number
        assert row.communes == frozen[row.code]["text"], row.code
    assert ("Thành phố Hải Phòng", TEXTS["de-xuat"]) in result.proposals
    login(national.user)
    page = client.get(reverse("report_country") + "?loai=S").content.decode()
    assert 'id="country-rollup-table"' in page and f"Cộng 1/{len(provinces)} tỉnh" in page
    assert "Đề nghị Bộ Y tế bổ sung kinh phí." in page


def test_a_province_sees_only_itself_and_a_commune_nothing(approved_province_report, hai_phong, bach_dang,
                                                           member_factory, login, client):
    login(member_factory("hp.ld", hai_phong, Role.LEADER))
    page = client.get(reverse("report_country")).content.decode()
    assert "Cộng 1/1 tỉnh" in page and "Ninh Bình" not in page
    login(member_factory("bd.ld", bach_dang, Role.LEADER))
    page = client.get(reverse("report_country") + "?nam=abc").content.decode()
    assert 'id="country-rollup"' not in page and "không có báo cáo cấp tỉnh" in page


def test_national_completeness_per_province_matches_a_hand_count(approved_province_report, national, login, client,
                                                                 today):
    lines = {line.province.code: line for line in selectors.country(national, "S", today.year)}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT p.code,
                      (SELECT COUNT(*) FROM geo_adminunit c WHERE c.province_id = p.id AND c.level = 'commune'
                          AND c.is_active),
                      COUNT(r.id) FILTER (WHERE r.revision > 0),
                      COUNT(r.id) FILTER (WHERE r.status = 'approved'),
                      COUNT(r.id) FILTER (WHERE r.status = 'returned')
               FROM geo_adminunit p
               LEFT JOIN reports_report r ON r.province_id = p.id AND r.year = %s AND r.type_id IN
                    (SELECT id FROM reports_reporttype WHERE level = 'commune' AND frequency = 'S')
               WHERE p.level = 'province' AND p.is_active
               GROUP BY p.code, p.id""", [today.year])
        counted = cursor.fetchall()
    assert len(counted) == len(lines)
    for code, communes, sent, approved, returned in counted:
        line = lines[code]
        assert (line.communes, line.sent, line.approved, line.returned) == (communes, sent, approved, returned), code
    hai_phong = lines["31"]
    assert hai_phong.sent > 0 and hai_phong.own == approved_province_report and hai_phong.own_state == "approved"
    login(national.user)
    page = client.get(reverse("report_completeness")).content.decode()
    assert 'id="country-rollup-link"' in page and "Báo cáo của tỉnh" in page
