"""The report workflow: each step declared once and run by `core.actions.view` (the rules are in `services`).

Every step claims the report's version (`versioned`): a step taken on a page opened before someone else's
change is refused with the typed text kept (the optimistic lock).
"""

from django.urls import reverse

from pcmd.core.actions import Action, register

from . import figures, forms, services
from .models import Report, ReportStatus

S = ReportStatus
OPEN = (S.DRAFT, S.RETURNED)


def _page(report, request, slug):
    ctx = {"report": report, "slug": slug}
    if slug in ("sua", "gui"):
        ctx["comments"] = report.comments.filter(event__isnull=False).select_related("section").order_by("-at")[:20]
    if slug in ("tra-lai", "phe-duyet") and report.previous_snapshot:
        ctx["changed_figures"], ctx["changed_sections"] = figures.changes(
            report.previous_snapshot, report.snapshot, dict(report.sections.values_list("key", "title")))
    return ctx


def _refused(label):
    return lambda report: f"Không thể “{label.lower()}” khi báo cáo đang ở trạng thái “{report.get_status_display()}”."


def step(slug, label, sources, form, service, **options) -> Action:
    return Action(
        model=Report, slug=slug, label=label, sources=sources, refused=_refused(label), form=form, service=service,
        versioned=True, queryset=lambda: Report.objects.select_related("type", "unit", "unit__province"),
        template="reports/action.html", context=lambda report, request: _page(report, request, slug),
        success=lambda report, result: f"Đã ghi nhận: {label.lower()} — {report.title}.",
        link=lambda report: reverse("report_action", args=[report.pk, slug]), **options,
    )


def _plain(form_class):
    return lambda report, request, data=None, files=None: form_class(data)


def _for_report(form_class):
    return lambda report, request, data=None, files=None: form_class(data, report=report)


register(
    step("sua", "Soạn nội dung", OPEN, _for_report(forms.SectionsForm),
         lambda r, d, req: services.report_save_sections(
             report=r, membership=req.membership, texts={k.removeprefix("muc_"): v for k, v in d.items()}),
         button="btn-primary", icon="bi-pencil"),
    step("gui", "Gửi báo cáo", OPEN, None,
         lambda r, d, req: services.report_submit(report=r, membership=req.membership),
         button="btn-success", icon="bi-send"),
    step("tra-lai", "Trả lại để sửa", (S.SUBMITTED,), _for_report(forms.ReturnForm),
         lambda r, d, req: services.report_return(
             report=r, membership=req.membership, reason=d.get("reason", ""),
             section_comments={k.removeprefix("nhanxet_"): v for k, v in d.items()
                               if k.startswith("nhanxet_") and k != "nhanxet_chi_so"},
             figure_comments={d["chi_so"]: d.get("nhanxet_chi_so", "")} if d.get("chi_so") else {}),
         button="btn-outline-warning", icon="bi-arrow-return-left"),
    step("phe-duyet", "Phê duyệt", (S.SUBMITTED,), _plain(forms.NoteForm),
         lambda r, d, req: services.report_approve(report=r, membership=req.membership, note=d.get("reason", "")),
         button="btn-success", icon="bi-check2-circle"),
    step("mo-lai", "Mở lại báo cáo đã duyệt", (S.APPROVED,), _plain(forms.ReasonForm),
         lambda r, d, req: services.report_reopen(report=r, membership=req.membership, reason=d.get("reason", "")),
         button="btn-outline-danger", icon="bi-unlock"),
)
