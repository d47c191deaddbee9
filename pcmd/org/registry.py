"""Agencies on the generic CRUD."""

from pcmd.core import crud
from pcmd.geo.models import Level

from . import services
from .filters import AgencyFilter
from .forms import AgencyForm
from .models import Agency


def _initial(membership):
    unit = membership.unit
    return {"unit": unit} if unit is not None and unit.level in (Level.PROVINCE, Level.COMMUNE) else {}


agencies = crud.register(crud.Crud(
    model=Agency,
    slug="co-quan",
    name="agency",
    form_class=AgencyForm,
    filterset_class=AgencyFilter,
    select_related=("unit", "unit__province", "kind"),
    list_fields=["name", "kind", "unit", "is_standing", "phone", "is_active"],
    detail_fields=["name", "short_name", "kind", "unit", "province", "is_standing", "address", "phone", "email",
                   "is_active", "updated_at"],
    export_fields=["name", "short_name", "kind", "unit", "province", "is_standing", "address", "phone", "email",
                   "is_active"],
    search_help="Tìm theo tên cơ quan",
    create=services.agency_create,
    initial=_initial,
))
