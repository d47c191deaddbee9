"""URLs of the hotspots app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from . import views
from .registry import hotspots

urlpatterns = [
    path("diem-phuc-tap/thong-ke/", views.hotspot_statistics, name="hotspot_statistics"),
    path("diem-phuc-tap/<int:pk>/chuyen-trang-thai/<slug:action>/", views.hotspot_transition,
         name="hotspot_transition"),
    path("diem-phuc-tap/<int:pk>/huy-chuyen-trang-thai/", views.hotspot_transition_undo,
         name="hotspot_transition_undo"),
]
urlpatterns += hotspots.urls()
