"""The scorecard of a province with many communes comes in pages a phone can load (< 200 KB), every commune on
one of the pages, and a picker of indicator groups; Excel still has every row and column.

Demo data: the province with the most communes, its communes' figures computed on the demo registries.
"""

import io
import re

import openpyxl
import pytest
from django.db.models import Count
from django.urls import reverse

from pcmd.dashboard import selectors
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role

pytestmark = pytest.mark.django_db

PHONE_BYTES = 200_000


@pytest.fixture
def biggest(db):
    row = (AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True).values("province")
           .annotate(n=Count("pk")).order_by("-n", "province").first())
    return AdminUnit.objects.get(pk=row["province"]), row["n"]


def _rows(page: str) -> list[str]:
    table = page[page.index('id="scorecard"'):page.index("</tbody>")]
    return re.findall(r'<tr data-unit="(\d+)"', table)


def test_a_province_with_many_communes_comes_in_pages_under_200_kb(biggest, member_factory, login):
    province, communes = biggest
    assert communes > selectors.SCORECARD_PAGE_ROWS  # the demo's biggest province needs several pages
    client = login(member_factory("pages.province", province, Role.COORDINATOR))
    url = reverse("dashboard_scorecard")
    first = client.get(url, {"ky": "2026"})
    assert first.status_code == 200
    assert len(first.content) < PHONE_BYTES, len(first.content)
    page = first.content.decode()
    assert 'id="total-row"' in page and 'id="scorecard-pages"' in page
    seen = _rows(page)
    assert len(seen) == selectors.SCORECARD_PAGE_ROWS
    pages = -(-communes // selectors.SCORECARD_PAGE_ROWS)
    for n in range(2, pages + 1):
        response = client.get(url, {"ky": "2026", "trang": n})
        assert len(response.content) < PHONE_BYTES, (n, len(response.content))
        seen += _rows(response.content.decode())
    expected = {str(pk) for pk in AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True, province=province)
                .values_list("pk", flat=True)}
    assert len(seen) == len(set(seen)) and set(seen) == expected  # every commune once, over the pages
    for junk in ("0", "999", "x", "-1"):  # a page that does not exist: the first one, never a 500
        assert _rows(client.get(url, {"ky": "2026", "trang": junk}).content.decode()) == seen[:len(_rows(page))]


def test_one_group_of_indicators_is_a_much_smaller_page(biggest, member_factory, login):
    province, _communes = biggest
    client = login(member_factory("groups.province", province, Role.COORDINATOR))
    url = reverse("dashboard_scorecard")
    every = client.get(url, {"ky": "2026"}).content
    groups = selectors.ordered_indicators()
    for n, (label, members) in enumerate(groups, 1):
        page = client.get(url, {"ky": "2026", "nhom": n}).content.decode()
        codes = set(re.findall(r'dash-cell" href="[^"]*" data-code="([A-Z_]+)"', page))
        assert codes == {i.code for i in members}, label
        assert len(page.encode()) < len(every)
    whole = client.get(url, {"ky": "2026", "nhom": "99"}).content.decode()  # unknown group: every column
    assert set(re.findall(r'data-code="([A-Z_]+)"', whole)) == {i.code for _l, m in groups for i in m}
    response = client.get(url, {"ky": "2026", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    headers = [str(c.value) for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    # Excel: every column and every commune (and the total), whatever the screen shows.
    assert all(any(h.startswith(i.name) for h in headers) for _l, m in groups for i in m)
    assert sheet.max_row >= 1 + _communes
