from django.urls import path

from . import views

urlpatterns = [
    path("thong-bao/", views.inbox, name="inbox"),
    path("thong-bao/<int:pk>/", views.inbox_open, name="inbox_open"),
    path("thong-bao/cai-dat/", views.inbox_preferences, name="inbox_preferences"),
]
