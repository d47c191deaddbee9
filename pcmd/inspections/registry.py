"""Teams, team members, inspection rounds and visits on the generic CRUD."""

from django.db.models import F

from pcmd.core import crud
from pcmd.geo.models import Level

from . import services
from .filters import RoundFilter, TeamFilter, TeamMemberFilter, VisitFilter
from .forms import RoundForm, TeamForm, TeamMemberForm, VisitForm
from .models import InspectionRound, Team, TeamMember, Visit


def _initial(membership):
    unit = membership.unit
    return {"unit": unit} if unit is not None and unit.level in (Level.PROVINCE, Level.COMMUNE) else {}


teams = crud.register(crud.Crud(
    model=Team,
    slug="doi-kiem-tra",
    name="team",
    form_class=TeamForm,
    filterset_class=TeamFilter,
    select_related=("unit",),
    list_fields=["name", "unit", "decision_number", "decision_date", "is_active"],
    detail_fields=["name", "unit", "decision_number", "decision_date", "is_active", "notes", "updated_at"],
    search_help="Tìm theo tên đội, số quyết định",
    create=services.team_create,
    initial=_initial,
))

team_members = crud.register(crud.Crud(
    model=TeamMember,
    slug="thanh-vien-doi",
    name="team_member",
    form_class=TeamMemberForm,
    filterset_class=TeamMemberFilter,
    select_related=("team", "team__unit", "agency", "user"),
    list_fields=["full_name", "team", "agency", "position", "is_leader"],
    detail_fields=["full_name", "user", "team", "agency", "position", "is_leader", "updated_at"],
    search_help="Tìm theo họ tên, chức vụ",
    create=services.team_member_create,
    update=services.team_member_update,
))

rounds = crud.register(crud.Crud(
    model=InspectionRound,
    slug="dot-kiem-tra",
    name="round",
    form_class=RoundForm,
    filterset_class=RoundFilter,
    select_related=("unit", "team"),
    list_fields=["name", "unit", "decision_number", "start_date", "end_date", "team"],
    detail_fields=["name", "unit", "decision_number", "decision_date", "start_date", "end_date", "team", "notes",
                   "updated_at"],
    search_help="Tìm theo tên đợt, số quyết định",
    create=services.round_create,
    update=services.round_update,
    initial=_initial,
))

visits = crud.register(crud.Crud(
    model=Visit,
    slug="luot-kiem-tra",
    name="visit",
    form_class=VisitForm,  # create / edit are served by views.visit_form (visit + violations + sanctions)
    filterset_class=VisitFilter,
    select_related=("establishment", "unit", "team"),
    # Search by the establishment's name and address.
    base_queryset=lambda: Visit.objects.annotate(search_text=F("establishment__search_text")),
    list_fields=["date", "establishment", "unit", "kind", "result", "team"],
    detail_fields=["establishment", "establishment__address", "unit", "date", "time", "kind", "team", "round",
                   "result", "found_selling", "found_buying", "found_brokering", "found_staff_no_papers",
                   "follow_up_due", "follow_up_outcome", "notes", "recorded_by", "updated_at"],
    export_fields=["date", "time", "establishment", "establishment__address", "unit", "province", "kind", "team",
                   "round", "result", "found_selling", "found_buying", "found_brokering", "found_staff_no_papers",
                   "follow_up_due", "follow_up_outcome", "notes"],
    columns_labels={"establishment__address": "Địa chỉ cơ sở"},
    search_help="Tìm theo tên, địa chỉ cơ sở",
))
