"""URLs of the support app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from pcmd.core import actions

from . import actions as support_actions  # noqa: F401  (declares the steps before their view is built)
from . import referral_views, views  # referral_views imports referral_actions (the referral steps) first
from .models import CounsellingRequest, Referral

urlpatterns = [
    path("ho-tro/de-nghi-tu-van/", views.counselling_list, name="counselling_list"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/", views.counselling_detail, name="counselling_detail"),
    path("ho-tro/de-nghi-tu-van/<int:pk>/<slug:action>/", actions.view(CounsellingRequest), name="counselling_action"),
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
