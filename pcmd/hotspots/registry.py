"""Hotspots on the generic CRUD; status changes have their own views (views.py)."""

from pcmd.core import crud
from pcmd.geo.models import Level

from . import selectors, services
from .filters import HotspotFilter
from .forms import HotspotForm
from .models import Hotspot


def _initial(membership):
    unit = membership.unit
    return {"unit": unit} if unit is not None and unit.level == Level.COMMUNE else {}


hotspots = crud.register(crud.Crud(
    model=Hotspot,
    slug="diem-phuc-tap",
    name="hotspot",
    form_class=HotspotForm,
    filterset_class=HotspotFilter,
    select_related=("unit", "hamlet", "suppressed_by"),
    list_fields=["name", "unit", "kind", "first_identified", "status", "status_since", "reemergence_count"],
    detail_fields=["name", "unit", "hamlet", "kind", "location", "url", "description", "first_identified", "status",
                   "status_since", "suppressed_on", "suppression_method", "suppressed_by", "monitor_months",
                   "monitor_until", "reemergence_count", "updated_at"],
    export_fields=["name", "unit", "hamlet", "kind", "location", "url", "first_identified", "status", "status_since",
                   "suppressed_on", "suppression_method", "suppressed_by", "monitor_until", "reemergence_count",
                   "description"],
    columns_labels={"unit": "Xã, phường", "status_since": "Từ ngày", "reemergence_count": "Số lần tái hoạt động"},
    search_help="Tìm theo tên, địa điểm",
    create=lambda *, membership, data: services.hotspot_create(membership=membership, data=data,
                                                               user=membership.user),
    update=services.hotspot_update,
    initial=_initial,
    detail_context=selectors.hotspot_links,
))
