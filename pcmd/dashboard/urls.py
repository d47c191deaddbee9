from django.urls import path

from . import views

urlpatterns = [
    path("bang-dieu-hanh/", views.leader, name="dashboard"),
    path("bang-dieu-hanh/bang-diem/", views.scorecard, name="dashboard_scorecard"),
    path("bang-dieu-hanh/tong-quan/", views.overview, name="dashboard_overview"),
    # The unit is part of the path (0 = the whole country) so a link names exactly what it shows.
    path("bang-dieu-hanh/chi-so/<slug:code>/<int:unit_id>/", views.indicator, name="dashboard_indicator"),
]
