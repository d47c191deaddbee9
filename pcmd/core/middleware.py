from django.http import HttpResponseBadRequest

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
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
