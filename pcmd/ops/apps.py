from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pcmd.ops"
    label = "ops"
    verbose_name = "Vận hành hệ thống"
