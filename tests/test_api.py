"""The REST API (/api/v1/, docs/api.md): keys, scope, paging, fields, formats, feeds, bulk upserts, errors."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.http import urlencode

from pcmd.api import tokens
from pcmd.api.models import ApiToken, Tombstone
from pcmd.core.models import AccessLog
from pcmd.org.models import Role
from pcmd.tips.models import Tip
from pcmd.venues.models import Establishment

pytestmark = pytest.mark.django_db
ALL_READ = {m: "read" for m in ("geo", "org", "plans", "venues", "inspections", "hotspots", "enforcement", "tips",
                                "outreach", "indicators", "reports")}


def make_key(user, modules=None, units=(), days=30, name="Phần mềm thử"):
    membership = user.memberships.get()
    offered = {code for code, _l, _w in tokens.module_choices(membership)}
    modules = {k: v for k, v in (modules or ALL_READ).items() if k in offered}
    token, secret = tokens.token_create(membership=membership, name=name, modules=modules, units=units,
                                        expires_on=timezone.localdate() + datetime.timedelta(days=days))
    return token, secret


@pytest.fixture
def api(client):
    def call(secret, method, url, body=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        kwargs = {"content_type": extra.pop("content_type", "application/json")} if body is not None else {}
        return getattr(client, method)(url, body, **kwargs, **headers, **extra) if body is not None else \
            getattr(client, method)(url, **headers, **extra)
    return call


def test_list_establishments_scoped_paged_and_logged(owner, api, bach_dang):
    _t, secret = make_key(owner)
    response = api(secret, "get", "/api/v1/establishments/?page_size=5")
    assert response.status_code == 200, response.content
    data = response.json()
    assert len(data["results"]) == 5 and data["next"]
    units = set(Establishment.objects.filter(pk__in=[r["id"] for r in data["results"]]).values_list("unit__path",
                                                                                                       flat=True))
    assert all(path.startswith(bach_dang.path) for path in units)
    second = api(secret, "get", data["next"])
    assert second.status_code == 200
    assert not {r["id"] for r in data["results"]} & {r["id"] for r in second.json()["results"]}


def test_errors_are_json_in_vietnamese(owner, api):
    token, secret = make_key(owner, {"venues": "write"})
    r = api(None, "get", "/api/v1/establishments/")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"
    r = api("pcmd_abc_def", "get", "/api/v1/establishments/")
    assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    r = api(secret, "post", "/api/v1/establishments/", "{not json")
    assert r.status_code == 400 and r.json()["code"] == "malformed", r.content
    r = api(secret, "post", "/api/v1/establishments/", "a=b", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type"
    r = api(secret, "post", "/api/v1/establishments/", {"name": "X", "bogus": 1})
    assert r.status_code == 400 and "bogus" in r.json()["errors"]
    r = api(secret, "post", "/api/v1/establishments/", "x" * 10, CONTENT_LENGTH=str(3 * 1024 * 1024))
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    tokens.token_revoke(token=token)
    r = api(secret, "get", "/api/v1/establishments/")
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert "thu hồi" in r.json()["message"]


def test_expired_key_refused(owner, api):
    token, secret = make_key(owner, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    r = api(secret, "get", "/api/v1/establishments/")
    assert r.status_code == 401 and r.json()["code"] == "token_expired"


def test_key_narrower_than_its_user(member_factory, api, bach_dang):
    """A province coordinator's key for one other commune: Bạch Đằng's records are not there (404), and a
    read-only key is refused writes (403)."""
    user = member_factory("api.province", bach_dang.province, Role.COORDINATOR)
    other = Establishment.objects.filter(province=bach_dang.province).exclude(unit=bach_dang).order_by("pk").first()
    mine = Establishment.objects.filter(unit=bach_dang).order_by("pk").first()
    _t, secret = make_key(user, {"venues": "read"}, units=[other.unit])
    assert api(secret, "get", f"/api/v1/establishments/{other.pk}/").status_code == 200
    assert api(secret, "get", f"/api/v1/establishments/{mine.pk}/").status_code == 404
    listed = api(secret, "get", "/api/v1/establishments/?page_size=10000").json()["results"]
    assert listed and mine.pk not in {r["id"] for r in listed}
    assert api(secret, "get", f"/api/v1/establishments/?unit={bach_dang.code}").status_code == 404
    r = api(secret, "patch", f"/api/v1/establishments/{other.pk}/", {"notes": "x"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert api(secret, "get", "/api/v1/tips/").status_code == 403  # a module the key was not given
    _t, writer = make_key(user, {"venues": "write"}, units=[other.unit])
    r = api(writer, "patch", f"/api/v1/establishments/{mine.pk}/", {"notes": "x"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = api(writer, "patch", f"/api/v1/establishments/{other.pk}/", {"notes": "qua API"})
    assert r.status_code == 200, r.content
    r = api(writer, "post", "/api/v1/establishments/", {"unit": bach_dang.code, "name": "Quán thử", "type": "karaoke",
                                                        "address": "Số 1"})
    assert r.status_code == 400 and "unit" in r.json()["errors"]


def test_key_calls_told_apart_from_the_owner(owner, api, bach_dang):
    token, secret = make_key(owner, {"venues": "write", "tips": "read"})
    est = Establishment.objects.filter(unit=bach_dang).order_by("pk").first()
    r = api(secret, "patch", f"/api/v1/establishments/{est.pk}/", {"notes": "Sửa qua API"})
    assert r.status_code == 200, r.content
    entry = LogEntry.objects.filter(object_pk=str(est.pk), content_type__model="establishment").latest("pk")
    assert entry.actor == owner and entry.cid == f"api:{token.lookup}"
    tip = Tip.objects.filter(unit=bach_dang).order_by("pk").first()
    assert api(secret, "get", f"/api/v1/tips/{tip.pk}/").status_code == 200
    log = AccessLog.objects.filter(target="tips.tip", object_id=str(tip.pk)).latest("pk")
    assert log.user == owner and log.api_token == token.label
    body = api(secret, "get", f"/api/v1/tips/{tip.pk}/").json()
    assert "reporter_name" not in body and "reporter_contact" not in body


def test_fields_formats_and_updated_since(owner, api):
    _t, secret = make_key(owner)
    r = api(secret, "get", "/api/v1/establishments/?fields=id,name&page_size=3")
    assert r.status_code == 200 and set(r.json()["results"][0]) == {"id", "name"}
    assert api(secret, "get", "/api/v1/establishments/?fields=id,nope").json()["errors"]["fields"]
    r = api(secret, "get", "/api/v1/establishments/?format=ndjson&page_size=4&fields=id,name")
    assert r["Content-Type"].startswith("application/x-ndjson") and 'rel="next"' in r["Link"]
    lines = r.content.decode().splitlines()
    assert len(lines) == 4 and json.loads(lines[0]).keys() == {"id", "name"}
    r = api(secret, "get", "/api/v1/establishments/?format=csv&page_size=2&fields=id,name")
    assert r["Content-Type"].startswith("text/csv")
    assert r.content.decode("utf-8-sig").splitlines()[0] == "id,name"
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    r = api(secret, "get", "/api/v1/establishments/", QUERY_STRING=urlencode({"updated_since": future}))
    assert r.status_code == 200 and r.json()["results"] == []
    r = api(secret, "get", "/api/v1/establishments/?updated_since=hôm-qua")
    assert r.status_code == 400 and "updated_since" in r.json()["errors"]
    assert api(secret, "get", "/api/v1/inspections/?period=2026Q9").json()["errors"]["period"]


def test_bulk_upsert_is_idempotent_with_row_errors(owner, api, bach_dang):
    _t, secret = make_key(owner, {"venues": "write"})
    rows = [
        {"name": "Karaoke API Một", "type": "Karaoke", "address": "Số 1 Phố Thử", "unit": bach_dang.code,
         "registration_number": "API-0001", "workers_total": 5},
        {"name": "Nhà nghỉ API Hai", "type": "Nhà nghỉ", "address": "Số 2 Phố Thử", "unit": bach_dang.code,
         "registration_number": "API-0002", "workers_total": 3, "workers_female": 9},
        {"name": "Sai", "type": "Không có loại này", "address": "x", "unit": bach_dang.code},
    ]
    r = api(secret, "post", "/api/v1/establishments/bulk/", {"rows": rows})
    assert r.status_code == 200, r.content
    out = r.json()
    assert (out["created"], out["updated"], out["rejected"]) == (1, 0, 2)
    assert [row["status"] for row in out["rows"]] == ["created", "rejected", "rejected"]
    assert out["rows"][1]["errors"][0]["field"] == "workers_female"
    again = api(secret, "post", "/api/v1/establishments/bulk/", {"rows": rows[:1]}).json()
    assert (again["created"], again["updated"]) == (0, 1)
    assert again["rows"][0]["id"] == out["rows"][0]["id"]
    assert Establishment.objects.filter(registration_number="API-0001").count() == 1
    r = api(secret, "post", "/api/v1/establishments/bulk/", {"rows": [{"name": "x", "extra": 1}]})
    assert r.json()["rows"][0]["status"] == "rejected"


def test_deleted_feed(owner, api, bach_dang):
    _t, secret = make_key(owner, {"venues": "write"})
    since = timezone.now().isoformat()
    est = Establishment.objects.filter(unit=bach_dang, visits__isnull=True, tips__isnull=True,
                                       commitments__isnull=True, hotspots__isnull=True,
                                       criminal_cases__isnull=True).order_by("pk").first()
    r = api(secret, "delete", f"/api/v1/establishments/{est.pk}/")
    assert r.status_code == 204, r.content
    assert Tombstone.objects.filter(model="venues.establishment", object_id=str(est.pk)).exists()
    r = api(secret, "get", "/api/v1/establishments/deleted/", QUERY_STRING=urlencode({"since": since}))
    assert r.status_code == 200 and [d["id"] for d in r.json()["results"]] == [str(est.pk)]
    assert api(secret, "get", "/api/v1/establishments/deleted/").status_code == 400


def test_quota_429_with_retry_after(owner, api):
    token, secret = make_key(owner)
    ApiToken.objects.filter(pk=token.pk).update(rate_per_minute=2)
    from django.core.cache import cache

    cache.clear()
    codes = [api(secret, "get", "/api/v1/units/?page_size=1").status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    r = api(secret, "get", "/api/v1/units/?page_size=1")
    assert r.json()["code"] == "quota_exceeded" and int(r["Retry-After"]) >= 1


def test_tip_intake_and_workflow(member_factory, api, bach_dang):
    police = member_factory("api.police", bach_dang, Role.POLICE_OFFICER)
    _t, secret = make_key(police, {"tips": "write"})
    r = api(secret, "post", "/api/v1/tips/", {"unit": bach_dang.code, "channel": "hotline",
                                              "summary": "Nghi mại dâm tại quán X", "description": "Gọi lúc 22h"})
    assert r.status_code == 201, r.content
    tip = r.json()
    assert tip["status"] == "received" and tip["code"]
    r = api(secret, "post", f"/api/v1/tips/{tip['id']}/actions/xac-minh/", {"reason": "Cử cán bộ xác minh"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "verifying"
    r = api(secret, "post", f"/api/v1/tips/{tip['id']}/actions/xac-minh/", {"reason": "lần nữa"})
    assert r.status_code == 409 and r.json()["code"] == "wrong_state"
    r = api(secret, "post", f"/api/v1/tips/{tip['id']}/actions/phan-loai/", {"kind": "khong-co", "reason": "x"})
    assert r.status_code == 400 and "kind" in r.json()["errors"]
    assert api(secret, "post", f"/api/v1/tips/{tip['id']}/actions/khong-co/", {}).status_code == 404


def test_police_key_never_reaches_support(member_factory, api, client, bach_dang):
    """No support endpoint exists in the API, and a key opens no page (support pages included): 404."""
    from django.urls import reverse

    from tests.test_url_matrix import walk

    police = member_factory("api.police2", bach_dang, Role.POLICE_OFFICER)
    _t, secret = make_key(police)
    assert "support" not in _t.modules
    for path in ("/api/v1/support/", "/api/v1/clients/", "/api/v1/referrals/", "/api/v1/counselling/"):
        for method in ("get", "post"):
            r = api(secret, method, path, {} if method == "post" else None)
            assert r.status_code == 404 and r.json()["code"] == "not_found", path
    support_pages = [reverse(name, args=args) for name, args, module, _a in walk(bach_dang) if module == "support"]
    assert len(support_pages) >= 5
    for url in support_pages:
        for method in ("get", "post"):
            r = api(secret, method, url)
            assert r.status_code == 404 and r.json()["code"] == "not_found", (method, url)
    from pcmd.api.docs_views import build_schema

    assert not [p for p in build_schema()["paths"] if "support" in p or "client" in p or "referral" in p]


def test_indicator_values_are_the_scorecards(owner, api, bach_dang, today):
    from pcmd.core.periods import Period
    from pcmd.dashboard import selectors

    _t, secret = make_key(owner, {"indicators": "read"})
    r = api(secret, "get", f"/api/v1/indicators/values/?unit={bach_dang.code}&period={today.year}")
    assert r.status_code == 200, r.content
    card = selectors.scorecard(selectors.Focus(bach_dang), Period.parse(str(today.year)), today)
    got = {v["indicator"]: v for v in r.json()["rows"][0]["values"]}
    for cell in card.rows[0].cells:
        expected = None if cell.value is None or cell.value.value is None else round(float(cell.value.value), 4)
        assert got[cell.indicator.code]["value"] == expected, cell.indicator.code
    assert api(secret, "get", "/api/v1/indicators/values/?unit=37").status_code == 404
    assert len(api(secret, "get", "/api/v1/indicators/").json()) > 5


def test_report_submit_and_task_progress(member_factory, api, bach_dang):
    from pcmd.plans.models import Task
    from pcmd.reports.models import Report

    coordinator = member_factory("api.coord", bach_dang, Role.COORDINATOR, "phong-vhxh")
    _t, secret = make_key(coordinator, {"reports": "write", "plans": "write"})
    report = Report.objects.filter(unit=bach_dang, status__in=["draft", "returned"]).order_by("pk").first()
    if report is not None:
        r = api(secret, "post", f"/api/v1/reports/{report.pk}/submit/", {})
        assert r.status_code in (200, 400), r.content  # 400: the report type needs sections written first
        if r.status_code == 200:
            assert r.json()["status"] == "submitted"
    task = Task.objects.filter(plan__unit=bach_dang).order_by("pk").first()
    r = api(secret, "post", f"/api/v1/tasks/{task.pk}/progress/", {"date": "2026-09-01", "status": "in_progress",
                                                                  "note": "Qua API"})
    assert r.status_code == 201, r.content
    _t, reader = make_key(coordinator, {"plans": "read"})
    assert api(reader, "post", f"/api/v1/tasks/{task.pk}/progress/", {"date": "2026-09-01",
                                                                      "status": "done"}).status_code == 403


def test_schema_docs_and_token_pages(owner, client, login):
    r = client.get("/api/v1/schema/")
    assert r.status_code == 200 and json.loads(r.content)["openapi"].startswith("3.")
    r = client.get("/api/v1/docs/")
    assert r.status_code == 200 and "/api/v1/establishments/bulk/" in r.content.decode()
    login(owner)
    r = client.get("/tai-khoan/khoa-api/tao/")
    assert r.status_code == 200
    r = client.post("/tai-khoan/khoa-api/tao/", {"name": "Hệ thống công an", "expires_on": "2099-01-01",
                                                 "m_venues": "read"})
    assert r.status_code == 400 and "tối đa" in r.content.decode()
    expires = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    r = client.post("/tai-khoan/khoa-api/tao/", {"name": "Hệ thống công an", "expires_on": expires,
                                                 "m_venues": "read"})
    assert r.status_code == 200
    secret = r.context["secret"]
    token = ApiToken.objects.get(name="Hệ thống công an")
    assert secret.startswith(f"pcmd_{token.lookup}_") and secret.split("_", 2)[2] not in token.digest
    assert token.modules == {"venues": "read"}
    r = client.get("/tai-khoan/khoa-api/")
    assert "Hệ thống công an" in r.content.decode() and secret not in r.content.decode()
    client.post("/tai-khoan/khoa-api/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_audit_page_names_the_key(owner, api, member_factory, verified_login, bach_dang):
    token, secret = make_key(owner, {"venues": "write"})
    est = Establishment.objects.filter(unit=bach_dang).order_by("pk").first()
    assert api(secret, "patch", f"/api/v1/establishments/{est.pk}/", {"notes": "Qua khóa"}).status_code == 200
    admin = member_factory("api.admin", None, Role.ADMIN)
    page = verified_login(admin).get("/nhat-ky/").content.decode()
    assert f"qua khóa API pcmd_{token.lookup}" in page


def test_odd_ids_and_characters_are_answered_not_crashed(owner, api):
    _t, secret = make_key(owner, {"venues": "write", "tips": "write"})
    for url in ("/api/v1/establishments/99999999999999999999999/", "/api/v1/tips/0/actions/xac-minh/"):
        method = "post" if "actions" in url else "get"
        r = api(secret, method, url, {} if method == "post" else None)
        assert r.status_code == 404 and r.json()["code"] == "not_found", url
    r = api(secret, "post", "/api/v1/establishments/", {"managing_agency": 10**30, "name": "x"})
    assert r.status_code == 400 and "managing_agency" in r.json()["errors"]
    r = api(secret, "get", "/api/v1/establishments/?unit=%00")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    r = api(secret, "post", "/api/v1/establishments/", [1, 2])
    assert r.status_code == 400 and r.json()["message"]


def test_unicode_digits_are_not_numbers(owner, api, client, login):
    _t, secret = make_key(owner)
    assert api(secret, "get", "/api/v1/establishments/?page_size=²").json()["errors"]["page_size"]
    assert api(secret, "get", "/api/v1/establishments/²/").status_code == 404
    login(owner)
    assert client.post("/tai-khoan/khoa-api/", {"revoke": "²"}).status_code == 302


def test_an_agency_officers_deleted_feed_lists_only_his_agencys_tips(member_factory, api, bach_dang):
    """Tips are seen by an agency officer only when assigned to his agency; so are their deletions (the feed
    listed the ids of every deleted tip of the commune)."""
    from pcmd.org.models import Agency, Role
    from pcmd.tips.models import TipEvent

    officer = member_factory("api.canbo.vhxh", bach_dang, Role.AGENCY_OFFICER, "phong-vhxh")
    own_agency = officer.memberships.get().agency
    other_agency = Agency.objects.filter(unit=bach_dang).exclude(pk=own_agency.pk).order_by("pk").first()
    _t, secret = make_key(officer, {"tips": "read"})
    since = timezone.now().isoformat()
    own, other = (Tip.objects.filter(unit=bach_dang, duplicates__isnull=True, duplicate_of__isnull=True)
                  .exclude(pk__in=TipEvent.objects.filter(other_tip__isnull=False).values("other_tip"))
                  .order_by("pk")[:2])
    Tip.objects.filter(pk=own.pk).update(assigned_agency=own_agency)
    Tip.objects.filter(pk=other.pk).update(assigned_agency=other_agency)
    Tip.objects.filter(pk__in=[own.pk, other.pk]).delete()
    r = api(secret, "get", "/api/v1/tips/deleted/", QUERY_STRING=urlencode({"since": since}))
    assert r.status_code == 200, r.content
    assert [d["id"] for d in r.json()["results"]] == [str(own.pk)]
