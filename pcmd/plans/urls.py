"""URLs of the plans app (mounted at the site root by pcmd.urls). Other plan features append their lines."""

from django.urls import path

from . import views
from .registry import plans

urlpatterns = [
    path("ke-hoach/nhap-van-ban/", views.plan_upload, name="plan_upload"),
    path("ke-hoach/<int:pk>/ra-soat/", views.plan_review, name="plan_review"),
    path("ke-hoach/<int:pk>/ra-soat/<slug:kind>/them/", views.plan_item_add, name="plan_item_add"),
    path("ke-hoach/ra-soat/<slug:kind>/<int:pk>/sua/", views.plan_item_edit, name="plan_item_edit"),
    path("ke-hoach/ra-soat/<slug:kind>/<int:pk>/xoa/", views.plan_item_delete, name="plan_item_delete"),
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
