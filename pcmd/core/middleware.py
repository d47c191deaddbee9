"""Project-wide middleware: the audit log's client address."""

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings

from .client_address import client_address


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, noting the address the lockout and rate limits use.

    Upstream notes the left-most X-Forwarded-For, which any client can write, and the port of
    X-Forwarded-Port, equally the client's word: an audit entry would then show a made-up address.
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_address(request) or None

    @staticmethod
    def _get_remote_port(request):
        return None
