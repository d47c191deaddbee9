"""A hotspot's status transitions and their undo, declared once (services.TRANSITIONS holds the rules) and run by
`core.actions.view`."""

from django.urls import reverse
from django.utils import timezone

from pcmd.core.actions import Action, register

from . import services
from .forms import TransitionForm
from .models import Hotspot


def _detail(hotspot, result=None, request=None) -> str:
    return reverse("hotspot_detail", args=[hotspot.pk])


def _transition(t: services.Transition) -> Action:
    def form(hotspot, request, data=None, files=None):
        initial = {"date": timezone.localdate(), "agency": request.membership.agency_id}
        return TransitionForm(data, hotspot=hotspot, target=t.target, initial=initial)

    def run(hotspot, data, request):
        return services.hotspot_transition(
            hotspot=hotspot, target=t.target, date=data["date"], note=data.get("note", ""), user=request.user,
            agency=data.get("agency"), method=data.get("method", ""), monitor_months=data.get("monitor_months"))

    return Action(
        model=Hotspot, slug=t.slug, label=t.label, sources=t.sources, form=form, service=run,
        refused=lambda hotspot: services.FORBIDDEN.get((hotspot.status, t.target),
                                                       "Không thể chuyển sang trạng thái này."),
        queryset=lambda: Hotspot.objects.select_related("unit"),
        template="hotspots/transition.html", context=lambda hotspot, request: {"hotspot": hotspot, "transition": t},
        success=lambda hotspot, event: f"Đã ghi nhận: {t.label.lower()} “{hotspot}”.", next_url=_detail,
        link=lambda hotspot: reverse("hotspot_transition", args=[hotspot.pk, t.slug]),
        button="btn-outline-danger" if t.is_reemergence else "btn-outline-primary",
    )


def _last_change(hotspot):
    last = hotspot.events.order_by("-date", "-pk").first()
    return last if last is not None and last.from_status else None


UNDO = Action(
    model=Hotspot, slug="huy-chuyen-trang-thai", label="Hủy lần chuyển gần nhất",
    when=lambda hotspot: _last_change(hotspot) is not None,
    refused=lambda hotspot: "Điểm này chưa có lần chuyển trạng thái nào để hủy.",
    service=lambda hotspot, data, request: services.hotspot_transition_undo(hotspot=hotspot),
    queryset=lambda: Hotspot.objects.select_related("unit"),
    template="hotspots/transition_undo.html",
    context=lambda hotspot, request: {"hotspot": hotspot, "event": _last_change(hotspot)},
    success=lambda hotspot, event: f"Đã hủy lần “{event.label.lower()}” ngày {event.date:%d/%m/%Y}.",
    next_url=_detail,
    link=lambda hotspot: reverse("hotspot_transition_undo", args=[hotspot.pk]),
    button="btn-outline-secondary", icon="bi-arrow-counterclockwise",
)

register(*(_transition(t) for t in services.TRANSITIONS.values()), UNDO)
