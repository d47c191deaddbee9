"""Junk in every list parameter and every form field: never a 500 (issue 11).

For a user of each level (commune, province, national) and of each role that can write, every page of the
URL matrix's walk (tests/test_url_matrix.py: the same URL enumeration and demo samples) is read with junk
in every parameter it reads — the fixed names pages use plus the fields of the page's own GET forms
(django-filter sets, pickers) — and every POST form found on those pages (create / edit / workflow forms,
fields discovered by parsing the page) is sent empty, overlong, wrong-type, overflowing and unicode values,
all fields at once and one field at a time over the values the page itself filled in. Every 500 is
collected and reported together. One junk value per parameter per request (rotating), not the cartesian
product, so the walk stays within a few minutes on SQLite; run it on PostgreSQL too (DATABASE_URL), where
integer overflow and NUL characters fail differently.
"""

from urllib.parse import urlsplit

import lxml.html
import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from pcmd.org.models import Role
from pcmd.org.permissions import MATRIX, allowed
from tests.test_url_matrix import NOT_WALKED, walk

pytestmark = pytest.mark.django_db

HUGE = "9" * 25
# Values for list parameters: empty, a word, negative, a digit int() refuses, overflowing, unicode with NUL,
# very long, huge exponent.
GET_JUNK = ["", "abc", "-1", "²", HUGE, "ü☃ Đà Nẵng\x00", "x" * 3000, "9e999999"]
# Values for form fields: empty, overlong, wrong type, overflowing, negative, decimal comma, bad date, unicode
# with a NUL.
POST_JUNK = ["", "x" * 10_000, "abc", HUGE, "-1", "²", "1,5", "2026-13-45", "ü☃ 𝔘 \u202e\x00"]
# Parameters list pages read (filters, pickers, paging, sorting, exports); each page's own GET forms add more.
LIST_PARAMS = ["sort", "page", "q", "year", "nam", "ky", "period", "unit", "don-vi", "status", "format", "xuat",
               "loai", "thang", "chi-so", "cap", "nguon", "qua-han", "dinh-dang", "co-so", "tinh", "kind"]
# Forms whose POST would end the session or delete the sample a later page needs: not fuzzed.
NOT_POSTED = NOT_WALKED | {"otp_setup"}

WRITING_ROLES = [role for role in Role if any(actions - {"view"} for actions in MATRIX[role].values())]
AGENCY_OF = {Role.COORDINATOR: "phong-vhxh", Role.POLICE_OFFICER: "cong-an-xa", Role.AGENCY_OFFICER: "phong-vhxh"}
# Who reads and posts what (the whole walk for every user would take far more than a few minutes):
# - "all": the commune coordinator (the most pages) reads every page with junk and posts every form;
# - "writes": every other writing role at commune level posts the forms of the pages it may write (its forms
#   differ by role: agency, fields, choices), without the list junk (the lists do not depend on the role);
# - "lists": the province and national coordinators read every list with junk (scoping and pickers depend on
#   the level; their create pages list every commune of the country: too slow to post to each time).
USERS = [(Role.COORDINATOR, "commune", "all")]
USERS += [(role, "commune", "writes") for role in WRITING_ROLES if role != Role.COORDINATOR]
USERS += [(Role.COORDINATOR, "province", "lists"), (Role.COORDINATOR, "national", "lists")]


def _name_of(path):
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def _html(response):
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    return lxml.html.fromstring(response.content.decode() or "<html></html>")


class Fuzzer:
    def __init__(self, client, who):
        self.client, self.who, self.failures, self.requests = client, who, [], 0
        self.turn = 0  # rotates the junk values over parameters and fields

    def junk(self, values):
        self.turn += 1
        return values[self.turn % len(values)]

    def check(self, method, url, data, what):
        self.requests += 1
        response = getattr(self.client, method)(url, data)
        if response.status_code == 500:
            exc = getattr(response, "exc_info", None)
            error = f"{exc[0].__name__}: {str(exc[1])[:160]}" if exc else "500"
            self.failures.append(f"{self.who} {method.upper()} {url} {what}: {error}")
        return response

    def read(self, url, page, one_at_a_time=True):
        """GET the page with junk in every parameter: all at once, one at a time for the page's own filters and
        pickers (so one refused parameter does not hide another), then as lists."""
        own = set()
        for form in page.forms if page is not None else []:
            if form.method.upper() == "GET":
                own |= {name for name in form.fields.keys() if name}
        params = own | set(LIST_PARAMS)
        for name in sorted(own) if one_at_a_time else []:
            value = self.junk(GET_JUNK)
            self.check("get", url, {name: value}, f"?{name}={value[:30]!r}")
        for value in GET_JUNK:
            self.check("get", url, dict.fromkeys(params, value), f"every parameter={value[:30]!r}")
        self.check("get", url, {name: ["1", HUGE, "abc"] for name in params}, "every parameter as a list")

    def post(self, url, form):
        """POST the form with junk: every field at once, then one field at a time over the page's own values."""
        fields = [name for name in form.fields.keys() if name and name != "csrfmiddlewaretoken"]
        if not fields:
            return
        baseline = {}
        for name, value in form.form_values():
            baseline.setdefault(name, []).append(value)
        for value in POST_JUNK:
            self.check("post", url, {**baseline, **dict.fromkeys(fields, value)}, f"every field={value[:30]!r}")
        for name in fields:
            value = self.junk(POST_JUNK)
            self.check("post", url, {**baseline, name: value}, f"{name}={value[:30]!r}")
        self.check("post", url, {**baseline, **{name: ["1", HUGE, "abc"] for name in fields}}, "every field a list")


def _post_forms(url, page, seen):
    """The POST forms of a page not fuzzed yet, with the URL each posts to."""
    for form in page.forms:
        if form.method.upper() != "POST":
            continue
        target = urlsplit(form.action or url).path or url
        name = _name_of(target)
        key = (name, target)
        if name is None or name in NOT_POSTED or name.endswith("_delete") or key in seen:
            continue
        seen.add(key)
        yield target, form


@pytest.fixture
def fuzz_client(member_factory, bach_dang, hai_phong):
    def _client(role, level):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        unit = {"commune": bach_dang, "province": hai_phong, "national": None}[level]
        agency = AGENCY_OF.get(role) if level == "commune" else None
        user = member_factory(f"fuzz.{role}.{level}", unit, role, agency)
        client = Client(raise_request_exception=False)  # a 500 is collected, not raised
        client.force_login(user)
        session = client.session  # two-factor roles: as if the code had just been entered
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, name="fuzz", confirmed=True).persistent_id
        session.save()
        return client

    return _client


@pytest.mark.parametrize("role, level, part", USERS, ids=[f"{role}-{level}" for role, level, _part in USERS])
def test_no_junk_gives_a_500(role, level, part, fuzz_client, bach_dang):
    fuzzer = Fuzzer(fuzz_client(role, level), f"{role}@{level}")
    walked = []
    for name, args, module, action in walk(bach_dang):
        if part == "writes" and not (action != "view" and allowed(role, module, action)):
            continue
        if part == "lists" and (action != "view" or name.endswith("_export") or args):
            continue
        walked.append(reverse(name, args=args))
    pages = {}
    for url in walked:
        pages[url] = _html(fuzzer.check("get", url, {}, "(as is)"))
        if part != "writes":
            fuzzer.read(url, pages[url], one_at_a_time=part == "all")
    seen = set()
    for url in walked:
        if part != "lists" and pages[url] is not None:
            for target, form in _post_forms(url, pages[url], seen):
                fuzzer.post(target, form)
    # A role may have nothing to write yet (the support roles until the support pages exist).
    assert fuzzer.requests > 100 or part == "writes"
    assert not fuzzer.failures, f"{len(fuzzer.failures)} answers 500:\n" + "\n".join(fuzzer.failures)
