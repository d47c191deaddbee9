"""The OpenAPI 3 schema and a documentation page rendered from it (no script, no CDN: the CSP holds)."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

_cache: dict = {}


def build_schema() -> dict:
    if "schema" not in _cache:
        _cache["schema"] = SchemaGenerator(patterns=None, urlconf="pcmd.urls").get_schema(request=None, public=True)
    return _cache["schema"]


@require_GET
def schema(request):
    """GET /api/v1/schema/: the OpenAPI 3 document (JSON)."""
    body = OpenApiJsonRenderer().render(build_schema(), renderer_context={})
    return HttpResponse(body, content_type="application/vnd.oai.openapi+json; charset=utf-8")


@csrf_exempt  # an API address (no session, no CSRF cookie): a POST gets the JSON 404 too
def not_found(request):
    """Any /api/v1/ address that is not a resource: the API's JSON 404."""
    return JsonResponse({"code": "not_found", "message": "Không có địa chỉ này trong API (xem /api/v1/docs/).",
                         "errors": {}}, status=404)


METHODS = ("get", "post", "put", "patch", "delete")


@require_GET
def docs(request):
    """GET /api/v1/docs/: every operation with its parameters, body and examples, in Vietnamese."""
    spec = build_schema()
    groups: dict[str, list] = {}
    for route, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            tag = (op.get("tags") or ["khác"])[0]
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
            examples = [(name, _json(ex.get("value"))) for name, ex in (body.get("examples") or {}).items()]
            for status, response in (op.get("responses") or {}).items():
                if not status.startswith("2"):
                    continue  # the errors' examples: once, at the top of the page
                content = (response.get("content") or {}).get("application/json", {})
                for name, ex in (content.get("examples") or {}).items():
                    examples.append((f"{name} ({status})", _json(ex.get("value"))))
            groups.setdefault(tag, []).append({
                "method": method.upper(), "path": route, "summary": op.get("summary") or op.get("operationId", ""),
                "description": op.get("description", ""),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "description": p.get("description", "")} for p in op.get("parameters", [])],
                "body": bool(body), "examples": examples, "anchor": op.get("operationId", ""),
                "statuses": sorted(op.get("responses", {})),
            })
    from .schema import ERROR_CODES, ERROR_EXAMPLES

    errors = [(code, ERROR_CODES[code], _json(ERROR_EXAMPLES[code])) for code in ERROR_CODES]
    return render(request, "api/docs.html", {"groups": sorted(groups.items()), "info": spec.get("info", {}),
                                             "errors": errors})


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
