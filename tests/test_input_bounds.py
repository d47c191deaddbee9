"""Bounded work on hostile input (issue 11, defects 5 and 7): small files and posts that announce a lot of work
are refused quickly with a Vietnamese message, through the real views and the services, never with a 500.
Nothing here measures time: each test asserts that the refusal happened, and where it matters that the
expensive step (decoding an image, reading the rows) never ran."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image, ImageFile

from pcmd.core import imports
from pcmd.indicators import dhis2
from pcmd.plans.parsing import PlanFileError, extract
from pcmd.tips.models import Tip
from pcmd.venues.importers import establishments
from tests import hostile_files as hostile
from tests.test_public import form_page, receipt_of, solve, tip_data

pytestmark = pytest.mark.django_db

URL = reverse("public_tip")
ADDRESS = "203.0.113.91"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public(client):
    client.defaults.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="KiemThu/1.0")
    return client


@pytest.fixture
def decodes(monkeypatch):
    """Every image decode (Pillow's ImageFile.load) is recorded; opening an image to read its header is not one."""
    calls = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def files(*pairs):
    return [SimpleUploadedFile(name, data, content_type="application/octet-stream") for name, data in pairs]


def post_tip(client, bach_dang, files=(), **headers):
    html = form_page(client)
    # A good post redirects to the receipt page (POST-redirect-GET): followed, so it reads as the receipt.
    return client.post(URL, {**tip_data(bach_dang), **solve(html), "files": list(files)}, follow=True, **headers)


# ------------------------------------------------------------------------ 5: public uploads and the rate limit

def test_invalid_posts_count_against_the_rate_limit(public, bach_dang, settings):
    settings.PUBLIC_ATTEMPT_PER_CLIENT_HOUR = 3
    for _ in range(3):  # a robot's invalid posts: nothing typed, a wrong answer, files with a broken form
        page = public.post(URL, {"tinh": "31", "challenge_answer": "99",
                                 "files": files(("a.png", hostile.png_header(6000, 6000)))})
        assert page.status_code == 200 and "Vui lòng chọn xã, phường" in page.content.decode()
    blocked = post_tip(public, bach_dang)  # now even a good post is refused: every post counted
    assert blocked.status_code == 429 and "quá nhiều yêu cầu" in blocked.content.decode()
    assert public.post(URL, {"tinh": "31"}).status_code == 429
    assert post_tip(public, bach_dang, REMOTE_ADDR="198.51.100.31").status_code == 200  # another client


def test_every_post_counts_for_everyone_too(public, bach_dang, settings):
    settings.PUBLIC_ATTEMPT_GLOBAL_HOUR = 2
    public.post(URL, {"tinh": "31"})
    public.post(URL, {"tinh": "31"}, REMOTE_ADDR="198.51.100.32")
    assert post_tip(public, bach_dang, REMOTE_ADDR="198.51.100.33").status_code == 429


def test_a_failed_challenge_never_opens_the_files(public, bach_dang, monkeypatch, decodes):
    opened = []
    original = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or original(*a, **k))
    html = form_page(public)
    answer = solve(html)
    wrong = {**answer, "challenge_answer": str(int(answer["challenge_answer"]) + 1)}
    page = public.post(URL, {**tip_data(bach_dang), **wrong,
                             "files": files(("a.png", hostile.png_header(6000, 6000)), ("b.png", hostile.png()))})
    assert "Câu trả lời kiểm tra chưa đúng" in page.content.decode()
    assert opened == [] and decodes == []


def test_over_the_pixel_cap_is_refused_before_any_decode(public, bach_dang, decodes):
    count = Tip.objects.count()
    # two images of 25 megapixels each: each under the per-image cap, together over the 40 per request
    page = post_tip(public, bach_dang, files(("a.png", hostile.png_header(5000, 5000)),
                                             ("b.png", hostile.png_header(5000, 5000))))
    html = page.content.decode()
    assert page.status_code == 200 and "tổng cộng hơn 40 triệu điểm ảnh" in html
    assert "Quán karaoke đầu ngõ" in html  # what was typed is kept
    assert decodes == [] and Tip.objects.count() == count
    one = post_tip(public, bach_dang, files(("to.png", hostile.png_header(9000, 9000)))).content.decode()
    assert "Ảnh «to.png» quá lớn: tối đa 40 triệu điểm ảnh" in one and decodes == []


def test_the_pixel_cap_is_a_setting(public, bach_dang, settings, decodes):
    settings.PUBLIC_MAX_PIXELS = 100
    page = post_tip(public, bach_dang, files(("a.png", hostile.png(20, 20)))).content.decode()
    assert "Các ảnh gửi kèm quá lớn" in page and decodes == []
    settings.PUBLIC_MAX_PIXELS = 40_000_000
    receipt_of(post_tip(public, bach_dang, files(("a.png", hostile.png(20, 20)))))


@pytest.mark.parametrize("kind", ["javascript", "page_action", "escaped"])
def test_a_pdf_with_active_content_is_refused(public, bach_dang, kind):
    count = Tip.objects.count()
    options = {"javascript": {"javascript": True}, "page_action": {"page_action": True},
               "escaped": {"page_action": True, "escaped": True}}[kind]
    page = post_tip(public, bach_dang, files(("bien-ban.pdf", hostile.pdf(**options)))).content.decode()
    assert "Tệp «bien-ban.pdf» có nội dung tự chạy (mã JavaScript" in page
    assert Tip.objects.count() == count
    receipt_of(post_tip(public, bach_dang, files(("bien-ban.pdf", hostile.pdf()))))  # a plain PDF passes


# ------------------------------------------------------------------------ 7: Excel import

def headers():
    return [c.header for c in establishments.columns]


def import_page(client, content: bytes):
    return client.post(reverse("establishment_import"),
                       {"step": "upload", "file": SimpleUploadedFile("co-so.xlsx", content)})


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml must be installed (pyproject): openpyxl then refuses XML entities"


@pytest.fixture
def rows_parsed(monkeypatch):
    """Every <row> element openpyxl parses from a sheet."""
    from openpyxl.worksheet._reader import WorkSheetParser

    calls = []
    original = WorkSheetParser.parse_row
    monkeypatch.setattr(WorkSheetParser, "parse_row", lambda self, row: calls.append(1) or original(self, row))
    return calls


def test_a_sheet_declaring_a_million_rows_is_refused_before_reading_them(login, owner, rows_parsed):
    content = hostile.xlsx_hostile(headers(), dimension="A1:H1048576",
                                   extra_rows="".join(f'<row r="{n}"/>' for n in range(3, 5000)))
    page = import_page(login(owner), content)
    assert page.status_code == 400
    assert ("có quá nhiều dòng (tối đa 200.000 dòng dữ liệu, kể cả dòng trống đã định dạng). Hãy xoá các dòng "
            "trống thừa ở cuối trang dữ liệu, hoặc chia thành nhiều tệp.") in page.content.decode()
    assert rows_parsed == []


def test_empty_rows_are_counted_when_the_dimension_is_missing(login, owner, monkeypatch, tmp_path):
    monkeypatch.setattr(imports, "MAX_ROWS", 1000)
    # no <dimension>: one cell far down the sheet makes openpyxl yield every empty row before it
    far = '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>Karaoke</t></is></c></row>'
    page = import_page(login(owner), hostile.xlsx_hostile(headers(), dimension="", extra_rows=far))
    assert page.status_code == 400 and "có quá nhiều dòng (tối đa 1.000 dòng dữ liệu" in page.content.decode()
    path = tmp_path / "rong.xlsx"  # the same with empty <row/> elements, through the service
    path.write_bytes(hostile.xlsx_hostile(headers(), dimension="",
                                          extra_rows="".join(f'<row r="{n}"/>' for n in range(3, 1100))))
    with pytest.raises(imports.ImportFileError, match="quá nhiều dòng"):
        list(imports.read_rows(establishments, path, "rong.xlsx"))


@pytest.mark.parametrize("parser", ["defusedxml", "expat"])
def test_an_entity_bomb_in_a_workbook_is_a_vietnamese_error(login, owner, monkeypatch, parser):
    if parser == "expat":  # as without defusedxml: the declaration passes, expat stops the expansion mid-sheet
        import xml.etree.ElementTree

        from openpyxl.worksheet import _reader

        monkeypatch.setattr(_reader, "iterparse", xml.etree.ElementTree.iterparse)
    cell = '<row r="3"><c r="A3" t="inlineStr"><is><t>&h;</t></is></c></row>'
    content = hostile.xlsx_hostile(headers(), extra_rows=cell, prolog=hostile.entity_bomb("worksheet"))
    page = import_page(login(owner), content)
    assert page.status_code == 400
    assert "Không đọc được tệp “co-so.xlsx”: tệp .xlsx bị hỏng" in page.content.decode()


def test_a_workbook_too_big_unpacked_is_refused(login, owner, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNZIPPED_BYTES", 2000)
    page = import_page(login(owner), hostile.xlsx(headers(), [["Karaoke"] * 8] * 50))
    assert page.status_code == 400 and "khi giải nén lớn hơn" in page.content.decode()


# ------------------------------------------------------------------------ 7: Word plans

def plan_upload(client, name, data):
    return client.post(reverse("plan_upload"), {"file": SimpleUploadedFile(name, data)})


def test_a_docx_of_half_a_million_empty_paragraphs_is_refused(login, owner, monkeypatch):
    built = []
    from docx import api

    original = api.Document
    monkeypatch.setattr(api, "Document", lambda *a, **k: built.append(a) or original(*a, **k))
    data = hostile.docx_hostile("<w:p/>" * 500_000)
    assert len(data) < 100_000  # small on disk
    page = plan_upload(login(owner), "ke-hoach.docx", data)
    assert page.status_code == 400
    errors = page.context["form"].errors["file"]
    assert "quá nhiều đoạn văn, ô bảng (tối đa 20.000 đoạn và ô)" in errors[0]
    assert built == []  # refused by the streaming count, before python-docx builds the document


def test_docx_cells_count_too():
    row = "<w:tr>" + "<w:tc><w:p/></w:tc>" * 100 + "</w:tr>"
    with pytest.raises(PlanFileError, match="quá nhiều đoạn văn, ô bảng"):
        extract.extract_text("k.docx", hostile.docx_hostile("<w:tbl>" + row * 150 + "</w:tbl>"))


def test_docx_entity_bomb_is_refused():
    body = "<w:p><w:r><w:t>&h;</w:t></w:r></w:p>"
    with pytest.raises(PlanFileError, match="Không mở được tệp Word"):
        extract.extract_text("k.docx", hostile.docx_hostile(body, hostile.entity_bomb("w:document")))


def test_docx_with_a_long_vertical_merge_or_a_huge_span_reads_linearly():
    merged = "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
    first = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Kế hoạch phòng, chống ' \
            "mại dâm năm 2026</w:t></w:r></w:p></w:tc></w:tr>"
    text = extract.extract_text("k.docx", hostile.docx_hostile(
        "<w:tbl>" + first + f"<w:tr>{merged}</w:tr>" * 3000 + "</w:tbl>"))
    assert text.count("Kế hoạch phòng, chống mại dâm năm 2026") == 3001  # the merged cell in each row, as before
    span = '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr><w:p><w:r><w:t>Kế hoạch phòng ' \
           "chống mại dâm</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    assert "Kế hoạch phòng chống mại dâm" in extract.extract_text("k.docx", hostile.docx_hostile(span))


def test_docx_too_big_unpacked_is_refused(monkeypatch):
    data = hostile.docx(*["Một dòng kế hoạch phòng, chống mại dâm."] * 100)
    monkeypatch.setattr(extract, "DOCX_MAX_XML_BYTES", 1000)
    with pytest.raises(PlanFileError, match="Tệp Word quá dài"):
        extract.extract_text("k.docx", data)
    monkeypatch.setattr(extract, "DOCX_MAX_UNZIPPED_BYTES", 20_000)  # all the parts: styles, theme…
    with pytest.raises(PlanFileError, match="Tệp Word khi giải nén lớn hơn"):
        extract.extract_text("k.docx", data)


# ------------------------------------------------------------------------ 7: DHIS2 import

DEEP = b"[" * 100_000 + b"]" * 100_000


def test_dhis2_json_nested_a_hundred_thousand_levels(login, owner, tmp_path):
    with pytest.raises(dhis2.ImportFormatError, match="lồng nhau quá sâu"):
        dhis2.parse(DEEP)
    page = login(owner).post(reverse("dhis2_import"), {
        "file": SimpleUploadedFile("dv.json", DEEP, content_type="application/json"), "mode": "all"})
    assert page.status_code == 200 and "lồng nhau quá sâu" in page.content.decode()
    path = tmp_path / "dv.json"
    path.write_bytes(DEEP)
    with pytest.raises(CommandError, match="lồng nhau quá sâu"):
        call_command("dhis2", "import", str(path))


def test_dhis2_values_that_are_lists_are_not_values():
    rows = dhis2.parse(b'{"dataValues": [{"dataElement": "X", "value": ' + b"[" * 500 + b"]" * 500 + b"}]}")
    assert rows[0]["value"] == "?"
    summary = dhis2.import_values(rows, dry_run=True)
    assert summary.status == "ERROR"


def test_dhis2_csv_is_bounded(monkeypatch, tmp_path):
    with pytest.raises(dhis2.ImportFormatError, match="Tệp CSV không đọc được"):
        dhis2.parse(b'dataelement,value\n"' + b"9" * 200_000 + b'"\n')  # over the csv module's field limit
    monkeypatch.setattr(dhis2, "MAX_ROWS", 10)
    with pytest.raises(dhis2.ImportFormatError, match="quá nhiều dòng"):
        dhis2.parse(b"dataelement,period,orgunit,value\n" + b"A,2026,X,1\n" * 20)
    with pytest.raises(dhis2.ImportFormatError, match="quá nhiều dòng"):
        dhis2.parse(dhis2.to_json([{"dataElement": "A", "period": "2026", "orgUnit": "X", "value": "1"}] * 20))
    monkeypatch.setattr(dhis2, "MAX_BYTES", 100)
    path = tmp_path / "dv.csv"
    path.write_bytes(b"A,2026,X,1\n" * 20)
    with pytest.raises(CommandError, match="Tệp quá lớn"):
        call_command("dhis2", "import", str(path))
