"""Issue 12, defect 3: logout and the role switch stay on screen at 1280 px, in between and on a phone."""
import pytest

from .conftest import PASSWORD
from .test_browser import browser_page, shot  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def inside(page, selector, width):
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{selector} at {box}, width {width}"


def test_logout_and_role_switch_are_within_the_viewport(live_server, browser_page, member_factory):  # noqa: F811
    # One test for every width: a transactional test empties the database the demo seed needs after it.
    from django.contrib.auth import get_user_model

    from pcmd.core.demo import bach_dang, seed
    from pcmd.geo.models import AdminUnit
    from pcmd.org.models import Membership, Role

    if not AdminUnit.objects.exists():  # transactional tests start from an empty database
        seed("demo")
    unit = bach_dang()
    user = member_factory("nav.coord", unit, Role.COORDINATOR, "phong-vhxh")
    get_user_model().objects.filter(pk=user.pk).update(first_name="Nguyễn Thị Phương", last_name="Thảo Nguyên")
    Membership.objects.create(user=user, unit=unit, role=Role.LEADER)  # two seats: the role switch shows
    page = browser_page
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "nav.coord")
    page.fill("#id_password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#current-membership")
    for width in (1280, 1440, 1536, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/")
        fits(page, width)


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    if page.locator(".navbar-toggler").is_visible():
        page.click(".navbar-toggler")
        # Wait for the collapse to finish: a click during its transition can land before the menu is in place.
        page.wait_for_selector(".navbar-collapse.show:not(.collapsing)")
    for menu, item in (("#membership-menu", "button[name=membership] >> nth=0"), ("#account-menu", "#logout-button")):
        inside(page, menu, width)
        open_menu(page, menu)
        page.wait_for_selector(item, state="visible")
        inside(page, item, width)
        shot(page, f"navbar-{width}-{menu[1:]}")
        page.click(menu)  # close it again
        page.wait_for_selector(f"{menu}[aria-expanded=false]")


def open_menu(page, menu):
    """Open a dropdown once the deferred Bootstrap script has bound it (a first click can come before)."""
    page.wait_for_function("() => window.bootstrap !== undefined")
    page.click(menu)
    page.wait_for_selector(f"{menu}[aria-expanded=true]")
