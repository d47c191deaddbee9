"""URLs of the hotspots app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as hotspot_actions
from . import views
from .models import Hotspot
from .registry import hotspots

urlpatterns = [
    path("diem-phuc-tap/thong-ke/", views.hotspot_statistics, name="hotspot_statistics"),
    path("diem-phuc-tap/<int:pk>/chuyen-trang-thai/<slug:action>/", actions.view(Hotspot),
         name="hotspot_transition"),
    path("diem-phuc-tap/<int:pk>/huy-chuyen-trang-thai/", actions.view(Hotspot, slug=hotspot_actions.UNDO.slug),
         name="hotspot_transition_undo"),
]
urlpatterns += hotspots.urls()
