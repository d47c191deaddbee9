"""Report pages: the unit's reports, one report (sections, figures, history, comments, roll-up), completeness,
and the Word / Excel exports. Thin: the rules are in `services`, the reads in `selectors` and `figures`."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcmd.core import services as core_services
from pcmd.core.actions import buttons
from pcmd.core.collation import vi_order
from pcmd.core.documents import docx_response
from pcmd.core.exports import xlsx_response
from pcmd.core.periods import year_from_query
from pcmd.core.scoping import chosen_unit, get_scoped_or_404, module_view, unit_choices
from pcmd.geo.models import Level
from pcmd.inbox import services as inbox_services

from . import export, figures, forms, pdf, selectors, services
from .models import AttachmentKind, Report, ReportAttachment, ReportType


def _report(request, pk) -> Report:
    return get_scoped_or_404(Report.objects.select_related("type", "unit", "unit__province", "submitted_by",
                                                           "approved_by"), request.membership, pk=pk)


@module_view("reports", "view")
def report_list(request):
    membership = request.membership
    today = timezone.localdate()
    year, year_error = year_from_query(request.GET.get("nam"), today.year)
    unit = chosen_unit(membership, request.GET.get("don-vi", ""))
    if unit is not None and unit.level not in (Level.PROVINCE, Level.COMMUNE):
        unit = unit.parent if unit.level == Level.HAMLET else unit.province
    reports = list(selectors.unit_reports(membership, unit, year))
    return render(request, "reports/list.html", {
        "reports": reports, "unit": unit, "year": year, "year_error": year_error, "today": today,
        "years": range(today.year + 1, today.year - 4, -1),
        "units": list(unit_choices(membership, [Level.PROVINCE, Level.COMMUNE]).order_by("level", vi_order())[:300]),
        "may_request": services.may_request(membership),
    })


@module_view("reports", "view")
def report_detail(request, pk):
    report = _report(request, pk)
    membership = request.membership
    shown, frozen = figures.shown(report)
    sections = list(report.sections.all())
    changed_figures, changed_sections = figures.changes(
        report.previous_snapshot, report.snapshot, {s.key: s.title for s in sections}) \
        if report.previous_snapshot and report.status != "approved" else ([], [])
    sent_texts = report.snapshot.get("sections", {}) if frozen else {}
    for section in sections:
        section.shown_text = sent_texts.get(section.key, section.text)
    may = [(a, url) for a, url in buttons(report, membership) if services.may(a.slug, report, membership)]
    inbox_services.mark_read_for(request.user, report.get_absolute_url())  # its notices are seen
    return render(request, "reports/detail.html", {
        "object": report, "report": report, "figures": shown, "frozen": frozen, "sections": sections,
        "since": figures.since_frozen(report), "changed_figures": changed_figures,
        "changed_sections": changed_sections, "chart": figures.chart(shown),
        "rollup": figures.rollup(report, membership, shown),
        "events": report.events.select_related("actor", "actor_unit").order_by("at", "pk"),
        "comments": report.comments.select_related("section", "author", "event").order_by("-at", "-pk"),
        "actions": may, "overdue": report.revision == 0 and timezone.localdate() > report.due_date,
        "attachments": report.attachments.select_related("uploaded_by").order_by("-kind", "-pk"),
        "may_attach": services.may_attach(report, membership),
        # Its writer is told when it can be sent, rather than offered a "Gửi" that would be refused.
        "send_from": services.sendable_from(report) if services.may("sua", report, membership) else None,
    })


@module_view("reports", "view")
def report_completeness(request):
    membership = request.membership
    today = timezone.localdate()
    year, year_error = year_from_query(request.GET.get("nam"), today.year)
    frequency = selectors.frequency_from_query(request.GET.get("loai"))
    unit = chosen_unit(membership, request.GET.get("don-vi", ""))
    if unit is not None and unit.level != Level.PROVINCE:
        unit = unit.province if unit.level == Level.COMMUNE else None
        if unit is None:
            raise Http404
    ctx = {"year": year, "year_error": year_error, "frequency": frequency, "frequencies": selectors.FREQUENCIES,
           "frequency_label": selectors.FREQUENCIES[frequency],
           "years": range(today.year + 1, today.year - 4, -1), "states": selectors.STATES}
    if unit is None:  # a national seat: per province
        lines = selectors.country(membership, frequency, year)
        ctx.update(country=lines, chart={
            "labels": [line.province.name for line in lines],
            "datasets": [{"label": "Đã gửi", "data": [line.sent for line in lines]},
                         {"label": "Chưa gửi", "data": [line.missing for line in lines]}]})
    else:
        result = selectors.completeness(membership, unit, frequency, year)
        ctx.update(result=result, province=unit, chart=result.chart(),
                   provinces=list(unit_choices(membership, [Level.PROVINCE]).order_by(vi_order())))
    return render(request, "reports/completeness.html", ctx)


@module_view("reports", "view")
def report_docx(request, pk):
    report = _report(request, pk)
    shown, _frozen = figures.shown(report)
    return docx_response(export.report_to_docx(report, shown), export.filename(report, "docx"))


@module_view("reports", "view")
def report_xlsx(request, pk):
    report = _report(request, pk)
    shown, _frozen = figures.shown(report)
    return xlsx_response(title=f"Báo cáo lần {report.revision}", headers=export.SHEET_HEADERS,
                         rows=export.sheet_rows(report, shown), filename=export.filename(report, "xlsx")[:-5])


@module_view("reports", "view")
def report_pdf(request, pk):
    """The Word export converted by LibreOffice, to sign; a missing or failing LibreOffice is a message, not a 500."""
    report = _report(request, pk)
    shown, _frozen = figures.shown(report)
    try:
        data = pdf.cached_pdf(export.report_to_docx(report, shown))
    except pdf.PdfUnavailable as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(report.get_absolute_url())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(report, "pdf")}"'
    return response


@module_view("reports", "change")
def report_attach(request, pk):
    report = _report(request, pk)
    errors, kind, caption = {}, request.POST.get("kind", ""), request.POST.get("caption", "")
    if request.method == "POST":
        try:
            attachment = services.report_attach(report=report, membership=request.membership, kind=kind,
                                                upload=request.FILES.get("file"), caption=caption)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
        else:
            messages.success(request, f"Đã đính kèm: {attachment.original_name}.")
            return HttpResponseRedirect(report.get_absolute_url() + "#attachments")
    return render(request, "reports/attach.html", {
        "report": report, "errors": errors, "kind": kind, "caption": caption, "kinds": AttachmentKind.choices,
        "max_files": services.MAX_ATTACHMENTS, "may_attach": services.may_attach(report, request.membership),
    }, status=400 if errors else 200)


@module_view("reports", "view")
def report_attachment(request, pk):
    """Attachments live outside the web root; served only here, to users who see the report."""
    attachment = get_scoped_or_404(ReportAttachment.objects.all(), request.membership, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=attachment.original_name, as_attachment=True)


@module_view("reports", "add")
def report_adhoc(request):
    """Ask the subordinate units for an ad hoc report (báo cáo đột xuất); lists the requests already made."""
    membership = request.membership
    form = forms.AdhocForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_type, count = services.adhoc_request(
                membership=membership, title=data["title"], questions=data["question_list"],
                window_start=data["window_start"], window_end=data["window_end"], due_date=data["due_date"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                refusal = " ".join(exc.messages)
        else:
            messages.success(request, f"Đã gửi yêu cầu “{report_type.name}” đến {count} đơn vị.")
            return HttpResponseRedirect(request.path)
    requests = list(services.adhoc_requests(membership)[:50])
    counts = selectors.adhoc_progress(membership, requests)
    return render(request, "reports/adhoc.html", {
        "form": form, "refusal": refusal, "may_request": services.may_request(membership),
        "requests": [(t, counts.get(t.pk, {})) for t in requests],
    }, status=400 if request.method == "POST" else 200)


@module_view("reports", "view")
def report_country(request):
    """The national report's roll-up: the provinces' approved reports summed beside the engine's own figures,
    the provinces still missing and their proposals (a province's seat sees its own province only)."""
    membership = request.membership
    today = timezone.localdate()
    year, year_error = year_from_query(request.GET.get("nam"), today.year)
    frequency = selectors.frequency_from_query(request.GET.get("loai"))
    provinces = list(unit_choices(membership, [Level.PROVINCE]).order_by(vi_order()))
    report_type = selectors.general_type("province", frequency)
    window = report_type.window(year) if report_type else (datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    result = figures.country_rollup(membership, provinces, frequency, year, window)
    return render(request, "reports/country.html", {
        "rollup": result, "provinces": provinces, "year": year, "year_error": year_error, "frequency": frequency,
        "frequencies": selectors.FREQUENCIES, "frequency_label": selectors.FREQUENCIES[frequency],
        "years": range(today.year + 1, today.year - 4, -1), "window": window, "report_type": report_type,
    })


def _type(request, pk) -> ReportType:
    """A type the seat works with (general, or its province's own); 404 for another province's."""
    found = next((t for t in selectors.types_of(request.membership) if t.pk == pk), None)
    if found is None:
        raise Http404
    return found


@module_view("reports", "view")
def report_types(request):
    membership = request.membership
    types = selectors.types_of(membership)
    province_id = (membership.unit.province_id or membership.unit_id) if membership.unit_id else None
    own = {(t.level, t.frequency) for t in types if t.province_id is not None and t.province_id == province_id}
    rows = [(t, services.may_edit_type(membership, t),
             province_id is not None and t.province_id is None and (t.level, t.frequency) not in own
             and services.may_edit_type(membership)) for t in types]
    return render(request, "reports/types.html", {"rows": rows, "replaced": own})


@module_view("reports", "change")
def report_type_edit(request, pk):
    report_type = _type(request, pk)
    may = services.may_edit_type(request.membership, report_type)
    form = forms.TypeForm.for_type(report_type, request.POST or None)
    version = request.POST.get("version", report_type.version)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.type_update(membership=request.membership, report_type=report_type,
                                     data=form.cleaned_data, version=core_services.posted_version(request.POST))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Đã lưu loại báo cáo “{report_type.name}”.")
                return HttpResponseRedirect(reverse("report_types"))
    return render(request, "reports/type_edit.html", {"report_type": report_type, "form": form, "may": may,
                                                      "version": version},
                  status=400 if request.method == "POST" else 200)


@module_view("reports", "change")
def report_type_copy(request, pk):
    report_type = _type(request, pk)
    error = ""
    if request.method == "POST":
        try:
            copy = services.type_copy(membership=request.membership, report_type=report_type)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Đã sao chép thành “{copy.name}”; hãy sửa theo quy định của tỉnh.")
            return HttpResponseRedirect(reverse("report_type_edit", args=[copy.pk]))
    return render(request, "reports/type_copy.html", {"report_type": report_type, "error": error},
                  status=400 if error else 200)
