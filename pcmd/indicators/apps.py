from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "pcmd.indicators"
    label = "indicators"
    verbose_name = "Chỉ số"
