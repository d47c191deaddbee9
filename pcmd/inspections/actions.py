"""Recording and editing a visit with its violations and sanctions, declared once and run by `core.actions.view`."""

from django.urls import reverse
from django.utils import timezone

from pcmd.core.actions import Action, register

from . import services
from .forms import VisitEntry
from .models import Visit
from .registry import visits as visits_crud


def _entry_initial(request) -> dict:
    """Today, and the establishment when the page was opened from its "record a visit" button."""
    initial = {"date": timezone.localdate()}
    raw = request.GET.get("co-so", "")
    if raw.isascii() and raw.isdigit():
        initial["establishment"] = int(raw)
    return initial


ADD = Action(
    model=Visit, slug="them", label="Ghi lượt kiểm tra", permission="add",
    form=lambda _, request, data=None, files=None: VisitEntry(data, initial=_entry_initial(request),
                                                              membership=request.membership),
    service=lambda _, data, request: services.visit_create(
        membership=request.membership, data=data, violations=data["violations"], sanctions=data["sanctions"],
        user=request.user),
    template="inspections/visit_entry.html", context=lambda _, request: {"crud": visits_crud},
    success=lambda _, visit: f"Đã ghi lượt kiểm tra “{visit}”.",
    next_url=lambda _, visit, request: reverse("visit_detail", args=[visit.pk]),
    back_url=lambda _: reverse("visit_list"),
)

EDIT = Action(
    model=Visit, slug="sua", label="Sửa lượt kiểm tra", versioned=True,
    queryset=lambda: Visit.objects.select_related("establishment"),
    form=lambda visit, request, data=None, files=None: VisitEntry(data, instance=visit,
                                                                  membership=request.membership),
    service=lambda visit, data, request: services.visit_update(
        membership=request.membership, instance=visit, data=data, violations=data["violations"],
        sanctions=data["sanctions"]),
    template="inspections/visit_entry.html", context=lambda visit, request: {"crud": visits_crud},
    success=lambda visit, saved: f"Đã lưu lượt kiểm tra “{saved}”.",
    next_url=lambda visit, saved, request: reverse("visit_detail", args=[saved.pk]),
    back_url=lambda visit: reverse("visit_detail", args=[visit.pk]),
)

register(ADD, EDIT)
