"""Criminal cases and sanction decisions on the generic CRUD."""

from pcmd.core import crud
from pcmd.geo.models import Level

from . import services
from .filters import CriminalCaseFilter, SanctionRecordFilter
from .forms import CriminalCaseForm, SanctionRecordForm
from .models import CriminalCase, SanctionRecord


def _initial(membership):
    unit = membership.unit
    agency = membership.agency if membership.agency_id else None
    initial = {"unit": unit} if unit is not None and unit.level in (Level.PROVINCE, Level.COMMUNE) else {}
    return initial | ({"detecting_agency": agency, "issuing_agency": agency} if agency else {})


criminal_cases = crud.register(crud.Crud(
    model=CriminalCase,
    slug="vu-an",
    name="criminal_case",
    form_class=CriminalCaseForm,
    filterset_class=CriminalCaseFilter,
    select_related=("unit", "detecting_agency"),
    list_fields=["number", "name", "offence", "unit", "detected_on", "initiated_on", "indicted_on", "tried_on",
                 "defendants"],
    detail_fields=["number", "name", "offence", "offence_other", "unit", "detecting_agency", "detected_on",
                   "initiated_on", "indicted_on", "tried_on", "stage", "verdict", "defendants", "victims",
                   "minor_victims", "linked_hotspots", "linked_establishments", "notes", "updated_at"],
    export_fields=["number", "name", "offence", "offence_other", "unit", "province", "detecting_agency",
                   "detected_on", "initiated_on", "indicted_on", "tried_on", "verdict", "defendants", "victims",
                   "minor_victims", "notes"],
    columns_labels={"unit": "Đơn vị phát hiện", "stage": "Giai đoạn", "defendants": "Bị can, bị cáo",
                    "linked_hotspots": "Điểm, tụ điểm liên quan", "linked_establishments": "Cơ sở liên quan"},
    search_help="Tìm theo số hiệu, tên vụ án",
    create=services.criminal_case_create,
    update=services.criminal_case_update,
    initial=_initial,
))

sanction_records = crud.register(crud.Crud(
    model=SanctionRecord,
    slug="xu-phat-hanh-chinh",
    name="sanction_record",
    form_class=SanctionRecordForm,
    filterset_class=SanctionRecordFilter,
    select_related=("unit", "issuing_agency"),
    list_fields=["decision_number", "decided_on", "category", "people", "fine_total", "unit", "issuing_agency"],
    detail_fields=["decision_number", "decided_on", "category", "people", "fine_total", "unit", "issuing_agency",
                   "legal_basis", "notes", "updated_at"],
    export_fields=["decision_number", "decided_on", "category", "people", "fine_total", "unit", "province",
                   "issuing_agency", "legal_basis", "notes"],
    columns_labels={"unit": "Đơn vị"},
    search_help="Tìm theo số quyết định",
    create=services.sanction_record_create,
    update=services.sanction_record_update,
    initial=_initial,
))
