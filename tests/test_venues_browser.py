"""The Excel import in real Chromium: upload, preview with a bad row, run through the htmx batch chain."""

import pytest

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401  (fixture)
from .test_imports import row, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_in_the_browser(live_server, browser_page, member_factory, settings, tmp_path):  # noqa: F811
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role
    from pcmd.venues.importers import establishments as importer
    from pcmd.venues.models import Establishment

    settings.MEDIA_ROOT = tmp_path
    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    member_factory("b.venues", bach_dang(), Role.COORDINATOR, "phong-vhxh")
    importer.batch_size = 4  # several htmx round trips
    page = browser_page
    try:
        page.goto(f"{live_server.url}/co-so-kinh-doanh/nhap-excel/")
        page.fill("#id_username", "b.venues")
        page.fill("#id_password", PASSWORD)
        page.click("#login-button")
        page.wait_for_selector("#import-upload")
        path = tmp_path / "tai-len.xlsx"
        rows = [row(name=f"Trình duyệt {n}", registration_number=f"TD{n}") for n in range(10)]
        rows.append(row(name="Dòng lỗi", workers_total=-1))
        path.write_bytes(xlsx(rows))
        page.set_input_files("#id_file", str(path))
        page.click("#import-upload button[type=submit]")
        page.wait_for_selector("#import-preview")
        assert "Thêm mới: 10" in page.inner_text("#count-create")
        assert "không được là số âm" in page.inner_text("#import-errors")
        shot(page, "venues-01-import-preview")
        page.check("#mode-valid")
        page.click("#import-start button[type=submit]")
        page.wait_for_selector("#import-done", timeout=30000)
        assert "thêm mới 10" in page.inner_text("#import-progress").lower()
        shot(page, "venues-02-import-done")
        assert Establishment.objects.filter(name__startswith="Trình duyệt").count() == 10
    finally:
        importer.batch_size = 2000
