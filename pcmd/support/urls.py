"""URLs of the support app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as support_actions  # noqa: F401  (declares the steps before their view is built)
from . import views
from .models import CounsellingRequest

urlpatterns = [
    path("ho-tro/de-nghi-tu-van/", views.counselling_list, name="counselling_list"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/", views.counselling_detail, name="counselling_detail"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/<slug:action>/", actions.view(CounsellingRequest), name="counselling_action"),
]
