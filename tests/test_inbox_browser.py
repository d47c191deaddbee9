"""The inbox in a browser (issue 12): a demo login with notices sees the unread count in the navbar, opens a
notice and lands on its record, the count goes down, marks all read and chooses the e-mail digest's kinds."""

import pytest

from .test_browser import browser_page, shot, watch_csp  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count(page) -> int:
    badge = page.locator("#inbox-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_inbox_walk(live_server, browser_page):  # noqa: F811
    from django.contrib.auth import get_user_model

    from pcmd.core.demo import DEMO_PASSWORD, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.inbox.models import InboxPreference, Notification

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    user = get_user_model().objects.get(username="bachdang.vhxh")  # the commune's standing office
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    assert unread.filter(kind="tip_deadline").exists() and unread.exclude(kind="tip_deadline").exists(), \
        "the demo's daily scan gives the commune coordinator tip, task and report notices"
    page = browser_page
    errors = watch_csp(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "bachdang.vhxh")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#current-membership")
    before = count(page)
    assert before == unread.count()
    link = page.locator("#inbox-link").bounding_box()
    assert link and link["x"] + link["width"] <= 1280  # the bell fits the navbar at 1280 px
    page.click("#inbox-link")
    page.wait_for_selector("#inbox-list")
    shot(page, "inbox-list")
    page.select_option("#id_loai", "tip_deadline")  # the filter: only the tip deadlines
    page.click("#inbox-filter button[type=submit]")
    page.wait_for_url("**loai=tip_deadline**")
    assert page.locator("#inbox-list a").count() == unread.filter(kind="tip_deadline").count()
    first = page.locator("#inbox-list a").first
    notice = Notification.objects.get(pk=int(first.get_attribute("data-notice")))
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith(notice.url)  # landed on the record (the tip)
    assert notice.title.split(":")[0].split(" (")[0] in page.content()  # "Tin TB31-…": the tip's code is shown
    assert count(page) < before  # this notice (and any other about the same tip) is read now
    notice.refresh_from_db()
    assert notice.read_at is not None
    page.click("#inbox-link")
    page.click("#mark-all-read")
    page.wait_for_selector("#inbox-empty")
    assert count(page) == 0 and not unread.exists()
    page.click("#inbox-preferences")
    page.wait_for_selector("#preferences-form")
    page.uncheck("input[value=tip_deadline]")
    page.check("input[value=tip_transfer]")
    page.click("#save-preferences")
    page.wait_for_selector(".alert-success, .alert")
    shot(page, "inbox-preferences")
    kinds = InboxPreference.objects.get(user=user).email_kinds
    assert "tip_transfer" in kinds and "tip_deadline" not in kinds
    assert page.locator("input[value=tip_transfer]").is_checked()
    assert errors == []
