from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "pcmd.public"
    label = "public"
    verbose_name = "Cổng thông tin công khai"
