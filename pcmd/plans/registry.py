"""Plans on the generic CRUD (list, Excel export, detail, create/edit/delete)."""

from pcmd.core import crud

from . import selectors
from .filters import PlanFilter
from .forms import PlanForm
from .models import Plan


def _initial(membership):
    return {"unit": membership.unit} if membership.unit_id else {}


plans = crud.register(crud.Crud(
    model=Plan,
    slug="ke-hoach",
    name="plan",
    form_class=PlanForm,
    filterset_class=PlanFilter,
    select_related=("unit", "parent"),
    list_fields=["number", "title", "unit", "period", "issue_date", "status"],
    detail_fields=["number", "title", "issuer", "unit", "place", "issue_date", "kind", "period", "parent", "status",
                   "signer_title", "signer_name", "source_name", "reviewed_at", "updated_at"],
    export_fields=["number", "title", "issuer", "unit", "place", "issue_date", "kind", "period", "status",
                   "signer_title", "signer_name"],
    search_help="Tìm theo số, tên kế hoạch",
    initial=_initial,
    detail_context=lambda plan, membership: {"items": selectors.plan_items(plan)},
))
