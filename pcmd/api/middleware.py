"""An API key opens the API only: a page asked for with a key (and no session) is simply not there (404)."""

from django.http import JsonResponse


class KeysOnlyForApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header[:7].lower() == "bearer " and not request.path.startswith("/api/"):
            return JsonResponse({"code": "not_found", "message": "Khóa truy cập API chỉ dùng cho /api/v1/.",
                                 "errors": {}}, status=404)
        return self.get_response(request)
