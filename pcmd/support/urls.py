"""URLs of the support app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("ho-tro/de-nghi-tu-van/", views.counselling_list, name="counselling_list"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/", views.counselling_detail, name="counselling_detail"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/<slug:action>/", views.counselling_action, name="counselling_action"),
]
