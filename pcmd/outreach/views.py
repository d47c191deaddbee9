"""Outreach pages: the overview (“maintained regularly”, reach against denominators, chart), course participants
and the share of staff trained."""

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from pcmd.core import pickers
from pcmd.core.collation import vi_order
from pcmd.core.periods import period_from_query
from pcmd.core.scoping import get_scoped_or_404, module_view, scoped, within
from pcmd.core.search import search
from pcmd.geo.models import AdminUnit, Level

from . import selectors, services
from .forms import ParticipantsForm
from .models import Activity, ActivityPhoto, Commitment, Course, StaffMember, TrainingLevel

CANDIDATES_SHOWN = 200

MONTHS = [f"Th{m}" for m in range(1, 13)]


def _year(request, today) -> tuple[int, str]:
    return pickers.year_from_request(request, today.year, first=2000, last=today.year)


def _unit(request, membership):
    """The unit looked at: the seat's, or a unit inside it chosen with ?don-vi=<code> (core.pickers)."""
    return pickers.unit_from_query(request)


def _picker(request, unit, year, error, today):
    return pickers.picker(units=pickers.unit_options(request.membership), unit=unit, year=year,
                          years=range(today.year, today.year - 5, -1), errors=[error])


@pickers.canonical_params
@module_view("outreach", "view")
def outreach_overview(request):
    membership = request.membership
    today = timezone.localdate()
    year, error = _year(request, today)
    unit = _unit(request, membership)
    ctx = {"year": year, "unit": unit, "today": today, "picker": _picker(request, unit, year, error, today)}
    if unit is None:  # a national seat picks a province first
        return render(request, "outreach/overview.html", ctx)
    if unit.level == Level.PROVINCE:
        communes = within(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True), unit).order_by(vi_order())
    elif unit.level == Level.COMMUNE:
        communes = [unit]
    else:
        raise Http404
    activities = within(scoped(Activity.objects.all(), membership, "view"), unit)
    series = selectors.monthly(activities, year)
    values = selectors.figures(unit, year, selectors.OVERVIEW_CODES)  # the scorecard's figures for the unit
    ctx.update(
        regularity=selectors.regularity(communes, year, today),
        figures={code.lower(): value for code, value in values.items()},
        reach=selectors.reach_rows(values),
        total_activities=sum(m["activities"] for m in series),
        chart={"labels": MONTHS, "datasets": [
            {"type": "bar", "label": "Số hoạt động", "data": [m["activities"] for m in series], "yAxisID": "y"},
            {"type": "line", "label": "Số người được tiếp cận", "data": [m["reached"] for m in series],
             "yAxisID": "y1"},
        ]},
    )
    return render(request, "outreach/overview.html", ctx)


@module_view("outreach", "change")
def course_participants(request, pk):
    """Add people of the roster to a course and record attendance."""
    membership = request.membership
    course = get_scoped_or_404(Course.objects.select_related("unit", "province"), membership, pk=pk)
    roster = scoped(StaffMember.objects.filter(is_active=True), membership, "view").select_related("unit", "agency")
    roster = within(roster, course.province if course.level == TrainingLevel.PROVINCE else course.unit)
    q = request.GET.get("q", "").strip()
    if request.method == "POST":
        people = scoped(StaffMember.objects.all(), membership, "view")
        form = ParticipantsForm(request.POST, people=people,
                                participants=people.filter(participations__course=course))
        try:
            if not form.is_valid():
                raise ValidationError(form.error_text())
            if request.POST.get("step") == "add":
                ids = [person.pk for person in form.cleaned_data["staff"]]
                chosen = list(roster.filter(pk__in=ids))
                foreign = people.filter(pk__in=ids).exclude(province=course.province_id)
                added = services.participants_add(course=course, staff=[*chosen, *foreign])
                messages.success(request, f"Đã thêm {added} học viên.")
            else:
                services.attendance_set(course=course,
                                        attended_ids=[person.pk for person in form.cleaned_data["attended"]],
                                        removed_ids=[person.pk for person in form.cleaned_data["remove"]])
                messages.success(request, "Đã lưu danh sách tham dự.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("course_participants", args=[course.pk]))
    participants = course.participants.select_related("staff", "staff__unit", "staff__agency")
    candidates = roster.exclude(pk__in=participants.values("staff_id"))
    if q:
        candidates = search(candidates, q)
    total = candidates.count()
    return render(request, "outreach/course_participants.html", {
        "course": course, "participants": participants, "candidates": candidates[:CANDIDATES_SHOWN],
        "candidates_total": total, "shown": CANDIDATES_SHOWN, "q": q,
    })


@pickers.canonical_params
@module_view("outreach", "view")
def training_overview(request):
    """Share of the roster trained in the year, per level (province/city vs commune), as the plans split it."""
    membership = request.membership
    today = timezone.localdate()
    year, error = _year(request, today)
    unit = _unit(request, membership)
    courses = scoped(Course.objects.all(), membership, "view").filter(start_date__year=year)
    if unit is not None:
        courses = within(courses, unit)
    return render(request, "outreach/training_overview.html", {
        "year": year, "unit": unit, "picker": _picker(request, unit, year, error, today),
        "shares": selectors.trained_shares(unit, year),
        "courses": courses.select_related("unit", "organiser").annotate(
            attended=Count("participants", filter=Q(participants__attended=True))).order_by("start_date"),
    })


@module_view("outreach", "view")
def commitment_scan(request, pk):
    """Scans live outside the web root; served only here, to users who see the commitment."""
    commitment = get_scoped_or_404(Commitment.objects.all(), request.membership, pk=pk)
    if not commitment.scan:
        raise Http404
    try:
        handle = commitment.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=commitment.scan.name.rsplit("/", 1)[-1])


@module_view("outreach", "view")
def activity_calendar(request):
    """A month of a commune's activities as a calendar (?thang=2026-10, ?don-vi=<commune code>)."""
    membership = request.membership
    today = timezone.localdate()
    # "2026-10" is the month period 202610: read by Period like every period parameter (years 1990-2100).
    period, error = period_from_query(request.GET.get("thang", "").strip().replace("-", ""), today, "month")
    if error:
        messages.warning(request, error)
    first = period.start
    unit = _unit(request, membership)
    activities = scoped(Activity.objects.select_related("kind", "unit"), membership, "view").filter(
        date__year=first.year, date__month=first.month).order_by("date", "pk")
    if unit is not None:
        activities = within(activities, unit)
    by_day: dict[int, list] = {}
    for activity in activities:
        by_day.setdefault(activity.date.day, []).append(activity)
    weeks = [[(day, by_day.get(day, [])) for day in week] for week in calendar.monthcalendar(first.year, first.month)]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    return render(request, "outreach/calendar.html", {
        "first": first, "weeks": weeks, "unit": unit, "count": sum(len(v) for v in by_day.values()),
        "previous": previous, "following": following if following <= today.replace(day=1) else None,
        "weekdays": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"],
        "show_unit": unit is None or unit.level != Level.COMMUNE,
    })


@module_view("outreach", "change")
def activity_photo_upload(request, pk):
    activity = get_scoped_or_404(Activity.objects.select_related("kind"), request.membership, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.activity_photo_add(activity=activity, upload=request.FILES.get("image"),
                                        caption=request.POST.get("caption", "").strip())
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Đã thêm ảnh.")
            return HttpResponseRedirect(reverse("activity_detail", args=[activity.pk]))
    return render(request, "outreach/photo_upload.html", {"activity": activity, "error": error},
                  status=400 if error else 200)


@module_view("outreach", "view")
def activity_photo(request, pk):
    """Photos live outside the web root; served only here, to users who see the activity."""
    photo = get_scoped_or_404(ActivityPhoto.objects.all(), request.membership, pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=photo.image.name.rsplit("/", 1)[-1])
