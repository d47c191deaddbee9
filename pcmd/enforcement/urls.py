"""URLs of the enforcement app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from . import views
from .registry import criminal_cases, sanction_records

urlpatterns = [
    path("vu-an/thong-ke/", views.enforcement_statistics, name="enforcement_statistics"),
]
urlpatterns += criminal_cases.urls() + sanction_records.urls()
