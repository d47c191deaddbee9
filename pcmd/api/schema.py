"""drf-spectacular's schema, with the API's JSON error documented on every operation."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ERROR = inline_serializer("Error", {
    "code": serializers.CharField(help_text="Mã lỗi cố định (invalid, malformed, token_expired, quota_exceeded…)."),
    "message": serializers.CharField(help_text="Thông báo tiếng Việt."),
    "errors": serializers.DictField(help_text="Lỗi theo trường: tên trường → danh sách thông báo."),
})
ERROR_CODES = {
    "400": "Dữ liệu hoặc tham số không hợp lệ",
    "401": "Thiếu khóa, khóa sai, đã thu hồi hoặc hết hạn",
    "403": "Vai trò hoặc khóa không có quyền này",
    "404": "Không có, hoặc ngoài phạm vi của khóa",
    "405": "Phương thức không hỗ trợ",
    "409": "Mâu thuẫn (trạng thái, khóa lạc quan, dữ liệu đang được dùng)",
    "413": "Nội dung quá lớn",
    "415": "Kiểu nội dung không hỗ trợ",
    "429": "Vượt hạn mức của khóa (xem Retry-After)",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_CODES.items():
            if code not in responses:
                response = self._get_response_for_code(ERROR, code, ["application/json"], direction)
                response["description"] = description
                responses[code] = response
        return responses


ERROR_EXAMPLES = {
    "400": {"code": "invalid", "message": "Dữ liệu gửi lên không hợp lệ; xem từng trường trong errors.",
            "errors": {"name": ["Bắt buộc phải có."], "bogus": ["Trường không được hỗ trợ hoặc chỉ đọc."]}},
    "401": {"code": "token_expired", "message": "Khóa truy cập đã hết hạn; hãy tạo khóa mới.", "errors": {}},
    "403": {"code": "forbidden", "message": "Khóa truy cập hoặc vai trò của bạn không được thực hiện thao tác này.",
            "errors": {}},
    "404": {"code": "not_found", "message": "Không tìm thấy (hoặc nằm ngoài phạm vi của khóa truy cập).", "errors": {}},
    "405": {"code": "method_not_allowed", "message": "Phương thức này không được hỗ trợ ở địa chỉ này.", "errors": {}},
    "409": {"code": "wrong_state", "message": "Không thể “bắt đầu xác minh” khi tin đang ở trạng thái “Đang xác minh”.",
            "errors": {}},
    "413": {"code": "too_large", "message": "Nội dung gửi lên quá lớn (tối đa 2048 KB mỗi yêu cầu).", "errors": {}},
    "415": {"code": "unsupported_media_type",
            "message": "Kiểu nội dung không được hỗ trợ; hãy gửi Content-Type: application/json.", "errors": {}},
    "429": {"code": "quota_exceeded",
            "message": "Vượt hạn mức số yêu cầu mỗi phút của khóa; hãy thử lại sau 37 giây.", "errors": {}},
}
SAMPLES = {"date": "2026-06-01", "date-time": "2026-06-01T08:30:00+07:00", "uri": "https://pcmd.example.gov.vn/…",
           "email": "ten@example.gov.vn", "decimal": "12.50"}
NAMED = {"unit": "11311", "province": "31", "parent": "31", "hamlet": "11311.01", "code": "11311",
         "name": "Karaoke Hoàng Gia", "title": "Kế hoạch phòng, chống mại dâm năm 2026", "id": 812, "version": 3,
         "registration_number": "0201234567", "address": "Số 12 Trần Hưng Đạo", "type": "karaoke"}


def add_examples(result, generator, request, public):
    """Every operation gets examples: the JSON bodies built from their schema (named fields with realistic
    values) unless the view gave its own, and each error status its JSON error."""
    components = result.get("components", {}).get("schemas", {})
    for item in result.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if body is not None and "examples" not in body and "example" not in body:
                body["examples"] = {"Ví dụ": {"value": _example(body.get("schema", {}), components, True)}}
            for status, response in op["responses"].items():
                content = (response.get("content") or {}).get("application/json")
                if content is None or "examples" in content or "example" in content:
                    continue
                value = ERROR_EXAMPLES.get(status) or _example(content.get("schema", {}), components, False)
                content["examples"] = {"Ví dụ": {"value": value}}
    return result


def _example(schema, components, writing, depth=0, name=""):
    if depth > 6:
        return None
    if "$ref" in schema:
        return _example(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, writing, depth + 1, name)
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _example(options[0], components, writing, depth + 1, name)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        values = [v for v in schema["enum"] if v not in ("", None)]
        return values[0] if values else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out = {}
        for prop, sub in schema.get("properties", {}).items():
            if writing and sub.get("readOnly"):
                continue
            if not writing and sub.get("writeOnly"):
                continue
            out[prop] = _example(sub, components, writing, depth + 1, prop)
        return out
    if kind == "array":
        return [_example(schema.get("items", {}), components, writing, depth + 1, name)]
    if name in NAMED:
        return NAMED[name] if kind != "string" or isinstance(NAMED[name], str) else str(NAMED[name])
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    return SAMPLES.get(schema.get("format", ""), "…")


class KeyScheme(OpenApiAuthenticationExtension):
    """The key as an HTTP bearer token in the schema (`Authorization: Bearer pcmd_…`)."""

    target_class = "pcmd.api.framework.TokenAuthentication"
    name = "khoaTruyCap"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "pcmd_<mã nhận diện>_<bí mật>",
                "description": "Khóa tạo ở trang “Khóa truy cập API” (menu tài khoản)."}
