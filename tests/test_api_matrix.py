"""Every /api/v1/ endpoint for every role at every level, against the permission matrix (the API's part of
tests/test_url_matrix.py, which walks the pages): a key with everything its seat may do gets 200/201/400 where the
matrix allows and 403 where it does not; a record of another province is 404 (not there); a key narrowed to
another commune does not find Bạch Đằng's records (404) and a read-only key is refused every write (403)."""

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from pcmd.api import tokens
from pcmd.api.models import API_MODULES
from pcmd.api.urls import router
from pcmd.core.actions import actions_for
from pcmd.core.scoping import within
from pcmd.org.models import Role
from pcmd.org.permissions import allowed
from pcmd.tips.models import Tip

pytestmark = pytest.mark.django_db
LEVELS = ("commune", "province", "national")
EXTRA = {  # extra actions: (method, path after the record, matrix action, body)
    "api-tasks": [("post", "progress/", "change", {})],
    "api-tips": [("post", "actions/xac-minh/", "change", {"reason": "Thử"})],  # the action's own permission
    "api-reports": [("post", "submit/", "change", {})],
}
BULK = {"api-establishments", "api-activities", "api-trainings"}


def test_extra_actions_need_what_the_walk_expects():
    from django.urls import resolve

    resolve("/tin-bao/")  # the URL conf (and so every action table) is loaded
    assert actions_for(Tip)["xac-minh"].permission == "change"


def key_for(user, *, units=(), read_only=False):
    membership = user.memberships.get()
    modules = {code: ("write" if writes and not read_only else "read")
               for code, _label, writes in tokens.module_choices(membership) if code in API_MODULES}
    if not modules:
        return None
    _token, secret = tokens.token_create(membership=membership, name="Ma trận", modules=modules, units=units,
                                         expires_on=timezone.localdate() + datetime.timedelta(days=5))
    from pcmd.api.models import ApiToken

    ApiToken.objects.filter(pk=_token.pk).update(rate_per_minute=1_000_000)
    return secret


def call(client, secret, method, url, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    with transaction.atomic():
        if body is None:
            response = getattr(client, method)(url, **headers)
        else:
            response = getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)
        transaction.set_rollback(True)
    return response.status_code


def samples(unit):
    out = []
    for prefix, viewset, basename in router.registry:
        model = viewset.queryset.model
        if model.__name__ == "Tip":
            sample = within(viewset.queryset.filter(status="received"), unit).order_by("pk").first()
        else:
            sample = within(viewset.queryset, unit).order_by("pk").first()
        assert sample is not None, f"no {basename} in {unit} in the demo data"
        out.append((prefix, viewset, basename, sample))
    return out


def expected(role, module, action, ok):
    return ok if allowed(role, module, action) else {403}


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("role", list(Role))
def test_every_endpoint_for_every_role(role, level, member_factory, bach_dang, client):
    from django.core.cache import cache

    cache.clear()
    unit = {"commune": bach_dang, "province": bach_dang.province, "national": None}[level]
    user = member_factory(f"apiwalk.{role}.{level}", unit, role)
    secret = key_for(user)
    wrong = []
    if secret is None:  # a role with no module the API exposes: no key at all
        assert not any(allowed(role, m, "view") for m in API_MODULES)
        return
    for prefix, viewset, basename, sample in samples(bach_dang):
        module = viewset.module
        base = f"/api/v1/{prefix}/"
        checks = [("get", base, "view", {200}, None), ("get", f"{base}{sample.pk}/", "view", {200}, None),
                  ("get", f"{base}deleted/?since=2020-01-01", "view", {200}, None)]
        methods = getattr(viewset, "http_method_names", [])
        if hasattr(viewset, "create") and "post" in methods or basename == "api-tips":
            checks.append(("post", base, "add", {400}, {}))
        if hasattr(viewset, "partial_update") and "patch" in methods:
            checks.append(("patch", f"{base}{sample.pk}/", "change", {200, 400}, {}))
            checks.append(("delete", f"{base}{sample.pk}/", "delete", {204, 409}, None))
        if basename in BULK:
            checks.append(("post", f"{base}bulk/", "add", {400}, {}))
        for method, path, action, body in EXTRA.get(basename, []):
            checks.append((method, f"{base}{sample.pk}/{path}", action, {200, 201, 400, 409}, body))
        for method, url, action, ok, body in checks:
            got = call(client, secret, method, url, body)
            want = expected(role, module, action, ok)
            if got not in want:
                wrong.append(f"{method.upper()} {url}: {got} not in {sorted(want)}")
    for url in ("/api/v1/indicators/", f"/api/v1/indicators/values/?unit={bach_dang.code}"):
        got = call(client, secret, "get", url)
        if got not in expected(role, "indicators", "view", {200}):
            wrong.append(f"GET {url}: {got}")
    assert wrong == [], f"{role} at {level}: " + "; ".join(wrong)


@pytest.mark.parametrize("level", ("commune", "province"))
@pytest.mark.parametrize("role", list(Role))
def test_records_of_another_province_are_not_found(role, level, member_factory, ninh_binh_commune, bach_dang,
                                                   client):
    unit = ninh_binh_commune if level == "commune" else ninh_binh_commune.province
    secret = key_for(member_factory(f"apifar.{role}.{level}", unit, role))
    if secret is None:
        return
    wrong = []
    for prefix, viewset, _basename, sample in samples(bach_dang):
        for method, url, action, body in [("get", f"/api/v1/{prefix}/{sample.pk}/", "view", None),
                                          ("patch", f"/api/v1/{prefix}/{sample.pk}/", "change", {})]:
            if method == "patch" and not hasattr(viewset, "partial_update"):
                continue
            got = call(client, secret, method, url, body)
            want = 404 if allowed(role, viewset.module, action) else 403
            if got != want:
                wrong.append(f"{method.upper()} {url}: {got} != {want}")
    assert wrong == [], f"{role} at {level}: " + "; ".join(wrong)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.POLICE_OFFICER])
def test_a_key_narrower_than_its_user(role, member_factory, bach_dang, client):
    """A province seat's key for another commune: Bạch Đằng is outside it (404 everywhere); a read-only key of the
    same seat is refused every write (403)."""
    from pcmd.geo.models import AdminUnit, Level

    user = member_factory(f"apinarrow.{role}", bach_dang.province, role)
    other = AdminUnit.objects.filter(province=bach_dang.province, level=Level.COMMUNE).exclude(
        pk=bach_dang.pk).order_by("code").first()
    narrow = key_for(user, units=[other])
    reader = key_for(user, read_only=True)
    wrong = []
    for prefix, viewset, basename, sample in samples(bach_dang):
        if not allowed(role, viewset.module, "view"):
            continue
        url = f"/api/v1/{prefix}/{sample.pk}/"
        if call(client, narrow, "get", url) != 404:
            wrong.append(f"narrow GET {url}")
        writes = [("patch", url, {})] if hasattr(viewset, "partial_update") else []
        writes += [("post", f"{url}{path}", body) for _m, path, _a, body in EXTRA.get(basename, [])]
        for method, target, body in writes:
            if call(client, narrow, method, target, body) not in (403, 404):
                wrong.append(f"narrow {method.upper()} {target}")
            if call(client, reader, method, target, body) != 403:
                wrong.append(f"read-only {method.upper()} {target}")
    assert wrong == []
