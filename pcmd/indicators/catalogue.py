"""The program's indicator catalogue, as data (DOMAIN.md §3).

Plan targets link to these codes (automatically where the wording matches `keywords`, editable
by the user). The indicator engine computes values for the same codes.

`keywords` are folded (no diacritics, lower case, see core.models.fold); a target matches an
indicator when all words of one of its keyword groups occur in the target's folded text.
The first matching indicator wins, so the more specific entries come first.
"""

from dataclasses import dataclass

SOURCES = {
    "outreach": "Sổ hoạt động truyền thông, tập huấn, cam kết",
    "plans": "Kế hoạch đã ban hành",
    "inspections": "Lượt kiểm tra của Đội 178",
    "venues": "Sổ cơ sở kinh doanh",
    "tips": "Sổ tin báo, tố giác",
    "enforcement": "Sổ vụ án",
    "hotspots": "Sổ điểm, tụ điểm",
    "entered": "Số liệu cơ quan nhập",
}

ROLLUPS = {
    "sum": "Cộng tử số và mẫu số của các đơn vị cấp dưới",
    "communes": "Đếm số xã, phường đạt trên tổng số xã, phường",
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    metric: str  # "percent" or "count"
    source: str  # the registry that feeds it (a key of SOURCES), or "entered" for figures an agency enters
    keywords: tuple[tuple[str, ...], ...] = ()
    definition: str = ""
    numerator: str = ""
    denominator: str = ""  # empty for counts
    rollup: str = "sum"  # a key of ROLLUPS
    agency: str = ""  # who reports it (DOMAIN.md §3, seed district-duong-kinh-haiphong-2024)
    frequency: str = "Quý, 6 tháng, năm"
    # True when the value grows through the period (counts, shares reached so far), so a target is
    # judged against the elapsed part of the period; False for rates that are complete at any time.
    accumulates: bool = True
    forecast: bool = False  # a year-end forecast is made from the monthly series (counts only)


CATALOGUE: tuple[Indicator, ...] = (
    Indicator("TIPS_ON_TIME", "Tỷ lệ tin báo, tố giác, khiếu nại, tố cáo được tiếp nhận, xử lý đúng hạn",
              "percent", "tips",
              (("tin bao",), ("to giac",), ("khieu nai",), ("don thu",), ("phan anh", "kien nghi"))),
    Indicator("COMM_HAMLETS", "Tỷ lệ thôn, tổ dân phố duy trì ít nhất 01 hình thức truyền thông thường xuyên",
              "percent", "outreach",
              (("to dan pho", "truyen thong"), ("to dan pho", "tuyen truyen"), ("thon", "tuyen truyen"),
               ("khu dan cu", "tuyen truyen"), ("khoi pho", "tuyen truyen"))),
    Indicator("REACH_VENUE_WORKERS", "Tỷ lệ người lao động tại cơ sở kinh doanh dịch vụ được truyền thông",
              "percent", "outreach",
              (("nguoi lao dong", "co so"), ("lao dong", "kinh doanh dich vu"), ("nhan vien", "co so"))),
    Indicator("REACH_INDUSTRIAL_WORKERS", "Tỷ lệ người lao động trong các khu công nghiệp được truyền thông",
              "percent", "outreach", (("khu cong nghiep",), ("cum cong nghiep",), ("doanh nghiep", "lao dong"))),
    Indicator("REACH_STUDENTS", "Tỷ lệ học sinh, sinh viên được truyền thông", "percent", "outreach",
              (("hoc sinh",), ("sinh vien",), ("hoc vien",))),
    Indicator("STAFF_TRAINED", "Tỷ lệ cán bộ làm công tác phòng, chống mại dâm được tập huấn",
              "percent", "outreach", (("tap huan",), ("boi duong",), ("nang cao nang luc",))),
    Indicator("COMM_SESSIONS", "Số buổi truyền thông, tuyên truyền tổ chức trong năm", "count", "outreach",
              (("buoi", "truyen thong"), ("buoi", "tuyen truyen"), ("hoi nghi", "tuyen truyen"))),
    Indicator("PRESS_ITEMS", "Số tin, bài, phóng sự về phòng, chống mại dâm", "count", "outreach",
              (("tin", "bai"), ("phong su",), ("chuyen muc",))),
    Indicator("COMM_COMMUNES", "Tỷ lệ xã, phường duy trì ít nhất 01 hình thức truyền thông thường xuyên",
              "percent", "outreach",
              (("xa, phuong", "truyen thong"), ("xa, phuong", "tuyen truyen"), ("phuong", "hinh thuc", "tuyen truyen"),
               ("xa", "hinh thuc", "tuyen truyen"), ("phuong", "hinh thuc", "truyen thong"),
               ("xa", "hinh thuc", "truyen thong"))),
    Indicator("COMMUNES_INTEGRATING", "Tỷ lệ xã, phường lồng ghép phòng, chống mại dâm với các chương trình khác",
              "percent", "outreach", (("long ghep",),)),
    Indicator("COMMUNES_WITH_PLAN", "Tỷ lệ xã, phường xây dựng kế hoạch phòng, chống mại dâm", "percent", "plans",
              (("xay dung", "ke hoach"), ("ban hanh", "ke hoach"))),
    Indicator("VENUES_INSPECTED", "Tỷ lệ cơ sở kinh doanh dịch vụ dễ bị lợi dụng được kiểm tra",
              "percent", "inspections",
              (("kiem tra", "co so"), ("thanh tra", "co so"), ("kiem tra", "kinh doanh"))),
    Indicator("COMMITMENTS_SIGNED", "Tỷ lệ cơ sở kinh doanh dịch vụ ký cam kết", "percent", "outreach",
              (("cam ket",),)),
    Indicator("VENUES_MANAGED", "Tỷ lệ cơ sở kinh doanh dịch vụ được rà soát, thống kê, quản lý", "percent",
              "venues", (("ra soat", "co so"), ("thong ke", "co so"), ("quan ly", "co so"))),
    Indicator("SUPPORT_ACCESS", "Tỷ lệ người bán dâm có nhu cầu được tiếp cận dịch vụ hỗ trợ", "percent",
              "entered",
              (("nguoi ban dam",), ("ho tro", "hoa nhap"), ("giam hai",), ("dich vu", "ho tro"))),
    Indicator("CASES_TRIED", "Tỷ lệ vụ án mại dâm được truy tố đưa ra xét xử", "percent", "enforcement",
              (("xet xu",), ("truy to",))),
    Indicator("CASES_DETECTED", "Số vụ án liên quan đến mại dâm được phát hiện, điều tra", "count",
              "enforcement", (("vu an",), ("dieu tra", "pha an"), ("phat hien", "toi pham"))),
    Indicator("CRIMES_HANDLED", "Tỷ lệ tội phạm liên quan đến mại dâm được xử lý theo quy định của pháp luật",
              "percent", "enforcement", (("toi pham",), ("xu ly", "vi pham"))),
    Indicator("HOTSPOTS_REEMERGED", "Số tụ điểm đã triệt xóa hoạt động trở lại", "count", "hotspots",
              (("tu diem", "tro lai"), ("tu diem", "tai hoat dong"), ("tu diem", "phuc hoi"),
               ("diem", "tai hoat dong"), ("diem", "tai hinh thanh"), ("diem", "hoat dong tro lai"))),
    Indicator("HOTSPOTS_NEW", "Số tụ điểm mại dâm phát sinh mới", "count", "hotspots",
              (("tu diem",), ("diem", "phuc tap"), ("dia ban", "phuc tap"))),
)

BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}
CHOICES = [(indicator.code, indicator.name) for indicator in CATALOGUE]


def _has(words: str, keyword: str) -> bool:
    return f" {keyword} " in words or f" {keyword}," in words or f" {keyword}." in words or f" {keyword};" in words


def match(folded_text: str, metric: str | None = None) -> str | None:
    """The code of the first indicator whose keyword group all occur in the target's folded text.

    With `metric` ("percent" or "count"), indicators of that metric are tried first: "từ 02 đến 04
    buổi tuyên truyền cho người lao động tại các cơ sở" is a number of sessions, not a share of workers.
    """
    words = f" {' '.join(folded_text.split())} "
    ordered = CATALOGUE
    if metric in ("percent", "count"):
        ordered = tuple(i for i in CATALOGUE if i.metric == metric) + tuple(i for i in CATALOGUE if i.metric != metric)
    for indicator in ordered:
        for group in indicator.keywords:
            if all(_has(words, kw) for kw in group):
                return indicator.code
    return None
