"""Default legal time limits for tips (DOMAIN.md §5). Seeded by migration 0002; the admin edits them after."""

# Days to accept (thụ lý) where the law sets one: a complaint within 10 days (Luật Khiếu nại 2011, Điều 27).
ACCEPT_DAYS = {"complaint": 10}

# (kind, is_complex, days, working_days, max_extensions, extension_days, warn_days, legal_basis)
DEFAULT_RULES = [
    ("criminal", False, 20, False, 1, 60, 5, "Bộ luật Tố tụng hình sự 2015, Điều 147 khoản 1"),
    ("criminal", True, 60, False, 1, 60, 7, "Bộ luật Tố tụng hình sự 2015, Điều 147 khoản 2"),
    ("complaint", False, 30, False, 0, 0, 5, "Luật Khiếu nại 2011, Điều 28"),
    ("complaint", True, 45, False, 0, 0, 5, "Luật Khiếu nại 2011, Điều 28"),
    ("denunciation", False, 30, False, 1, 30, 5, "Luật Tố cáo 2018, Điều 30"),
    ("denunciation", True, 30, False, 2, 30, 5, "Luật Tố cáo 2018, Điều 30 (phức tạp: gia hạn tối đa 2 lần)"),
    ("feedback", False, 15, True, 1, 10, 3, "Mặc định của đơn vị (không có thời hạn luật định)"),
    ("feedback", True, 30, True, 1, 10, 3, "Mặc định của đơn vị (không có thời hạn luật định)"),
]
