"""Agency kinds named in the seed plans, per level. Loaded by `pcmd load-agencies`.

(code, name, sector, is_standing, instantiate). Province-level names follow the post-2025
structure (Sở Y tế leads the program; Sở LĐTBXH merged away).
"""

NATIONAL = [
    ("bo-y-te", "Bộ Y tế (Cục Bảo trợ xã hội)", "health", True, False),
    ("bo-cong-an", "Bộ Công an", "police", False, False),
    ("bo-vhttdl", "Bộ Văn hóa, Thể thao và Du lịch", "culture", False, False),
]

PROVINCE = [
    ("so-y-te", "Sở Y tế", "health", True, True),
    ("cong-an-tinh", "Công an", "police", False, True),
    ("so-vhtt", "Sở Văn hóa và Thể thao", "culture", False, True),
    ("so-du-lich", "Sở Du lịch", "tourism", False, True),
    ("so-noi-vu", "Sở Nội vụ", "home_affairs", False, True),
    ("so-gddt", "Sở Giáo dục và Đào tạo", "education", False, True),
    ("so-tai-chinh", "Sở Tài chính", "finance", False, True),
    ("so-tu-phap", "Sở Tư pháp", "justice", False, True),
    ("so-cong-thuong", "Sở Công Thương", "trade", False, True),
    ("so-khcn", "Sở Khoa học và Công nghệ", "technology", False, True),
    ("bchqs-tinh", "Bộ Chỉ huy Quân sự", "military", False, True),
    ("bdbp-tinh", "Bộ Chỉ huy Bộ đội Biên phòng", "military", False, False),
    ("vks-tinh", "Viện Kiểm sát nhân dân", "procuracy", False, True),
    ("toa-an-tinh", "Tòa án nhân dân", "court", False, True),
    ("mttq-tinh", "Ủy ban Mặt trận Tổ quốc Việt Nam", "front", False, True),
    ("hlhpn-tinh", "Hội Liên hiệp Phụ nữ", "womens_union", False, True),
    ("doan-tn-tinh", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "youth_union", False, True),
    ("ldld-tinh", "Liên đoàn Lao động", "trade_union", False, True),
    ("hoi-ccb-tinh", "Hội Cựu chiến binh", "veterans", False, True),
    ("hoi-nong-dan-tinh", "Hội Nông dân", "farmers", False, True),
    ("bao-ptth", "Báo và Phát thanh, Truyền hình", "press", False, True),
    ("bql-kcn", "Ban Quản lý các khu công nghiệp", "industrial_parks", False, False),
    ("ngan-hang-csxh-tinh", "Chi nhánh Ngân hàng Chính sách xã hội", "finance", False, False),
]

COMMUNE = [
    ("ubnd-xa", "Ủy ban nhân dân", "government", False, True),
    ("phong-vhxh", "Phòng Văn hóa - Xã hội", "culture_society", True, True),
    ("cong-an-xa", "Công an", "police", False, True),
    ("tram-y-te", "Trạm Y tế", "health", False, True),
    ("ttphvhcc", "Trung tâm phục vụ hành chính công", "admin_services", False, True),
    ("vp-hdnd-ubnd", "Văn phòng HĐND và UBND", "government", False, True),
    ("phong-kinh-te", "Phòng Kinh tế", "economy", False, True),
    ("mttq-xa", "Ủy ban Mặt trận Tổ quốc Việt Nam", "front", False, True),
    ("hlhpn-xa", "Hội Liên hiệp Phụ nữ", "womens_union", False, True),
    ("doan-tn-xa", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "youth_union", False, True),
    ("hoi-ccb-xa", "Hội Cựu chiến binh", "veterans", False, True),
    ("ban-chq-quan-su-xa", "Ban Chỉ huy Quân sự", "military", False, False),
    ("truong-hoc", "Trường học", "education", False, False),
    ("ban-dieu-hanh-tdp", "Ban điều hành tổ dân phố / thôn", "residential", False, False),
]
