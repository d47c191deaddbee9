"""URLs of the tips app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as tip_actions  # noqa: F401  (declares the workflow steps before their views are built)
from . import views
from .models import Tip
from .registry import tips

urlpatterns = [
    path("tin-bao/thoi-han/", views.tip_deadlines, name="tip_deadlines"),
    path("tin-bao/chuyen-den/", views.tip_incoming, name="tip_incoming"),
    path("tin-bao/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tin-bao/<int:pk>/xu-ly/<slug:action>/", actions.view(Tip), name="tip_action"),
    path("tin-bao/tep-dinh-kem/<int:pk>/", views.tip_attachment, name="tip_attachment"),
]
# The CRUD gives list, export, intake, correction; its detail is replaced above and tips are never deleted.
urlpatterns += [p for p in tips.urls() if p.name not in ("tip_detail", "tip_delete")]
