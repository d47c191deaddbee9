"""/api/v1/ (included from pcmd/urls.py). Webhooks are added by their own module at `/api/v1/webhooks/`."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import docs_views, indicator_views, views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="api-units")
router.register("agencies", views.AgencyViewSet, basename="api-agencies")
router.register("plans", views.PlanViewSet, basename="api-plans")
router.register("targets", views.TargetViewSet, basename="api-targets")
router.register("tasks", views.TaskViewSet, basename="api-tasks")
router.register("establishments", views.EstablishmentViewSet, basename="api-establishments")
router.register("inspections", views.VisitViewSet, basename="api-inspections")
router.register("hotspots", views.HotspotViewSet, basename="api-hotspots")
router.register("cases", views.CaseViewSet, basename="api-cases")
router.register("tips", views.TipViewSet, basename="api-tips")
router.register("outreach-activities", views.ActivityViewSet, basename="api-activities")
router.register("trainings", views.CourseViewSet, basename="api-trainings")
router.register("reports", views.ReportViewSet, basename="api-reports")

indicators = indicator_views.IndicatorViewSet

urlpatterns = [
    path("schema/", docs_views.schema, name="api_schema"),
    path("docs/", docs_views.docs, name="api_docs"),
    path("indicators/", indicators.as_view({"get": "list"}), name="api-indicators-list"),
    path("indicators/values/", indicators.as_view({"get": "values"}), name="api-indicators-values"),
    path("", include(router.urls)),
    # Keep last: any other /api/v1/ address is a JSON 404 (add new resources above this line).
    re_path(r"^.*$", docs_views.not_found, name="api_not_found"),
]
