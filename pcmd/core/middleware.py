"""Project-wide middleware: security headers, the audit log's client address, and refusing NUL characters."""

import uuid

from auditlog.cid import correlation_id
from auditlog.context import set_extra_data
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers

from .client_address import client_address


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on every response to a signed-in user.

    No-store for all signed-in pages rather than a list of sensitive ones: nearly every staff page
    shows personal or internal data (decrypted identities, attachments, exports, figures), a list
    would miss the next new page, and the price (the back button reloads) is small for staff work.
    Must come after AuthenticationMiddleware (reads request.user). Static files never reach it
    (WhiteNoise answers first), so they stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


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

    def __call__(self, request):
        # Every entry a request writes shares one correlation id (LogEntry.cid), made here rather than read from a
        # header the client writes: the history folds a create's second save into the create (core.history).
        token = correlation_id.set(uuid.uuid4().hex)
        try:
            with set_extra_data(context_data=self.get_extra_data(request)):
                return self.get_response(request)
        finally:
            correlation_id.reset(token)


NUL_REFUSED = "Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL). Hãy xóa ký tự đó rồi gửi lại."


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


class RejectNulMiddleware:
    """PostgreSQL text cannot hold a NUL character: a query string or form carrying one is refused (400, in
    Vietnamese) before any view builds a query from it, the same on SQLite and PostgreSQL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            if request.path.startswith("/api/"):  # the API answers every error as JSON (docs/api.md)
                return JsonResponse({"code": "invalid", "message": NUL_REFUSED, "errors": {}}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
