"""The catalogue of establishment types (Nghị định 178/2004 lists; the seed plans' TỔ CHỨC THỰC HIỆN).

(code, name, commune agency kind that manages it by default, risk weight, share of demo data).
Culture (Phòng Văn hóa - Xã hội; Sở Văn hóa và Thể thao above it) manages the cultural and
entertainment services; the police manage the lodging trades (security and order certificates).
"""

TYPES = [
    ("karaoke", "Karaoke", "phong-vhxh", 3, 20),
    ("vu-truong-bar", "Vũ trường, quán bar", "phong-vhxh", 3, 4),
    ("xoa-bop", "Xoa bóp (massage)", "phong-vhxh", 3, 10),
    ("khach-san", "Khách sạn", "cong-an-xa", 2, 8),
    ("nha-nghi", "Nhà nghỉ", "cong-an-xa", 3, 18),
    ("nha-tro", "Nhà trọ", "cong-an-xa", 1, 10),
    ("ca-phe-den-mo", "Cà phê đèn mờ", "phong-vhxh", 3, 6),
    ("tam-khoang-nong", "Tắm khoáng nóng, xông hơi", "phong-vhxh", 2, 2),
    ("goi-dau-thu-gian", "Cắt tóc, gội đầu thư giãn", "phong-vhxh", 2, 10),
    ("internet", "Điểm truy cập Internet, trò chơi điện tử", "phong-vhxh", 1, 6),
    ("khac", "Khác", "ubnd-xa", 1, 6),
]

# When a commune has no agency of the default kind, the province agency of the same sector manages.
PROVINCE_COUNTERPART = {
    "phong-vhxh": "so-vhtt",
    "cong-an-xa": "cong-an-tinh",
    "tram-y-te": "so-y-te",
    "phong-kinh-te": "so-cong-thuong",
}
