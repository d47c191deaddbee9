"""The permission matrix: role x module x action, in one place.

Rendered on the page /phan-quyen/ and in docs/permissions.md (`pcmd permissions-doc`), and
walked by the tests against every URL. Where a record may be seen is decided separately, by
the user's unit (core.scoping.scoped); this matrix says what a role may do with a module.
"""

from .models import TWO_FACTOR_ROLES, Role

ACTIONS = {"view": "Xem", "add": "Thêm", "change": "Sửa", "delete": "Xóa"}

MODULES = {
    "geo": "Đơn vị hành chính, thôn/tổ dân phố",
    "org": "Cơ quan, đơn vị phối hợp",
    "users": "Tài khoản và phân quyền",
    "user_proposals": "Đề xuất tài khoản (đơn vị đề xuất, quản trị hệ thống phê duyệt)",
    "plans": "Kế hoạch, chỉ tiêu, nhiệm vụ",
    "venues": "Cơ sở kinh doanh dịch vụ nhạy cảm",
    "inspections": "Kiểm tra liên ngành (Đội 178), vi phạm, xử phạt",
    "hotspots": "Điểm, tụ điểm phức tạp",
    "enforcement": "Vụ án, thống kê xử lý",
    "tips": "Tin báo, tố giác, khiếu nại, phản ánh",
    "outreach": "Tuyên truyền, tập huấn, cam kết, kinh phí",
    "support": "Hỗ trợ, quản lý trường hợp (bảo mật)",
    "indicators": "Chỉ số, số liệu đánh giá",
    "reports": "Báo cáo định kỳ",
    "dashboard": "Bảng điều hành",
    "audit": "Nhật ký hệ thống",
    "integrations": "Kết nối hệ thống khác (ghép mã DHIS2, webhook)",
}

R = frozenset({"view"})
RA = frozenset({"view", "add"})
RU = frozenset({"view", "change"})
RAU = frozenset({"view", "add", "change"})
ALL = frozenset(ACTIONS)

MATRIX: dict[str, dict[str, frozenset]] = {
    # The system admin runs the platform; never reads support case files (firewall) nor criminal cases.
    Role.ADMIN: {
        "geo": ALL, "org": ALL, "users": ALL, "user_proposals": ALL, "audit": R, "plans": R, "venues": R,
        "inspections": R, "hotspots": R, "tips": R, "outreach": R, "indicators": R, "reports": R, "dashboard": R,
        "integrations": ALL,  # the DHIS2 mapping and webhook subscriptions of the admin's unit
    },
    # Standing office (Sở Y tế / Phòng VHXH): plans, compiling, the unit's registries.
    Role.COORDINATOR: {
        "geo": ALL, "org": ALL, "user_proposals": RA, "plans": ALL, "venues": ALL, "inspections": ALL,
        "hotspots": R, "enforcement": R, "tips": ALL, "outreach": ALL, "indicators": ALL, "reports": ALL,
        "dashboard": R,
    },
    Role.AGENCY_OFFICER: {
        "geo": R, "org": R, "plans": RU, "venues": RAU, "inspections": R, "tips": RU, "outreach": RAU,
        "indicators": RAU, "reports": RAU, "dashboard": R,
    },
    Role.POLICE_OFFICER: {
        "geo": R, "org": R, "plans": RU, "venues": RAU, "inspections": RAU, "hotspots": ALL,
        "enforcement": ALL, "tips": ALL, "outreach": RA, "indicators": RAU, "reports": RAU, "dashboard": R,
    },
    Role.INSPECTOR: {
        "geo": R, "org": R, "plans": R, "venues": RU, "inspections": RAU, "hotspots": R, "dashboard": R,
    },
    # Direct service providers: the only role that reads and writes support case files.
    Role.CASE_WORKER: {
        "geo": R, "org": R, "plans": RU, "support": RAU, "outreach": RA, "indicators": RA, "dashboard": R,
    },
    # Supervises case work; reads case files only through audited, reason-given break-glass.
    Role.SUPPORT_SUPERVISOR: {
        "geo": R, "org": R, "plans": R, "support": RU, "indicators": R, "reports": R, "dashboard": R,
    },
    # Leaders watch and approve; they do not edit registries.
    Role.LEADER: {
        "geo": R, "org": R, "plans": R, "venues": R, "inspections": R, "hotspots": R, "enforcement": R,
        "tips": R, "outreach": R, "indicators": R, "reports": R, "dashboard": R,
    },
}

# Inside the support module, each sensitivity class of a case file has its own read right (support.wall
# masks the rest). Supervisors check the work without the person's identity.
SENSITIVITY_READ: dict[str, frozenset] = {
    Role.CASE_WORKER: frozenset({"identity", "health", "sex_work", "legal", "violence"}),
    Role.SUPPORT_SUPERVISOR: frozenset({"health", "sex_work", "legal", "violence"}),
}

# Roles that must never see support case files, whatever else changes in the matrix.
ENFORCEMENT_ROLES = frozenset({Role.POLICE_OFFICER, Role.INSPECTOR})


def allowed(role: str, module: str, action: str) -> bool:
    return action in MATRIX.get(role, {}).get(module, ())


def modules_for(role: str) -> list[tuple[str, str]]:
    """(module, label) pairs the role may view, in menu order."""
    return [(code, label) for code, label in MODULES.items() if allowed(role, code, "view")]


def as_markdown() -> str:
    roles = list(Role)
    lines = [
        "# Ma trận phân quyền / Permission matrix",
        "",
        "Sinh tự động từ `pcmd/org/permissions.py` bằng `pcmd permissions-doc` — không sửa tay.",
        "Generated from `pcmd/org/permissions.py` by `pcmd permissions-doc`; do not edit by hand.",
        "",
        "X = xem (view), T = thêm (add), S = sửa (change), Xóa = xóa (delete). "
        "Phạm vi dữ liệu theo đơn vị: cấp xã thấy xã mình (và thôn, tổ dân phố); cấp tỉnh thấy các xã "
        "trong tỉnh; Trung ương thấy toàn quốc.",
        "",
        "| Phân hệ / module | " + " | ".join(r.label for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    short = {"view": "X", "add": "T", "change": "S", "delete": "Xóa"}
    for code, label in MODULES.items():
        cells = []
        for role in roles:
            acts = [short[a] for a in ACTIONS if allowed(role, code, a)]
            cells.append(", ".join(acts) if acts else "—")
        lines.append(f"| {label} (`{code}`) | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Xác thực hai lớp (TOTP) bắt buộc với: "
        + ", ".join(r.label for r in roles if r in TWO_FACTOR_ROLES)
        + ".",
        "",
    ]
    return "\n".join(lines)
