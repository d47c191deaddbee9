"""The pages each module offers, for the menu and the home page. A new module adds its lines here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string

from pcmd.core.scoping import takes_in
from pcmd.org.permissions import allowed

# Menu groups, in menu order.
GROUPS = {
    "dashboard": "Bảng điều hành",
    "plans": "Kế hoạch",
    "field": "Cơ sở, kiểm tra",
    "security": "Tụ điểm, vụ án",
    "tips": "Tin báo",
    "outreach": "Tuyên truyền, tập huấn",
    "support": "Hỗ trợ (bảo mật)",
    "indicators": "Chỉ số, số liệu",
    "reports": "Báo cáo",
    "reference": "Danh mục",
}


@dataclass(frozen=True)
class Page:
    group: str
    module: str
    url_name: str
    label: str
    description: str
    icon: str
    action: str = "view"  # pages that create something are shown only to roles that may add; "incoming": to
    # the seats that take in transferred records (core.scoping.takes_in)
    badge: str = ""  # dotted path of a function(membership) -> int shown beside the label (e.g. new items)
    roles: frozenset = frozenset()  # when set, only these roles see the page (a step of the support wall)
    # What the card says the seat may do there: by default "add" of the module in the matrix; a page whose work
    # is another rule names it (dotted path of a function(membership) -> bool) and the words for it.
    can: str = ""
    can_label: str = "Xem và cập nhật"


PAGES = [
    Page("dashboard", "dashboard", "dashboard", "Bảng điều hành",
         "Chỉ số chính của đơn vị so với chỉ tiêu; tin báo quá hạn; đơn vị chậm nhất", "bi-speedometer2"),
    Page("dashboard", "dashboard", "dashboard_scorecard", "Bảng điểm chỉ số",
         "Đơn vị × chỉ số: giá trị, chỉ tiêu, trạng thái; xem chi tiết đến từng hồ sơ", "bi-table"),
    Page("dashboard", "dashboard", "dashboard_overview", "Tổng quan xã, phường",
         "Xã, phường đã ban hành kế hoạch; chỉ số chậm, không đạt của từng xã, phường", "bi-clipboard-data"),
    Page("plans", "plans", "plan_list", "Kế hoạch", "Kế hoạch, chỉ tiêu, nhiệm vụ; nhập từ văn bản Word, PDF",
         "bi-journal-check"),
    Page("plans", "plans", "my_tasks", "Nhiệm vụ của cơ quan tôi", "Nhiệm vụ chủ trì, phối hợp; tiến độ, quá hạn",
         "bi-list-check"),
    Page("plans", "plans", "plan_derive", "Xây dựng kế hoạch từ cấp trên",
         "Dự thảo kế hoạch của xã, phường từ kế hoạch của tỉnh, thành phố", "bi-diagram-3", action="add"),
    Page("plans", "plans", "plan_coverage", "Xã, phường đã ban hành kế hoạch",
         "Xã, phường đã ban hành, đang dự thảo, chưa có kế hoạch năm", "bi-pie-chart-fill"),
    Page("field", "venues", "establishment_list", "Cơ sở kinh doanh",
         "Hồ sơ cơ sở kinh doanh dịch vụ dễ bị lợi dụng; nhập Excel", "bi-shop"),
    Page("field", "inspections", "visit_list", "Kiểm tra 178", "Lượt kiểm tra cơ sở, vi phạm, xử phạt của Đội 178",
         "bi-clipboard-check"),
    Page("field", "inspections", "inspection_coverage", "Độ bao phủ kiểm tra",
         "Tỷ lệ cơ sở đang hoạt động được kiểm tra trong năm", "bi-pie-chart"),
    Page("field", "inspections", "risk_plan", "Kế hoạch kiểm tra", "Danh sách cơ sở cần kiểm tra theo mức độ rủi ro",
         "bi-list-ol"),
    Page("field", "inspections", "team_list", "Đội 178", "Đội kiểm tra liên ngành, thành viên, đợt kiểm tra",
         "bi-people"),
    Page("security", "hotspots", "hotspot_list", "Điểm, tụ điểm phức tạp",
         "Điểm, tụ điểm: phát hiện, triệt xóa, theo dõi, tái hoạt động", "bi-geo-alt"),
    Page("security", "hotspots", "hotspot_statistics", "Thống kê điểm, tụ điểm",
         "Phát hiện mới, triệt xóa, tái hoạt động theo kỳ", "bi-bar-chart"),
    Page("security", "enforcement", "criminal_case_list", "Vụ án",
         "Vụ án chứa, môi giới, mua dâm người dưới 18 tuổi, mua bán người", "bi-shield-exclamation"),
    Page("security", "enforcement", "sanction_record_list", "Xử phạt hành chính",
         "Quyết định xử phạt hành chính ngoài các lượt kiểm tra", "bi-receipt"),
    Page("security", "enforcement", "enforcement_statistics", "Thống kê vụ án, xử phạt",
         "Khởi tố, truy tố, xét xử; xử phạt theo đối tượng", "bi-graph-up"),
    Page("reference", "org", "agency_list", "Cơ quan", "Cơ quan chủ trì, phối hợp của đơn vị", "bi-building"),
    Page("reference", "geo", "hamlet_list", "Thôn, tổ dân phố", "Thôn, tổ dân phố, khối phố của xã, phường",
         "bi-houses"),
    Page("reference", "geo", "unit_search", "Tra cứu đơn vị", "Tìm tỉnh, xã, phường theo tên, không cần gõ dấu",
         "bi-search"),
    Page("reference", "users", "account_list", "Tài khoản", "Tài khoản, phân quyền, lời mời; khóa, đặt lại mật khẩu",
         "bi-person-gear", badge="pcmd.accounts.services.pending_count"),
    Page("reference", "user_proposals", "account_proposal_list", "Đề xuất tài khoản",
         "Đề xuất tài khoản cho cán bộ của đơn vị; quản trị hệ thống phê duyệt", "bi-person-plus"),
    Page("reference", "audit", "audit_log", "Nhật ký", "Ai đã thêm, sửa, xóa dữ liệu gì, khi nào",
         "bi-journal-text"),
    Page("reference", "audit", "job_list", "Tác vụ nền", "Nhắc hạn, báo cáo đến hạn, nhập tệp lớn: việc nào lỗi",
         "bi-gear"),
]
PAGES += [
    Page("outreach", "outreach", "activity_create", "Ghi nhận hoạt động tuyên truyền",
         "Nhập nhanh một buổi tuyên truyền: thôn, tổ được tuyên truyền, số người theo nhóm", "bi-megaphone",
         action="add"),
    Page("outreach", "outreach", "activity_list", "Hoạt động tuyên truyền",
         "Danh sách hoạt động tuyên truyền, truyền thông; xuất Excel", "bi-list-ul"),
    Page("outreach", "outreach", "activity_calendar", "Lịch tuyên truyền",
         "Hoạt động tuyên truyền của xã, phường theo từng tháng", "bi-calendar3"),
    Page("outreach", "outreach", "outreach_overview", "Tình hình tuyên truyền",
         "Xã, phường và thôn, tổ duy trì tuyên truyền thường xuyên; tỷ lệ đối tượng được tiếp cận", "bi-bar-chart"),
    Page("outreach", "outreach", "denominator_list", "Số đối tượng cần tuyên truyền",
         "Số người lao động, công nhân, học sinh, cán bộ của đơn vị theo năm", "bi-people"),
    Page("outreach", "outreach", "regularity_rule_list", "Quy tắc duy trì thường xuyên",
         "Số hoạt động tối thiểu mỗi quý để tính “duy trì thường xuyên”", "bi-sliders"),
    Page("outreach", "outreach", "course_list", "Lớp tập huấn", "Lớp tập huấn, bồi dưỡng; học viên, điểm danh",
         "bi-easel"),
    Page("outreach", "outreach", "staff_member_list", "Cán bộ làm công tác phòng, chống mại dâm",
         "Danh sách cán bộ, tuyên truyền viên, cộng tác viên để tính tỷ lệ được tập huấn", "bi-person-lines-fill"),
    Page("outreach", "outreach", "training_overview", "Tỷ lệ cán bộ được tập huấn",
         "Tỷ lệ cán bộ cấp tỉnh, cấp xã được tập huấn trong năm", "bi-mortarboard"),
    Page("outreach", "outreach", "integration_list", "Lồng ghép với chương trình khác",
         "Văn bản lồng ghép phòng, chống mại dâm với ma túy, HIV/AIDS, mua bán người, an sinh xã hội", "bi-link-45deg"),
    Page("outreach", "outreach", "commitment_list", "Cam kết của cơ sở kinh doanh",
         "Bản cam kết không để xảy ra mại dâm: ngày ký, người ký, bản chụp", "bi-pen"),
    Page("outreach", "outreach", "commendation_list", "Khen thưởng",
         "Tập thể, cá nhân được đề nghị, được khen thưởng; số quyết định", "bi-award"),
    Page("outreach", "outreach", "budget_line_list", "Kinh phí",
         "Dự toán theo kế hoạch, nhiệm vụ, nguồn; khoản chi; tỷ lệ thực hiện", "bi-cash-coin"),
]

PAGES += [
    Page("tips", "tips", "tip_list", "Tin báo, tố giác",
         "Tin báo, tố giác, khiếu nại, phản ánh: tiếp nhận, xác minh, phân loại, giao xử lý",
         "bi-envelope-exclamation"),
    Page("tips", "tips", "tip_create", "Tiếp nhận tin báo", "Ghi tin nhận qua đường dây nóng, hòm thư, trực tiếp",
         "bi-telephone-inbound", action="add"),
    Page("tips", "tips", "tip_deadlines", "Thời hạn xử lý tin báo", "Tin sắp đến hạn, quá hạn theo đơn vị, cơ quan",
         "bi-alarm"),
    Page("tips", "tips", "tip_incoming", "Tin báo chuyển đến", "Tin đơn vị khác chuyển đến, chờ nhận hoặc trả lại",
         "bi-arrow-left-right", action="incoming"),
]

PAGES += [
    Page("indicators", "indicators", "datavalue_entry", "Nhập số liệu chỉ số",
         "Nhập số liệu do cơ quan báo cáo theo kỳ (người bán dâm được hỗ trợ…)", "bi-pencil-square", action="add"),
    Page("indicators", "indicators", "datavalue_list", "Số liệu đã nhập",
         "Số liệu theo đơn vị, kỳ; cảnh báo giá trị bất thường; xuất Excel", "bi-table"),
    Page("indicators", "indicators", "indicator_completeness", "Mức độ đầy đủ số liệu",
         "Xã, phường chưa nhập số liệu của kỳ; tỷ lệ đã nhập", "bi-check2-square"),
    Page("indicators", "indicators", "indicator_approvals", "Phê duyệt số liệu",
         "Phê duyệt, khóa số liệu của kỳ; mở lại có ghi lý do", "bi-lock",
         can="pcmd.indicators.services.can_approve", can_label="Xem và phê duyệt"),
    Page("indicators", "indicators", "dhis2_import", "Trao đổi số liệu DHIS2",
         "Xuất, nhập số liệu chỉ số theo định dạng dataValueSets (JSON, CSV, XML, ADX) của DHIS2",
         "bi-arrow-down-up"),
    Page("indicators", "integrations", "dhis2_mapping", "Ghép mã DHIS2",
         "Ghép chỉ số và đơn vị với UID của hệ thống DHIS2 từ tệp siêu dữ liệu; danh sách chưa ghép",
         "bi-link-45deg"),
]


PAGES += [
    Page("support", "support", "counselling_list", "Đề nghị tư vấn, hỗ trợ",
         "Đề nghị người dân gửi qua trang “Xin tư vấn, hỗ trợ”: đọc, trả lời, theo dõi (bảo mật)", "bi-chat-heart",
         badge="pcmd.support.selectors.new_count"),
    Page("support", "support", "client_list", "Hồ sơ trường hợp",
         "Hồ sơ người được hỗ trợ theo mã: đồng ý, đánh giá nhu cầu, kế hoạch, theo dõi, kết thúc (bảo mật)",
         "bi-person-vcard"),
    Page("support", "support", "referral_list", "Giới thiệu dịch vụ",
         "Giới thiệu, chuyển gửi đến nơi cung cấp dịch vụ; nơi nhận trả lời; phiếu giới thiệu", "bi-send"),
    Page("support", "support", "referral_overdue", "Giới thiệu quá hạn",
         "Giới thiệu nơi nhận chưa trả lời kết quả khi đã quá hạn", "bi-alarm",
         badge="pcmd.support.referral_selectors.overdue_count"),
    Page("support", "support", "referral_incoming", "Giới thiệu đến đơn vị tôi",
         "Người được giới thiệu đến cơ quan của bạn: xác nhận tiếp nhận, báo kết quả", "bi-inbox",
         action="incoming", badge="pcmd.support.referral_selectors.incoming_open_count"),
    Page("support", "support", "provider_list", "Danh bạ nơi cung cấp dịch vụ",
         "Trạm y tế, cơ sở điều trị HIV, trợ giúp pháp lý, học nghề, việc làm, vay vốn…", "bi-hospital"),
    Page("support", "support", "outreach_contact_list", "Tiếp cận cộng đồng (đồng đẳng)",
         "Lượt tiếp cận của nhóm đồng đẳng, cộng tác viên: số người, tài liệu, bao cao su (không ghi tên)",
         "bi-people"),
]
# The support wall: which role sees which page is `support.wall.ROLES`.
_WALL = import_string("pcmd.support.wall.ROLES")
PAGES += [
    Page("support", "support", "break_glass_notices", "Hồ sơ được mở khẩn cấp",
         "Hồ sơ của đơn vị được giám sát hỗ trợ ngoài địa bàn mở (có lý do, có thời hạn): xem và xác nhận đã biết",
         "bi-unlock", roles=_WALL["acknowledge"], badge="pcmd.support.wall.unacknowledged_count"),
    Page("support", "support", "break_glass_list", "Mở hồ sơ khẩn cấp",
         "Mở một hồ sơ ngoài phạm vi khi thật cần (ghi lý do, chỉ đọc, có thời hạn); rà soát các lượt mở",
         "bi-unlock", roles=_WALL["review"], badge="pcmd.support.wall.unreviewed_count"),
    Page("support", "support", "access_review", "Rà soát truy cập hồ sơ",
         "Ai đã mở hồ sơ nào, khi nào, vì sao; khối lượng truy cập bất thường", "bi-eye", roles=_WALL["review"]),
    Page("support", "support", "erasure_list", "Đề nghị xóa dữ liệu cá nhân",
         "Đề nghị xóa dữ liệu theo yêu cầu của người được hỗ trợ, chờ giám sát xác nhận", "bi-eraser",
         roles=_WALL["erase_confirm"], badge="pcmd.support.owndata.pending_count"),
]

PAGES += [
    Page("reports", "reports", "report_list", "Báo cáo định kỳ",
         "Báo cáo 6 tháng, năm của đơn vị: soạn, gửi cấp trên, trả lại, phê duyệt; xuất Word, Excel",
         "bi-file-earmark-text"),
    Page("reports", "reports", "report_completeness", "Tình hình gửi báo cáo",
         "Xã, phường đã gửi, gửi muộn, bị trả lại, chưa gửi; tỷ lệ gửi đúng hạn", "bi-check2-square"),
]


def menu_for(membership) -> list[dict]:
    """The pages the membership may use, grouped for the menu and the home page (empty groups left out)."""
    if membership is None:
        return []
    groups = {key: {"label": label, "pages": []} for key, label in GROUPS.items()}
    for page in PAGES:
        shown = (takes_in(membership, page.module) if page.action == "incoming"
                 else allowed(membership.role, page.module, page.action))
        if shown and (not page.roles or membership.role in page.roles):
            groups[page.group]["pages"].append({
                "url": reverse(page.url_name), "label": page.label, "description": page.description,
                "icon": page.icon, "can_label": page.can_label,
                "can_add": (import_string(page.can)(membership) if page.can
                            else allowed(membership.role, page.module, "add")),
                "badge": import_string(page.badge)(membership) if page.badge else 0,
            })
    return [group for group in groups.values() if group["pages"]]

PAGES += [
    Page("reference", "integrations", "webhook_list", "Webhook",
         "Báo sự kiện (báo cáo, tin báo, giới thiệu quá hạn) cho hệ thống khác: đăng ký, nhật ký gửi, gửi lại",
         "bi-broadcast"),
]
