"""Periodic reports: types and calendar, figures from the engine frozen at submission, the workflow's rules
(each refusal of the issue's "Bad input"), scoping, pages, roll-up and the Word / Excel exports."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from pcmd.core.periods import Period
from pcmd.geo.models import Level
from pcmd.indicators import engine
from pcmd.indicators import services as indicator_services
from pcmd.org.models import Role
from pcmd.reports import figures, services
from pcmd.reports.models import Report, ReportEvent, ReportStatus, ReportType

pytestmark = pytest.mark.django_db


def seat(user):
    return user.memberships.get()


@pytest.fixture
def report(bach_dang, today):
    """Bạch Đằng's 6-month report of this year (demo: written, still a draft; its window ended on 14/6)."""
    return Report.objects.select_related("type", "unit").get(unit=bach_dang, year=today.year, type__code="xa-6-thang")


@pytest.fixture
def writer(member_factory, bach_dang):
    return seat(member_factory("bc.xa", bach_dang, Role.COORDINATOR, "phong-vhxh"))


@pytest.fixture
def reviewer(member_factory, hai_phong):
    return seat(member_factory("bc.tinh", hai_phong, Role.COORDINATOR, "so-y-te"))


def submitted(report, writer):
    return services.report_submit(report=report, membership=writer)


# --- types and calendar ------------------------------------------------------------------------------------------

def test_types_come_from_the_seed_duties():
    six = ReportType.objects.get(code="xa-6-thang")
    assert (six.due_day, six.due_month) == (17, 6)  # Hà Nội: "6 tháng (trước ngày 17/6)"
    assert six.window(2026) == (datetime.date(2025, 12, 15), datetime.date(2026, 6, 14))
    assert six.due_date(2026) == datetime.date(2026, 6, 17)
    year = ReportType.objects.get(code="xa-nam")
    assert year.window(2026) == (datetime.date(2025, 12, 15), datetime.date(2026, 12, 14))
    assert year.due_date(2026) == datetime.date(2026, 12, 17)
    assert ReportType.objects.get(code="tinh-6-thang").source_type == six
    assert [s["key"] for s in six.outline][:1] == ["ket-qua"]


def test_calendar_creates_each_units_reports_once(hai_phong):
    communes = engine.communes_of([hai_phong.pk]).count()
    created = services.create_due_reports(2030, [hai_phong])
    assert created == 2 * communes + 2  # two commune types per commune, two province types
    assert services.create_due_reports(2030, [hai_phong]) == 0
    made = Report.objects.filter(year=2030, unit=hai_phong, type__level="province", type__frequency="Y").get()
    assert made.sections.count() == len(made.type.outline)
    assert made.type.code == "tinh-nam-31"  # the demo's own type of Hải Phòng replaces the general one
    assert made.due_date == datetime.date(2030, 12, 20)
    assert made.events.get().step == "created"


# --- figures ---------------------------------------------------------------------------------------------------

def test_figures_are_the_engines_for_the_window(report):
    rows = {f["code"]: f for f in figures.live(report)}
    period = figures.period_of(report)
    assert (period.start, period.end) == (report.window_start, report.window_end)
    _rows, totals = engine.unit_breakdown(list(rows), unit=report.unit, period=period)
    for code, value in totals.items():
        assert rows[code]["numerator"] == float(value.numerator)


def test_submission_freezes_the_figures_and_shows_what_changed_since(report, writer, monkeypatch):
    submitted(report, writer)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.revision == 1
    assert report.definitions_version == engine.definitions_version()
    frozen = report.snapshot["figures"]
    assert report.snapshot["sections"]["ket-qua"].startswith("Ủy ban nhân dân phường")
    # The registries move on: the report keeps its numbers and tells the reader what changed.
    moved = [dict(f, numerator=f["numerator"] + 5, text="99") if f["metric"] == "count" else f for f in frozen]
    monkeypatch.setattr(figures, "live", lambda r, today=None: moved)
    shown, is_frozen = figures.shown(report)
    assert is_frozen and shown == frozen
    assert figures.since_frozen(report) and figures.since_frozen(report)[0].after == "99"


# --- the workflow's refusals (the "Bad input") -------------------------------------------------------------

def test_submitting_with_required_sections_empty_is_refused(bach_dang, hai_phong, member_factory, today):
    other = (Report.objects.filter(unit__in=engine.communes_of([hai_phong.pk]), year=today.year,
                                   type__code="xa-6-thang", status="draft")
             .exclude(unit=bach_dang).exclude(sections__text__gt="").order_by("pk").first())
    staff = seat(member_factory("bc.khac", other.unit, Role.COORDINATOR))
    with pytest.raises(ValidationError, match="Chưa viết các mục bắt buộc"):
        services.report_submit(report=other, membership=staff)
    other.refresh_from_db()
    assert other.status == ReportStatus.DRAFT and other.snapshot is None


def test_a_window_that_has_not_ended_cannot_be_submitted(bach_dang, writer, today):
    year_report = Report.objects.get(unit=bach_dang, year=today.year, type__code="xa-nam")
    with pytest.raises(ValidationError, match="Kỳ báo cáo chưa kết thúc"):
        services.report_submit(report=year_report, membership=writer)


def test_before_its_window_ends_a_report_offers_no_send_and_says_from_when(bach_dang, writer, login, client, today):
    """The "Gửi" button is not offered when sending would be refused (found by the deadline load test)."""
    year_report = Report.objects.get(unit=bach_dang, year=today.year, type__code="xa-nam")
    login(writer.user)
    page = client.get(year_report.get_absolute_url()).content.decode()
    assert 'data-step="gui"' not in page and 'data-step="sua"' in page
    assert f"gửi được từ ngày {year_report.window_end + datetime.timedelta(days=1):%d/%m/%Y}" in page
    assert not services.may("gui", year_report, writer)
    response = client.post(reverse("report_action", args=[year_report.pk, "gui"]),
                           {"version": year_report.version})
    assert "Kỳ báo cáo chưa kết thúc" in response.content.decode()
    year_report.refresh_from_db()
    assert year_report.status == ReportStatus.DRAFT


def test_only_the_units_own_staff_submit(report, reviewer):
    with pytest.raises(ValidationError, match="Chỉ cán bộ của"):
        services.report_submit(report=report, membership=reviewer)


def test_approving_ones_own_report_is_refused(report, writer, reviewer, hai_phong, today):
    submitted(report, writer)
    with pytest.raises(ValidationError, match="chính đơn vị mình"):
        services.report_approve(report=report, membership=writer)
    province_report = Report.objects.get(unit=hai_phong, year=today.year, type__code="tinh-6-thang")
    province_report.status = ReportStatus.SUBMITTED
    with pytest.raises(ValidationError, match="chính đơn vị mình"):
        services.report_approve(report=province_report, membership=reviewer)


def test_approving_another_provinces_report_is_refused(report, writer, member_factory, ninh_binh_commune):
    submitted(report, writer)
    far = seat(member_factory("bc.ninhbinh", ninh_binh_commune.province, Role.COORDINATOR))
    with pytest.raises(ValidationError, match="cấp trên trực tiếp"):
        services.report_approve(report=report, membership=far)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_province_leader_or_police_cannot_approve(report, writer, member_factory, hai_phong):
    submitted(report, writer)
    for role in (Role.LEADER, Role.POLICE_OFFICER):
        with pytest.raises(ValidationError, match="cấp trên trực tiếp"):
            services.report_approve(report=report, membership=seat(member_factory(f"bc.{role}", hai_phong, role)))


def test_returning_without_a_reason_is_refused(report, writer, reviewer):
    submitted(report, writer)
    with pytest.raises(ValidationError) as refused:
        services.report_return(report=report, membership=reviewer, reason="  ")
    assert "lý do" in str(refused.value)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_submitted_report_cannot_be_edited(report, writer):
    submitted(report, writer)
    with pytest.raises(ValidationError, match="không sửa được"):
        services.report_save_sections(report=report, membership=writer, texts={"ket-qua": "Sửa sau khi gửi"})
    assert report.sections.get(key="ket-qua").text != "Sửa sau khi gửi"


def test_concurrent_edits_do_not_overwrite_each_other(report, login, member_factory, bach_dang, client):
    url = reverse("report_action", args=[report.pk, "sua"])
    opened = report.version
    first = member_factory("bc.mot", bach_dang, Role.COORDINATOR, "phong-vhxh")
    second = member_factory("bc.hai", bach_dang, Role.POLICE_OFFICER, "cong-an-xa")
    login(first)
    assert client.post(url, {"version": opened, "muc_ket-qua": "Bản của người thứ nhất"}).status_code == 302
    login(second)
    response = client.post(url, {"version": opened, "muc_ket-qua": "Bản của người thứ hai"})
    assert response.status_code == 400
    assert "vừa được người khác cập nhật" in response.content.decode()
    assert report.sections.get(key="ket-qua").text == "Bản của người thứ nhất"


# --- return, resubmit, approve, reopen ---------------------------------------------------------------------------

def test_return_resubmit_approve_and_reopen(report, writer, reviewer, client, login):
    submitted(report, writer)
    services.report_return(report=report, membership=reviewer, reason="Thiếu số liệu tuyên truyền",
                           section_comments={"danh-gia": "Nêu rõ nguyên nhân hạn chế"},
                           figure_comments={"TIPS_ON_TIME": "Kiểm tra lại tin báo quá hạn"})
    assert report.status == ReportStatus.RETURNED
    assert report.comments.count() == 2
    services.report_save_sections(report=report, membership=writer,
                                  texts={"danh-gia": "Nguyên nhân: lực lượng mỏng, địa bàn rộng."})
    services.report_submit(report=report, membership=writer)
    assert report.revision == 2 and report.previous_snapshot is not None
    # The reviewer sees the difference between the two submissions.
    login(reviewer.user)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Thay đổi so với lần gửi trước" in page and "lực lượng mỏng, địa bàn rộng" in page
    services.report_approve(report=report, membership=reviewer)
    assert report.status == ReportStatus.APPROVED and report.locked
    # The unit's entered figures for the window are locked by the indicators' approval.
    inside = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), "month", "202603")
    with pytest.raises(ValidationError):
        indicator_services.check_unlocked(report.unit, inside)
    with pytest.raises(ValidationError):
        services.report_reopen(report=report, membership=reviewer, reason="")
    services.report_reopen(report=report, membership=reviewer, reason="Xã đề nghị bổ sung số liệu")
    assert report.status == ReportStatus.RETURNED and not report.locked
    indicator_services.check_unlocked(report.unit, inside)
    steps = list(ReportEvent.objects.filter(report=report).values_list("step", flat=True))
    assert steps[-6:] == ["submitted", "returned", "saved", "resubmitted", "approved", "reopened"]


def test_the_province_report_rolls_up_approved_communes(report, writer, reviewer, hai_phong, today, login, client):
    submitted(report, writer)
    services.report_approve(report=report, membership=reviewer)
    province_report = Report.objects.get(unit=hai_phong, year=today.year, type__code="tinh-6-thang")
    result = figures.rollup(province_report, reviewer, figures.live(province_report))
    assert report.unit in [r.unit for r in result.approved]
    communes = engine.communes_of([hai_phong.pk]).count()
    assert report.unit not in result.missing and len(result.missing) == communes - len(result.approved)
    for row in result.rows:  # each count is the sum of the approved communes' frozen numbers
        if figures.BY_CODE[row.code].metric == "count":
            total = sum(f["numerator"] for r in result.approved for f in r.snapshot["figures"] if f["code"] == row.code)
            assert row.communes == figures.fmt(total)
    assert ("Phường Bạch Đằng", report.snapshot["sections"]["de-xuat"]) in result.proposals
    login(reviewer.user)
    page = client.get(reverse("report_detail", args=[province_report.pk])).content.decode()
    assert 'id="rollup"' in page


# --- scoping and pages ---------------------------------------------------------------------------------------------

def test_another_province_does_not_find_the_report(report, outsider, login, client):
    login(outsider)
    for name, args in (("report_detail", [report.pk]), ("report_docx", [report.pk]), ("report_xlsx", [report.pk]),
                       ("report_action", [report.pk, "gui"])):
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_pages_show_the_units_reports_and_completeness(report, writer, reviewer, login, client, member_factory):
    login(writer.user)
    page = client.get(reverse("report_list")).content.decode()
    assert reverse("report_detail", args=[report.pk]) in page
    detail = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'data-step="gui"' in detail and 'data-step="phe-duyet"' not in detail
    submitted(report, writer)
    login(reviewer.user)
    detail = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'data-step="phe-duyet"' in detail and 'data-step="tra-lai"' in detail
    page = client.get(reverse("report_completeness")).content.decode()
    assert 'id="completeness-table"' in page and "Gửi muộn, chờ duyệt" in page  # due 17/6, sent in September
    national = member_factory("bc.tw", None, Role.COORDINATOR)
    login(national)
    page = client.get(reverse("report_completeness") + "?nam=abc&loai=zz").content.decode()
    assert 'id="country-table"' in page and "không hợp lệ" in page


def test_submit_through_the_action_page(report, writer, login, client):
    login(writer.user)
    url = reverse("report_action", args=[report.pk, "gui"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- exports -----------------------------------------------------------------------------------------------------

def test_word_export_has_the_official_layout_and_version(report, writer, login, client):
    submitted(report, writer)
    login(writer.user)
    response = client.get(reverse("report_docx", args=[report.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "I. KẾT QUẢ THỰC HIỆN" in texts and "II. ĐÁNH GIÁ CHUNG: ƯU ĐIỂM, HẠN CHẾ, NGUYÊN NHÂN" in texts
    assert any(t.startswith("Bản gửi lần 1") for t in texts)
    figure_table = doc.tables[1]
    assert [c.text for c in figure_table.rows[0].cells] == ["TT", "Chỉ số", "Kết quả", "Chỉ tiêu", "Đánh giá"]
    assert len(figure_table.rows) == len(report.snapshot["figures"]) + 1
    header = doc.tables[0].cell(0, 0).text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG" in header


def test_excel_export_states_the_version(report, writer, login, client):
    from openpyxl import load_workbook

    login(writer.user)
    response = client.get(reverse("report_xlsx", args=[report.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(str(v).startswith("Bản dự thảo") for v in values)
    assert report.unit.level == Level.COMMUNE


def _support_row(code, numerator, denominator=None):
    return {"code": code, "name": code, "metric": "count" if denominator is None else "percent", "group": "",
            "numerator": float(numerator), "denominator": denominator, "value": float(numerator),
            "text": str(numerator), "target": "", "status": "", "status_label": "Đạt", "colour": ""}


def test_a_reports_small_support_counts_are_hidden_wherever_it_is_shown(report, writer, login, client,
                                                                         monkeypatch):
    from openpyxl import load_workbook

    assert figures.public(_support_row("SUPPORT_REFERRED", 3))["text"] == "<5"
    assert figures.public(_support_row("SUPPORT_ACCESS", 6, 4.0))["numerator"] is None  # a tiny denominator
    assert figures.public(_support_row("SUPPORT_REFERRED", 7))["text"] == "7"
    assert figures.public(_support_row("TIPS_RECEIVED", 3))["text"] == "3"  # not about support clients
    rows = [_support_row("SUPPORT_SERVICES", 3), _support_row("TIPS_RECEIVED", 4)]
    monkeypatch.setattr(figures, "live", lambda report, today=None: [dict(r) for r in rows])
    login(writer.user)
    sheet = load_workbook(io.BytesIO(b"".join(client.get(reverse("report_xlsx", args=[report.pk]))
                                              .streaming_content))).active
    services_row = next(r for r in sheet.iter_rows(values_only=True) if "SUPPORT_SERVICES" in r)
    assert "<5" in services_row and 3 not in services_row and 3.0 not in services_row
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "&lt;5" in page
    submitted(report, writer)  # frozen: the snapshot keeps the number, the pages and exports do not show it
    assert next(f for f in Report.objects.get(pk=report.pk).snapshot["figures"]
                if f["code"] == "SUPPORT_SERVICES")["numerator"] == 3
    response = client.get(reverse("report_docx", args=[report.pk]))
    doc = Document(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cells = [c.text for row in doc.tables[1].rows for c in row.cells]
    assert "<5" in cells
