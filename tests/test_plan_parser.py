"""The plan-document parser (issue 3, import): every numeric target of every seed, header, legal basis,
tasks and agencies, reporting duties; text extraction from .docx/.pdf/.txt; every bad input."""

import io
import json
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from pcmd.plans.parsing import PlanFileError
from pcmd.plans.parsing.extract import extract_text
from pcmd.plans.parsing.parser import parse_plan, split_agencies

SEEDS = Path(settings.PCMD_SEEDS_DIR)  # tests/fixtures/seeds (settings_test)
HA_NOI = "city-ha-noi-2026-2030.txt"
NINH_BINH = "province-ninh-binh-2026.txt"
BACH_DANG = "ward-bach-dang-haiphong-2026.txt"
TAN_THANH = "ward-tan-thanh-tamky-2025.txt"
DUONG_KINH = "district-duong-kinh-haiphong-2024.txt"

_cache: dict[str, dict] = {}


def seed(name: str) -> dict:
    if name not in _cache:
        path = SEEDS / name
        _cache[name] = parse_plan(extract_text(name, path.read_bytes()))
    return _cache[name]


def numeric(parsed: dict) -> list[dict]:
    return [t for t in parsed["targets"] if t["metric"] != "qualitative"]


# (fragment of population or text, comparator, value, value_max, year, scope) for EVERY numeric target, in order.
EXPECTED = {
    HA_NOI: [
        ("Ủy ban nhân dân các xã, phường", "eq", 100, None, None, None),
        ("xã, phường", "eq", 100, None, None, None),
        ("người bán dâm", "gte", 70, None, None, None),
        ("tin tố giác, tin báo", "eq", 100, None, None, None),
        ("vụ án liên quan đến hoạt động mại dâm", "range", 80, 100, None, None),
        ("vụ án liên quan đến hoạt động mại dâm", "eq", 100, None, None, None),
        ("xã, phường", "eq", 100, None, 2030, None),
        ("cơ sở kinh doanh dịch vụ", "gte", 60, None, 2026, None),
        ("cơ sở kinh doanh dịch vụ", "gte", 70, None, 2027, None),
        ("cơ sở kinh doanh dịch vụ", "gte", 80, None, 2028, None),
        ("cơ sở kinh doanh dịch vụ", "gte", 90, None, 2029, None),
        ("cơ sở kinh doanh dịch vụ", "gte", 95, None, 2030, None),
        ("đội ngũ cán bộ", "eq", 80, None, 2030, "cấp Thành phố"),
        ("đội ngũ này", "eq", 60, None, 2030, "cấp xã, phường"),
    ],
    NINH_BINH: [
        ("xã, phường", "eq", 70, None, None, None),
        ("người lao động tại các cơ sở kinh doanh dịch vụ", "gte", 50, None, None, None),
        ("người lao động trong các khu công nghiệp", "gte", 50, None, None, None),
        ("học sinh, sinh viên", "gte", 25, None, None, None),
        ("xã, phường", "eq", 100, None, None, None),
        ("xã, phường", "eq", 100, None, None, None),
        ("tin báo, khiếu nại, tố cáo", "eq", 100, None, None, None),
        ("số cơ sở kinh doanh dịch vụ", "gte", 20, None, None, None),
        ("đội ngũ cán bộ", "eq", 100, None, None, None),
    ],
    BACH_DANG: [
        ("tổ dân phố", "eq", 100, None, None, None),
        ("buổi tuyên truyền", "range", 2, 4, None, None),
        ("cơ sở kinh doanh dịch vụ", "eq", 100, None, None, None),
        ("tổ dân phố", "eq", 100, None, None, None),
        ("cơ sở kinh doanh dịch vụ dễ bị lợi dụng", "eq", 100, None, None, None),
        ("cán bộ phụ trách", "eq", 100, None, None, None),
        ("tin báo, tố giác, phản ánh", "eq", 100, None, None, None),
        ("cơ sở kinh doanh dịch vụ", "gte", 60, None, None, None),
        ("tụ điểm mại dâm", "eq", 0, None, None, None),
    ],
    TAN_THANH: [
        ("nhân viên làm việc tại các cơ sở", "gt", 80, None, 2025, None),
        ("học sinh", "gt", 90, None, 2025, None),
        ("tội phạm liên quan đến mại dâm", "eq", 100, None, 2025, None),
        ("người bán dâm", "gt", 80, None, 2025, None),
        ("tố giác, tin báo, khiếu nại", "eq", 100, None, 2025, None),
        ("cơ sở kinh doanh dịch vụ", "eq", 100, None, 2025, None),
        ("cán bộ, công chức", "gt", 90, None, 2025, None),
    ],
    DUONG_KINH: [
        ("phường", "eq", 100, None, None, None),
        ("người lao động tại các cơ sở kinh doanh dịch vụ", "gte", 60, None, None, None),
        ("người lao động tại các khu công nghiệp", "gte", 50, None, None, None),
        ("học sinh các trường Trung học phổ thông", "gte", 60, None, None, None),
        ("phường", "eq", 100, None, None, None),
        ("tin báo, tố giác, khiếu nại", "eq", 100, None, None, None),
        ("số cơ sở kinh doanh dịch vụ", "gte", 10, None, None, None),
        ("người bán dâm", "eq", 100, None, None, None),
        ("đội ngũ cán bộ", "eq", 100, None, None, None),
    ],
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_numeric_target_of_every_seed(name):
    found = numeric(seed(name))
    expected = EXPECTED[name]
    got = [(t["comparator"], t["value"], t["value_max"], t["year"], t["scope"]) for t in found]
    assert got == [row[1:] for row in expected], f"{name}: {got}"
    for target, (fragment, *_rest) in zip(found, expected, strict=True):
        assert fragment.lower() in (target["population"] + " " + target["text"]).lower(), (fragment, target)
        assert target["metric"] in ("percent", "count")
        start, end = target["lines"]
        assert 1 <= start <= end
        assert fragment.split()[0].lower() in _lines(name, start, end).lower()


def _lines(name: str, start: int, end: int) -> str:
    text = extract_text(name, (SEEDS / name).read_bytes())
    return " ".join(text.split("\n")[start - 1:end])


def test_hanoi_trajectory_is_one_target_per_year_with_source_lines():
    trajectory = [t for t in seed(HA_NOI)["targets"] if t["lines"] == [51, 53]]
    assert [(t["year"], t["value"]) for t in trajectory] == [(2026, 60), (2027, 70), (2028, 80), (2029, 90),
                                                              (2030, 95)]
    assert {t["indicator"] for t in trajectory} == {"VENUES_INSPECTED"}


@pytest.mark.parametrize("name, line, code", [
    (HA_NOI, 43, "TIPS_ON_TIME"), (HA_NOI, 41, "SUPPORT_ACCESS"), (HA_NOI, 55, "STAFF_TRAINED"),
    (NINH_BINH, 33, "VENUES_INSPECTED"), (BACH_DANG, 47, "COMM_SESSIONS"), (BACH_DANG, 111, "HOTSPOTS_NEW"),
    (DUONG_KINH, 63, "VENUES_INSPECTED"), (TAN_THANH, 63, "STAFF_TRAINED"),
])
def test_targets_link_to_indicators(name, line, code):
    assert code in {t["indicator"] for t in seed(name)["targets"] if t["lines"][0] == line}


def test_several_figures_in_one_sentence_link_each_to_its_own_indicator():
    line14 = [t["indicator"] for t in seed(NINH_BINH)["targets"] if t["lines"][0] == 14]
    assert line14 == ["REACH_VENUE_WORKERS", "REACH_INDUSTRIAL_WORKERS", "REACH_STUDENTS"]
    line45 = [t["indicator"] for t in seed(HA_NOI)["targets"] if t["lines"][0] == 45]
    assert line45 == ["CASES_DETECTED", "CASES_TRIED"]


@pytest.mark.parametrize("name, count", [(NINH_BINH, 1), (BACH_DANG, 1), (TAN_THANH, 2), (HA_NOI, 0)])
def test_qualitative_sentences_in_target_sections(name, count):
    qualitative = [t for t in seed(name)["targets"] if t["metric"] == "qualitative"]
    assert len(qualitative) == count
    assert all(t["comparator"] is None and t["value"] is None for t in qualitative)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_no_figure_that_is_not_a_target(name):
    values = {t["value"] for t in seed(name)["targets"]} | {t["value_max"] for t in seed(name)["targets"]}
    # decree 178, article numbers, years, dates and the 799 steering committee are never targets
    assert not values & {178, 2003, 2004, 2021, 2023, 2024, 2025, 2026, 2030, 799, 15, 17, 29, 49, 732}
    # objectives ("không để hình thành… các điểm") and tasks ("không để phát sinh điểm nóng") are not zero targets
    zero = [t for t in seed(name)["targets"] if t["value"] == 0]
    assert len(zero) == (1 if name == BACH_DANG else 0)


HEADERS = {
    HA_NOI: dict(number=None, date=None, place="Hà Nội", period="2026-2030", kind="phase",
                 issuer="Ủy ban nhân dân thành phố Hà Nội", signer_name="Đỗ Anh Tuấn",
                 signer_title="KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                 title="Thực hiện Chương trình phòng, chống mại dâm trên địa bàn thành phố Hà Nội "
                       "giai đoạn 2026 - 2030"),
    NINH_BINH: dict(number=None, date=None, place=None, period="2026", kind="annual",
                    issuer="Ủy ban nhân dân tỉnh Ninh Bình", signer_name=None,
                    title="THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM NĂM 2026 TRÊN ĐỊA BÀN TỈNH NINH BÌNH"),
    BACH_DANG: dict(number=None, date=None, place="Bạch Đằng", period="2026", kind="annual",
                    issuer="Ủy ban nhân dân phường Bạch Đằng", signer_name="Phạm Quang Thanh",
                    title="Triển khai thực hiện công tác phòng, chống mại dâm trên địa bàn phường Bạch Đằng năm 2026"),
    TAN_THANH: dict(number=None, date=None, period="2025", kind="annual", issuer="Ủy ban nhân dân phường Tân Thạnh",
                    signer_name=None, signer_title="PHÓ CHỦ TỊCH",
                    title="Thực hiện Chương trình phòng, chống mại dâm năm 2025 trên địa bàn phường Tân Thạnh"),
    DUONG_KINH: dict(number=None, period="2024", kind="annual", issuer="Ủy ban nhân dân quận Dương Kinh",
                     signer_name="Nguyễn Trí Nhân"),
}


@pytest.mark.parametrize("name", list(HEADERS))
def test_header(name):
    parsed = seed(name)
    for key, value in HEADERS[name].items():
        assert parsed[key] == value, (key, parsed[key])
    assert parsed["recipients"]


def test_duong_kinh_title_spans_its_wrapped_bold_lines():
    parsed = seed(DUONG_KINH)
    assert parsed["title"].startswith("Triển khai, thực hiện công tác phòng, chống mại dâm năm 2024")
    assert parsed["title"].endswith("trên địa bàn quận Dương Kinh")
    assert "**" not in parsed["title"]
    assert parsed["title_lines"] == [5, 9]


LEGAL = {
    HA_NOI: [("732/QĐ-TTg", "2026-04-24", "Thủ tướng Chính phủ")],
    NINH_BINH: [(None, "2003-03-17", None), ("178/2004/NĐ-CP", "2004-10-15", "Chính phủ")],
    BACH_DANG: [("732/QĐ-TTg", "2026-04-24", "Thủ tướng Chính phủ"),
                ("4827/VP-VX", "2026-05-04", "Văn phòng Ủy ban nhân dân thành phố Hải Phòng")],
    TAN_THANH: [("130/KH-UBND", "2025-04-29", "UBND thành phố Tam Kỳ")],
    DUONG_KINH: [("34/KH-UBND", "2024-02-16", "Ủy ban nhân dân thành phố Hải Phòng"),
                 ("29/QĐ-BLĐTBXH", "2023-01-16", "Bộ Lao động - Thương binh và Xã hội"),
                 ("49/NQ-HĐND", "2023-12-08", "Hội đồng nhân dân thành phố")],
}


@pytest.mark.parametrize("name", list(LEGAL))
def test_legal_basis(name):
    bases = seed(name)["legal_basis"]
    assert [(b["number"], b["date"], b["issuer"]) for b in bases] == LEGAL[name]
    assert all(b["text"] and b["lines"][0] >= 1 for b in bases)


def _task(parsed: dict, ref: str) -> dict:
    return next(t for t in parsed["tasks"] if t["ref"] == ref)


def test_hanoi_tasks_take_the_lead_and_partner_lines_below_them():
    parsed = seed(HA_NOI)
    # a), b), c) of section 2 share the agencies written once below c)
    for ref in ("II.2.a", "II.2.b", "II.2.c"):
        task = _task(parsed, ref)
        assert task["lead"] == ["Sở Y tế"]
        assert task["partners"][:6] == ["Công an Thành phố", "Sở Tư pháp", "Sở Nội vụ", "Sở Văn hóa Thể Thao",
                                        "Sở Du lịch", "Sở Công thương"]
    task = _task(parsed, "II.3.1.a")
    assert task["lead"][:3] == ["Sở Y tế", "Sở Du lịch", "Sở Giáo dục và Đào tạo"]
    assert "Cơ quan Báo và Phát thanh, Truyền hình Hà Nội" in task["lead"]
    assert _task(parsed, "II.5.2.c")["lead"] == ["Sở Y tế", "Công an Thành phố"]
    assert _task(parsed, "II.5.2.c")["partners"] == ["Sở Tài chính"]
    assert _task(parsed, "II.5.3.a")["partners"] == ["Viện Kiểm sát nhân dân Thành phố", "Tòa án nhân dân Thành phố"]
    assert _task(parsed, "II.4.2.đ")["lead"] == ["Sở Y tế", "Ủy ban nhân dân các xã, phường"]
    assert _task(parsed, "II.3.2.b")["lines"] == [107, 111]
    # "Phân công thực hiện:" closes the group of a); b) has its own lead and partners
    assert _task(parsed, "II.6.1.a")["lead"][:3] == ["Công an Thành phố", "Sở Y tế", "Ủy ban nhân dân các xã, phường"]
    assert _task(parsed, "II.6.1.a")["lines"] == [201, 203]
    assert _task(parsed, "II.6.1.b")["lead"] == ["Sở Y tế"]
    assert _task(parsed, "II.1.a")["lead"][0] == "Các sở, ban, ngành, cơ quan thuộc Ủy ban nhân dân Thành phố"
    assert all(not any("quyền hạn" in n or "chức năng" in n for n in t["lead"] + t["partners"])
               for t in parsed["tasks"])


@pytest.mark.parametrize("name, ref, lead, partner", [
    (NINH_BINH, "IV.1-1", ["Sở Y tế"], None),
    (NINH_BINH, "IV.2-2", ["Công an tỉnh"], None),
    (NINH_BINH, "IV.12-1", ["Viện Kiểm sát nhân dân", "Tòa án nhân dân tỉnh"], None),
    (NINH_BINH, "IV.9-1", ["Sở Tư pháp"], "Sở Y tế"),
    (BACH_DANG, "IV.2-7", ["Công an phường"], None),
    (BACH_DANG, "IV.1-7", ["Phòng Văn hóa - Xã hội phường"], "Công an phường"),
    (DUONG_KINH, "V.1-3", ["Phòng Lao động - Thương binh và Xã hội quận"], "Phòng Văn hóa và Thông tin quận"),
    (DUONG_KINH, "V.9-1", ["Viện Kiểm sát Nhân dân quận", "Toà án Nhân dân quận"], None),
    (TAN_THANH, "VI.2-2", ["Công an phường"], "Công chức VHXH"),
])
def test_organisation_blocks_give_tasks_led_by_the_agency(name, ref, lead, partner):
    task = _task(seed(name), ref)
    assert task["lead"] == lead
    if partner:
        assert partner in task["partners"]


@pytest.mark.parametrize("name", [NINH_BINH, BACH_DANG])
def test_closing_paragraph_is_not_a_task(name):
    assert not any(t["text"].startswith("Trên đây") for t in seed(name)["tasks"])


def test_tan_thanh_wrapped_lines_join_into_paragraphs():
    task = _task(seed(TAN_THANH), "VI.1-5")
    assert task["lines"] == [161, 165]
    assert "cộng tác viên về công tác phòng, chống mại dâm" in task["text"]


def _duties(name: str) -> list[tuple]:
    return [(d["frequency"], d["deadline"], d["to"]) for d in seed(name)["reporting"]]


def test_reporting_duties():
    assert _duties(HA_NOI) == [("S", "17/06", "Sở Y tế"), ("Y", "17/12", "Sở Y tế"), ("adhoc", None, "Sở Y tế")]
    assert {d["via"] for d in seed(HA_NOI)["reporting"]} == {"Chi cục Dân số, Trẻ em và Phòng, chống tệ nạn xã hội"}
    assert _duties(DUONG_KINH) == [("S", None, "Uỷ ban nhân dân quận"), ("Y", None, "Uỷ ban nhân dân quận")]
    assert _duties(TAN_THANH) == [("S", None, "Phòng Lao động – Thương binh và Xã hội thành phố"),
                                  ("Y", None, "Phòng Lao động – Thương binh và Xã hội thành phố")]
    bach_dang = seed(BACH_DANG)["reporting"]
    assert [d["frequency"] for d in bach_dang] == ["adhoc", "M", "Q", "Y"]
    assert {d["reporter"] for d in bach_dang} == {"Công an phường"}
    assert {d["to"] for d in bach_dang} == {"Phòng Văn hóa - Xã hội phường"}


def test_split_agencies():
    names = split_agencies("Sở Y tế, Sở Giáo dục và Đào tạo, đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố "
                           "và các tổ chức thành viên theo chức năng, nhiệm vụ, quyền hạn và các cơ quan liên quan.")
    assert names == ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
                     "các tổ chức thành viên"]
    assert split_agencies("Công an Thành phố.") == ["Công an Thành phố"]


# ------------------------------------------------------------------------------------- a different style

SYNTHETIC = """ỦY BAN NHÂN DÂN
XÃ AN PHÚ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 15/KH-UBND
An Phú, ngày 03 tháng 02 năm 2027
KẾ HOẠCH
Phòng, chống mại dâm năm 2027 trên địa bàn xã An Phú
Căn cứ Kế hoạch số 21/KH-UBND ngày 10/01/2027 của Ủy ban nhân dân tỉnh về phòng, chống mại dâm năm 2027;
Căn cứ Quyết định số 5/QĐ-UBND ngày 2/1/2027 của Chủ tịch Ủy ban nhân dân xã;
I. MỤC ĐÍCH, YÊU CẦU
• Không để hình thành tụ điểm mại dâm mới trên địa bàn xã.
II. KẾT QUẢ NĂM 2026
Năm 2026 đã kiểm tra 45 cơ sở, đạt 52% số cơ sở; phát hiện 3 vụ vi phạm, tăng 2 vụ so với cùng kỳ.
III. CHỈ TIÊU
+ Tuyên truyền cho ít nhất 5.300 người dân, trong đó tối thiểu 1.200 học sinh.
+ Số vụ vi phạm phát hiện không quá 5 vụ; tỷ lệ tái phạm dưới 2%.
+ Tổ chức từ 3 - 6 lớp tập huấn cho cán bộ thôn.
+ Không để phát sinh tụ điểm mại dâm mới.
+ Nâng cao chất lượng hoạt động của Đội kiểm tra liên ngành 178 theo Điều 327 Bộ luật Hình sự.
IV. NHIỆM VỤ VÀ GIẢI PHÁP
1. Tuyên truyền
a) Phát thanh trên loa truyền thanh hằng tuần.
đ) Cấp phát tờ rơi tại các thôn.
Cơ quan chủ trì: Công an xã và Trạm Y tế xã.
Cơ quan phối hợp: Hội Liên hiệp Phụ nữ xã, Đoàn Thanh niên xã.
2. Kiểm tra
Kiểm tra đột xuất ít nhất 30% cơ sở kinh doanh dịch vụ lưu trú trong năm.
Cơ quan chủ trì: Công an xã.
V. TỔ CHỨC THỰC HIỆN
1. Công an xã
+ Chủ trì kiểm tra; phối hợp với Trạm Y tế xã tuyên truyền.
+ Báo cáo hằng quý (trước ngày 15/3, 15/6, 15/9, 15/12) gửi Ủy ban nhân dân xã.
2. Trạm Y tế xã
+ Tư vấn, chăm sóc sức khỏe cho người có nguy cơ.
Nơi nhận:
- UBND huyện;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Lê Văn Bình
"""


def test_a_plan_in_another_style():
    parsed = parse_plan(SYNTHETIC)
    assert parsed["issuer"] == "ỦY BAN NHÂN DÂN XÃ AN PHÚ"
    assert (parsed["number"], parsed["place"], parsed["date"], parsed["period"]) == (
        "15/KH-UBND", "An Phú", "2027-02-03", "2027")
    assert parsed["title"] == "Phòng, chống mại dâm năm 2027 trên địa bàn xã An Phú"
    assert [(b["number"], b["date"]) for b in parsed["legal_basis"]] == [
        ("21/KH-UBND", "2027-01-10"), ("5/QĐ-UBND", "2027-01-02")]
    got = [(t["metric"], t["comparator"], t["value"], t["value_max"]) for t in numeric(parsed)]
    assert got == [
        ("count", "gte", 5300, None), ("count", "gte", 1200, None),  # thousands separators
        ("count", "lte", 5, None), ("percent", "lt", 2, None),
        ("count", "range", 3, 6, ), ("count", "eq", 0, None),
        ("percent", "gte", 30, None),  # a commitment inside a task section
    ]
    # history (section II), the objective "không để hình thành…", decree 178 and article 327 are not targets
    assert not {52, 45, 178, 327} & {t["value"] for t in parsed["targets"]}
    assert [t["metric"] for t in parsed["targets"]].count("qualitative") == 1
    tasks = {t["ref"]: t for t in parsed["tasks"]}
    assert tasks["IV.1.a"]["lead"] == tasks["IV.1.đ"]["lead"] == ["Công an xã", "Trạm Y tế xã"]
    assert tasks["IV.1.đ"]["partners"] == ["Hội Liên hiệp Phụ nữ xã", "Đoàn Thanh niên xã"]
    assert tasks["IV.2-1"]["lead"] == ["Công an xã"]
    assert tasks["V.1-1"]["lead"] == ["Công an xã"] and tasks["V.1-1"]["partners"] == ["Trạm Y tế xã"]
    assert tasks["V.2-1"]["lead"] == ["Trạm Y tế xã"]
    assert [(d["frequency"], d["deadline"], d["to"], d["reporter"]) for d in parsed["reporting"]] == [
        ("Q", "15/03", "Ủy ban nhân dân xã", "Công an xã")]
    assert (parsed["signer_name"], parsed["signer_title"]) == ("Lê Văn Bình", "CHỦ TỊCH")


def test_missing_number_and_date_are_null():
    text = SYNTHETIC.replace("Số: 15/KH-UBND", "Số:     /KH-UBND").replace("ngày 03 tháng 02 năm 2027",
                                                                            "ngày    tháng    năm 2027")
    parsed = parse_plan(text)
    assert (parsed["number"], parsed["date"], parsed["place"]) == (None, None, "An Phú")


# ------------------------------------------------------------------------------------------- extraction

def test_docx_paragraphs_and_tables_in_document_order():
    from docx import Document

    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nPHƯỜNG BẠCH ĐẰNG"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("Số: 07/KH-UBND")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Phòng, chống mại dâm năm 2026")
    targets = document.add_table(rows=2, cols=2)
    targets.cell(0, 0).text = "Chỉ tiêu"
    targets.cell(1, 0).text = "Kiểm tra ít nhất 60% cơ sở"
    document.add_paragraph("Nơi nhận:")
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text("ke-hoach.DOCX", buffer.getvalue())
    order = ["ỦY BAN NHÂN DÂN", "PHƯỜNG BẠCH ĐẰNG", "CỘNG HÒA", "Số: 07/KH-UBND", "KẾ HOẠCH", "Chỉ tiêu",
             "Kiểm tra ít nhất 60% cơ sở", "Nơi nhận:"]
    positions = [text.index(fragment) for fragment in order]
    assert positions == sorted(positions)


def test_docx_of_a_seed_parses_like_the_text():
    from docx import Document

    document = Document()
    for line in (SEEDS / BACH_DANG).read_text(encoding="utf-8").split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_plan(extract_text("bach-dang.docx", buffer.getvalue()))
    assert [(t["comparator"], t["value"]) for t in numeric(parsed)] == [(t["comparator"], t["value"])
                                                                         for t in numeric(seed(BACH_DANG))]


def test_pdf_with_a_text_layer(tmp_path, system_tool):
    soffice = system_tool("soffice", "libreoffice")
    source = tmp_path / "ke-hoach.txt"
    source.write_text(SYNTHETIC, encoding="utf-8")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=120)
    text = extract_text("ke-hoach.pdf", (tmp_path / "ke-hoach.pdf").read_bytes())
    assert "Không để phát sinh tụ điểm mại dâm mới" in text
    parsed = parse_plan(text)
    assert parsed["number"] == "15/KH-UBND"
    assert ("count", "gte", 5300) in [(t["metric"], t["comparator"], t["value"]) for t in parsed["targets"]]


def test_txt_encodings_and_normalisation():
    plain = "KẾ HOẠCH\r\n**Phòng, chống mại dâm**\r\n"
    assert extract_text("a.txt", plain.encode("utf-8")) == "KẾ HOẠCH\nPhòng, chống mại dâm\n"
    assert extract_text("a.txt", b"\xef\xbb\xbf" + plain.encode("utf-8")).startswith("KẾ HOẠCH\n")
    assert extract_text("a.txt", plain.encode("utf-16")).startswith("KẾ HOẠCH\n")
    decomposed = unicodedata.normalize("NFD", "Kế hoạch")
    assert extract_text("a.txt", decomposed.encode("utf-8")) == "Kế hoạch"
    assert extract_text("a.txt", _cp1258("Kế hoạch phòng, chống mại dâm năm 2026")) == (
        "Kế hoạch phòng, chống mại dâm năm 2026")


def _cp1258(text: str) -> bytes:
    """Encode like an old Windows editor: base letters with their vowel marks, tones as combining marks."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258") + parts[-1].encode("cp1258")
    return out


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("file_name, data, words", [
    ("ke-hoach.txt", b"", "trống"),
    ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
    ("ke-hoach.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
    ("ke-hoach.pdf", None, "bản quét"),
    ("ke-hoach.docx", b"PK\x03\x04 not really a zip", "không phải văn bản Word"),
    ("ke-hoach.pdf", b"just text", "không phải PDF"),
    ("ke-hoach.odt", b"hello", "OpenDocument"),
    ("ke-hoach.xls", b"hello", "Chỉ nhận"),
    ("ke-hoach.png", b"hello", "không phải ảnh"),
    ("ke-hoach.txt", "Привет мир план работы".encode("cp1251") * 20, "bảng mã"),
    ("ke-hoach.txt", "KẾ HOẠCH phòng chống".encode("utf-16-le"), "UTF-16"),
    ("ke-hoach.txt", "Kế hoạch số 1".encode() + b"\xff\xfe\xfd" * 3, "bảng mã"),
    ("ke-hoach.txt", "Biên bản họp tổ dân phố\nHôm nay mọi người đã họp.\n".encode(), "không phải là một kế hoạch"),
])
def test_bad_input_gets_a_vietnamese_message(file_name, data, words):
    data = _blank_pdf() if data is None else data
    with pytest.raises(PlanFileError) as caught:
        parse_plan(extract_text(file_name, data))
    assert words in str(caught.value)


REPORT = """BÁO CÁO
Kết quả công tác phòng, chống mại dâm năm 2025
I. KẾT QUẢ THỰC HIỆN
1. Tuyên truyền
- Đã tổ chức 25 buổi tuyên truyền, đạt 100% kế hoạch.
II. KẾ HOẠCH NĂM 2026
1. Tiếp tục tuyên truyền.
2. Kiểm tra 60% cơ sở.
"""


def test_a_report_is_not_a_plan():
    with pytest.raises(PlanFileError, match="không phải là một kế hoạch"):
        parse_plan(REPORT)


def test_file_over_the_size_limit(settings):
    settings.PLAN_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(PlanFileError, match="quá lớn"):
        extract_text("ke-hoach.txt", "KẾ HOẠCH ".encode() * 200)


def test_plan_file_error_is_a_value_error():
    assert issubclass(PlanFileError, ValueError)


# ---------------------------------------------------------------------------------------------- command

def test_import_plan_command_dry_run_prints_json(capsys):
    from django.core.management import call_command

    call_command("import_plan", str(SEEDS / HA_NOI), "--dry-run", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["period"] == "2026-2030"
    assert len([t for t in printed["targets"] if t["metric"] != "qualitative"]) == 14
    assert "Sở Y tế" in printed["tasks"][1]["lead"]


def test_import_plan_command_reports_errors(tmp_path):
    from django.core.management import CommandError, call_command

    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="trống"):
        call_command("import_plan", str(empty), "--dry-run")
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("import_plan", str(tmp_path / "khong-co.txt"), "--dry-run")


@pytest.mark.django_db
def test_import_plan_command_saves_a_draft(tmp_path, bach_dang, capsys):
    from django.core.management import CommandError, call_command

    from pcmd.plans.models import Plan

    path = tmp_path / "an-phu.txt"
    path.write_text(SYNTHETIC, encoding="utf-8")
    before = Plan.objects.count()
    call_command("import_plan", str(path), "--dry-run")
    assert Plan.objects.count() == before
    call_command("import_plan", str(path), "--unit", bach_dang.code)
    plan = Plan.objects.get(unit=bach_dang, number="15/KH-UBND")
    assert plan.targets.count() == len(parse_plan(SYNTHETIC)["targets"])
    with pytest.raises(CommandError, match="đã được nhập"):
        call_command("import_plan", str(path), "--unit", bach_dang.code)
    with pytest.raises(CommandError, match="--unit"):
        call_command("import_plan", str(path))


DECISION_THEN_PLAN = """ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 120/QĐ-UBND Hòa Bình, ngày 15 tháng 3 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch phòng, chống mại dâm năm 2026
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng, chống mại dâm năm 2026.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
KẾ HOẠCH
Phòng, chống mại dâm trên địa bàn tỉnh Hòa Bình năm 2026
(Ban hành kèm theo Quyết định số 120/QĐ-UBND ngày 15/3/2026 của Ủy ban nhân dân tỉnh)
I. MỤC TIÊU
1. Mục tiêu cụ thể
- Phấn đấu 85% trở lên số xã, phường duy trì ít nhất một hình thức tuyên truyền.
II. NHIỆM VỤ
1.1 Kiểm tra cơ sở kinh doanh dịch vụ
- Kiểm tra các cơ sở lưu trú, karaoke.
- Đơn vị thực hiện: Sở Văn hóa, Thể thao và Du lịch.
- Thời gian thực hiện: Quý II năm 2026.
1.2 Báo cáo
- Các sở, ngành báo cáo 6 tháng trước ngày 15 tháng 6 gửi Sở Y tế.
"""


def test_a_plan_issued_by_a_decision_with_pdf_style_header():
    parsed = parse_plan(DECISION_THEN_PLAN)
    assert parsed["issuer"] == "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"
    assert (parsed["number"], parsed["place"], parsed["date"]) == ("120/QĐ-UBND", "Hòa Bình", "2026-03-15")
    assert parsed["title"] == "Phòng, chống mại dâm trên địa bàn tỉnh Hòa Bình năm 2026"
    # a figure in "Mục tiêu cụ thể" is still a target; "85% trở lên" is at least 85
    assert [(t["comparator"], t["value"], t["indicator"]) for t in parsed["targets"]] == [
        ("gte", 85, "COMM_COMMUNES")]
    task = next(t for t in parsed["tasks"] if t["ref"] == "II.1.1-1")
    assert task["lead"] == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert task["timing"] == "Quý II năm 2026"
    assert [(d["frequency"], d["deadline"], d["to"]) for d in parsed["reporting"]] == [("S", "15/06", "Sở Y tế")]


def test_docx_assignment_table_in_an_appendix_gives_tasks():
    from docx import Document

    document = Document()
    for line in SYNTHETIC.split("\n"):
        document.add_paragraph(line)
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("PHÂN CÔNG NHIỆM VỤ")
    rows = [("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"),
            ("I", "Tuyên truyền", "", "", ""),
            ("1", "Tổ chức hội nghị tuyên truyền tại các thôn", "Hội Liên hiệp Phụ nữ xã",
             "Đoàn Thanh niên xã, Công an xã", "Quý II"),
            ("2", "Kiểm tra cơ sở lưu trú", "Công an xã", "Trạm Y tế xã", "Hằng quý")]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract_text("an-phu.docx", buffer.getvalue())
    assert "1 | Tổ chức hội nghị tuyên truyền tại các thôn | Hội Liên hiệp Phụ nữ xã" in text
    parsed = parse_plan(text)
    table_tasks = [t for t in parsed["tasks"] if t["ref"].startswith("PL-")]
    assert [(t["ref"], t["lead"], t["partners"], t["timing"]) for t in table_tasks] == [
        ("PL-1", ["Hội Liên hiệp Phụ nữ xã"], ["Đoàn Thanh niên xã", "Công an xã"], "Quý II"),
        ("PL-2", ["Công an xã"], ["Trạm Y tế xã"], "Hằng quý")]
    line = text.split("\n")[table_tasks[1]["lines"][0] - 1]
    assert line.startswith("2 | Kiểm tra cơ sở lưu trú")
    # the signature before the appendix is still read
    assert parsed["signer_name"] == "Lê Văn Bình"


CAPS_TITLE_DASH_NUMBERS = """KẾ HOẠCH
TRIỂN KHAI CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM
NĂM 2026
Nhằm triển khai hiệu quả công tác phòng, chống mại dâm, Ủy ban nhân dân huyện đảo ban hành kế hoạch như sau.
I- CHỈ TIÊU
1- Hoạt động truyền thông
a. Tổ chức ít nhất 12 buổi tuyên truyền tại các thôn.
b. Không quá 5% cơ sở kinh doanh dịch vụ vi phạm.
2- Kiểm tra
a. Kiểm tra 100% cơ sở lưu trú.
II- NHIỆM VỤ
1- Tuyên truyền trên loa truyền thanh hằng tuần.
2- Phối hợp với Công an huyện kiểm tra cơ sở.
"""


def test_capital_title_dash_numbering_and_lettered_items_with_dots():
    parsed = parse_plan(CAPS_TITLE_DASH_NUMBERS)
    assert parsed["title"] == "TRIỂN KHAI CÔNG TÁC PHÒNG, CHỐNG MẠI DÂM NĂM 2026"
    assert parsed["period"] == "2026"
    got = [(t["section"], t["metric"], t["comparator"], t["value"], t["indicator"]) for t in parsed["targets"]]
    assert got == [("I.1.a", "count", "gte", 12, "COMM_SESSIONS"), ("I.1.b", "percent", "lte", 5, None),
                   ("I.2.a", "percent", "eq", 100, "VENUES_INSPECTED")]
    assert [t["ref"] for t in parsed["tasks"]] == ["II.1", "II.2"]


def test_parser_never_crashes_on_damaged_text():
    """Lines dropped, shuffled or cut (deterministic sample): a result or a PlanFileError, never another error."""
    import random

    lines = []
    for name in (HA_NOI, NINH_BINH, BACH_DANG, TAN_THANH, DUONG_KINH):
        lines += (SEEDS / name).read_text(encoding="utf-8").split("\n")
    rng = random.Random(20260107)
    parsed_count = 0
    for _ in range(150):
        picked = rng.sample(lines, rng.randint(0, 150))
        cut = rng.choice([None, None, 5, 20, 60])
        text = "KẾ HOẠCH\n" + "\n".join(line[:cut] for line in picked)
        try:
            parsed = parse_plan(text)
        except PlanFileError:
            continue
        parsed_count += 1
        json.dumps(parsed, ensure_ascii=False)
        assert all(1 <= t["lines"][0] <= t["lines"][1] <= len(picked) + 1 for t in parsed["targets"] + parsed["tasks"])
    assert parsed_count > 10  # the sample does exercise the parser, not only the rejection


def _targets_of(sentence: str) -> list[tuple]:
    text = f"KẾ HOẠCH\nPhòng, chống mại dâm năm 2026\nI. CHỈ TIÊU\n- {sentence}\nII. NHIỆM VỤ\n1. Tuyên truyền.\n"
    return [(t["metric"], t["comparator"], t["value"], t["value_max"]) for t in parse_plan(text)["targets"]]


@pytest.mark.parametrize("sentence, expected", [
    ("Tỷ lệ tái phạm dưới 1.5% số người vi phạm.", [("percent", "lt", 1.5, None)]),
    ("Đạt 95,5% số cơ sở được kiểm tra.", [("percent", "eq", 95.5, None)]),
    ("Từ 60% đến 70% người lao động được tuyên truyền.", [("percent", "range", 60, 70)]),
    ("Từ 70% trở lên số thôn duy trì tuyên truyền.", [("percent", "gte", 70, None)]),
    ("Kiểm tra tối thiểu 02 lần/năm đối với mỗi cơ sở.", [("count", "gte", 2, None)]),
    ("Tối đa 3 vụ việc vi phạm trên địa bàn.", [("count", "lte", 3, None)]),
    ("Không để xảy ra điểm phức tạp về mại dâm.", [("count", "eq", 0, None)]),
    ("Thực hiện theo Nghị định số 282/2025/NĐ-CP và Điều 327 Bộ luật Hình sự năm 2015.",
     [("qualitative", None, None, None)]),
])
def test_target_forms(sentence, expected):
    assert _targets_of(sentence) == expected


def test_docx_with_the_official_header_table():
    from docx import Document

    document = Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n_______\nSố: 07/KH-UBND"
    header.cell(0, 1).text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n___________\n"
                              "Hà Nội, ngày 07 tháng 01 năm 2026")
    body = (SEEDS / HA_NOI).read_text(encoding="utf-8").split("\n")[6:]  # from "KẾ HOẠCH" on
    for line in body:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_plan(extract_text("ha-noi.docx", buffer.getvalue()))
    assert (parsed["issuer"], parsed["number"], parsed["place"], parsed["date"]) == (
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "07/KH-UBND", "Hà Nội", "2026-01-07")
    assert len(numeric(parsed)) == len(EXPECTED[HA_NOI])


def test_legal_basis_without_a_date_and_law_without_a_number():
    text = ("KẾ HOẠCH\nPhòng, chống mại dâm năm 2026\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025; Căn cứ Nghị định số "
            "282/2025/NĐ-CP của Chính phủ quy định xử phạt vi phạm hành chính về an ninh, trật tự;\n"
            "I. CHỈ TIÊU\n- 100% tổ dân phố tuyên truyền.\nII. NHIỆM VỤ\n1. Tuyên truyền.\n2. Kiểm tra.\n")
    bases = parse_plan(text)["legal_basis"]
    assert [(b["kind"], b["number"], b["date"], b["issuer"]) for b in bases] == [
        ("Luật", None, "2025-06-16", None), ("Nghị định", "282/2025/NĐ-CP", None, "Chính phủ")]
    assert bases[1]["title"].startswith("quy định xử phạt vi phạm hành chính")


def test_introductory_sentences_are_neither_targets_nor_tasks():
    text = ("KẾ HOẠCH\nPhòng, chống mại dâm năm 2026\nI. CHỈ TIÊU\nPhấn đấu trong năm 2026 đạt các chỉ tiêu sau:\n"
            "- 100% tổ dân phố tuyên truyền.\nII. NHIỆM VỤ\nCác nhiệm vụ cụ thể như sau:\n- Tuyên truyền.\n"
            "- Kiểm tra.\nIII. KINH PHÍ\n1. Ngân sách.\n")
    parsed = parse_plan(text)
    assert [t["value"] for t in parsed["targets"]] == [100]
    assert [t["text"] for t in parsed["tasks"]] == ["Tuyên truyền.", "Kiểm tra."]
