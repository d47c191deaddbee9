"""URLs of the public app (mounted at the site root by pcmd.urls). No login: see pcmd.public.privacy."""

from django.urls import path

from pcmd.public import views

urlpatterns = [
    path("phan-anh/", views.tip_submit, name="public_tip"),
    path("phan-anh/ma-tra-cuu/", views.receipt, name="public_receipt"),
    path("phan-anh/tra-cuu/", views.lookup, name="public_lookup"),
    path("phan-anh/ma-tra-cuu.txt", views.receipt_text, name="public_receipt_text"),
    path("tu-van/", views.counselling, name="public_counselling"),
]
