"""URLs of the reports app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as report_actions  # noqa: F401  (declares the workflow steps before their view is built)
from . import views
from .models import Report

urlpatterns = [
    path("bao-cao/", views.report_list, name="report_list"),
    path("bao-cao/tinh-hinh-gui/", views.report_completeness, name="report_completeness"),
    path("bao-cao/tong-hop-toan-quoc/", views.report_country, name="report_country"),
    path("bao-cao/loai/", views.report_types, name="report_types"),
    path("bao-cao/loai/<int:pk>/sua/", views.report_type_edit, name="report_type_edit"),
    path("bao-cao/loai/<int:pk>/sao-chep/", views.report_type_copy, name="report_type_copy"),
    path("bao-cao/dot-xuat/", views.report_adhoc, name="report_adhoc"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/xu-ly/<slug:action>/", actions.view(Report), name="report_action"),
    path("bao-cao/<int:pk>/word/", views.report_docx, name="report_docx"),
    path("bao-cao/<int:pk>/excel/", views.report_xlsx, name="report_xlsx"),
    path("bao-cao/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("bao-cao/<int:pk>/dinh-kem/", views.report_attach, name="report_attach"),
    path("bao-cao/tep/<int:pk>/", views.report_attachment, name="report_attachment"),
]
