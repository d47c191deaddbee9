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
    "support": "Sổ hỗ trợ người bán dâm (quản lý trường hợp, tiếp cận cộng đồng)",
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
    # False when a province's value is not the sum over its units' rows: reach uses the province's own
    # denominator when it entered one (computations/outreach.py). engine.breakdown re-queries those.
    additive: bool = True
    # True for figures about people receiving support: a value of 1–4 is shown "<5" wherever it leaves the
    # commune (indicators/suppression.py, the one place that decides), and complementary cells are hidden too.
    sensitive: bool = False
    # True when agencies may still enter figures for units that do not use the registry yet (SUPPORT_ACCESS:
    # computations/support.py takes, per commune, the registry or the entered figure, never both).
    enterable: bool = False


POLICE = "Công an (tỉnh, xã)"
VHXH = "Phòng Văn hóa - Xã hội (xã, phường); Sở Y tế (tỉnh)"
CULTURE = "Sở Văn hóa, Thể thao và Du lịch; Phòng Văn hóa - Xã hội (xã, phường)"


CATALOGUE: tuple[Indicator, ...] = (
    Indicator("TIPS_ON_TIME", "Tỷ lệ tin báo, tố giác, khiếu nại, tố cáo được tiếp nhận, xử lý đúng hạn",
              "percent", "tips",
              (("tin bao",), ("to giac",), ("khieu nai",), ("don thu",), ("phan anh", "kien nghi")),
              definition=("Tin báo, tố giác, khiếu nại, tố cáo, phản ánh được xử lý xong trong kỳ, cộng các tin đã "
                          "quá hạn xử lý trong kỳ mà đến cuối kỳ chưa xử lý xong (để tin bị bỏ quên không làm đẹp "
                          "tỷ lệ); đúng hạn là xử lý xong trước hoặc đúng hạn luật định. Không tính tin trùng "
                          "đã gộp."),
              numerator="Số tin xử lý xong trong kỳ, đúng hạn",
              denominator="Số tin xử lý xong trong kỳ + số tin quá hạn trong kỳ chưa xử lý xong",
              agency=POLICE,
              frequency="Tháng, quý, 6 tháng, năm",
              accumulates=False),
    Indicator("COMM_HAMLETS", "Tỷ lệ thôn, tổ dân phố duy trì ít nhất 01 hình thức truyền thông thường xuyên",
              "percent", "outreach",
              (("to dan pho", "truyen thong"), ("to dan pho", "tuyen truyen"), ("thon", "tuyen truyen"),
               ("khu dan cu", "tuyen truyen"), ("khoi pho", "tuyen truyen")),
              definition=("Thôn, tổ dân phố có ít nhất 01 hình thức truyền thông, tuyên truyền về phòng, chống mại "
                          "dâm được tổ chức thường xuyên trong kỳ."),
              numerator="Số thôn, tổ dân phố duy trì ít nhất 01 hình thức truyền thông thường xuyên",
              denominator="Tổng số thôn, tổ dân phố",
              agency=VHXH),
    Indicator("REACH_VENUE_WORKERS", "Tỷ lệ người lao động tại cơ sở kinh doanh dịch vụ được truyền thông",
              "percent", "outreach",
              (("nguoi lao dong", "co so"), ("lao dong", "kinh doanh dich vu"), ("nhan vien", "co so")),
              definition=("Người lao động tại các cơ sở kinh doanh dịch vụ dễ bị lợi dụng được truyền thông, tuyên "
                          "truyền trong kỳ."),
              numerator="Số người lao động tại cơ sở kinh doanh dịch vụ được truyền thông",
              denominator="Tổng số người lao động tại các cơ sở kinh doanh dịch vụ",
              agency=CULTURE, additive=False),
    Indicator("REACH_INDUSTRIAL_WORKERS", "Tỷ lệ người lao động trong các khu công nghiệp được truyền thông",
              "percent", "outreach", (("khu cong nghiep",), ("cum cong nghiep",), ("doanh nghiep", "lao dong")),
              definition="Người lao động trong các khu, cụm công nghiệp được truyền thông, tuyên truyền trong kỳ.",
              numerator="Số người lao động trong khu, cụm công nghiệp được truyền thông",
              denominator="Tổng số người lao động trong khu, cụm công nghiệp",
              agency="Liên đoàn Lao động", additive=False),
    Indicator("REACH_STUDENTS", "Tỷ lệ học sinh, sinh viên được truyền thông", "percent", "outreach",
              (("hoc sinh",), ("sinh vien",), ("hoc vien",)),
              definition="Học sinh, sinh viên, học viên được truyền thông, tuyên truyền trong kỳ.",
              numerator="Số học sinh, sinh viên được truyền thông",
              denominator="Tổng số học sinh, sinh viên",
              agency="Sở Giáo dục và Đào tạo; các trường", additive=False),
    Indicator("STAFF_TRAINED", "Tỷ lệ cán bộ làm công tác phòng, chống mại dâm được tập huấn",
              "percent", "outreach", (("tap huan",), ("boi duong",), ("nang cao nang luc",)),
              definition=("Cán bộ làm công tác phòng, chống mại dâm (mọi cấp) được tập huấn, bồi dưỡng nghiệp vụ "
                          "trong kỳ."),
              numerator="Số cán bộ được tập huấn",
              denominator="Tổng số cán bộ làm công tác phòng, chống mại dâm",
              agency=VHXH),
    Indicator("COMM_SESSIONS", "Số buổi truyền thông, tuyên truyền tổ chức trong năm", "count", "outreach",
              (("buoi", "truyen thong"), ("buoi", "tuyen truyen"), ("hoi nghi", "tuyen truyen")),
              definition="Số buổi truyền thông, tuyên truyền, hội nghị về phòng, chống mại dâm đã tổ chức trong kỳ.",
              numerator="Số buổi truyền thông đã tổ chức",
              agency=VHXH,
              forecast=True),
    Indicator("PRESS_ITEMS", "Số tin, bài, phóng sự về phòng, chống mại dâm", "count", "outreach",
              (("tin", "bai"), ("phong su",), ("chuyen muc",)),
              definition="Số tin, bài, phóng sự, chuyên mục về phòng, chống mại dâm được đăng, phát trong kỳ.",
              numerator="Số tin, bài, phóng sự đã đăng, phát",
              agency=VHXH,
              frequency="Tháng, quý, 6 tháng, năm",
              forecast=True),
    Indicator("COMM_COMMUNES", "Tỷ lệ xã, phường duy trì ít nhất 01 hình thức truyền thông thường xuyên",
              "percent", "outreach",
              (("xa, phuong", "truyen thong"), ("xa, phuong", "tuyen truyen"), ("phuong", "hinh thuc", "tuyen truyen"),
               ("xa", "hinh thuc", "tuyen truyen"), ("phuong", "hinh thuc", "truyen thong"),
               ("xa", "hinh thuc", "truyen thong")),
              definition=("Xã, phường có ít nhất 01 hình thức truyền thông, tuyên truyền về phòng, chống mại dâm "
                          "được tổ chức thường xuyên trong kỳ; cấp tỉnh đếm kết quả của các xã, phường."),
              numerator="Số xã, phường duy trì ít nhất 01 hình thức truyền thông thường xuyên",
              denominator="Tổng số xã, phường",
              rollup="communes",
              agency=VHXH),
    Indicator("COMMUNES_INTEGRATING", "Tỷ lệ xã, phường lồng ghép phòng, chống mại dâm với các chương trình khác",
              "percent", "outreach", (("long ghep",),),
              definition=("Xã, phường có hoạt động lồng ghép phòng, chống mại dâm với các chương trình, phong trào "
                          "khác trong kỳ; cấp tỉnh đếm kết quả của các xã, phường."),
              numerator="Số xã, phường có lồng ghép",
              denominator="Tổng số xã, phường",
              rollup="communes",
              agency=VHXH,
              accumulates=False),
    Indicator("COMMUNES_WITH_PLAN", "Tỷ lệ xã, phường xây dựng kế hoạch phòng, chống mại dâm", "percent", "plans",
              (("xay dung", "ke hoach"), ("ban hanh", "ke hoach")),
              definition=("Xã, phường có kế hoạch phòng, chống mại dâm đã ban hành, có thời gian thực hiện trùng "
                          "với kỳ báo cáo; cấp tỉnh đếm kết quả của các xã, phường."),
              numerator="Số xã, phường có kế hoạch đã ban hành áp dụng cho kỳ",
              denominator="Tổng số xã, phường",
              rollup="communes",
              agency=VHXH,
              accumulates=False),
    Indicator("VENUES_INSPECTED", "Tỷ lệ cơ sở kinh doanh dịch vụ dễ bị lợi dụng được kiểm tra",
              "percent", "inspections",
              (("kiem tra", "co so"), ("thanh tra", "co so"), ("kiem tra", "kinh doanh")),
              definition=("Cơ sở kinh doanh dịch vụ dễ bị lợi dụng đang hoạt động được kiểm tra ít nhất 01 lần "
                          "trong kỳ."),
              numerator="Số cơ sở đang hoạt động được kiểm tra trong kỳ",
              denominator="Tổng số cơ sở đang hoạt động",
              agency="Sở Văn hóa, Thể thao và Du lịch; Đội kiểm tra liên ngành 178"),
    Indicator("COMMITMENTS_SIGNED", "Tỷ lệ cơ sở kinh doanh dịch vụ ký cam kết", "percent", "outreach",
              (("cam ket",),),
              definition=("Cơ sở kinh doanh dịch vụ đang hoạt động đã ký cam kết không để xảy ra hoạt động mại dâm "
                          "(tính đến cuối kỳ)."),
              numerator="Số cơ sở đang hoạt động đã ký cam kết",
              denominator="Tổng số cơ sở đang hoạt động",
              agency=CULTURE,
              accumulates=False),
    Indicator("VENUES_MANAGED", "Tỷ lệ cơ sở kinh doanh dịch vụ được rà soát, thống kê, quản lý", "percent",
              "venues", (("ra soat", "co so"), ("thong ke", "co so"), ("quan ly", "co so")),
              definition=("Cơ sở kinh doanh dịch vụ đang hoạt động đã được rà soát, thống kê và quản lý: đã giao "
                          "cơ quan quản lý và hồ sơ được tạo, cập nhật trong sổ hoặc cơ sở được kiểm tra trong "
                          "vòng 12 tháng tính đến cuối kỳ."),
              numerator=("Số cơ sở đang hoạt động có cơ quan quản lý, được rà soát (cập nhật hồ sơ hoặc kiểm tra) "
                         "trong 12 tháng tính đến cuối kỳ"),
              denominator="Tổng số cơ sở đang hoạt động",
              agency=CULTURE,
              accumulates=False),
    Indicator("SUPPORT_ACCESS", "Tỷ lệ người bán dâm có nhu cầu được tiếp cận dịch vụ hỗ trợ", "percent",
              "support",
              (("nguoi ban dam",), ("ho tro", "hoa nhap"), ("giam hai",), ("dich vu", "ho tro")),
              definition=("Người bán dâm có nhu cầu và đủ điều kiện (lần đánh giá nhu cầu gần nhất đến cuối kỳ kết "
                          "luận có nhu cầu, đủ điều kiện hỗ trợ) đã nhận ít nhất 01 dịch vụ hỗ trợ hoặc được giới "
                          "thiệu dịch vụ thành công tính đến cuối kỳ. Chỉ tính hồ sơ còn hiệu lực (không bị gộp, "
                          "không bị xóa dữ liệu) có đồng ý được tính trong số liệu báo cáo còn hiệu lực vào cuối kỳ "
                          "(kỳ đang diễn ra: đến hôm nay). Xã, phường đã dùng sổ hỗ trợ (có ít nhất 01 hồ sơ đăng ký "
                          "đến cuối kỳ) lấy số từ sổ; xã, phường chưa dùng sổ lấy số liệu do cơ quan nhập; cấp tỉnh "
                          "cộng mỗi xã theo đúng một nguồn, không bao giờ cộng cả hai. Số dưới 5 được ẩn (<5) khi "
                          "số liệu ra khỏi xã, phường."),
              numerator=("Số người có nhu cầu, đủ điều kiện đã nhận ít nhất 01 dịch vụ hoặc được giới thiệu dịch vụ "
                         "thành công đến cuối kỳ"),
              denominator="Số người có nhu cầu, đủ điều kiện hỗ trợ (theo lần đánh giá gần nhất) đăng ký đến cuối kỳ",
              agency="Hội Liên hiệp Phụ nữ; Phòng Văn hóa - Xã hội (xã, phường); Sở Y tế (tỉnh)",
              accumulates=False, sensitive=True, enterable=True),
    Indicator("CASES_TRIED", "Tỷ lệ vụ án mại dâm được truy tố đưa ra xét xử", "percent", "enforcement",
              (("xet xu",), ("truy to",)),
              definition=("Vụ án liên quan đến mại dâm được truy tố trong kỳ đã được đưa ra xét xử tính đến cuối "
                          "kỳ."),
              numerator="Số vụ án truy tố trong kỳ đã được xét xử đến cuối kỳ",
              denominator="Số vụ án đã truy tố trong kỳ",
              agency=POLICE,
              accumulates=False),
    Indicator("CASES_DETECTED", "Số vụ án liên quan đến mại dâm được phát hiện, điều tra", "count",
              "enforcement", (("vu an",), ("dieu tra", "pha an"), ("phat hien", "toi pham")),
              definition="Số vụ án liên quan đến mại dâm được phát hiện trong kỳ (theo ngày phát hiện).",
              numerator="Số vụ án được phát hiện",
              agency=POLICE,
              forecast=True),
    Indicator("CRIMES_HANDLED", "Tỷ lệ tội phạm liên quan đến mại dâm được xử lý theo quy định của pháp luật",
              "percent", "enforcement", (("toi pham",), ("xu ly", "vi pham")),
              definition=("Vụ án liên quan đến mại dâm phát hiện trong kỳ đã được xử lý theo quy định của pháp luật "
                          "tính đến cuối kỳ: đã khởi tố (hoặc đã truy tố, xét xử)."),
              numerator="Số vụ phát hiện trong kỳ đã được khởi tố, truy tố hoặc xét xử đến cuối kỳ",
              denominator="Số vụ phát hiện trong kỳ",
              agency=POLICE,
              accumulates=False),
    Indicator("HOTSPOTS_REEMERGED", "Số tụ điểm đã triệt xóa hoạt động trở lại", "count", "hotspots",
              (("tu diem", "tro lai"), ("tu diem", "tai hoat dong"), ("tu diem", "phuc hoi"),
               ("diem", "tai hoat dong"), ("diem", "tai hinh thanh"), ("diem", "hoat dong tro lai")),
              definition=("Số tụ điểm đã triệt xóa được ghi nhận hoạt động trở lại trong kỳ (chỉ tiêu không để tái "
                          "hoạt động)."),
              numerator="Số tụ điểm hoạt động trở lại",
              agency=POLICE,
              forecast=True),
    Indicator("HOTSPOTS_NEW", "Số tụ điểm mại dâm phát sinh mới", "count", "hotspots",
              (("tu diem",), ("diem", "phuc tap"), ("dia ban", "phuc tap")),
              definition="Số điểm, tụ điểm mại dâm mới phát hiện trong kỳ (chỉ tiêu không để phát sinh mới).",
              numerator="Số tụ điểm phát sinh mới",
              agency=POLICE,
              forecast=True),
    # Added after the matched ones (no keywords): plan matching is unchanged.
    Indicator("TIPS_RECEIVED", "Số tin báo, tố giác tiếp nhận", "count", "tips",
              definition=("Số tin báo, tố giác, khiếu nại, tố cáo, phản ánh được tiếp nhận trong kỳ (theo thời điểm "
                          "tiếp nhận, giờ Việt Nam); không tính tin trùng đã gộp và tin rác."),
              numerator="Số tin báo, tố giác tiếp nhận",
              agency=POLICE,
              frequency="Tháng, quý, 6 tháng, năm",
              forecast=True),
    Indicator("VISITS_MADE", "Số lượt kiểm tra cơ sở", "count", "inspections",
              definition="Số lượt kiểm tra cơ sở kinh doanh dịch vụ đã thực hiện trong kỳ (theo ngày kiểm tra).",
              numerator="Số lượt kiểm tra",
              agency="Đội kiểm tra liên ngành 178; Sở Văn hóa, Thể thao và Du lịch",
              forecast=True),
    Indicator("HOTSPOTS_SUPPRESSED", "Số tụ điểm được triệt xóa", "count", "hotspots",
              definition="Số điểm, tụ điểm mại dâm được triệt xóa trong kỳ.",
              numerator="Số tụ điểm được triệt xóa", agency=POLICE, forecast=True),
    Indicator("STAFF_TRAINED_PROVINCE",
              "Tỷ lệ cán bộ cấp tỉnh, thành phố làm công tác phòng, chống mại dâm được tập huấn",
              "percent", "outreach",
              definition=("Cán bộ cấp tỉnh, thành phố làm công tác phòng, chống mại dâm được tập huấn, bồi dưỡng "
                          "trong kỳ (Hà Nội: 80%)."),
              numerator="Số cán bộ cấp tỉnh được tập huấn",
              denominator="Tổng số cán bộ cấp tỉnh làm công tác phòng, chống mại dâm",
              agency="Sở Y tế"),
    Indicator("STAFF_TRAINED_COMMUNE", "Tỷ lệ cán bộ cấp xã, phường làm công tác phòng, chống mại dâm được tập huấn",
              "percent", "outreach",
              definition=("Cán bộ cấp xã, phường làm công tác phòng, chống mại dâm được tập huấn, bồi dưỡng trong "
                          "kỳ (Hà Nội: 60%)."),
              numerator="Số cán bộ cấp xã được tập huấn",
              denominator="Tổng số cán bộ cấp xã làm công tác phòng, chống mại dâm",
              agency="Phòng Văn hóa - Xã hội (xã, phường)"),
    # The other groups of the outreach page's reach table (same rule as the reach indicators above).
    Indicator("REACH_RESIDENTS", "Tỷ lệ người dân được truyền thông", "percent", "outreach",
              definition="Người dân được truyền thông, tuyên truyền về phòng, chống mại dâm trong kỳ.",
              numerator="Số lượt người dân được truyền thông",
              denominator="Tổng số người dân (số đối tượng đã nhập)",
              agency=VHXH, additive=False),
    Indicator("REACH_OFFICIALS", "Tỷ lệ cán bộ, công chức được truyền thông", "percent", "outreach",
              definition="Cán bộ, công chức được truyền thông, tuyên truyền về phòng, chống mại dâm trong kỳ.",
              numerator="Số lượt cán bộ, công chức được truyền thông",
              denominator="Tổng số cán bộ, công chức (số đối tượng đã nhập)",
              agency=VHXH, additive=False),
    Indicator("REACH_HIGH_RISK", "Tỷ lệ người thuộc nhóm có nguy cơ cao được truyền thông", "percent", "outreach",
              definition="Người thuộc nhóm có nguy cơ cao được truyền thông, tuyên truyền trong kỳ.",
              numerator="Số lượt người thuộc nhóm có nguy cơ cao được truyền thông",
              denominator="Tổng số người thuộc nhóm có nguy cơ cao (số đối tượng đã nhập)",
              agency=VHXH, additive=False),
    # Support (issue 13): computed from the support registry (computations/support.py); sensitive figures.
    Indicator("SUPPORT_SCREENED", "Số người bán dâm được đánh giá nhu cầu hỗ trợ", "count", "support",
              definition=("Số người (hồ sơ) được đánh giá nhu cầu hỗ trợ ít nhất 01 lần trong kỳ. Chỉ tính hồ sơ còn "
                          "hiệu lực có đồng ý được tính trong số liệu báo cáo. Số dưới 5 được ẩn (<5) khi số liệu "
                          "ra khỏi xã, phường."),
              numerator="Số người được đánh giá nhu cầu trong kỳ",
              agency=VHXH, frequency="Tháng, quý, 6 tháng, năm", sensitive=True),
    Indicator("SUPPORT_REFERRED", "Số người bán dâm được giới thiệu, chuyển gửi dịch vụ", "count", "support",
              definition=("Số người (hồ sơ) có ít nhất 01 lượt giới thiệu, chuyển gửi đến nơi cung cấp dịch vụ lập "
                          "trong kỳ (không tính lượt đã hủy). Chỉ tính hồ sơ còn hiệu lực có đồng ý được tính trong "
                          "số liệu báo cáo. Số dưới 5 được ẩn (<5) khi số liệu ra khỏi xã, phường."),
              numerator="Số người được giới thiệu, chuyển gửi dịch vụ trong kỳ",
              agency=VHXH, frequency="Tháng, quý, 6 tháng, năm", sensitive=True),
    Indicator("SUPPORT_REFERRALS_COMPLETED", "Tỷ lệ lượt giới thiệu dịch vụ thành công", "percent", "support",
              definition=("Lượt giới thiệu, chuyển gửi lập trong kỳ (không tính lượt đã hủy) mà người được giới thiệu "
                          "đã được cung cấp dịch vụ tính đến cuối kỳ (vòng giới thiệu khép kín). Chỉ tính hồ sơ còn "
                          "hiệu lực có đồng ý được tính trong số liệu báo cáo. Tử số hoặc mẫu số dưới 5 thì tỷ lệ "
                          "được ẩn (<5) khi số liệu ra khỏi xã, phường."),
              numerator="Số lượt giới thiệu lập trong kỳ đã được cung cấp dịch vụ đến cuối kỳ",
              denominator="Số lượt giới thiệu lập trong kỳ",
              agency=VHXH, frequency="Tháng, quý, 6 tháng, năm", accumulates=False, sensitive=True),
    Indicator("SUPPORT_SERVICES", "Số lượt dịch vụ hỗ trợ người bán dâm đã nhận", "count", "support",
              definition=("Số lượt dịch vụ hỗ trợ (y tế, xét nghiệm HIV/STI, tư vấn tâm lý, pháp lý, giấy tờ, học "
                          "nghề, việc làm, vay vốn, sinh kế, nhóm đồng đẳng, chỗ ở…) người được hỗ trợ đã nhận "
                          "trong kỳ (theo ngày nhận), xem được theo loại dịch vụ. Chỉ tính hồ sơ còn hiệu lực có "
                          "đồng ý được tính trong số liệu báo cáo. Số dưới 5 được ẩn (<5) khi số liệu ra khỏi xã, "
                          "phường."),
              numerator="Số lượt dịch vụ đã nhận trong kỳ",
              agency=VHXH, frequency="Tháng, quý, 6 tháng, năm", sensitive=True),
    Indicator("SUPPORT_OUTREACH_REACH", "Số lượt người bán dâm được tiếp cận cộng đồng (đồng đẳng)", "count",
              "support",
              definition=("Tổng số người được tiếp cận trong các lượt tiếp cận cộng đồng của nhóm đồng đẳng, cộng tác "
                          "viên trong kỳ (theo ngày tiếp cận; một người gặp hai lần được tính hai lượt; không ghi "
                          "tên). Tiếp cận ở thôn, tổ dân phố được tính cho xã, phường của thôn. Số dưới 5 được ẩn "
                          "(<5) khi số liệu ra khỏi xã, phường."),
              numerator="Số lượt người được tiếp cận trong kỳ",
              agency=VHXH, frequency="Tháng, quý, 6 tháng, năm", sensitive=True),
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
