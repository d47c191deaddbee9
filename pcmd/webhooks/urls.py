from django.urls import path

from . import views

urlpatterns = [
    path("ket-noi/webhook/", views.webhook_list, name="webhook_list"),
    path("ket-noi/webhook/<int:pk>/", views.webhook_detail, name="webhook_detail"),
]
