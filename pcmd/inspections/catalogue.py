"""Starting catalogue of violations found at inspections (editable in the Django admin).

A starting point, not legal advice: each entry names the decree that sanctions it, and the
article / clause / point is left blank for the administrator to fill in from the official text
(Nghị định 282/2025/NĐ-CP replaced Nghị định 144/2021/NĐ-CP for security, order and social evils;
culture-sector conditions of karaoke and dance halls are sanctioned under the culture decree).
"""

from .models import ViolationType

ND_282 = "Nghị định 282/2025/NĐ-CP"
ND_CULTURE = "Nghị định xử phạt vi phạm hành chính trong lĩnh vực văn hóa"

# (code, name, decree)
VIOLATION_TYPES = [
    ("chua-chap-mai-dam", "Lợi dụng cơ sở kinh doanh để chứa chấp, tạo điều kiện cho hoạt động mua bán dâm", ND_282),
    ("mua-dam", "Mua dâm", ND_282),
    ("ban-dam", "Bán dâm", ND_282),
    ("moi-gioi", "Môi giới mại dâm (chưa đến mức truy cứu trách nhiệm hình sự)", ND_282),
    ("bao-ke", "Bảo kê, dung túng cho hoạt động mại dâm", ND_282),
    ("luu-tru", "Không thông báo lưu trú hoặc không ghi chép thông tin khách lưu trú", ND_282),
    ("antt", "Kinh doanh ngành nghề có điều kiện về an ninh, trật tự khi không đủ điều kiện hoặc không có giấy "
             "chứng nhận", ND_282),
    ("nhan-vien-giay-to", "Sử dụng người lao động không có giấy tờ tùy thân, không khai báo người lao động", ND_282),
    ("phong-karaoke", "Phòng hát, phòng vũ trường không bảo đảm điều kiện (cửa kính, chiếu sáng, diện tích)",
     ND_CULTURE),
    ("qua-gio", "Hoạt động quá thời gian cho phép", ND_CULTURE),
    ("khac", "Vi phạm khác", ""),
]


def violation_types_load() -> int:
    """Create the entries that are missing (an administrator's edits are kept). Returns how many were added."""
    have = set(ViolationType.objects.values_list("code", flat=True))
    new = [ViolationType(code=code, name=name, decree=decree, order=(n + 1) * 10)
           for n, (code, name, decree) in enumerate(VIOLATION_TYPES) if code not in have]
    ViolationType.objects.bulk_create(new)
    return len(new)
