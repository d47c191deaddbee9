"""Demo reports: this year's calendar for Hải Phòng and Hà Nội; Bạch Đằng's 6-month report written, to send."""

from django.utils import timezone

from pcmd.geo.models import AdminUnit

from .models import Report, ReportSection
from .services import create_due_reports

DEMO_TEXTS = {
    "ket-qua": ("Ủy ban nhân dân phường đã ban hành Kế hoạch phòng, chống mại dâm năm {year}; tổ chức tuyên truyền "
                "tại các tổ dân phố, kiểm tra các cơ sở kinh doanh dịch vụ dễ bị lợi dụng theo kế hoạch của Đội 178."),
    "danh-gia": ("Ưu điểm: sự phối hợp giữa Công an phường và các ban, ngành chặt chẽ. Hạn chế: một số cơ sở lưu trú "
                 "chưa thực hiện đầy đủ cam kết. Nguyên nhân: lực lượng mỏng, kinh phí hạn chế."),
    "phuong-huong": "Tiếp tục tuyên truyền, kiểm tra định kỳ các cơ sở; theo dõi các điểm có nguy cơ tái hoạt động.",
    "de-xuat": "Đề nghị Sở Y tế tổ chức tập huấn nghiệp vụ cho cán bộ phường.",
}


def seed_reports(ctx) -> None:
    from pcmd.core.demo import HA_NOI, HAI_PHONG, bach_dang

    year = timezone.localdate().year
    provinces = list(AdminUnit.objects.filter(code__in=[HAI_PHONG, HA_NOI]))
    ctx.summary["báo cáo định kỳ mới"] = create_due_reports(year, provinces)
    report = Report.objects.filter(unit=bach_dang(), year=year, type__code="xa-6-thang").first()
    if report is not None and report.revision == 0:
        sections = list(report.sections.filter(key__in=DEMO_TEXTS, text=""))
        for section in sections:
            section.text = DEMO_TEXTS[section.key].format(year=year)
        ReportSection.objects.bulk_update(sections, ["text"])
