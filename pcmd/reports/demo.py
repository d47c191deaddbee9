"""Demo reports: this year's calendar for Hải Phòng and Hà Nội; Bạch Đằng's 6-month report written, to send;
a few other Hải Phòng communes' 6-month reports in every state (approved, sent on time and late, returned),
driven through the same services as the pages (the province's standing office reviews)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from pcmd.core.scoping import within
from pcmd.geo.models import AdminUnit
from pcmd.org.models import Membership, Role

from . import services
from .models import Report, ReportSection
from .services import create_due_reports

# Communes from the end of the alphabet (away from Bạch Đằng and the tests' first communes): the states to show.
STATES = ["approved", "approved", "approved", "submitted", "late", "returned"]

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

    from .catalogue import load_types
    from .models import ReportType

    # The migration preloads the types; a database emptied since (a browser test's flush) has none.
    load_types(ReportType)
    year = timezone.localdate().year
    provinces = list(AdminUnit.objects.filter(code__in=[HAI_PHONG, HA_NOI]))
    ctx.summary["báo cáo định kỳ mới"] = create_due_reports(year, provinces)
    report = Report.objects.filter(unit=bach_dang(), year=year, type__code="xa-6-thang").first()
    if report is not None and report.revision == 0:
        sections = list(report.sections.filter(key__in=DEMO_TEXTS, text=""))
        for section in sections:
            section.text = DEMO_TEXTS[section.key].format(year=year)
        ReportSection.objects.bulk_update(sections, ["text"])
    if report is not None and not report.attachments.exists():
        _photo(report)
    _states(year)
    _own_type()


def _own_type() -> None:
    """Hải Phòng's own year report to the Ministry, due 20/12 (a copy of the general one, as its office would make
    on the types page); this year's reports were made before, so it applies from next year."""
    from pcmd.core.demo import HAI_PHONG

    from .models import ReportType

    city = AdminUnit.objects.get(code=HAI_PHONG)
    if ReportType.objects.filter(code=f"tinh-nam-{city.code}").exists():
        return
    own = ReportType.objects.get(code="tinh-nam")
    own.pk, own.code, own.province = None, f"tinh-nam-{city.code}", city
    own.name, own.due_day, own.version = f"{own.name} ({city.name})", 20, 1
    own.save()


def _photo(report: Report) -> None:
    """A photo kept with Bạch Đằng's report (the same small PNG as the outreach demo's)."""
    from django.core.files.base import ContentFile

    from pcmd.outreach.demo import demo_png

    from .models import ReportAttachment

    photo = ReportAttachment(report=report, kind="photo", original_name="hoi-nghi-tuyen-truyen.png",
                             caption="Hội nghị tuyên truyền tại tổ dân phố")
    data = demo_png()
    photo.size = len(data)
    photo.file.save(photo.original_name, ContentFile(data), save=True)


def _write(report: Report) -> None:
    sections = list(report.sections.filter(key__in=DEMO_TEXTS))
    for section in sections:
        section.text = DEMO_TEXTS[section.key].format(year=report.year).replace("phường", report.unit.division_type)
    ReportSection.objects.bulk_update(sections, ["text"])


def _states(year: int) -> None:
    from pcmd.core.demo import HAI_PHONG, bach_dang

    city = AdminUnit.objects.get(code=HAI_PHONG)
    reports = list(within(Report.objects.filter(year=year, type__code="xa-6-thang"), city)
                   .exclude(unit=bach_dang()).select_related("type", "unit", "unit__province")
                   .order_by("-unit__name")[:len(STATES)])
    if not reports or any(r.revision for r in reports) or reports[0].window_end >= timezone.localdate():
        return  # already seeded, or the window has not ended yet
    office = Membership.objects.filter(user__username="haiphong.thuongtruc", role=Role.COORDINATOR).first()
    if office is None:
        return
    User = get_user_model()
    for report, state in zip(reports, STATES, strict=False):
        staff, _ = User.objects.get_or_create(username=f"xa{report.unit.code}.vhxh",
                                              defaults={"first_name": "Cán bộ", "last_name": report.unit.name})
        seat = (Membership.objects.filter(user=staff, unit=report.unit, role=Role.COORDINATOR).first()
                or Membership.objects.create(user=staff, unit=report.unit, role=Role.COORDINATOR))
        _write(report)
        services.report_submit(report=report, membership=seat)
        if state != "late":  # the others were sent before the deadline
            sent = timezone.make_aware(datetime.datetime.combine(report.due_date - datetime.timedelta(days=2),
                                                                 datetime.time(9)))
            Report.objects.filter(pk=report.pk).update(first_submitted_at=sent, submitted_at=sent)
            report.refresh_from_db()
        if state == "approved":
            services.report_approve(report=report, membership=office)
        elif state == "returned":
            services.report_return(report=report, membership=office,
                                   reason="Đề nghị bổ sung đánh giá nguyên nhân hạn chế.",
                                   section_comments={"danh-gia": "Nêu rõ nguyên nhân chủ quan, khách quan."})
