"""Deriving a commune's plan from its city's plan, and the city's view of communes with a plan."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role
from pcmd.plans.derive import addressed_to_communes, applies_to_communes, derive_preview, plan_coverage, plan_derive
from pcmd.plans.models import Comparator, Metric, Plan, PlanStatus, Target, Task

pytestmark = pytest.mark.django_db

SPLIT = "80% cán bộ cấp Thành phố và 60% cán bộ tại xã, phường được tập huấn"
TRAJECTORY = "Phấn đấu tỷ lệ xã, phường không có tụ điểm (Năm 2026: 60%; Năm 2027: 70%; Năm 2028: 80%)."


@pytest.fixture
def city_plan(hai_phong):
    plan = Plan.objects.create(
        unit=hai_phong, number="12/KH-UBND", title="Kế hoạch phòng, chống mại dâm giai đoạn 2026-2028",
        issuer="ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", issue_date=datetime.date(2026, 1, 5), place="Hải Phòng",
        period="2026-2028", status=PlanStatus.ISSUED)
    for order, (year, value) in enumerate([(2026, 60), (2027, 70), (2028, 80)], start=1):
        Target.objects.create(plan=plan, order=order, text=TRAJECTORY, metric=Metric.PERCENT,
                              comparator=Comparator.GTE, value=Decimal(value), year=year,
                              population="xã, phường không có tụ điểm mại dâm")
    Target.objects.create(plan=plan, order=4, metric=Metric.PERCENT, comparator=Comparator.GTE, value=Decimal(80),
                          text=SPLIT, population="cán bộ được tập huấn",
                          scope="cấp Thành phố")
    Target.objects.create(plan=plan, order=5, metric=Metric.PERCENT, comparator=Comparator.GTE, value=Decimal(60),
                          text=SPLIT, population="cán bộ được tập huấn",
                          scope="xã, phường")
    Target.objects.create(plan=plan, order=6, metric=Metric.COUNT, comparator=Comparator.EQ, value=Decimal(0),
                          text="Không để phát sinh tụ điểm mại dâm phức tạp.")
    Target.objects.create(plan=plan, order=7, metric=Metric.PERCENT, comparator=Comparator.EQ, value=Decimal(100),
                          year=2028, text="Đến năm 2028, 100% xã, phường có mô hình hỗ trợ.",
                          population="xã, phường có mô hình hỗ trợ")
    Target.objects.create(plan=plan, order=8, metric=Metric.PERCENT, comparator=Comparator.EQ, value=Decimal(100),
                          year=2026, text="Năm 2026, 100% xã, phường rà soát cơ sở.", population="xã, phường rà soát")
    for order, (value, population) in enumerate([(50, "người lao động tại các cơ sở"), (25, "học sinh")], start=9):
        Target.objects.create(plan=plan, order=order, metric=Metric.PERCENT, comparator=Comparator.GTE,
                              value=Decimal(value), population=population,
                              text="Phấn đấu 50% người lao động tại các cơ sở, 25% học sinh được tuyên truyền.")
    Task.objects.create(plan=plan, order=1, ref="III.1", title="Chỉ đạo, hướng dẫn các sở, ngành",
                        lead_names=["Sở Y tế"], partner_names=["Công an Thành phố"])
    Task.objects.create(plan=plan, order=2, ref="III.5", title="Xây dựng kế hoạch và kiểm tra cơ sở trên địa bàn",
                        text="Xây dựng kế hoạch năm; kiểm tra các cơ sở kinh doanh dịch vụ.",
                        lead_names=["Ủy ban nhân dân các xã, phường"], partner_names=["Công an"],
                        timing="Hằng quý")
    return plan


@pytest.mark.parametrize(("names", "expected"), [
    (["Ủy ban nhân dân các xã, phường"], True),
    (["UBND cấp xã"], True),
    (["UBND các phường, xã"], True),
    (["Các xã, phường, đặc khu"], True),
    (["Sở Y tế"], False),
    (["Sở Lao động - Thương binh và Xã hội"], False),
    (["Phòng Văn hóa - Xã hội"], False),
])
def test_tasks_addressed_to_communes(names, expected):
    assert addressed_to_communes(names) is expected


@pytest.mark.parametrize(("scope", "expected"), [
    ("", True), ("xã, phường", True), ("cấp xã", True), ("cấp Thành phố", False), ("cấp tỉnh", False),
])
def test_scope_decides_whether_a_target_reaches_communes(scope, expected):
    assert applies_to_communes(Target(scope=scope)) is expected


def test_derive_copies_year_value_commune_targets_and_tasks(city_plan, bach_dang, owner):
    plan = plan_derive(parent=city_plan, unit=bach_dang, year=2027, user=owner)
    assert plan.status == PlanStatus.DRAFT and plan.parent == city_plan and plan.period == "2027"
    assert plan.number == "" and plan.title == "Kế hoạch phòng, chống mại dâm năm 2027"
    assert plan.issuer == "ỦY BAN NHÂN DÂN PHƯỜNG BẠCH ĐẰNG"
    targets = list(plan.targets.order_by("order"))
    # trajectory -> 2027's value; city-level skipped; "by 2028" kept with its year; 2026-only skipped
    assert [(t.value, t.year) for t in targets] == [(70, 2027), (60, 2027), (0, 2027), (100, 2028), (50, 2027),
                                                    (25, 2027)]
    assert targets[3].text == "Đến năm 2028, 100% xã, phường có mô hình hỗ trợ."
    # one sentence with two figures for communes: copied as written (the export prints it once)
    assert {t.text for t in targets[4:]} == {
        "Phấn đấu 50% người lao động tại các cơ sở, 25% học sinh được tuyên truyền."}
    trajectory = targets[0]
    assert trajectory.derived_from.year == 2027 and trajectory.comparator == Comparator.GTE
    assert "70%" in trajectory.text and "60%" not in trajectory.text
    assert targets[1].derived_from.scope == "xã, phường"
    assert targets[1].text == "Ít nhất 60% cán bộ được tập huấn"  # only the commune's figure of "80% … và 60% …"
    assert not plan.targets.filter(text__contains="cấp Thành phố").exists()
    task = plan.tasks.get()
    assert task.title == "Xây dựng kế hoạch và kiểm tra cơ sở trên địa bàn" and task.derived_from.ref == "III.5"
    assert set(task.lead_agencies.values_list("kind__code", flat=True)) == {"ubnd-xa", "phong-vhxh"}
    assert set(task.lead_names) == set(task.lead_agencies.values_list("name", flat=True))
    assert list(task.partner_agencies.values_list("kind__code", flat=True)) == ["cong-an-xa"]
    basis = plan.legal_bases.get()
    assert basis.text == ("Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2026 của Ủy ban nhân dân thành phố Hải Phòng "
                          "về phòng, chống mại dâm giai đoạn 2026-2028.")
    assert basis.number == "12/KH-UBND" and basis.date == datetime.date(2026, 1, 5)


def test_second_derive_is_refused_naming_the_plan(city_plan, bach_dang, owner):
    first = plan_derive(parent=city_plan, unit=bach_dang, year=2026, user=owner)
    with pytest.raises(ValidationError) as error:
        plan_derive(parent=city_plan, unit=bach_dang, year=2026, user=owner)
    assert str(first) in error.value.messages[0] and "đã có kế hoạch năm 2026" in error.value.messages[0]
    assert Plan.objects.filter(parent=city_plan, unit=bach_dang).count() == 1
    plan_derive(parent=city_plan, unit=bach_dang, year=2027, user=owner)  # another year is another plan


def test_year_outside_the_parent_period_and_foreign_unit_are_refused(city_plan, bach_dang, ninh_binh_commune):
    with pytest.raises(ValidationError, match="ngoài kỳ"):
        derive_preview(parent=city_plan, unit=bach_dang, year=2030)
    with pytest.raises(ValidationError, match="không phải xã, phường thuộc"):
        derive_preview(parent=city_plan, unit=ninh_binh_commune, year=2026)


def test_membership_is_rechecked_in_the_service(city_plan, bach_dang, outsider):
    with pytest.raises(PermissionDenied):
        plan_derive(parent=city_plan, unit=bach_dang, year=2026, user=outsider,
                    membership=outsider.memberships.get())


def test_view_preview_then_create(city_plan, bach_dang, owner, login):
    client = login(owner)
    url = reverse("plan_derive")
    page = client.get(url)
    assert page.status_code == 200 and str(city_plan) in page.content.decode()
    query = {"parent": city_plan.pk, "year": 2026, "unit": bach_dang.pk}
    preview = client.get(url, query)
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="derive-preview"' in html
    assert "Xây dựng kế hoạch và kiểm tra cơ sở trên địa bàn" in html and "cấp Thành phố" in html  # skipped, shown
    assert not Plan.objects.filter(parent=city_plan).exists()  # a preview writes nothing
    created = client.post(url, query)
    plan = Plan.objects.get(parent=city_plan, unit=bach_dang)
    assert created.status_code == 302 and created["Location"] == reverse("plan_detail", args=[plan.pk])
    again = client.post(url, query)
    assert again.status_code == 400 and "đã có kế hoạch năm 2026" in again.content.decode()


def test_view_keeps_input_and_says_what_is_wrong(city_plan, owner, login):
    response = login(owner).post(reverse("plan_derive"), {"parent": city_plan.pk, "year": "hai nghìn"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Năm phải là một số" in html and "Hãy chọn xã, phường." in html


def test_outsider_cannot_derive_from_or_into_another_province(city_plan, bach_dang, outsider, ninh_binh_commune,
                                                              login):
    client = login(outsider)
    page = client.get(reverse("plan_derive"))
    assert page.status_code == 200 and str(city_plan) not in page.content.decode()
    for unit in (bach_dang, ninh_binh_commune):
        response = client.post(reverse("plan_derive"), {"parent": city_plan.pk, "year": 2026, "unit": unit.pk})
        assert response.status_code == 404
        assert client.get(reverse("plan_derive"), {"parent": city_plan.pk, "year": 2026,
                                                   "unit": unit.pk}).status_code == 404
    # a commune of their own province is not enough with a parent of another province
    assert client.post(reverse("plan_derive"), {"parent": city_plan.pk, "year": 2026,
                                                "unit": ninh_binh_commune.pk}).status_code == 404
    assert not Plan.objects.filter(parent=city_plan).exists()


def test_province_member_cannot_derive_into_another_province(city_plan, member_factory, hai_phong, login,
                                                            ninh_binh_commune):
    city_member = login(member_factory("hp.coord", hai_phong, Role.COORDINATOR))
    response = city_member.post(reverse("plan_derive"), {"parent": city_plan.pk, "year": 2026,
                                                         "unit": ninh_binh_commune.pk})
    assert response.status_code == 404
    assert not Plan.objects.filter(parent=city_plan).exists()


def test_commune_member_derives_only_for_their_own_commune(city_plan, bach_dang, owner, login):
    """The commune picker comes from core.scoping: a commune member is offered their commune only, and a
    neighbouring commune of the same city (same province, other path) is not there (404)."""
    neighbour = (AdminUnit.objects.filter(province=bach_dang.province, level=Level.COMMUNE, is_active=True)
                 .exclude(pk=bach_dang.pk).first())
    client = login(owner)
    for query in ({}, {"parent": city_plan.pk, "year": 2026}):
        form = client.get(reverse("plan_derive"), query).context["form"]
        assert list(form.fields["unit"].queryset) == [bach_dang]
    for send in (client.get, client.post):
        assert send(reverse("plan_derive"), {"parent": city_plan.pk, "year": 2026,
                                             "unit": neighbour.pk}).status_code == 404
    assert not Plan.objects.filter(parent=city_plan).exists()


def test_province_member_is_offered_their_province_communes_only(city_plan, member_factory, hai_phong,
                                                                 ninh_binh_commune, login):
    client = login(member_factory("hp.coord", hai_phong, Role.COORDINATOR))
    units = client.get(reverse("plan_derive"), {"parent": city_plan.pk}).context["form"].fields["unit"].queryset
    assert units.exists() and not units.exclude(province=hai_phong).exists()
    assert ninh_binh_commune not in units


def test_read_only_member_cannot_derive(city_plan, bach_dang, reader, login):
    response = login(reader).post(reverse("plan_derive"), {"parent": city_plan.pk, "year": 2026,
                                                           "unit": bach_dang.pk})
    assert response.status_code == 403
    assert not Plan.objects.filter(parent=city_plan).exists()


# ---------------------------------------------------------------------------------------------- coverage

@pytest.fixture
def small_province(db):
    """A hand-built province of four communes: issued, draft, a 2026-2030 plan, none."""
    province = AdminUnit.objects.create(code="T99", name="Tỉnh Thử Nghiệm", level=Level.PROVINCE, path="T99/")
    province.province = province
    province.save()
    communes = []
    for n, name in enumerate(["Xã An", "Xã Bình", "Xã Cát", "Xã Dương"], start=1):
        communes.append(AdminUnit.objects.create(code=f"T99{n}", name=name, level=Level.COMMUNE, parent=province,
                                                 province=province, path=f"T99/T99{n}/"))
    an, binh, cat, _duong = communes
    Plan.objects.create(unit=an, title="Kế hoạch năm 2026", period="2026", status=PlanStatus.ISSUED)
    Plan.objects.create(unit=an, title="Kế hoạch năm 2025", period="2025", status=PlanStatus.ISSUED)
    Plan.objects.create(unit=binh, title="Kế hoạch năm 2026", period="2026", status=PlanStatus.DRAFT)
    Plan.objects.create(unit=cat, title="Kế hoạch giai đoạn", period="2026-2030", status=PlanStatus.ISSUED)
    Plan.objects.create(unit=province, title="Kế hoạch của tỉnh", period="2026", status=PlanStatus.ISSUED)
    return province


def test_coverage_counts_in_one_query(small_province):
    with CaptureQueriesContext(connection) as queries:
        coverage = plan_coverage(province=small_province, year=2026)
    assert len(queries) <= 4  # the rows, then the engine's COMMUNES_WITH_PLAN (communes, own units, values)
    assert (coverage.total, coverage.issued, coverage.draft, coverage.none) == (4, 2, 1, 1)
    assert coverage.percent == 50.0
    status = {row.name: (bool(row.issued_plan), bool(row.draft_plan)) for row in coverage.rows}
    assert status == {"Xã An": (True, False), "Xã Bình": (False, True), "Xã Cát": (True, False),
                      "Xã Dương": (False, False)}
    later = plan_coverage(province=small_province, year=2031)
    assert (later.issued, later.draft, later.none) == (0, 0, 4)


def test_coverage_page_for_province_national_and_commune_members(small_province, member_factory, login):
    province_member = member_factory("t99.prov", small_province, Role.COORDINATOR)
    client = login(province_member)
    html = client.get(reverse("plan_coverage"), {"nam": 2026}).content.decode()
    assert 'id="coverage-percent">50,0%' in html and "Xã Dương" in html
    national = member_factory("t99.nat", None, Role.COORDINATOR)
    client = login(national)
    assert "Xã Dương" not in client.get(reverse("plan_coverage")).content.decode()  # choose a province first
    html = client.get(reverse("plan_coverage"), {"don-vi": "T99", "nam": 2026}).content.decode()
    assert 'id="coverage-percent">50,0%' in html
    commune_member = member_factory("t99.an", AdminUnit.objects.get(code="T991"), Role.COORDINATOR)
    html = login(commune_member).get(reverse("plan_coverage"), {"nam": 2026}).content.decode()
    assert "Xã An" in html and "Xã Dương" not in html  # a commune sees only itself


def test_outsider_sees_nothing_of_another_province(small_province, outsider, login):
    html = login(outsider).get(reverse("plan_coverage"), {"don-vi": "T99", "nam": 2026}).content.decode()
    assert "Xã An" not in html and "Tỉnh Thử Nghiệm" not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_preview_create_then_coverage_chart(live_server, member_factory):
    """A city coordinator derives a commune's plan in the browser, then sees it on the coverage doughnut."""
    import os
    from pathlib import Path

    from .conftest import PASSWORD
    from .test_browser import CHROMIUM, FLAGS, SHOTS

    province = AdminUnit.objects.create(code="T98", name="Tỉnh Trình Duyệt", level=Level.PROVINCE, path="T98/")
    province.province = province
    province.save()
    commune = AdminUnit.objects.create(code="T981", name="Xã Một", level=Level.COMMUNE, parent=province,
                                       province=province, path="T98/T981/")
    AdminUnit.objects.create(code="T982", name="Xã Hai", level=Level.COMMUNE, parent=province, province=province,
                             path="T98/T982/")
    parent = Plan.objects.create(unit=province, title="Kế hoạch phòng, chống mại dâm năm 2026", period="2026",
                                 issuer="ỦY BAN NHÂN DÂN TỈNH TRÌNH DUYỆT", status=PlanStatus.ISSUED)
    Target.objects.create(plan=parent, order=1, metric=Metric.PERCENT, comparator=Comparator.EQ,
                          value=Decimal(100), text="100% xã, phường xây dựng kế hoạch năm.")
    Task.objects.create(plan=parent, order=1, title="Kiểm tra cơ sở trên địa bàn", lead_names=["UBND các xã, phường"])
    member_factory("t98.coord", province, Role.COORDINATOR)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}{reverse('plan_derive')}")
        page.fill("#id_username", "t98.coord")
        page.fill("#id_password", PASSWORD)
        page.click("#login-button")
        page.wait_for_selector("#derive-form")
        page.select_option("#id_parent", str(parent.pk))
        page.fill("#id_year", "2026")
        page.select_option("#id_unit", str(commune.pk))
        page.click("#derive-form button[type=submit]")
        page.wait_for_selector("#derive-preview")
        assert "100% xã, phường xây dựng kế hoạch năm." in page.inner_text("#derive-preview")
        page.screenshot(path=str(SHOTS / "plan-derive-preview.png"), full_page=True)
        page.click("#derive-create")
        page.wait_for_selector("#plan-actions")
        derived = Plan.objects.get(parent=parent, unit=commune)
        assert page.url.endswith(reverse("plan_detail", args=[derived.pk]))
        derived.status = PlanStatus.ISSUED
        derived.save()
        page.goto(f"{live_server.url}{reverse('plan_coverage')}?year=2026")
        assert page.inner_text("#coverage-percent") == "50,0%"
        page.wait_for_function("Chart.getChart(document.querySelector('canvas[data-coverage]')) !== undefined")
        page.screenshot(path=str(SHOTS / "plan-coverage.png"), full_page=True)
        browser.close()


@pytest.fixture
def hanoi_seed_plan(hai_phong, settings, tmp_path):
    """The Hà Nội seed read by the importer, as the plan of a city (issue 12, defect 5)."""
    from pathlib import Path

    from pcmd.plans.services import plan_import

    settings.MEDIA_ROOT = tmp_path / "media"
    seed = Path(settings.PCMD_SEEDS_DIR) / "city-ha-noi-2026-2030.txt"
    plan = plan_import(unit=hai_phong, file_name=seed.name, data=seed.read_bytes())
    plan.status = PlanStatus.ISSUED
    plan.save()
    return plan


def test_province_only_targets_stay_out_of_a_ward_plan_with_the_reason(hanoi_seed_plan, bach_dang, owner):
    preview = derive_preview(parent=hanoi_seed_plan, unit=bach_dang, year=2026)
    skipped = {target.text[:40]: reason for target, reason in preview.skipped_targets}
    copied = [c.text for c in preview.targets]
    body = next(r for t, r in skipped.items() if t.startswith("100% Sở, ban, ngành"))
    assert "cơ quan cấp tỉnh" in body
    cases = next(r for t, r in skipped.items() if t.startswith("Phát hiện, khám phá, xử lý hình sự"))
    assert "toàn tỉnh, thành phố" in cases
    assert any("đội ngũ này" in target.text and "“… này”" in reason for target, reason in preview.skipped_targets)
    assert not any(text.startswith("100% Sở, ban, ngành") or "80-100 vụ án" in text or "đội ngũ này" in text
                   for text in copied)
    assert any(c.source.value == 60 and c.source.year == 2026 for c in preview.targets), (
        [(c.source.value, c.source.year, c.text[:50]) for c in preview.targets],
        [(t.value, t.year, r) for t, r in preview.skipped_targets])  # the trajectory stays
    plan = plan_derive(parent=hanoi_seed_plan, unit=bach_dang, year=2026, user=owner)
    assert list(plan.targets.order_by("order").values_list("section", flat=True)) == [
        str(n) for n in range(1, plan.targets.count() + 1)]  # the ward's own numbering


def test_a_count_for_each_commune_reaches_the_commune(city_plan, bach_dang):
    Target.objects.create(plan=city_plan, order=20, metric=Metric.COUNT, comparator=Comparator.GTE,
                          value=Decimal(2), text="Mỗi xã, phường tổ chức ít nhất 2 buổi tuyên truyền.",
                          population="buổi tuyên truyền tại mỗi xã, phường")
    Target.objects.create(plan=city_plan, order=21, metric=Metric.COUNT, comparator=Comparator.GTE,
                          value=Decimal(5300), text="Tuyên truyền cho ít nhất 5.300 người dân.",
                          population="người dân")
    preview = derive_preview(parent=city_plan, unit=bach_dang, year=2026)
    assert any(c.source.value == 2 for c in preview.targets)
    assert any(t.value == 5300 and "toàn tỉnh" in reason for t, reason in preview.skipped_targets)


def test_a_province_derives_its_plan_from_a_national_program_decision(hai_phong, bach_dang, settings, tmp_path):
    """National -> province: the program decision, imported by the province as a reference text, is the parent."""
    from pathlib import Path

    from pcmd.plans.services import plan_import

    settings.MEDIA_ROOT = tmp_path / "media"
    source = Path(__file__).parent / "fixtures" / "heldout" / "qd-chuong-trinh-2026-2030.txt"
    program = plan_import(unit=hai_phong, file_name=source.name, data=source.read_bytes())
    assert program.doc_kind == "decision" and program.period == "2026-2030"
    Target.objects.create(plan=program, order=50, metric=Metric.COUNT, comparator=Comparator.GTE,
                          value=Decimal(1000), text="Triệt phá ít nhất 1.000 đường dây.", population="đường dây")
    Task.objects.create(plan=program, order=50, ref="III.3", title="Xây dựng kế hoạch của địa phương",
                        lead_names=["Ủy ban nhân dân các tỉnh, thành phố"])
    with pytest.raises(ValidationError):
        derive_preview(parent=program, unit=bach_dang, year=2026)  # a commune derives from its province's plan
    preview = derive_preview(parent=program, unit=hai_phong, year=2026)
    assert len(preview.targets) == 7  # every share of the program
    assert any(t.value == 1000 and "cả nước" in reason for t, reason in preview.skipped_targets)
    assert [t.title for t in preview.tasks] == ["Xây dựng kế hoạch của địa phương"]
    assert preview.basis.startswith("Thực hiện Quyết định số 9999/QĐ-TTg ngày 15/03/2026")
    plan = plan_derive(parent=program, unit=hai_phong, year=2026, user=None)
    assert plan.unit == hai_phong and plan.parent == program and plan.doc_kind == "plan"
    assert plan.targets.count() == 7 and plan.tasks.count() == 1


def test_the_unit_picker_offers_the_province_itself_for_a_national_program(hai_phong, member_factory, settings,
                                                                           tmp_path):
    from pathlib import Path

    from pcmd.plans.derive import derive_units
    from pcmd.plans.services import plan_import

    settings.MEDIA_ROOT = tmp_path / "media"
    source = Path(__file__).parent / "fixtures" / "heldout" / "qd-chuong-trinh-2026-2030.txt"
    program = plan_import(unit=hai_phong, file_name=source.name, data=source.read_bytes())
    member = member_factory("hp.coord", hai_phong, Role.COORDINATOR, "so-y-te")
    assert list(derive_units(member.memberships.get(), program)) == [hai_phong]
