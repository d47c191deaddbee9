"""URLs of entered figures and the DHIS2 exchange (mounted at the site root by pcmd.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("chi-so/nhap-so-lieu/", views.datavalue_entry, name="datavalue_entry"),
    path("chi-so/so-lieu/", views.datavalue_list, name="datavalue_list"),
    path("chi-so/muc-do-day-du/", views.indicator_completeness, name="indicator_completeness"),
    path("chi-so/phe-duyet/", views.indicator_approvals, name="indicator_approvals"),
    path("chi-so/dhis2/xuat/", views.dhis2_export, name="dhis2_export"),
    path("chi-so/dhis2/", views.dhis2_import, name="dhis2_import"),
    path("chi-so/dhis2/ghep-ma/", views.dhis2_mapping, name="dhis2_mapping"),
]
