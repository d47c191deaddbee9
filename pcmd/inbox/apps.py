from django.apps import AppConfig


class InboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pcmd.inbox"
    verbose_name = "Thông báo"
