"""The pages each module offers, for the menu and the home page. A new module adds its lines here."""

from django.urls import reverse

from pcmd.org.permissions import allowed

# (module, URL name, menu label, description on the home page, icon)
PAGES = [
    ("org", "agency_list", "Cơ quan", "Cơ quan chủ trì, phối hợp của đơn vị", "bi-building"),
    ("geo", "hamlet_list", "Thôn, tổ dân phố", "Thôn, tổ dân phố, khối phố của xã, phường", "bi-houses"),
    ("geo", "unit_search", "Tra cứu đơn vị", "Tìm tỉnh, xã, phường theo tên, không cần gõ dấu", "bi-search"),
    ("audit", "audit_log", "Nhật ký", "Ai đã thêm, sửa, xóa dữ liệu gì, khi nào", "bi-journal-text"),
]


def pages_for(membership) -> list[dict]:
    if membership is None:
        return []
    return [
        {"module": module, "url": reverse(url_name), "label": label, "description": description, "icon": icon,
         "can_add": allowed(membership.role, module, "add")}
        for module, url_name, label, description, icon in PAGES
        if allowed(membership.role, module, "view")
    ]
