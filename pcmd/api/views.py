"""The resources of /api/v1/ (see docs/api.md): read through scoped() narrowed to the key's units, written through
the apps' services and action tables, every error as JSON in Vietnamese."""

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from pcmd.core import actions as core_actions
from pcmd.core import imports
from pcmd.core import services as core_services
from pcmd.core.imports import ImportScope, Row
from pcmd.core.models import AccessLog
from pcmd.core.scoping import scoped
from pcmd.enforcement.models import CriminalCase
from pcmd.geo.models import AdminUnit
from pcmd.hotspots.models import Hotspot
from pcmd.inspections import services as inspection_services
from pcmd.inspections.models import Visit
from pcmd.org.models import Agency
from pcmd.outreach import services as outreach_services
from pcmd.outreach.importers import activities as activity_importer
from pcmd.outreach.models import Activity, Course
from pcmd.plans import services as plan_services
from pcmd.plans.models import Plan, Target, Task
from pcmd.reports.models import Report
from pcmd.tips import services as tip_services
from pcmd.tips.models import Tip
from pcmd.tips.selectors import can_see_identity
from pcmd.venues import services as venue_services
from pcmd.venues.importers import establishments as establishment_importer
from pcmd.venues.models import Establishment

from . import serializers as s
from .framework import Resource, UpdatedCursor, check_id, moment
from .models import Tombstone
from .signals import TRACKED

BULK_MAX_ROWS = 1000

LIST_PARAMS = [
    OpenApiParameter("fields", str, description="Chỉ trả các trường này, cách nhau bằng dấu phẩy (ví dụ id,name)."),
    OpenApiParameter("unit", str, description="Mã đơn vị (tỉnh hoặc xã) trong phạm vi của khóa: chỉ bản ghi của "
                                              "đơn vị đó và các đơn vị trực thuộc."),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME,
                     description="Chỉ bản ghi cập nhật từ thời điểm này (ISO 8601)."),
    OpenApiParameter("format", str, enum=["json", "csv", "ndjson"],
                     description="Định dạng: json (mặc định), csv, ndjson (một bản ghi một dòng)."),
]
PERIOD_PARAM = OpenApiParameter("period", str, description="Kỳ: 2026, 2026S1, 2026Q2, 202605 hoặc 2026-2030.")
DELETED_SERIALIZER = inline_serializer("DeletedPage", {
    "next": serializers.URLField(allow_null=True, help_text="Trang sau (con trỏ)."),
    "previous": serializers.URLField(allow_null=True),
    "results": inline_serializer("Deleted", many=True, fields={
        "id": serializers.CharField(help_text="Mã bản ghi đã xóa."),
        "deleted_at": serializers.DateTimeField(),
    }),
})
BULK_RESULT = inline_serializer("BulkResult", {
    "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
    "rejected": serializers.IntegerField(),
    "rows": serializers.ListField(child=inline_serializer("BulkRow", {
        "row": serializers.IntegerField(), "status": serializers.ChoiceField(["created", "updated", "rejected"]),
        "id": serializers.IntegerField(allow_null=True),
        "errors": serializers.ListField(child=inline_serializer("BulkRowError", {
            "field": serializers.CharField(), "message": serializers.CharField()})),
    })),
})
BULK_BODY = inline_serializer("BulkBody", {"rows": serializers.ListField(child=serializers.DictField())})


class DeletedCursor(UpdatedCursor):
    ordering = ("deleted_at", "id")


def list_docs(resource: str, *, period: bool = False, example=None):
    params = LIST_PARAMS + ([PERIOD_PARAM] if period else [])
    examples = [OpenApiExample(f"Một {resource}", value=example, response_only=True)] if example else []
    return extend_schema_view(
        list=extend_schema(summary=f"Danh sách {resource} (theo con trỏ)", parameters=params, examples=examples),
        retrieve=extend_schema(summary=f"Một {resource}", parameters=LIST_PARAMS[:1]),
        deleted=extend_schema(
            summary=f"{resource.capitalize()} đã xóa từ thời điểm `since`",
            parameters=[OpenApiParameter("since", OpenApiTypes.DATETIME, required=True,
                                         description="Thời điểm (ISO 8601) từ đó lấy các bản ghi đã xóa.")],
            responses=DELETED_SERIALIZER),
    )


class ReadResource(mixins.ListModelMixin, mixins.RetrieveModelMixin, Resource):
    list = Resource.list
    retrieve = Resource.retrieve

    @action(detail=False, methods=["get"], url_path="deleted", pagination_class=DeletedCursor)
    def deleted(self, request):
        raw = request.query_params.get("since", "")
        if not raw:
            raise exceptions.ValidationError({"since": ["Bắt buộc phải có (thời điểm ISO 8601)."]})
        label = self.queryset.model._meta.label_lower
        rows = Tombstone.objects.filter(model=label, deleted_at__gte=moment(raw, "since"))
        rows = scoped(rows, self.membership, "view", units=self.key_units(), module=self.module,
                      like=self.queryset.model)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([{"id": t.object_id, "deleted_at": t.deleted_at} for t in page])


def _register(*models):
    TRACKED.update(m._meta.label_lower for m in models)


# ---------------------------------------------------------------------------------------------- reference


@list_docs("đơn vị hành chính", example={"id": 12, "code": "11311", "name": "Phường Bạch Đằng",
                                          "division_type": "phường", "level": "commune", "parent": "31",
                                          "province": "31", "is_active": True,
                                          "updated_at": "2026-06-01T08:00:00+07:00"})
class UnitViewSet(ReadResource):
    """Đơn vị hành chính trong phạm vi của khóa."""

    queryset = AdminUnit.objects.select_related("parent", "province")
    serializer_class = s.UnitSerializer
    module = "geo"


@list_docs("cơ quan")
class AgencyViewSet(ReadResource):
    queryset = Agency.objects.select_related("unit", "kind")
    serializer_class = s.AgencySerializer
    module = "org"


@list_docs("kế hoạch", period=True)
class PlanViewSet(ReadResource):
    queryset = Plan.objects.select_related("unit")
    serializer_class = s.PlanSerializer
    module = "plans"
    date_field = "issue_date"


@list_docs("chỉ tiêu")
class TargetViewSet(ReadResource):
    queryset = Target.objects.all()
    serializer_class = s.TargetSerializer
    module = "plans"


@list_docs("nhiệm vụ")
class TaskViewSet(ReadResource):
    queryset = Task.objects.prefetch_related("lead_agencies", "partner_agencies", "progress")
    serializer_class = s.TaskSerializer
    module = "plans"

    @property
    def matrix_action(self):
        return "change" if self.action == "progress" else None

    @extend_schema(summary="Cập nhật tiến độ nhiệm vụ", request=s.ProgressSerializer,
                   responses={201: s.ProgressSerializer},
                   examples=[OpenApiExample("Tiến độ", value={"date": "2026-06-01", "status": "in_progress",
                                                              "note": "Đã tổ chức 2 hội nghị"}, request_only=True)])
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task = self.get_object()
        if not self.writable(task, "change"):
            raise exceptions.PermissionDenied()
        data = _valid(s.ProgressSerializer, request, self)
        with transaction.atomic():
            progress = plan_services.task_progress_add(task=task, membership=self.membership, **data)
        return Response(s.ProgressSerializer(progress, context=self.get_serializer_context()).data, status=201)


# ---------------------------------------------------------------------------------------------- writes


def _valid(serializer_class, request, view, instance=None, partial=False) -> dict:
    serializer = serializer_class(instance, data=request.data, partial=partial,
                                  context=view.get_serializer_context())
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class WriteResource(ReadResource):
    """create / update (PATCH) / delete through the app's services; the record must stay in the key's scope."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, instance, data: dict):
        raise NotImplementedError

    def delete_record(self, instance):
        core_services.record_delete(instance=instance)

    def _check_in_scope(self, obj, action: str):
        if not self.writable(obj, action):
            raise exceptions.NotFound()  # outside the key's units (or the row rules): as the pages, not there

    def create(self, request, *args, **kwargs):
        data = _valid(self.get_serializer_class(), request, self)
        with transaction.atomic():
            obj = self.create_record(data)
            self._check_in_scope(obj, "add")
        return Response(self.get_serializer(obj).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        self._check_in_scope(obj, "change")
        data = _valid(self.get_serializer_class(), request, self, obj, partial=True)
        with transaction.atomic():
            version = request.query_params.get("version")
            if version is not None:
                core_services.claim_version(obj, core_services.posted_version({"version": version}))
            obj = self.update_record(obj, data)
            self._check_in_scope(obj, "change")
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        self._check_in_scope(obj, "delete")
        with transaction.atomic():
            self.delete_record(obj)
        return Response(status=204)


def _write_docs(resource: str, example: dict):
    return extend_schema_view(
        create=extend_schema(summary=f"Thêm {resource}",
                             examples=[OpenApiExample(resource, value=example, request_only=True)]),
        partial_update=extend_schema(
            summary=f"Sửa {resource} (chỉ các trường gửi lên)",
            parameters=[OpenApiParameter("version", int, description="Phiên bản đã đọc (khóa lạc quan): "
                                                                     "409/400 nếu có người sửa sau đó.")]),
        destroy=extend_schema(summary=f"Xóa {resource}"),
    )


def _bulk(view, importer, request) -> Response:
    """Idempotent upsert of many rows through the Excel import's checks (core.imports): each row is matched to
    an existing record (registration number, or the importer's key), checked, and created or updated; the answer
    says per row what happened. Rows with errors are skipped; the rest are written in one transaction."""
    body = request.data
    rows_in = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows_in, list) or not rows_in:
        raise exceptions.ValidationError({"rows": ["Hãy gửi {\"rows\": [ {...}, ... ]} với ít nhất một dòng."]})
    if len(rows_in) > BULK_MAX_ROWS:
        raise exceptions.ValidationError({"rows": [f"Tối đa {BULK_MAX_ROWS} dòng mỗi lần gửi."]})
    fields = {c.field for c in importer.columns}
    rows = []
    for number, raw in enumerate(rows_in, start=1):
        row = Row(number=number, raw={})
        if not isinstance(raw, dict):
            row.error("", "mỗi dòng phải là một đối tượng JSON")
        else:
            unknown = sorted(set(raw) - fields)
            for name in unknown:
                row.error(name, "trường không được hỗ trợ")
            row.raw = {k: v for k, v in raw.items() if k in fields}
        rows.append(row)
    scope = KeyImportScope(unit=view.membership.unit, membership=view.membership, user=request.user,
                           units=view.key_units())
    header_field = {c.header: c.field for c in importer.columns}
    with transaction.atomic():
        pending = [r for r in rows if not r.errors]
        importer.check(pending, scope)
        good = [r for r in pending if not r.errors]
        importer.write([r.instance for r in good if not r.is_update], [r.instance for r in good if r.is_update],
                       keys=True)
        created = sum(1 for r in good if not r.is_update)
        updated = len(good) - created
        rejected = len(rows) - len(good)
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(importer.model), object_pk="",
            object_repr=f"API “{request.auth.name}”: thêm {created}, cập nhật {updated}, bỏ qua {rejected}",
            action=LogEntry.Action.CREATE, actor=request.user, cid=f"api:{request.auth.lookup}",
            changes={"import": ["API", f"{created} thêm, {updated} cập nhật, {len(rows) - len(good)} bỏ qua"]},
            additional_data={"unit": view.membership.unit_id,
                             "province": getattr(view.membership.unit, "province_id", None),
                             "api_token": request.auth.label})
    out = []
    for r in rows:
        if r.errors:
            out.append({"row": r.number, "status": "rejected", "id": None,
                        "errors": [{"field": header_field.get(c, c), "message": m} for c, m in r.errors]})
        else:
            out.append({"row": r.number, "status": "updated" if r.is_update else "created", "id": r.instance.pk,
                        "errors": []})
    return Response({"created": created, "updated": updated, "rejected": len(rows) - len(good), "rows": out})


class KeyImportScope(ImportScope):
    """The import's scope narrowed to the key's units."""

    def __init__(self, *, units=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def queryset(self, qs, action="view"):
        return scoped(qs, self.membership, action, units=self.units)


BULK_DOCS = dict(request=BULK_BODY, responses=BULK_RESULT)


@list_docs("cơ sở kinh doanh")
@_write_docs("cơ sở kinh doanh", {"unit": "11311", "name": "Karaoke Hoàng Gia", "type": "karaoke",
                                  "address": "Số 12 Trần Hưng Đạo", "registration_number": "0201234567"})
class EstablishmentViewSet(WriteResource):
    queryset = Establishment.objects.select_related("unit", "hamlet", "type")
    serializer_class = s.EstablishmentSerializer
    module = "venues"

    def create_record(self, data):
        return venue_services.establishment_create(membership=self.membership, data=data)

    def update_record(self, instance, data):
        return venue_services.establishment_update(instance=instance, data=data, membership=self.membership)

    def delete_record(self, instance):
        venue_services.establishment_delete(instance=instance)

    @property
    def matrix_action(self):
        return "add" if self.action == "bulk" else None

    @extend_schema(summary="Thêm hoặc cập nhật nhiều cơ sở (theo số đăng ký kinh doanh)", **BULK_DOCS,
                   examples=[OpenApiExample("Hai cơ sở", request_only=True, value={"rows": [
                       {"name": "Karaoke Hoàng Gia", "type": "Karaoke", "address": "Số 12 Trần Hưng Đạo",
                        "unit": "11311", "registration_number": "0201234567", "workers_total": 12},
                       {"name": "Nhà nghỉ Bình An", "type": "Nhà nghỉ", "address": "Số 3 Lê Lợi", "unit": "11311",
                        "registration_number": "0207654321"}]})])
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        return _bulk(self, establishment_importer, request)


@list_docs("lượt kiểm tra", period=True)
@_write_docs("lượt kiểm tra", {"establishment": 1, "date": "2026-05-20", "result": "violations",
                               "violations": [{"type": "khong-dang-ky-luu-tru", "note": ""}],
                               "sanctions": [{"kind": "fine", "amount": 5000000, "decision_date": "2026-05-21"}]})
class VisitViewSet(WriteResource):
    queryset = Visit.objects.select_related("unit").prefetch_related("violations__type", "sanctions")
    serializer_class = s.VisitSerializer
    module = "inspections"
    date_field = "date"

    def create_record(self, data):
        violations, sanctions = data.pop("violations", []), data.pop("sanctions", [])
        return inspection_services.visit_create(membership=self.membership, data=data, violations=violations,
                                                sanctions=sanctions, user=self.request.user)

    def update_record(self, instance, data):
        violations = data.pop("violations", None)
        sanctions = data.pop("sanctions", None)
        full = {name: getattr(instance, name) for name in inspection_services.VISIT_FIELDS}
        full.update(data)
        if violations is None:
            violations = [{"type": v.type, "note": v.note} for v in instance.violations.all()]
        if sanctions is None:
            sanctions = [{n: getattr(x, n) for n in inspection_services.SANCTION_FIELDS}
                         for x in instance.sanctions.all()]
        return inspection_services.visit_update(membership=self.membership, instance=instance, data=full,
                                                violations=violations, sanctions=sanctions)


@list_docs("điểm, tụ điểm")
class HotspotViewSet(ReadResource):
    queryset = Hotspot.objects.select_related("unit", "hamlet")
    serializer_class = s.HotspotSerializer
    module = "hotspots"


@list_docs("vụ án", period=True)
class CaseViewSet(ReadResource):
    queryset = CriminalCase.objects.select_related("unit")
    serializer_class = s.CaseSerializer
    module = "enforcement"
    date_field = "detected_on"


# ---------------------------------------------------------------------------------------------- tips


ACTION_BODY = inline_serializer("TipActionBody", {
    "reason": serializers.CharField(required=False, help_text="Lý do / nội dung (tùy bước)."),
})


@list_docs("tin báo", period=True)
@extend_schema_view(create=extend_schema(
    summary="Tiếp nhận tin báo (phần mềm đường dây nóng)",
    examples=[OpenApiExample("Tin qua đường dây nóng", request_only=True, value={
        "unit": "11311", "channel": "hotline", "summary": "Nghi có hoạt động mại dâm tại quán karaoke",
        "description": "Người gọi phản ánh có người môi giới tại quán karaoke X từ 22h.",
        "is_anonymous": True})]))
class TipViewSet(ReadResource, mixins.CreateModelMixin):
    """Tin báo: đọc theo phạm vi (không kèm danh tính người báo), tiếp nhận, và các bước xử lý."""

    queryset = Tip.objects.select_related("unit")
    serializer_class = s.TipSerializer
    module = "tips"
    date_field = "received_at__date"

    @property
    def matrix_action(self):
        if self.action == "workflow":
            slug = self.kwargs.get("slug", "")
            found = core_actions.actions_for(Tip).get(slug)
            return found.permission if found else "change"
        return None

    def after_list(self, count):
        AccessLog.record_list(membership=self.membership, model=Tip, count=count,
                              query=self.request.META.get("QUERY_STRING", ""), detail="API")

    def after_read(self, obj):
        AccessLog.record(membership=self.membership, obj=obj, detail="API")

    def create(self, request, *args, **kwargs):
        data = _valid(s.TipSerializer, request, self)
        if not can_see_identity(self.membership):
            for name in ("reporter_name", "reporter_contact", "reporter_identity"):
                if data.get(name):
                    raise exceptions.ValidationError({name: ["Vai trò của bạn không ghi được danh tính người báo."]})
        with transaction.atomic():
            tip = tip_services.tip_create_staff(membership=self.membership, data=data)
            if not self.writable(tip, "add"):
                raise exceptions.NotFound()
        return Response(self.get_serializer(tip).data, status=201)

    @extend_schema(
        summary="Một bước xử lý tin báo (xac-minh, phan-loai, giao-xu-ly, ket-qua, dong, gia-han, chuyen, nhan-tin…)",
        request=ACTION_BODY, responses=s.TipSerializer,
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH,
                                     enum=sorted(core_actions.actions_for(Tip)) or None)],
        examples=[OpenApiExample("Bắt đầu xác minh", request_only=True, value={"reason": "Đã cử cán bộ xác minh"})])
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<slug>[a-z-]+)")
    def workflow(self, request, pk=None, slug=None):
        return run_action(self, Tip, request, pk, slug)


def run_action(view, model, request, pk, slug):
    """One step of the app's action table (core.actions), with the same form, service, states and re-checks as
    the page; the record found through scoped() narrowed to the key's units."""
    pk = check_id(pk)
    found = core_actions.actions_for(model).get(slug)
    if found is None or found.result_template:
        raise exceptions.NotFound()
    obj = scoped(found.records(), view.membership, found.finds(), units=view.key_units()).filter(pk=pk).first()
    if obj is None:
        raise exceptions.NotFound()
    if not scoped(model._default_manager.filter(pk=obj.pk), view.membership, found.writes(),
                  units=view.key_units()).exists():
        raise exceptions.PermissionDenied()
    if not found.allowed_from(obj):
        reason = found.refused(obj) if found.refused else "Không thể thực hiện thao tác này ở trạng thái hiện tại."
        return Response({"code": "wrong_state", "message": reason, "errors": {}}, status=409)
    body = request.data if isinstance(request.data, dict) else None
    if body is None:
        raise exceptions.ValidationError({"non_field_errors": ["Nội dung phải là một đối tượng JSON."]})
    django_request = request._request
    posted = QueryDict(mutable=True)
    for key, value in body.items():
        if isinstance(value, list):
            posted.setlist(key, [str(v) for v in value])
        elif isinstance(value, bool):
            if value:
                posted[key] = "on"
        elif value is not None:
            posted[key] = str(value)
    if found.versioned and "version" not in posted:
        posted["version"] = str(obj.version)
    django_request.POST = posted
    make_form = found.form or (lambda obj, request, data=None, files=None: core_actions.ConfirmForm(data))
    form = make_form(obj, django_request, data=posted, files=None)
    unknown = sorted(set(posted) - set(form.fields) - {"version"})
    if unknown:
        raise exceptions.ValidationError({name: ["Trường không được hỗ trợ ở bước này."] for name in unknown})
    if not form.is_valid():
        raise exceptions.ValidationError({k: list(v) for k, v in form.errors.items()})
    with transaction.atomic():
        done, result = core_actions._run(found, obj, form, django_request)
        if not done:
            errors = {k: list(v) for k, v in form.errors.items()}
            raise exceptions.ValidationError({("non_field_errors" if k == "__all__" else k): v
                                              for k, v in errors.items()})
        if found.log_reads:
            AccessLog.record(membership=view.membership, obj=obj, action="workflow", detail=f"API: {found.label}")
    obj.refresh_from_db()
    return Response(view.get_serializer(obj).data)


# ---------------------------------------------------------------------------------------------- outreach


@list_docs("hoạt động tuyên truyền", period=True)
@_write_docs("hoạt động tuyên truyền", {"unit": "11311", "date": "2026-05-10", "kind": "hoi-nghi",
                                        "topic": "Tuyên truyền Luật Phòng, chống mại dâm", "reach_residents": 120})
class ActivityViewSet(WriteResource):
    queryset = Activity.objects.select_related("unit", "kind").prefetch_related("hamlets")
    serializer_class = s.ActivitySerializer
    module = "outreach"
    date_field = "date"

    def create_record(self, data):
        return outreach_services.activity_create(membership=self.membership, data=data)

    def update_record(self, instance, data):
        return outreach_services.activity_update(instance=instance, data=data)

    def delete_record(self, instance):
        outreach_services.activity_delete(instance=instance)

    @property
    def matrix_action(self):
        return "add" if self.action == "bulk" else None

    @extend_schema(summary="Thêm hoặc cập nhật nhiều hoạt động (cùng xã, ngày, hình thức, chủ đề = cập nhật)",
                   **BULK_DOCS, examples=[OpenApiExample("Một hoạt động", request_only=True, value={"rows": [
                       {"date": "10/05/2026", "unit": "11311", "kind": "Hội nghị, hội thảo, họp dân",
                        "topic": "Tuyên truyền Luật Phòng, chống mại dâm", "reach_residents": 120}]})])
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        return _bulk(self, activity_importer, request)


@list_docs("lớp tập huấn", period=True)
@_write_docs("lớp tập huấn", {"unit": "31", "title": "Tập huấn kỹ năng hỗ trợ", "level": "province",
                              "start_date": "2026-04-02", "end_date": "2026-04-03"})
class CourseViewSet(WriteResource):
    queryset = Course.objects.select_related("unit")
    serializer_class = s.CourseSerializer
    module = "outreach"
    date_field = "start_date"

    def create_record(self, data):
        return outreach_services.course_create(membership=self.membership, data=data)

    def update_record(self, instance, data):
        return outreach_services.course_update(instance=instance, data=data)

    @property
    def matrix_action(self):
        return "add" if self.action == "bulk" else None

    @extend_schema(summary="Thêm nhiều lớp tập huấn (mỗi dòng kiểm tra như một lần thêm)", **BULK_DOCS)
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        rows_in = request.data.get("rows") if isinstance(request.data, dict) else None
        if not isinstance(rows_in, list) or not rows_in or len(rows_in) > BULK_MAX_ROWS:
            raise exceptions.ValidationError({"rows": [f"Hãy gửi từ 1 đến {BULK_MAX_ROWS} dòng."]})
        out, created = [], 0
        for number, raw in enumerate(rows_in, start=1):
            serializer = s.CourseSerializer(data=raw, context=self.get_serializer_context())
            errors = []
            try:
                serializer.is_valid(raise_exception=True)
                with transaction.atomic():
                    obj = self.create_record(dict(serializer.validated_data))
                    self._check_in_scope(obj, "add")
                out.append({"row": number, "status": "created", "id": obj.pk, "errors": []})
                created += 1
                continue
            except exceptions.ValidationError as exc:
                detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
                errors = [{"field": k, "message": str(m)} for k, ms in detail.items() for m in ms]
            except Exception as exc:  # a service's ValidationError (Django) or out of scope
                messages = getattr(exc, "message_dict", None) or {"": getattr(exc, "messages", [str(exc)])}
                errors = [{"field": k, "message": str(m)} for k, ms in messages.items() for m in ms]
            out.append({"row": number, "status": "rejected", "id": None, "errors": errors})
        return Response({"created": created, "updated": 0, "rejected": len(out) - created, "rows": out})


# ---------------------------------------------------------------------------------------------- reports


@list_docs("báo cáo", period=True)
class ReportViewSet(ReadResource):
    queryset = Report.objects.select_related("unit", "type")
    serializer_class = s.ReportSerializer
    module = "reports"
    date_field = "window_end"

    @property
    def matrix_action(self):
        return "change" if self.action == "submit" else None

    @extend_schema(summary="Gửi báo cáo (như nút “Gửi báo cáo”: số liệu được chốt)", request=None,
                   responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return run_action(self, Report, request, pk, "gui")


_register(AdminUnit, Agency, Plan, Target, Task, Establishment, Visit, Hotspot, CriminalCase, Tip, Activity, Course,
          Report)

__all__ = ["datetime", "imports", "timezone"]
