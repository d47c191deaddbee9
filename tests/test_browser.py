"""A person in real Chromium: login -> home -> list -> create -> edit -> delete -> logout.

Screenshots go to test-artifacts/screenshots/. Debian's /usr/bin/chromium is used; no browser
is downloaded.
"""

import os
from pathlib import Path

import pytest

from .conftest import PASSWORD

CHROMIUM = os.environ.get("PCMD_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync"]
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    """Collect the Content-Security-Policy violations Chromium reports on `page` (blocked script fails silently)."""
    violations = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return violations


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does).")
    # Playwright's sync API runs an event loop; Django must allow ORM use from the test thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # a phone
        page = context.new_page()
        page.set_default_timeout(15000)
        violations = watch_csp(page)
        yield page
        context.close()
        browser.close()
    assert violations == [], "the page broke the Content-Security-Policy"


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_login_list_create_edit_delete_logout(live_server, browser_page, member_factory):
    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Role

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    member_factory("b.owner", bach_dang(), Role.COORDINATOR, "phong-vhxh")
    page = browser_page

    page.goto(f"{live_server.url}/thon-to-dan-pho/")
    page.fill("#id_username", "b.owner")
    page.fill("#id_password", "sai mật khẩu")
    page.click("#login-button")
    assert "không đúng" in page.inner_text("#form-errors")
    assert page.input_value("#id_username") == "b.owner"
    shot(page, "01-login-error")

    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_url(f"{live_server.url}/thon-to-dan-pho/")
    assert "Tổ dân phố số 1" in page.inner_text("#crud-table")
    shot(page, "02-hamlet-list")

    page.goto(f"{live_server.url}/")
    assert "Phường Bạch Đằng" in page.inner_text("#current-membership")
    shot(page, "03-home")

    # Search through htmx without reloading the page.
    page.goto(f"{live_server.url}/thon-to-dan-pho/")
    page.fill("#id_q", "so 12")
    page.wait_for_function("document.querySelector('#crud-table').innerText.includes('Tổ dân phố số 12')")
    assert "Tổ dân phố số 2\n" not in page.inner_text("#crud-table")

    page.goto(f"{live_server.url}/thon-to-dan-pho/them/")
    page.fill("#id_name", "")
    page.click("#save-button")
    assert page.locator("#form-errors").is_visible()
    page.fill("#id_name", "Tổ dân phố Kiến An")
    page.select_option("#id_division_type", "tổ dân phố")
    page.fill("#id_note", "Tạo từ kiểm thử trình duyệt")
    page.click("#save-button")
    page.wait_for_url("**/thon-to-dan-pho/*/")
    assert "Tổ dân phố Kiến An" in page.inner_text("h1")
    shot(page, "04-created")

    page.click("text=Sửa")
    page.fill("#id_name", "Tổ dân phố Kiến An 2")
    page.click("#save-button")
    page.wait_for_url("**/thon-to-dan-pho/*/")
    assert "Tổ dân phố Kiến An 2" in page.inner_text("h1")
    assert "Kiến An 2" in page.inner_text("#history")
    shot(page, "05-edited-with-history")

    page.click("text=Xóa")
    page.click("#confirm-delete")
    page.wait_for_url(f"{live_server.url}/thon-to-dan-pho/")
    assert "Đã xóa" in page.inner_text("main")
    assert not AdminUnit.objects.filter(name__startswith="Tổ dân phố Kiến An").exists()
    shot(page, "06-deleted")

    # On a phone the menu is collapsed: wait until it has finished opening (Bootstrap adds .show
    # after the transition), then open the account menu; a click during the transition can be lost.
    page.click(".navbar-toggler")
    page.wait_for_selector(".navbar-collapse.show")
    page.click("#account-menu")
    page.wait_for_selector("#logout-button", state="visible")
    page.click("#logout-button")
    page.wait_for_url(f"{live_server.url}/dang-nhap/")
    shot(page, "07-logged-out")
