"""URLs of the support app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as support_actions  # noqa: F401  (declares the steps before their view is built)
from . import (
    case_actions,  # noqa: F401  (the client file's steps and the intake step, before their views)
    case_views,
    referral_views,  # imports referral_actions (the referral steps) first
    views,
    wall_actions,  # noqa: F401  (the wall's steps, declared before their views are built)
    wall_views,
)
from .models import BreakGlass, Client, CounsellingRequest, Referral

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
    # The wall: break-glass, access review, a client's own data (export, erasure).
    path("ho-tro/mo-khan-cap/", wall_views.break_glass_list, name="break_glass_list"),
    path("ho-tro/mo-khan-cap/mo/", wall_views.break_glass_open, name="break_glass_open"),
    path("ho-tro/mo-khan-cap/thong-bao/", wall_views.break_glass_notices, name="break_glass_notices"),
    path("ho-tro/mo-khan-cap/<int:pk>/<slug:action>/", actions.view(BreakGlass), name="break_glass_action"),
    path("ho-tro/ra-soat-truy-cap/", wall_views.access_review, name="access_review"),
    path("ho-tro/xuat-du-lieu/<int:pk>/", wall_views.client_export, name="client_export"),
    path("ho-tro/xoa-du-lieu/", wall_views.erasure_list, name="erasure_list"),
    path("ho-tro/xoa-du-lieu/<int:pk>/de-nghi/", actions.view(Client, slug="de-nghi-xoa-du-lieu"),
         name="client_erase_request"),
    path("ho-tro/xoa-du-lieu/<int:pk>/xac-nhan/", actions.view(Client, slug="xac-nhan-xoa-du-lieu"),
         name="client_erase_confirm"),
    path("ho-tro/xoa-du-lieu/<int:pk>/tu-choi/", actions.view(Client, slug="tu-choi-xoa-du-lieu"),
         name="client_erase_refuse"),
    # referrals, services received, providers, outreach contacts (referral_views.py)
    path("ho-tro/ho-so/<int:pk>/gioi-thieu/moi/", referral_views.referral_create, name="referral_create"),
    path("ho-tro/ho-so/<int:pk>/dich-vu/moi/", referral_views.service_create, name="service_create"),
    path("ho-tro/gioi-thieu/", referral_views.referral_list, name="referral_list"),
    path("ho-tro/gioi-thieu/qua-han/", referral_views.referral_overdue, name="referral_overdue"),
    path("ho-tro/gioi-thieu/den-don-vi/", referral_views.referral_incoming, name="referral_incoming"),
    path("ho-tro/gioi-thieu/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("ho-tro/gioi-thieu/<int:pk>/phieu.docx", referral_views.referral_slip, {"fmt": "docx"},
         name="referral_slip_docx"),
    path("ho-tro/gioi-thieu/<int:pk>/phieu.pdf", referral_views.referral_slip, {"fmt": "pdf"},
         name="referral_slip_pdf"),
    path("ho-tro/gioi-thieu/<int:pk>/<slug:action>/", actions.view(Referral), name="referral_action"),
    *referral_views.providers.urls(),
    *referral_views.outreach_contacts.urls(),
]
