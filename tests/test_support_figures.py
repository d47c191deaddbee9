"""Support figures: the engine's values from the support registry (consent, merged and erased files, eligibility),
entered and computed SUPPORT_ACCESS never added twice, and small-count suppression (1–4 shown "<5", with the
complementary cell) on the scorecard, its Excel export, the indicator page's chart data and the DHIS2 export.

The fixture, last year (2025, ended): a province with communes A (uses the module), B (no client in 2025: its
entered figure stands) and C (outreach only).

Commune A's clients, all registered in 2025:
  c1 consent, eligible, two services            -> counted, served
  c2 consent, eligible, referral completed      -> counted, served
  c3 consent, eligible, referral sent (open)    -> counted, not served
  c4 consent, eligible then screened not eligible (latest) -> not in the denominator
  c5 no reporting consent, eligible, served     -> left out
  c6 consent, eligible, served, merged into c1  -> left out
  c7 consent, eligible, served, erased          -> counted (erasure leaves the anonymous counts)
  c8 consent withdrawn, eligible, served        -> left out
  c9 consent, eligible, served only in 2026     -> counted, not served by the end of 2025
SUPPORT_ACCESS A = 3/5; B entered 7/10 (A's entered 30/40 is ignored); province = 10/15.
"""

import datetime
import html
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from pcmd.core.periods import Period
from pcmd.geo.models import AdminUnit, Level
from pcmd.indicators import dhis2, engine, suppression
from pcmd.indicators.computations.support import services_by_kind
from pcmd.indicators.engine import Value
from pcmd.indicators.models import DataValue
from pcmd.org.models import Role
from pcmd.support.models import (
    Client,
    Consent,
    ConsentPurpose,
    OutreachContact,
    Provider,
    Referral,
    ReferralStatus,
    Screening,
    ServiceRecord,
)

from .conftest import make_member

pytestmark = pytest.mark.django_db
D = datetime.date
Y = 2025
YEAR = Period.parse(str(Y))


REGISTERED = D(Y, 1, 5)


def _client(unit, n, *, consent=True, eligible=True, registered=REGISTERED):
    client = Client.objects.create(unit=unit, code=f"HT-{unit.code}-{n:06d}", uic=f"U{n:05d}", sex="F",
                                   registered_on=registered)
    if consent:
        Consent.objects.create(client=client, purpose=ConsentPurpose.REPORTING, method="verbal",
                               given_on=registered)
    Screening.objects.create(client=client, screened_on=registered + datetime.timedelta(days=10), eligible=eligible)
    return client


def _service(client, day, kind="health_check"):
    return ServiceRecord.objects.create(client=client, unit=client.unit, kind=kind, received_on=day)


def _referral(client, provider, day, status=ReferralStatus.SENT, completed=None):
    return Referral.objects.create(client=client, unit=client.unit, provider=provider, need="health", referred_on=day,
                                   answer_due=day + datetime.timedelta(days=14), status=status, completed_on=completed)


def _entered(unit, code, num, den):
    p = Period.parse(code)
    return DataValue.objects.create(indicator="SUPPORT_ACCESS", unit=unit, period=p.code, period_kind=p.kind,
                                    period_start=p.start, period_end=p.end, numerator=num, denominator=den)


@pytest.fixture
def world(db):
    province = AdminUnit.objects.create(code="HT9", name="Tỉnh Hỗ Trợ", level=Level.PROVINCE, path="HT9/")
    province.province = province
    province.save()
    a, b, c = (AdminUnit.objects.create(code=f"HT9{x}", name=f"Xã Hỗ Trợ {x}", level=Level.COMMUNE, parent=province,
                                        province=province, path=f"HT9/HT9{x}/") for x in "ABC")
    hamlet = AdminUnit.objects.create(code="HT9A.1", name="Thôn Một", level=Level.HAMLET, parent=a, province=province,
                                      path="HT9/HT9A/HT9A.1/")
    provider = Provider.objects.create(unit=a, name="Trạm y tế xã", kind="health_station")
    c1, c2, c3, c4, c5, c6, c7, c8, c9 = (_client(a, n, consent=n != 5) for n in range(1, 10))
    _service(c1, D(Y, 3, 1))
    _service(c1, D(Y, 3, 20), kind="counselling")
    _referral(c1, provider, D(Y, 3, 2), status=ReferralStatus.CANCELLED)
    _referral(c2, provider, D(Y, 3, 5), status=ReferralStatus.COMPLETED, completed=D(Y, 4, 1))
    _referral(c3, provider, D(Y, 6, 5))
    Screening.objects.create(client=c4, screened_on=D(Y, 5, 1), eligible=False)
    for left_out in (c5, c6, c7, c8):
        _service(left_out, D(Y, 3, 3))
    # Saves, as the services make them (the aggregates are recounted on save; erasure changes no count).
    c6.merged_into = c1
    c6.save(update_fields=["merged_into"])
    Client.objects.filter(pk=c7.pk).update(erased_at=timezone.now())
    withdrawn = Consent.objects.get(client=c8)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.save(update_fields=["withdrawn_at"])
    _service(c9, D(Y + 1, 2, 1))
    # Entered figures: A's is ignored (A uses the module), B's stands.
    _entered(a, f"{Y}Q4", 30, 40)
    _entered(b, f"{Y}Q4", 7, 10)
    # B registers its first client in the next year: from then on B uses the module.
    _client(b, 20, registered=D(Y + 1, 2, 1))
    OutreachContact.objects.create(unit=a, date=D(Y, 4, 1), people_reached=10)
    OutreachContact.objects.create(unit=hamlet, date=D(Y, 5, 1), people_reached=3)
    OutreachContact.objects.create(unit=b, date=D(Y, 5, 2), people_reached=2)
    OutreachContact.objects.create(unit=c, date=D(Y, 5, 3), people_reached=20)
    return province, a, b, c


def pairs(code, level, units, period=YEAR):
    return {k: (v.numerator, v.denominator) for k, v in engine.compute(code, level=level, units=units,
                                                                        period=period).items()}


def test_engine_counts_only_unmerged_consenting_clients(world):
    province, a, b, c = world
    from pcmd.support.consent import reporting_clients

    # The one definition: c1–c4, c7 (erased: its anonymous counts stay) and c9 (c5 never consented, c6 merged,
    # c8 withdrew).
    kept = reporting_clients(Client.objects.filter(unit=a), on=D(Y, 12, 31)).values_list("uic", flat=True)
    assert sorted(kept) == ["U00001", "U00002", "U00003", "U00004", "U00007", "U00009"]
    assert pairs("SUPPORT_ACCESS", "commune", [a, b, c]) == {a.pk: (3, 5), b.pk: (7, 10)}
    assert pairs("SUPPORT_SCREENED", "commune", [a, b, c]) == {a.pk: (6, None)}  # c1–c4, c7, c9 (c4 once)
    assert pairs("SUPPORT_REFERRED", "commune", [a, b, c]) == {a.pk: (2, None)}  # c2, c3; c1's was cancelled
    assert pairs("SUPPORT_REFERRALS_COMPLETED", "commune", [a, b, c]) == {a.pk: (1, 2)}
    assert pairs("SUPPORT_SERVICES", "commune", [a, b, c]) == {a.pk: (3, None)}
    assert services_by_kind(YEAR, "unit", [a.pk]) == {a.pk: {"health_check": 2, "counselling": 1}}
    # A contact at a hamlet counts for its commune.
    assert pairs("SUPPORT_OUTREACH_REACH", "commune", [a, b, c]) == {a.pk: (13, None), b.pk: (2, None),
                                                                    c.pk: (20, None)}
    # The province and the country add the same rows.
    assert pairs("SUPPORT_SERVICES", "province", [province]) == {province.pk: (3, None)}
    assert pairs("SUPPORT_OUTREACH_REACH", "province", [province]) == {province.pk: (35, None)}


def test_entered_and_computed_are_never_added_twice(world):
    province, a, b, c = world
    # Province = A's registry (3/5) + B's entered figure (7/10); A's entered 30/40 is not added.
    assert pairs("SUPPORT_ACCESS", "province", [province]) == {province.pk: (10, 15)}
    rows, totals = engine.breakdown(["SUPPORT_ACCESS"], parent=province, period=YEAR)
    assert (totals["SUPPORT_ACCESS"].numerator, totals["SUPPORT_ACCESS"].denominator) == (10, 15)
    assert engine.compute("SUPPORT_ACCESS", level="country", units=None, period=YEAR)[engine.COUNTRY].denominator >= 14
    # In 2026 B has a client: it uses the module, so its entered figure no longer counts (nobody eligible yet
    # with consent... B's client is eligible and consenting but not served: 0/1).
    _entered(b, f"{Y + 1}Q1", 7, 10)
    assert pairs("SUPPORT_ACCESS", "commune", [b], Period.parse(str(Y + 1))) == {b.pk: (0, 1)}
    # A province's own entered figure (no client is ever registered at the province) stands beside its communes.
    _entered(province, f"{Y}Q4", 1, 1)
    assert pairs("SUPPORT_ACCESS", "province", [province]) == {province.pk: (11, 16)}


def test_a_commune_using_the_module_with_nobody_eligible_has_no_value_not_its_entered_one(world):
    province, a, b, c = world
    Client.objects.create(unit=c, code="HT-C-1", uic="UC1", sex="F", registered_on=D(Y, 2, 1))  # no consent
    _entered(c, f"{Y}Q4", 5, 5)
    assert c.pk not in pairs("SUPPORT_ACCESS", "commune", [c])


# --- suppression rules -------------------------------------------------------------------------------------


def test_small_counts_and_percentages():
    assert [suppression.small(Value(n)) for n in (0, 1, 4, 5)] == [False, True, True, False]
    assert suppression.small(Value(3, 20)) and suppression.small(Value(6, 4)) and not suppression.small(Value(0, 9))
    assert not suppression.small(None) and not suppression.small(Value(0, 0))
    assert suppression.label(Value(3)) == "<5" and suppression.label(Value(12)) == "ẩn"


def test_complementary_suppression():
    column = {"a": Value(3), "b": Value(0), "c": Value(9), "d": Value(7), "e": None}
    assert suppression.hidden(column, with_total=True) == {"a", "d"}  # 7: the next smallest non-zero
    assert suppression.hidden(column, with_total=False) == {"a"}
    assert suppression.hidden({"a": Value(3), "b": Value(2), "c": Value(9)}, with_total=True) == {"a", "b"}
    assert suppression.hidden({"a": Value(3), "b": Value(0)}, with_total=True) == {"a"}  # the total is small too
    # Percentages: chosen by denominator.
    assert suppression.hidden({"a": Value(2, 8), "b": Value(10, 40), "c": Value(6, 12)}, with_total=True) == {"a", "c"}


def test_series_hides_small_steps():
    series = [Value(0), Value(6), Value(8), Value(15), Value(15), None]
    assert suppression.hidden_series(series) == {2}  # 8 is 6 + 2; 15 is 9 over the last shown (6)


def test_applies_only_to_sensitive_figures_leaving_the_commune(world):
    province, a, b, c = world
    from pcmd.indicators.catalogue import BY_CODE

    access, tips = BY_CODE["SUPPORT_ACCESS"], BY_CODE["TIPS_ON_TIME"]
    assert not suppression.applies(tips, unit=province)
    assert suppression.applies(access, unit=province) and suppression.applies(access, unit=None, own_commune=a)
    assert suppression.applies(access, unit=a, own_commune=None)  # a province seat opening the commune
    assert not suppression.applies(access, unit=a, own_commune=a)


# --- pages and exports -------------------------------------------------------------------------------------


def _cells(page: str, code: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(rf'data-code="{code}"[^>]*><span class="fw-semibold">([^<]*)</span>',
                                                  page)]


@pytest.fixture
def province_seat(world, client):
    client.force_login(make_member("ht9.tinh", world[0], Role.COORDINATOR))
    return client


def test_province_scorecard_hides_small_cells_and_their_complement(world, province_seat):
    province, a, b, c = world
    page = province_seat.get(reverse("dashboard_scorecard"), {"don-vi": province.code, "ky": str(Y)}).content.decode()
    # Rows A, B, C (by name) then the total.
    assert _cells(page, "SUPPORT_REFERRED") == ["<5", "0", "0", "<5"]
    assert _cells(page, "SUPPORT_OUTREACH_REACH") == ["ẩn", "<5", "20", "35"]  # A (13) hides B's 2
    assert _cells(page, "SUPPORT_ACCESS") == ["<5", "ẩn", "—", "66,7%"]  # A 3/5; B 7/10 its complement
    assert _cells(page, "SUPPORT_SCREENED") == ["6", "0", "0", "6"]
    assert 'id="suppression-note"' in page
    assert _cells(page, "TIPS_RECEIVED")[-1] == "0"  # other indicators untouched
    # Excel: the masks, never the numbers.
    response = province_seat.get(reverse("dashboard_scorecard"), {"don-vi": province.code, "ky": str(Y),
                                                                   "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    col = next(i for i, h in enumerate(header) if h and h.startswith("Số lượt người bán dâm được tiếp cận"))
    assert [sheet.cell(row=r, column=col + 1).value for r in range(2, 6)] == ["ẩn", "<5", 20, 35]


def test_only_the_communes_support_roles_see_its_figures_whole(world, client, province_seat, verified_login):
    province, a, b, c = world
    page = province_seat.get(reverse("dashboard_scorecard"), {"don-vi": a.code, "ky": str(Y)}).content.decode()
    assert _cells(page, "SUPPORT_REFERRED") == ["<5"]
    leader = province_seat.get(reverse("dashboard"), {"don-vi": province.code, "ky": str(Y)}).content.decode()
    assert 'data-code="SUPPORT_REFERRED"' in leader and "&lt;5" in leader
    # The commune's own coordinator is outside the wall: small counts stay hidden.
    client.force_login(make_member("ht9a.xa", a, Role.COORDINATOR))
    own = client.get(reverse("dashboard_scorecard"), {"ky": str(Y)}).content.decode()
    assert _cells(own, "SUPPORT_REFERRED") == ["<5"] and _cells(own, "SUPPORT_ACCESS") == ["<5"]
    # Its case worker, who reads the files anyway, sees them whole.
    client.logout()
    worker = verified_login(make_member("ht9a.hotro", a, Role.CASE_WORKER))
    own = worker.get(reverse("dashboard_scorecard"), {"ky": str(Y)}).content.decode()
    assert _cells(own, "SUPPORT_REFERRED") == ["2"] and _cells(own, "SUPPORT_ACCESS") == ["60%"]


def test_indicator_page_chart_data_and_excel_hold_no_small_value(world, province_seat):
    province, a, b, c = world
    url = reverse("dashboard_indicator", args=["SUPPORT_SERVICES", province.pk])
    page = province_seat.get(url, {"ky": str(Y)}).content.decode()
    data = json.loads(re.search(r'<script id="trend-data" type="application/json">(.*?)</script>', page, re.S)
                      .group(1))
    assert 2 not in data["monthly"] and 2 not in data["cumulative"] and 1 not in data["monthly"]
    assert data["cumulative"][:2] == [0, 0]  # zero stays 0
    start = page.index('id="service-kinds"')
    table = html.unescape(page[start:page.index("</table>", start)])
    assert "<5" in table and 'id="suppression-note"' in page
    response = province_seat.get(url, {"ky": str(Y), "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row[1:3]]
    assert "<5" in values and 2 not in values and 1 not in values


def test_dhis2_export_leaves_small_values_out(world, province_seat):
    province, a, b, c = world
    rows = dhis2.computed_rows(codes=["SUPPORT_OUTREACH_REACH", "SUPPORT_REFERRED", "SUPPORT_SCREENED"],
                               level="commune", units=dhis2.export_units(province, "commune"), period=YEAR)
    got = {(r["dataElement"], r["orgUnit"]): r["value"] for r in rows}
    assert got == {("SUPPORT_OUTREACH_REACH", c.code): "20", ("SUPPORT_SCREENED", a.code): "6"}
    assert rows.omitted == 3 and "3 giá trị" in rows.note  # B's 2 and A's 13 (its complement), A's 2 referred
    response = province_seat.get(reverse("dhis2_export"), {"nguon": "computed", "ky": str(Y), "don-vi": province.code})
    assert int(response["X-PCMD-Suppressed"]) > 0
    body = json.loads(response.content)["dataValues"]
    assert not [v for v in body if v["dataElement"].startswith("SUPPORT") and 0 < float(v["value"]) < 5]
    # Entered figures: B's 7/10 goes out; a small one does not.
    _entered(c, f"{Y}Q4", 3, 9)
    entered = dhis2.entered_rows(DataValue.objects.filter(unit__in=[a, b, c]))
    assert {r["orgUnit"] for r in entered} == {a.code} or {r["orgUnit"] for r in entered} == {b.code}
    assert entered.omitted == 4  # C's 3/9 and, as its complement, the smaller of A's and B's
