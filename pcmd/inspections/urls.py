"""URLs of the inspections app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as visit_actions
from . import views
from .models import Visit
from .registry import rounds, team_members, teams, visits

# The visit's create and edit pages take violations and sanctions in the same form: actions, CRUD names.
urlpatterns = [
    path("luot-kiem-tra/them/", actions.view(Visit, slug=visit_actions.ADD.slug), name="visit_create"),
    path("luot-kiem-tra/<int:pk>/sua/", actions.view(Visit, slug=visit_actions.EDIT.slug), name="visit_edit"),
    path("do-bao-phu-kiem-tra/", views.coverage, name="inspection_coverage"),
    path("do-bao-phu-kiem-tra/co-so/", views.coverage_establishments, name="inspection_coverage_establishments"),
    path("ke-hoach-kiem-tra/", views.risk_plan, name="risk_plan"),
    path("ke-hoach-kiem-tra/xuat-excel/", views.risk_plan_xlsx, name="risk_plan_xlsx"),
    path("ke-hoach-kiem-tra/xuat-word/", views.risk_plan_docx, name="risk_plan_docx"),
    path("ke-hoach-kiem-tra/trong-so/", views.risk_weights, name="risk_weights"),
]
urlpatterns += [p for p in visits.urls() if p.name not in ("visit_create", "visit_edit")]
urlpatterns += teams.urls() + team_members.urls() + rounds.urls()
