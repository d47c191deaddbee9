"""Tips on the generic CRUD (list, filters, Excel export, staff intake, correction).

The detail page (timeline, reporter identity, actions) is `views.tip_detail`; tips are never deleted
(a closed tip stays on record), so the CRUD's delete page is not mounted.
"""

from pcmd.core import crud
from pcmd.geo.models import Level

from . import services
from .filters import TipFilter
from .forms import TipForm
from .models import Tip


def _initial(membership):
    unit = membership.unit
    return {"unit": unit, "is_anonymous": True} if unit is not None and unit.level == Level.COMMUNE else {}


def _update(*, instance, data):
    data = {k: v for k, v in data.items() if k not in ("unit", "channel")}
    return services.tip_update(instance=instance, data=data)


tips = crud.register(crud.Crud(
    model=Tip,
    slug="tin-bao",
    name="tip",
    form_class=TipForm,
    filterset_class=TipFilter,
    select_related=("unit", "assigned_agency"),
    log_reads=True,
    list_fields=["code", "received_at", "unit", "summary", "kind", "status", "assigned_agency", "due_date"],
    export_fields=["code", "received_at", "channel", "unit", "category", "summary", "location", "venue_name",
                   "kind", "is_urgent", "involves_minor", "involves_trafficking", "status", "assigned_agency",
                   "due_date", "extensions", "handled_on", "outcome"],
    columns_labels={"unit": "Xã, phường", "received_at": "Tiếp nhận", "due_date": "Hạn xử lý",
                    "assigned_agency": "Cơ quan xử lý"},
    search_help="Tìm theo số tin, tóm tắt, địa điểm, tên cơ sở",
    create=services.tip_create_staff,
    update=_update,
    initial=_initial,
    title="tin báo",
    title_plural="tin báo, tố giác, khiếu nại, phản ánh",
))
