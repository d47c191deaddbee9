"""drf-spectacular's schema, with the API's JSON error documented on every operation."""

from drf_spectacular import openapi
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
