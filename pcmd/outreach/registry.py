"""The outreach registries on the generic CRUD."""

from pcmd.core import crud

from . import services
from .filters import ActivityFilter, CommitmentFilter, CourseFilter, DenominatorFilter, IntegrationFilter, StaffFilter
from .forms import (
    ActivityForm,
    BudgetLineForm,
    CommendationForm,
    CommitmentForm,
    CourseForm,
    DenominatorForm,
    IntegrationForm,
    RegularityRuleForm,
    SpendingForm,
    StaffMemberForm,
)
from .importers import activities as importer
from .importers import denominators as denominator_importer
from .importers import staff as staff_importer
from .models import (
    REACH_FIELDS,
    Activity,
    BudgetLine,
    Commendation,
    Commitment,
    Course,
    Denominator,
    Integration,
    RegularityRule,
    Spending,
    StaffMember,
)
from .selectors import sum_expression

activities = crud.register(crud.Crud(
    model=Activity,
    slug="tuyen-truyen",
    name="activity",
    form_class=ActivityForm,
    filterset_class=ActivityFilter,
    select_related=("unit", "unit__province", "kind", "agency"),
    base_queryset=lambda: Activity.objects.annotate(reached=sum_expression()).prefetch_related("hamlets"),
    list_fields=["date", "kind", "topic", "unit", "agency", "reached", "leaflets"],
    detail_fields=["date", "unit", "kind", "topic", "agency", "hamlets_display", *REACH_FIELDS, "reached",
                   "leaflets", "panos", "integration_display", "links", "reach_note", "notes", "created_by",
                   "updated_at"],
    export_fields=importer.export_fields(),
    columns_labels={**importer.labels(), "reached": "Số người được tiếp cận"},
    search_help="Tìm theo chủ đề, ghi chú",
    create=services.activity_create,
    update=services.activity_update,
    delete=services.activity_delete,
    initial=services.activity_defaults,
    importer=importer,
))

rules = crud.register(crud.Crud(
    model=RegularityRule,
    slug="tuyen-truyen/quy-tac-thuong-xuyen",
    name="regularity_rule",
    form_class=RegularityRuleForm,
    select_related=("unit",),
    list_fields=["unit", "min_per_quarter", "min_quarters", "notes"],
    columns_labels={"unit": "Áp dụng cho"},
    create=services.rule_create,
    update=services.rule_update,
))

denominators = crud.register(crud.Crud(
    model=Denominator,
    slug="tuyen-truyen/so-doi-tuong",
    name="denominator",
    form_class=DenominatorForm,
    filterset_class=DenominatorFilter,
    select_related=("unit",),
    list_fields=["year", "unit", "group", "value", "source", "as_of"],
    export_fields=denominator_importer.export_fields(),
    columns_labels=denominator_importer.labels(),
    importer=denominator_importer,
    search_help="Tìm theo nguồn số liệu",
    create=services.denominator_create,
    update=services.denominator_update,
))

staff = crud.register(crud.Crud(
    model=StaffMember,
    slug="tap-huan/can-bo",
    name="staff_member",
    form_class=StaffMemberForm,
    filterset_class=StaffFilter,
    select_related=("unit", "agency"),
    list_fields=["full_name", "category", "position", "agency", "unit", "is_active"],
    export_fields=staff_importer.export_fields(),
    columns_labels=staff_importer.labels(),
    importer=staff_importer,
    search_help="Tìm theo họ tên, chức vụ",
    create=services.staff_create,
    update=services.staff_update,
))

courses = crud.register(crud.Crud(
    model=Course,
    slug="tap-huan/lop",
    name="course",
    form_class=CourseForm,
    filterset_class=CourseFilter,
    select_related=("unit", "organiser"),
    list_fields=["title", "level", "start_date", "end_date", "organiser", "unit"],
    detail_fields=["title", "level", "unit", "organiser", "start_date", "end_date", "venue", "topics", "updated_at"],
    search_help="Tìm theo tên lớp, địa điểm",
    create=services.course_create,
    update=services.course_update,
))

integrations = crud.register(crud.Crud(
    model=Integration,
    slug="tuyen-truyen/long-ghep",
    name="integration",
    form_class=IntegrationForm,
    filterset_class=IntegrationFilter,
    select_related=("unit",),
    list_fields=["year", "unit", "programs_display", "document_number", "document_date"],
    detail_fields=["year", "unit", "programs_display", "document_number", "document_date", "document_title", "notes",
                   "updated_at"],
    export_fields=["year", "unit", "programs_display", "document_number", "document_date", "document_title",
                   "notes"],
    columns_labels={"programs_display": "Chương trình lồng ghép"},
    search_help="Tìm theo số, trích yếu văn bản",
    create=services.integration_create,
    update=services.integration_update,
))

commitments = crud.register(crud.Crud(
    model=Commitment,
    slug="cam-ket",
    name="commitment",
    form_class=CommitmentForm,
    filterset_class=CommitmentFilter,
    select_related=("establishment", "establishment__unit"),
    list_fields=["date", "establishment", "establishment__unit", "signed_by", "valid_until"],
    detail_fields=["establishment", "establishment__address", "establishment__unit", "date", "signed_by",
                   "signer_role", "valid_until", "notes", "updated_at"],
    export_fields=["date", "establishment", "establishment__address", "establishment__unit", "signed_by",
                   "signer_role", "valid_until", "notes"],
    columns_labels={"establishment__unit": "Xã, phường", "establishment__address": "Địa chỉ"},
    search_help="Tìm theo người ký",
    create=services.commitment_create,
    update=services.commitment_update,
    delete=services.commitment_delete,
))

commendations = crud.register(crud.Crud(
    model=Commendation,
    slug="khen-thuong",
    name="commendation",
    form_class=CommendationForm,
    select_related=("unit",),
    list_fields=["year", "recipient", "form", "status", "decision_number", "unit"],
    detail_fields=["year", "unit", "is_collective", "recipient", "position", "form", "achievement", "status",
                   "proposal_number", "decision_number", "decision_date", "updated_at"],
    export_fields=["year", "unit", "is_collective", "recipient", "position", "form", "achievement", "status",
                   "proposal_number", "decision_number", "decision_date"],
    search_help="Tìm theo tên tập thể, cá nhân, số quyết định",
    create=services.commendation_create,
    update=services.commendation_update,
))


def _budget_lines():
    from django.db.models import ExpressionWrapper, F, FloatField, Sum
    from django.db.models.functions import Coalesce, Round

    return BudgetLine.objects.annotate(spent=Coalesce(Sum("spendings__amount"), 0)).annotate(
        rate=Round(ExpressionWrapper(F("spent") * 100.0 / F("allocated"), output_field=FloatField()), 1),
    ).order_by("-year", "unit__path", "pk")  # an aggregate drops Meta.ordering


budget_lines = crud.register(crud.Crud(
    model=BudgetLine,
    slug="kinh-phi",
    name="budget_line",
    form_class=BudgetLineForm,
    base_queryset=_budget_lines,
    select_related=("unit", "plan", "task"),
    list_fields=["year", "item", "unit", "source", "allocated", "spent", "rate"],
    detail_fields=["year", "item", "unit", "plan", "task", "source", "allocated", "spent", "rate", "document",
                   "notes", "updated_at"],
    export_fields=["year", "item", "unit", "plan", "task", "source", "allocated", "spent", "rate", "document",
                   "notes"],
    columns_labels={"spent": "Đã chi (đồng)", "rate": "Tỷ lệ thực hiện (%)"},
    search_help="Tìm theo nội dung chi, văn bản",
    create=services.budget_line_create,
    update=services.budget_line_update,
))

spendings = crud.register(crud.Crud(
    model=Spending,
    slug="kinh-phi/khoan-chi",
    name="spending",
    form_class=SpendingForm,
    select_related=("line", "line__unit"),
    list_fields=["date", "description", "amount", "line", "document"],
    export_fields=["date", "description", "amount", "line", "line__unit", "document"],
    columns_labels={"line__unit": "Đơn vị"},
    create=services.spending_create,
    update=services.spending_update,
))
