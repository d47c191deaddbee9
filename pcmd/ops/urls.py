from django.urls import path

from . import views

urlpatterns = [
    path("he-thong/tac-vu/", views.job_list, name="job_list"),
    path("he-thong/tac-vu/<int:pk>/chay-lai/", views.job_run_again, name="job_run_again"),
]
