from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "pcmd.support"
    label = "support"
    verbose_name = "Hỗ trợ, quản lý trường hợp (bảo mật)"

    # Nothing here is registered with django-auditlog: the audit page is read by admins, who must never see
    # support records. Each record keeps its own workflow history (CounsellingEvent), shown to support roles only.
