"""The report workflow in real Chromium, two officials in two browsers: the commune's coordinator writes and sends,
the province's standing office returns with a remark on a section, the commune corrects and sends again (the
province sees the difference), the province approves, its own report rolls the commune up, and the Word export
opens in LibreOffice with the official layout."""

import subprocess

import pytest

from .conftest import PASSWORD
from .test_browser import SHOTS, browser_page, watch_csp  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, url, username):
    """A new browser context (its own cookies) signed in as `username`, on a desktop's width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.csp_violations = watch_csp(page)
    page.goto(f"{url}/bao-cao/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_url(f"{url}/bao-cao/")
    return page


def step(page, slug):
    page.click(f'[data-step="{slug}"]')
    page.wait_for_selector("#save-button")


def test_commune_writes_province_returns_commune_resends_province_approves_and_exports(
        live_server, browser_page, member_factory, tmp_path, system_tool):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.reports.models import Report

    soffice, pdftotext = system_tool("soffice", "libreoffice"), system_tool("pdftotext")
    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    city = AdminUnit.objects.get(code="31")
    member_factory("w.xa", bach_dang(), Role.COORDINATOR, "phong-vhxh")
    member_factory("w.tinh", city, Role.COORDINATOR, "so-y-te")
    report = Report.objects.get(unit=bach_dang(), type__code="xa-6-thang", year__gte=2026, revision=0)
    province_report = Report.objects.get(unit=city, type__code="tinh-6-thang", year=report.year)
    url = live_server.url
    browser = browser_page.context.browser
    commune, province = signed_in(browser, url, "w.xa"), signed_in(browser, url, "w.tinh")
    detail = f"{url}/bao-cao/{report.pk}/"

    # The commune writes its draft and sends it.
    commune.goto(detail)
    step(commune, "sua")
    commune.fill("#id_muc_ket-qua", "Phường đã tuyên truyền tại 12 tổ dân phố và kiểm tra 8 cơ sở lưu trú.")
    commune.fill("#id_muc_danh-gia", "Ưu điểm: phối hợp tốt. Hạn chế: lực lượng mỏng.")
    commune.click("#save-button")
    commune.wait_for_url(detail)
    assert "kiểm tra 8 cơ sở lưu trú" in commune.inner_text("#section-ket-qua")
    step(commune, "gui")
    commune.click("#save-button")
    commune.wait_for_url(detail)
    assert commune.inner_text("#report-status") == "Đã gửi, chờ duyệt"
    SHOTS.mkdir(parents=True, exist_ok=True)
    commune.screenshot(path=str(SHOTS / "report-01-sent.png"), full_page=True)

    # The province returns it with a remark on the assessment section.
    province.goto(detail)
    step(province, "tra-lai")
    province.click("#save-button")  # no reason: refused, nothing changes
    assert "lý do" in province.inner_text("body")
    province.fill("#id_reason", "Đề nghị nêu rõ nguyên nhân hạn chế.")
    province.fill("#id_nhanxet_danh-gia", "Nêu nguyên nhân chủ quan và khách quan.")
    province.click("#save-button")
    province.wait_for_url(detail)
    assert province.inner_text("#report-status") == "Bị trả lại, cần sửa"

    # The commune sees the remark beside the section, corrects and sends again.
    commune.goto(detail)
    assert "Nêu nguyên nhân chủ quan và khách quan." in commune.inner_text("#section-danh-gia")
    step(commune, "sua")
    assert "Nêu nguyên nhân chủ quan" in commune.inner_text("#return-comments")
    commune.fill("#id_muc_danh-gia", "Ưu điểm: phối hợp tốt. Hạn chế: lực lượng mỏng. Nguyên nhân: địa bàn rộng, "
                                    "kinh phí hạn chế.")
    commune.click("#save-button")
    commune.wait_for_url(detail)
    step(commune, "gui")
    commune.click("#save-button")
    commune.wait_for_url(detail)

    # The province sees what changed, then approves.
    province.goto(detail)
    assert "địa bàn rộng, kinh phí hạn chế" in province.inner_text("#resubmit-diff")
    province.screenshot(path=str(SHOTS / "report-02-resubmitted-diff.png"), full_page=True)
    step(province, "phe-duyet")
    province.click("#save-button")
    province.wait_for_url(detail)
    assert province.inner_text("#report-status") == "Đã phê duyệt"

    # The province's own report rolls the approved commune up (and lists it no more as missing).
    province.goto(f"{url}/bao-cao/{province_report.pk}/")
    assert "Phường Bạch Đằng" not in province.inner_text("#rollup-missing")
    approved = Report.objects.filter(province=city, type__code="xa-6-thang", year=report.year,
                                     status="approved").count()
    assert f"({approved} đơn vị)" in province.inner_text("#rollup")
    province.screenshot(path=str(SHOTS / "report-03-province-rollup.png"), full_page=True)

    # The Word export, converted by LibreOffice, has the official layout.
    commune.goto(detail)
    with commune.expect_download() as download:
        commune.click("#export-docx")
    source = tmp_path / "bao-cao.docx"
    download.value.save_as(source)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "bao-cao.pdf"), "-"], check=True,
                          capture_output=True, timeout=60).stdout.decode()
    flat = " ".join(text.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Số:", "/BC-UBND",
                     "Kết quả thực hiện công tác phòng, chống mại dâm 6 tháng đầu năm", "Bản gửi lần 2",
                     "I. KẾT QUẢ THỰC HIỆN", "Nơi nhận:", "Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                     "Nguyên nhân: địa bàn rộng, kinh phí hạn chế."):
        assert expected in flat, expected
    assert commune.csp_violations == [] and province.csp_violations == []
    commune.context.close()
    province.context.close()
