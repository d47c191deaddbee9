"""Establishments on the generic CRUD, with the Excel import (whose columns are also the export's)."""

from pcmd.core import crud

from . import services
from .filters import EstablishmentFilter
from .forms import EstablishmentForm
from .importers import establishments as importer
from .models import Establishment


def _initial(membership):
    return {"unit": membership.unit} if membership.unit is not None else {}


establishments = crud.register(crud.Crud(
    model=Establishment,
    slug="co-so-kinh-doanh",
    name="establishment",
    form_class=EstablishmentForm,
    filterset_class=EstablishmentFilter,
    select_related=("unit", "unit__province", "type", "hamlet", "managing_agency"),
    list_fields=["name", "type", "address", "unit", "status", "workers_total", "managing_agency",
                 "commitment_date"],
    detail_fields=["name", "type", "status", "address", "hamlet", "unit", "province", "registration_number",
                   "licence_number", "licence_date", "licence_expiry", "security_cert_number",
                   "security_cert_date", "security_cert_expiry", "owner_name", "owner_phone", "manager_name",
                   "manager_phone", "managing_agency", "workers_total", "workers_female", "commitment_date",
                   "latitude", "longitude", "notes", "updated_at"],
    export_fields=importer.export_fields(),
    columns_labels=importer.labels(),  # the export's headers are the import template's
    search_help="Tìm theo tên, địa chỉ, số đăng ký, chủ cơ sở",
    create=services.establishment_create,
    update=services.establishment_update,
    delete=services.establishment_delete,
    initial=_initial,
    importer=importer,
))
