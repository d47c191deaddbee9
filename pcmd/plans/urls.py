"""URLs of the plans app (mounted at the site root by pcmd.urls). Other plan features append their lines."""

from django.urls import path

from pcmd.core import actions

from . import actions as plan_actions  # noqa: F401  (declares the item actions before their views are built)
from . import views
from .models import Plan
from .registry import plans
from .services import ITEM_MODELS

urlpatterns = [
    path("ke-hoach/nhap-van-ban/", views.plan_upload, name="plan_upload"),
    path("ke-hoach/<int:pk>/ra-soat/", views.plan_review, name="plan_review"),
    path("ke-hoach/<int:pk>/ra-soat/<slug:action>/them/", actions.view(Plan), name="plan_item_add"),
    path("ke-hoach/ra-soat/<slug:kind>/<int:pk>/sua/", actions.view(kinds=ITEM_MODELS, slug="sua"),
         name="plan_item_edit"),
    path("ke-hoach/ra-soat/<slug:kind>/<int:pk>/xoa/", actions.view(kinds=ITEM_MODELS, slug="xoa"),
         name="plan_item_delete"),
    path("nhiem-vu-cua-toi/", views.my_tasks, name="my_tasks"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/tien-do/<int:pk>/tep/", views.progress_attachment, name="progress_attachment"),
]
urlpatterns += plans.urls()

# Official Word export, derive a lower-level plan, communes with a plan (views_export / views_derive).
from . import views_derive, views_export  # noqa: E402

urlpatterns += [
    path("ke-hoach/<int:pk>/tai-word/", views_export.plan_export_docx, name="plan_export_docx"),
    path("ke-hoach/xay-dung-tu-cap-tren/", views_derive.plan_derive_view, name="plan_derive"),
    path("ke-hoach/xa-phuong-da-ban-hanh/", views_derive.plan_coverage, name="plan_coverage"),
]
