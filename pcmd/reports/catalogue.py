"""The report types every unit starts with, from the seed plans' reporting duties.

Hà Nội's plan 2026-2030: "Định kỳ báo cáo kết quả thực hiện 6 tháng (trước ngày 17/6) và báo cáo kết quả thực
hiện năm (trước ngày 17/12) … gửi Sở Y tế … để tổng hợp"; the communes of Hải Phòng, Ninh Bình and Tam Kỳ
report "định kỳ 6 tháng, một năm" to the same offices. Data are cut off on the 14th (15/12–14/6, 15/12–14/12)
so the office can compile before the deadline. The province reports to the Ministry of Health and the Government
a few days later. Loaded by a data migration (`0002_report_types`); a province may add its own types in the
admin, which then replace these for its units (same level and frequency).
"""

OUTLINE = [
    {"key": "ket-qua", "title": "I. Kết quả thực hiện", "kind": "narrative", "required": True},
    {"key": "so-lieu", "title": "Số liệu kết quả thực hiện (từ sổ theo dõi và chỉ số)", "kind": "figures",
     "required": False},
    {"key": "danh-gia", "title": "II. Đánh giá chung: ưu điểm, hạn chế, nguyên nhân", "kind": "narrative",
     "required": True},
    {"key": "phuong-huong", "title": "III. Phương hướng, nhiệm vụ kỳ tới", "kind": "narrative", "required": True},
    {"key": "de-xuat", "title": "IV. Đề xuất, kiến nghị", "kind": "narrative", "required": False},
]

HA_NOI_DUTY = ("Định kỳ báo cáo kết quả thực hiện 6 tháng (trước ngày 17/6) và báo cáo kết quả thực hiện năm "
               "(trước ngày 17/12) và các báo cáo đột xuất gửi Sở Y tế (qua Chi cục Dân số, Trẻ em và Phòng, "
               "chống tệ nạn xã hội) để tổng hợp.")

TYPES = [
    {"code": "xa-6-thang", "name": "Báo cáo 6 tháng của xã, phường", "level": "commune", "frequency": "S",
     "window": (15, 12, 14, 6), "due": (17, 6), "recipient": "Sở Y tế (cơ quan thường trực cấp tỉnh)"},
    {"code": "xa-nam", "name": "Báo cáo năm của xã, phường", "level": "commune", "frequency": "Y",
     "window": (15, 12, 14, 12), "due": (17, 12), "recipient": "Sở Y tế (cơ quan thường trực cấp tỉnh)"},
    {"code": "tinh-6-thang", "name": "Báo cáo 6 tháng của tỉnh, thành phố", "level": "province", "frequency": "S",
     "window": (15, 12, 14, 6), "due": (25, 6), "recipient": "Bộ Y tế; Chính phủ", "source": "xa-6-thang"},
    {"code": "tinh-nam", "name": "Báo cáo năm của tỉnh, thành phố", "level": "province", "frequency": "Y",
     "window": (15, 12, 14, 12), "due": (25, 12), "recipient": "Bộ Y tế; Chính phủ", "source": "xa-nam"},
]


def load_types(ReportType) -> int:
    """Create the preloaded types that are missing (idempotent); `ReportType` may be a migration's model."""
    created = 0
    by_code = {}
    for spec in TYPES:
        start_day, start_month, end_day, end_month = spec["window"]
        due_day, due_month = spec["due"]
        obj, made = ReportType.objects.get_or_create(code=spec["code"], defaults={
            "name": spec["name"], "level": spec["level"], "frequency": spec["frequency"],
            "start_day": start_day, "start_month": start_month, "end_day": end_day, "end_month": end_month,
            "due_day": due_day, "due_month": due_month, "recipient": spec["recipient"], "outline": OUTLINE,
            "duty_text": HA_NOI_DUTY,
        })
        by_code[spec["code"]] = obj
        created += made
    for spec in TYPES:
        if spec.get("source") and by_code[spec["code"]].source_type_id is None:
            by_code[spec["code"]].source_type = by_code[spec["source"]]
            by_code[spec["code"]].save(update_fields=["source_type"])
    return created
