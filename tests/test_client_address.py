"""The client's address behind a reverse proxy: lockouts, public rate limits and the audit log (issue 11, defect 6).

Behind nginx every request comes from the proxy's address; the forwarded one is believed only when
the request comes from a proxy listed in PCMD_TRUSTED_PROXIES.
"""

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from pcmd.core.client_address import client_address
from pcmd.org.models import Agency

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
CITIZEN, OFFICIAL, ATTACKER = "203.0.113.10", "198.51.100.20", "192.0.2.66"


def address(remote, forwarded=None, **extra):
    meta = {"REMOTE_ADDR": remote, **extra}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.PCMD_TRUSTED_PROXIES = []
    assert address(ATTACKER, "1.2.3.4") == ATTACKER
    assert address(PROXY, CITIZEN) == PROXY


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.PCMD_TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.0.9"]
    assert address(PROXY, CITIZEN) == CITIZEN
    # The client wrote its own X-Forwarded-For; nginx appended the address it saw: that one counts.
    assert address(PROXY, f"1.2.3.4, {CITIZEN}") == CITIZEN
    assert address(PROXY, f"{CITIZEN}, 172.16.0.9") == CITIZEN  # two trusted hops
    assert address(ATTACKER, CITIZEN) == ATTACKER  # not from a trusted proxy: header ignored
    assert address(PROXY, "") == PROXY
    assert address(PROXY, f"{CITIZEN}, not-an-address") == PROXY  # garbage from the proxy: trust nothing further
    assert address(PROXY, "10.0.0.7") == "10.0.0.7"  # only proxies on the way: the farthest one


def test_a_malformed_trusted_proxy_setting_stops_the_start():
    from django.core.exceptions import ImproperlyConfigured

    from pcmd.settings import trusted_proxies

    with pytest.raises(ImproperlyConfigured):
        trusted_proxies("10.0.0.0/24, nginx.local")
    assert trusted_proxies("10.0.0.1, 2001:db8::/32") == ["10.0.0.1", "2001:db8::/32"]


def fail_login(client, username, remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/dang-nhap/", {"username": username, "password": "sai-mat-khau"}, **meta)


def test_spoofed_forwarded_addresses_do_not_escape_the_lockout(client, owner, settings):
    """Without a trusted proxy, an attacker cannot pick a new address per guess with X-Forwarded-For."""
    settings.PCMD_TRUSTED_PROXIES = []
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, "p.owner", ATTACKER, forwarded=f"203.0.113.{n + 100}")
    response = client.post("/dang-nhap/", {"username": "p.owner", "password": PASSWORD},
                           REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="203.0.113.250")
    assert response.status_code == 429


def test_behind_the_proxy_one_address_failing_does_not_lock_the_account_for_another(client, owner, settings):
    settings.PCMD_TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, "p.owner", PROXY, forwarded=ATTACKER)
    locked = client.post("/dang-nhap/", {"username": "p.owner", "password": PASSWORD},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert locked.status_code == 429
    owner_logs_in = client.post("/dang-nhap/", {"username": "p.owner", "password": PASSWORD},
                                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICIAL)
    assert owner_logs_in.status_code == 302 and owner_logs_in["Location"] == "/"


def test_public_rate_limit_counts_per_forwarded_client_only_behind_a_trusted_proxy(client, settings):
    cache.clear()
    settings.PUBLIC_LOOKUP_PER_CLIENT_HOUR = 1
    lookup = reverse("public_lookup")
    settings.PCMD_TRUSTED_PROXIES = [PROXY]
    assert client.post(lookup, {"code": "1"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CITIZEN).status_code == 200
    assert client.post(lookup, {"code": "1"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICIAL).status_code == 200
    assert client.post(lookup, {"code": "1"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CITIZEN).status_code == 429
    settings.PCMD_TRUSTED_PROXIES = []  # a direct client cannot buy a new allowance with a header
    assert client.post(lookup, {"code": "1"}, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.post(lookup, {"code": "1"}, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    cache.clear()


def test_the_audit_log_notes_the_same_address(login, owner, bach_dang, settings):
    """django-auditlog alone would note the left-most X-Forwarded-For, which any client writes."""
    settings.PCMD_TRUSTED_PROXIES = []
    response = login(owner).post("/co-quan/them/", {"unit": bach_dang.pk, "name": "Trường THCS Thử Địa Chỉ",
                                                    "is_active": "on"},
                                 REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert response.status_code == 302
    agency = Agency.objects.get(unit=bach_dang, name="Trường THCS Thử Địa Chỉ")
    assert LogEntry.objects.get_for_object(agency).get().remote_addr == ATTACKER
