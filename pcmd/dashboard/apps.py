from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "pcmd.dashboard"
    label = "dashboard"
    verbose_name = "Bảng điều hành"
