"""What the public pages do so that nothing identifies the sender's connection."""

from functools import wraps

from auditlog.context import auditlog_value
from django.utils.cache import add_never_cache_headers


def forget_client_address() -> None:
    """Blank the address django-auditlog's middleware noted for this request's log entries."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["remote_addr"] = None
    context["remote_port"] = None


def public_view(view):
    """A page for the public: no login, no address in the audit log, never cached, not indexed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        forget_client_address()
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper
