"""The catalogue of communication forms loaded at setup (administrators may edit it afterwards)."""

KINDS = [
    ("loa-phat-thanh", "Phát thanh trên loa truyền thanh"),
    ("hoi-nghi", "Hội nghị, hội thảo, họp dân"),
    ("to-roi", "Phát tờ rơi, tài liệu"),
    ("pano-bang-ron", "Pa nô, áp phích, băng rôn"),
    ("mang-xa-hoi", "Bài đăng trên mạng xã hội, trang thông tin điện tử"),
    ("bao-chi", "Bài viết trên báo chí"),
    ("phong-su", "Phóng sự truyền hình, phát thanh"),
    ("ngoai-khoa", "Buổi ngoại khóa tại trường học"),
    ("truc-tiep-co-so", "Tuyên truyền trực tiếp tại cơ sở kinh doanh dịch vụ"),
    ("dong-dang", "Tuyên truyền qua nhóm đồng đẳng"),
    ("khac", "Hình thức khác"),
]
