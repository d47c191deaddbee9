"""The API's machinery: key authentication, permissions (matrix AND key), quotas, cursor paging, `fields=`,
CSV / NDJSON, JSON errors in Vietnamese, and the base of every resource (scoped like the pages)."""

import csv
import datetime
import io
import json
import time

from auditlog.cid import correlation_id
from auditlog.context import auditlog_value
from django.conf import settings
from django.core import exceptions as django_exceptions
from django.core.cache import cache
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import exceptions, pagination, renderers, serializers, status, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from pcmd.core.periods import Period, PeriodError
from pcmd.core.scoping import chosen_unit, scoped, within
from pcmd.org.permissions import allowed

from .models import ApiToken
from .tokens import TokenError, token_resolve

MAX_BODY_BYTES = int(getattr(settings, "API_MAX_BODY_BYTES", 2 * 1024 * 1024))
METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}


# ---------------------------------------------------------------------------------------------- authentication


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer pcmd_<lookup>_<secret>` → (user, token); request.membership = the key's seat,
    marked with the key so the access log and the audit log tell the key's calls from its owner's."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        kind, _, raw = header.partition(" ")
        if kind.lower() != "bearer" or not raw.strip():
            raise exceptions.AuthenticationFailed("Hãy gửi khóa trong tiêu đề Authorization: Bearer pcmd_…",
                                                  code="token_invalid")
        try:
            token = token_resolve(raw.strip())
        except TokenError as exc:
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from exc
        membership = token.membership
        membership.api_token = token
        membership.api_token_label = token.label
        request._request.membership = membership
        request._request.memberships = [membership]
        request._request.api_token = token
        try:  # django-auditlog: this request's changes are the key owner's, through this key
            auditlog_value.get()["actor"] = token.user
        except LookupError:
            pass
        correlation_id.set(f"api:{token.lookup}")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="pcmd-api"'


# ---------------------------------------------------------------------------------------------- permissions


class KeyAndMatrix(BasePermission):
    """The role's matrix AND the key's narrower actions, for the view's module and the method's action."""

    message = "Khóa truy cập hoặc vai trò của bạn không được thực hiện thao tác này."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated("Hãy gửi khóa truy cập: Authorization: Bearer pcmd_…")
        module = view.module
        action = getattr(view, "matrix_action", None) or METHOD_ACTIONS.get(request.method, "view")
        return allowed(token.membership.role, module, action) and token.allows(module, action)


# ---------------------------------------------------------------------------------------------- quotas


class KeyQuota(BaseThrottle):
    """N requests per minute per key (ApiToken.rate_per_minute), counted in the cache (Redis in production):
    a fixed one-minute window; over it, 429 with Retry-After = the seconds left in the window."""

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        now = time.time()
        window = int(now // 60)
        key = f"api-quota:{token.pk}:{window}"
        cache.add(key, 0, timeout=70)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=70)
            count = 1
        self._wait = 60 - (now % 60)
        request._request.api_quota = (token.rate_per_minute, max(token.rate_per_minute - count, 0))
        return count <= token.rate_per_minute

    def wait(self):
        return self._wait


# ---------------------------------------------------------------------------------------------- errors

# DRF's error codes in Vietnamese (the serializers' own messages are in English).
CODE_MESSAGES = {
    "required": "Bắt buộc phải có.",
    "null": "Không được để trống.",
    "blank": "Không được để trống.",
    "invalid": "Giá trị không hợp lệ.",
    "max_length": "Quá dài.",
    "min_length": "Quá ngắn.",
    "max_value": "Quá lớn.",
    "min_value": "Quá nhỏ.",
    "max_digits": "Quá nhiều chữ số.",
    "max_decimal_places": "Quá nhiều chữ số thập phân.",
    "max_whole_digits": "Quá nhiều chữ số phần nguyên.",
    "invalid_choice": "Giá trị không có trong danh sách cho phép.",
    "does_not_exist": "Không tìm thấy (hoặc ngoài phạm vi của khóa).",
    "incorrect_type": "Sai kiểu dữ liệu.",
    "not_a_list": "Phải là một danh sách.",
    "empty": "Danh sách không được rỗng.",
    "date": "Phải là ngày (YYYY-MM-DD).",
    "datetime": "Phải là thời điểm ISO 8601.",
    "make_aware": "Thời điểm không hợp lệ ở múi giờ Việt Nam.",
    "overflow": "Ngày nằm ngoài khoảng cho phép.",
    "max_string_length": "Số quá lớn.",
    "unique": "Đã có bản ghi với giá trị này.",
}
STATUS_CODES = {
    400: ("invalid", "Dữ liệu gửi lên không hợp lệ."),
    401: ("not_authenticated", "Hãy gửi khóa truy cập hợp lệ: Authorization: Bearer pcmd_…"),
    403: ("forbidden", "Khóa truy cập hoặc vai trò của bạn không được thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy (hoặc nằm ngoài phạm vi của khóa truy cập)."),
    405: ("method_not_allowed", "Phương thức này không được hỗ trợ ở địa chỉ này."),
    406: ("not_acceptable", "Định dạng yêu cầu không được hỗ trợ; hãy dùng json, csv hoặc ndjson."),
    409: ("conflict", "Không lưu được vì mâu thuẫn với dữ liệu đã có."),
    413: ("too_large", "Nội dung gửi lên quá lớn."),
    415: ("unsupported_media_type", "Kiểu nội dung không được hỗ trợ; hãy gửi Content-Type: application/json."),
    429: ("quota_exceeded", "Vượt hạn mức số yêu cầu mỗi phút của khóa; hãy thử lại sau."),
}


def _vietnamese(detail):
    """DRF error details → Vietnamese strings, keeping the structure (field → list of messages)."""
    if isinstance(detail, dict):
        return {str(k): _vietnamese(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_vietnamese(v) for v in detail]
    code = getattr(detail, "code", None)
    text = str(detail)
    if code in CODE_MESSAGES and not _is_vietnamese(text):
        return CODE_MESSAGES[code]
    return text


def _is_vietnamese(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)


def _flat(errors) -> list:
    if isinstance(errors, dict):
        return [m for v in errors.values() for m in _flat(v)]
    if isinstance(errors, list):
        return [m for v in errors for m in _flat(v)]
    return [errors]


def error_response(status_code: int, code: str = "", message: str = "", errors=None, headers=None) -> Response:
    default_code, default_message = STATUS_CODES.get(status_code, ("error", "Có lỗi."))
    body = {"code": code or default_code, "message": message or default_message, "errors": errors or {}}
    return Response(body, status=status_code, headers=headers)


class TooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


def exception_handler(exc, context):
    """Every error as {code, message (Vietnamese), errors (field → messages)}; never a 500 for bad input."""
    if isinstance(exc, django_exceptions.RequestDataTooBig):
        exc = TooLarge()
    if isinstance(exc, django_exceptions.ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        errors = {("non_field_errors" if k == "__all__" else k): v for k, v in errors.items()}
        return error_response(400, "invalid", _flat(errors)[0] if _flat(errors) else "", errors)
    if isinstance(exc, ProtectedError):
        return error_response(409, "protected", "Còn dữ liệu khác đang dùng bản ghi này; hãy gỡ liên kết trước.")
    if isinstance(exc, IntegrityError):
        return error_response(409)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return error_response(404)
    if isinstance(exc, django_exceptions.PermissionDenied):
        message = str(exc) if _is_vietnamese(str(exc)) else ""
        return error_response(403, "forbidden", message)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = STATUS_CODES.get(response.status_code, ("error", ""))[0]
    message = ""
    errors = {}
    detail = getattr(exc, "detail", None)
    if isinstance(exc, exceptions.ValidationError):
        errors = _vietnamese(detail if isinstance(detail, dict) else {"non_field_errors": detail})
        flat = _flat(errors)
        message = flat[0] if len(flat) == 1 else "Dữ liệu gửi lên không hợp lệ; xem từng trường trong errors."
    elif isinstance(exc, exceptions.AuthenticationFailed):
        code = getattr(detail, "code", "") or "token_invalid"
        message = str(detail) if _is_vietnamese(str(detail)) else STATUS_CODES[401][1]
        if code == "authentication_failed":
            code = "token_invalid"
    elif isinstance(exc, exceptions.ParseError):
        code, message = "malformed", "Nội dung không phải JSON hợp lệ."
    elif isinstance(exc, exceptions.Throttled):
        message = f"Vượt hạn mức số yêu cầu mỗi phút của khóa; hãy thử lại sau {int(exc.wait or 1)} giây."
    elif detail is not None and _is_vietnamese(str(detail)):
        message = str(detail)
    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    return error_response(response.status_code, code, message, errors, headers)


# ---------------------------------------------------------------------------------------------- formats


class NDJSONRenderer(renderers.BaseRenderer):
    """One JSON object a line (a list's records; the next page is in the Link header)."""

    media_type = "application/x-ndjson"
    format = "ndjson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = _rows(data)
        encoder = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":"))
        # An empty page is one empty line (DRF drops the Content-Type of an empty body).
        return "".join(encoder.encode(row) + "\n" for row in rows).encode() or b"\n"


class CSVRenderer(renderers.BaseRenderer):
    """A list's records as CSV (UTF-8 with BOM, for Excel); nested values as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = _rows(data)
        out = io.StringIO()
        out.write("\ufeff")
        if rows:
            headers = list(rows[0].keys())
            writer = csv.writer(out)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([_cell(row.get(h)) for h in headers])
        return out.getvalue().encode()


def _rows(data) -> list:
    if isinstance(data, dict) and "results" in data:
        return data["results"]
    if isinstance(data, list):
        return data
    return [data]


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _numeric(text) else text  # no formula injection


def _numeric(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------- paging


class UpdatedCursor(pagination.CursorPagination):
    """Cursor paging on (updated_at, id): stable while records change; `page_size` up to 10,000."""

    ordering = ("updated_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 10_000
    cursor_query_description = "Con trỏ trang (lấy từ `next` của trang trước)."
    page_size_query_description = "Số bản ghi mỗi trang (mặc định 100, tối đa 10.000)."

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = []
        if response.data.get("next"):
            links.append(f'<{response.data["next"]}>; rel="next"')
        if response.data.get("previous"):
            links.append(f'<{response.data["previous"]}>; rel="prev"')
        if links:
            response["Link"] = ", ".join(links)
        return response

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            raise exceptions.ValidationError({"cursor": ["Con trỏ trang không hợp lệ."]}) from exc

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError({"page_size": [f"Phải là số nguyên từ 1 đến {self.max_page_size}."]})
        return int(raw)


# ---------------------------------------------------------------------------------------------- serializers


class StrictSerializer(serializers.ModelSerializer):
    """A resource's fields: unknown fields in a write are refused (not silently dropped), and `?fields=a,b`
    keeps only the fields asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        wanted = getattr(request, "query_params", {}).get("fields") if request is not None else None
        if wanted and request.method == "GET" and not self.context.get("nested"):
            names = [n.strip() for n in wanted.split(",") if n.strip()]
            unknown = [n for n in names if n not in self.fields]
            if unknown:
                raise exceptions.ValidationError({"fields": [f"Không có trường: {', '.join(unknown)}."]})
            for name in list(self.fields):
                if name not in names:
                    self.fields.pop(name)

    def get_fields(self):
        """Read-only choices may be blank and nullable columns null, as stored (the schema says so too)."""
        fields = super().get_fields()
        model = getattr(getattr(self, "Meta", None), "model", None)
        for name, field in fields.items():
            model_field = _model_field(model, field.source or name)
            if model_field is None:
                continue
            if field.read_only and isinstance(field, serializers.ChoiceField) and model_field.blank:
                field.allow_blank = True
            if field.read_only and model_field.null:
                field.allow_null = True
        return fields

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Nội dung phải là một đối tượng JSON."]})
        writable = {name for name, f in self.fields.items() if not f.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            raise exceptions.ValidationError({name: ["Trường không được hỗ trợ hoặc chỉ đọc."] for name in unknown})
        return super().to_internal_value(data)


def _model_field(model, name: str):
    if model is None or "." in name:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


class UnitCodeField(serializers.SlugRelatedField):
    """A unit by its official code, only among the units the key may reach."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def get_queryset(self):
        from pcmd.geo.models import AdminUnit

        view = self.context.get("view")
        request = self.context.get("request")
        if view is None or request is None or self.read_only:
            return AdminUnit.objects.all()
        return view.scoped_units(AdminUnit.objects.all(), "view")


# ---------------------------------------------------------------------------------------------- resources


class Resource(viewsets.GenericViewSet):
    """A resource of /api/v1/: the model's `module` in the matrix, scoped by the key's seat and units."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [KeyAndMatrix]
    throttle_classes = [KeyQuota]
    pagination_class = UpdatedCursor
    renderer_classes = [renderers.JSONRenderer, CSVRenderer, NDJSONRenderer]
    module = ""
    date_field = ""  # the date `period=` filters on
    lookup_value_regex = "[0-9]+"

    # --- scope
    @property
    def membership(self):
        return self.request.membership

    @property
    def token(self) -> ApiToken:
        return self.request.auth

    def key_units(self):
        return self.token.unit_list()

    def scoped_units(self, queryset, action="view"):
        return scoped(queryset, self.membership, action, units=self.key_units())

    def base_queryset(self):
        return self.queryset.all()

    def get_queryset(self):
        action = "view"
        return self.filter(scoped(self.base_queryset(), self.membership, action, units=self.key_units()))

    def get_object(self):
        check_id(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        return super().get_object()

    def writable(self, obj, action="change") -> bool:
        model = type(obj)
        return scoped(model._default_manager.filter(pk=obj.pk), self.membership, action,
                      units=self.key_units()).exists()

    # --- filters (unit, period, updated_since)
    def filter(self, queryset):
        params = self.request.query_params
        raw_unit = params.get("unit", "")
        if raw_unit:
            unit = chosen_unit(self.membership, raw_unit, units=self.key_units())
            queryset = within(queryset, unit)
        since = params.get("updated_since", "")
        if since:
            queryset = queryset.filter(updated_at__gte=_moment(since, "updated_since"))
        period = params.get("period", "")
        if period and self.date_field:
            try:
                found = Period.parse(period)
            except PeriodError as exc:
                raise exceptions.ValidationError({"period": [str(exc)]}) from exc
            queryset = queryset.filter(**{f"{self.date_field}__range": (found.start, found.end)})
        return queryset

    # --- body size
    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isascii() and length.isdigit() and int(length) > MAX_BODY_BYTES:
            raise TooLarge(f"Nội dung gửi lên quá lớn (tối đa {MAX_BODY_BYTES // 1024} KB mỗi yêu cầu).")
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:  # errors are JSON whatever format the list was asked in
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        quota = getattr(request._request, "api_quota", None)
        if quota:
            response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"] = str(quota[0]), str(quota[1])
        return response

    # --- generic list / detail
    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page, many=True).data
        self.after_list(len(page))
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.after_read(obj)
        return Response(self.get_serializer(obj).data)

    def after_list(self, count: int) -> None:
        """A sensitive resource logs its lists (AccessLog.record_list)."""

    def after_read(self, obj) -> None:
        """A sensitive resource logs its reads (AccessLog.record)."""


MAX_ID = 2**63 - 1


def check_id(raw) -> int:
    """A record id from the path: digits within the database's range, else simply not there (404)."""
    text = str(raw or "")
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        raise exceptions.NotFound()
    return int(text)


def _moment(raw: str, name: str):
    value = None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = datetime.datetime.combine(day, datetime.time())
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise exceptions.ValidationError({name: ["Phải là thời điểm ISO 8601, ví dụ 2026-06-01T00:00:00+07:00."]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def moment(raw: str, name: str):
    return _moment(raw, name)


def status_for(code: int) -> int:
    return code or status.HTTP_200_OK


__all__ = ["api_settings"]
