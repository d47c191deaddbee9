"""Walk every URL of the project for every role and check it against the permission matrix.

Every URL name must be classified here or come from the CRUD registry, so a new page cannot
slip in without its permission check. Allowed -> 200, not allowed -> 403, a record of another
province -> 404, anonymous -> login.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pcmd.core.crud import REGISTRY
from pcmd.org.models import Role
from pcmd.org.permissions import allowed

pytestmark = pytest.mark.django_db

CRUD_ACTIONS = {"list": "view", "export": "view", "detail": "view", "create": "add", "edit": "change",
                "delete": "delete"}
# Non-CRUD pages: (module, action) they require, or None for every signed-in user.
PAGES = {
    "home": None,
    "unit_search": None,
    "permission_matrix": None,
    "otp_setup": None,
    "audit_log": ("audit", "view"),
}
# Pages that are not for signed-in work: checked elsewhere (test_auth) or not pages at all.
NOT_WALKED = {"login", "logout", "otp_verify", "membership_switch"}


def url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: staff only, has its own tests upstream
            yield from url_names(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name


def crud_for(name):
    for crud in REGISTRY:
        for view, action in CRUD_ACTIONS.items():
            if name == crud.url_name(view):
                return crud, view, action
    return None


def test_every_url_is_classified():
    unknown = [n for n in url_names() if n not in PAGES and n not in NOT_WALKED and not crud_for(n)]
    assert unknown == []


@pytest.mark.parametrize("role", list(Role))
def test_every_url_for_every_role(role, member_factory, verified_login, bach_dang, bd_agency, bd_hamlet):
    client = verified_login(member_factory(f"walk.{role}", bach_dang, role))
    objects = {"agency": bd_agency, "hamlet": bd_hamlet}
    checked = 0
    for name in url_names():
        if name in NOT_WALKED:
            continue
        found = crud_for(name)
        if found:
            crud, view, action = found
            args = [objects[crud.name].pk] if view in ("detail", "edit", "delete") else []
            module = crud.module
        else:
            args, need = [], PAGES[name]
            module, action = need if need else (None, None)
        expected = 200 if module is None or allowed(role, module, action) else 403
        response = client.get(reverse(name, args=args))
        assert response.status_code == expected, f"{role} GET {name}: {response.status_code} != {expected}"
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("role", list(Role))
def test_records_of_another_province_are_not_found_for_any_role(role, member_factory, verified_login,
                                                                 ninh_binh_commune, bd_agency, bd_hamlet):
    client = verified_login(member_factory(f"far.{role}", ninh_binh_commune, role))
    objects = {"agency": bd_agency, "hamlet": bd_hamlet}
    for crud in REGISTRY:
        for view in ("detail", "edit", "delete"):
            response = client.get(reverse(crud.url_name(view), args=[objects[crud.name].pk]))
            # Without the module at all the answer is 403 before any lookup; otherwise the record is not there.
            assert response.status_code in (403, 404)
            if allowed(role, crud.module, CRUD_ACTIONS[view]):
                assert response.status_code == 404


def test_anonymous_is_sent_to_login_everywhere(client, bd_agency, bd_hamlet):
    objects = {"agency": bd_agency, "hamlet": bd_hamlet}
    for name in url_names():
        if name in NOT_WALKED:
            continue
        found = crud_for(name)
        args = [objects[found[0].name].pk] if found and found[1] in ("detail", "edit", "delete") else []
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), name
