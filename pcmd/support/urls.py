"""URLs of the support app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as support_actions  # noqa: F401  (declares the steps before their view is built)
from . import (
    case_actions,  # noqa: F401  (the client file's steps and the intake step, before their views)
    case_views,
    views,
)
from .models import Client, CounsellingRequest

urlpatterns = [
    path("ho-tro/de-nghi-tu-van/", views.counselling_list, name="counselling_list"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/", views.counselling_detail, name="counselling_detail"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/<slug:action>/", actions.view(CounsellingRequest), name="counselling_action"),
    # case files (issue 13): the worker's list, registration, a file, its steps, a consent sheet's scan
    path("ho-tro/ho-so/", case_views.client_list, name="client_list"),
    path("ho-tro/ho-so/dang-ky/", case_views.client_register, name="client_register"),
    path("ho-tro/ho-so/<int:pk>/", case_views.client_detail, name="client_detail"),
    path("ho-tro/ho-so/<int:pk>/dong-y/<int:consent_pk>/ban-chup/", case_views.consent_scan, name="consent_scan"),
    path("ho-tro/ho-so/<int:pk>/<slug:action>/", actions.view(Client), name="client_action"),
]
