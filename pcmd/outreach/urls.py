"""URLs of the outreach app (mounted at the site root by pcmd.urls)."""

from django.urls import path

from . import views
from .registry import (
    activities,
    budget_lines,
    commendations,
    commitments,
    courses,
    denominators,
    integrations,
    rules,
    spendings,
    staff,
)

urlpatterns = [
    path("tuyen-truyen/tinh-hinh/", views.outreach_overview, name="outreach_overview"),
    path("tuyen-truyen/lich/", views.activity_calendar, name="activity_calendar"),
    path("tap-huan/ket-qua/", views.training_overview, name="training_overview"),
    path("tap-huan/lop/<int:pk>/hoc-vien/", views.course_participants, name="course_participants"),
    path("cam-ket/<int:pk>/ban-chup/", views.commitment_scan, name="commitment_scan"),
    path("tuyen-truyen/<int:pk>/them-anh/", views.activity_photo_upload, name="activity_photo_upload"),
    path("tuyen-truyen/anh/<int:pk>/", views.activity_photo, name="activity_photo"),
    *rules.urls(),
    *denominators.urls(),
    *activities.urls(),
    *staff.urls(),
    *courses.urls(),
    *integrations.urls(),
    *commitments.urls(),
    *commendations.urls(),
    *spendings.urls(),
    *budget_lines.urls(),
]
