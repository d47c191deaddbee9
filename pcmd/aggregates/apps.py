from django.apps import AppConfig


class AggregatesConfig(AppConfig):
    name = "pcmd.aggregates"
    label = "aggregates"
    verbose_name = "Số liệu tổng hợp"

    def ready(self):
        from . import signals

        signals.connect()
