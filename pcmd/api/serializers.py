"""What each resource shows and takes (writes go through the apps' services, never straight to the model)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pcmd.enforcement.models import CriminalCase
from pcmd.geo.models import AdminUnit
from pcmd.hotspots.models import Hotspot
from pcmd.inspections.models import Sanction, Violation, ViolationType, Visit
from pcmd.org.models import Agency
from pcmd.outreach.models import Activity, ActivityKind, Course
from pcmd.plans.models import Plan, Target, Task, TaskProgress
from pcmd.reports.models import Report
from pcmd.tips.forms import STAFF_CHANNELS
from pcmd.tips.models import Tip, TipChannel
from pcmd.venues.models import Establishment, EstablishmentType

from .framework import StrictSerializer, UnitCodeField

COMMON = ["id", "updated_at", "version"]


def code_of(field: str):
    """A related unit shown by its code (the field of the same name)."""
    return serializers.SlugRelatedField(slug_field="code", read_only=True)


class ScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A related record by id, only among those the key may see (else "không tìm thấy")."""

    def __init__(self, **kwargs):
        self.model = kwargs.pop("model")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = str(data)
        if isinstance(data, bool) or not isinstance(data, int | str) or not (text.isascii() and text.isdigit()) \
                or not 0 < int(text) < 2**63:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)

    def get_queryset(self):
        view = self.context.get("view")
        if view is None:
            return self.model._default_manager.none()
        return view.scoped_units(self.model._default_manager.all(), "view")


class UnitSerializer(StrictSerializer):
    parent = code_of("parent")
    province = code_of("province")

    class Meta:
        model = AdminUnit
        fields = ["id", "code", "name", "division_type", "level", "parent", "province", "is_active", "updated_at"]


class AgencySerializer(StrictSerializer):
    unit = code_of("unit")
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = [*COMMON, "unit", "name", "short_name", "kind", "is_standing", "is_active"]


class PlanSerializer(StrictSerializer):
    unit = code_of("unit")

    class Meta:
        model = Plan
        fields = [*COMMON, "unit", "number", "title", "issuer", "issue_date", "kind", "period", "status", "parent"]


class TargetSerializer(StrictSerializer):
    class Meta:
        model = Target
        fields = [*COMMON, "plan", "section", "text", "metric", "comparator", "value", "value_max", "year",
                  "scope", "indicator"]


class TaskSerializer(StrictSerializer):
    lead_agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    partner_agencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    latest_progress = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [*COMMON, "plan", "ref", "title", "text", "due_date", "frequency", "timing", "lead_agencies",
                  "partner_agencies", "latest_progress"]

    def get_latest_progress(self, task) -> dict | None:
        latest = next(iter(task.progress.all()), None)  # prefetched, newest first
        return None if latest is None else {"date": latest.date, "status": latest.status, "note": latest.note}


class ProgressSerializer(StrictSerializer):
    class Meta:
        model = TaskProgress
        fields = ["id", "task", "date", "status", "note", "agency", "updated_at"]
        read_only_fields = ["id", "task", "agency", "updated_at"]


class EstablishmentSerializer(StrictSerializer):
    unit = UnitCodeField(help_text="Mã xã, phường (mã đơn vị hành chính).")
    hamlet = UnitCodeField(required=False, allow_null=True)
    type = serializers.SlugRelatedField(slug_field="code", queryset=EstablishmentType.objects.all(),
                                        help_text="Mã loại hình trong danh mục.")
    managing_agency = ScopedPrimaryKey(model=Agency, required=False, allow_null=True)
    confirm_duplicate = serializers.BooleanField(write_only=True, required=False, default=False,
                                                 help_text="Vẫn lưu khi có cơ sở có thể trùng.")

    class Meta:
        model = Establishment
        fields = [*COMMON, "unit", "name", "type", "address", "hamlet", "latitude", "longitude",
                  "registration_number", "licence_number", "licence_date", "licence_expiry",
                  "security_cert_number", "security_cert_date", "security_cert_expiry", "owner_name",
                  "owner_phone", "manager_name", "manager_phone", "managing_agency", "workers_total",
                  "workers_female", "status", "commitment_date", "notes", "confirm_duplicate"]
        read_only_fields = COMMON


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]", "example": "14:30"})
class ClockField(serializers.TimeField):
    """A time of day as HH:MM (OpenAPI's "time" format would need a UTC offset)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class ViolationSerializer(StrictSerializer):
    type = serializers.SlugRelatedField(slug_field="code", queryset=ViolationType.objects.filter(is_active=True))

    class Meta:
        model = Violation
        fields = ["type", "note"]


class SanctionSerializer(StrictSerializer):
    class Meta:
        model = Sanction
        fields = ["decision_number", "decision_date", "kind", "amount", "suspension_months", "target",
                  "individuals"]


class VisitSerializer(StrictSerializer):
    unit = code_of("unit")
    establishment = ScopedPrimaryKey(model=Establishment)
    time = ClockField(required=False, allow_null=True)
    violations = ViolationSerializer(many=True, required=False, context={"nested": True})
    sanctions = SanctionSerializer(many=True, required=False, context={"nested": True})

    class Meta:
        model = Visit
        fields = [*COMMON, "unit", "establishment", "date", "time", "kind", "result", "found_selling",
                  "found_buying", "found_brokering", "found_staff_no_papers", "follow_up_due", "follow_up_outcome",
                  "notes", "violations", "sanctions"]
        read_only_fields = [*COMMON, "unit"]


class HotspotSerializer(StrictSerializer):
    unit = code_of("unit")
    hamlet = code_of("hamlet")

    class Meta:
        model = Hotspot
        fields = [*COMMON, "unit", "name", "hamlet", "kind", "location", "url", "description", "first_identified",
                  "status", "status_since", "suppressed_on", "monitor_until", "reemergence_count"]


class CaseSerializer(StrictSerializer):
    unit = code_of("unit")

    class Meta:
        model = CriminalCase
        fields = [*COMMON, "unit", "number", "name", "offence", "offence_other", "detected_on", "initiated_on",
                  "indicted_on", "tried_on", "defendants", "victims", "minor_victims"]


class TipSerializer(StrictSerializer):
    """A tip without its reporter (the reporter's identity is never sent out by the API)."""

    unit = UnitCodeField(help_text="Mã xã, phường nơi xảy ra.")
    channel = serializers.ChoiceField(choices=TipChannel.choices, help_text="Nguồn tiếp nhận; “web” chỉ do trang "
                                      "công khai ghi, không nhận qua API.")
    establishment = ScopedPrimaryKey(model=Establishment, required=False, allow_null=True)
    is_anonymous = serializers.BooleanField(required=False, default=True)
    reporter_name = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200)
    reporter_contact = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=500)
    reporter_identity = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=100)

    class Meta:
        model = Tip
        fields = [*COMMON, "code", "unit", "channel", "received_at", "category", "kind", "summary", "description",
                  "location", "occurred_on", "occurred_when", "venue_name", "establishment", "online_link",
                  "is_anonymous", "reporter_name", "reporter_contact", "reporter_identity", "status",
                  "status_changed_at", "assigned_agency", "due_date", "extensions", "handled_on", "outcome",
                  "closed_at"]
        read_only_fields = [*COMMON, "code", "received_at", "status", "status_changed_at", "assigned_agency",
                            "due_date", "extensions", "handled_on", "outcome", "closed_at"]


    def validate_channel(self, value):
        if value not in dict(STAFF_CHANNELS):
            raise serializers.ValidationError("Nguồn “web” chỉ dành cho trang báo tin công khai.")
        return value


class ActivitySerializer(StrictSerializer):
    unit = UnitCodeField(help_text="Mã xã, phường thực hiện.")
    kind = serializers.SlugRelatedField(slug_field="code", queryset=ActivityKind.objects.filter(is_active=True))
    agency = ScopedPrimaryKey(model=Agency, required=False, allow_null=True)
    hamlets = serializers.SlugRelatedField(slug_field="code", many=True, required=False,
                                           queryset=AdminUnit.objects.filter(level="hamlet"))

    class Meta:
        model = Activity
        fields = [*COMMON, "unit", "date", "kind", "topic", "hamlets", "agency", "integ_drugs", "integ_hiv",
                  "integ_trafficking", "integ_gbv", "integ_social", "reach_residents", "reach_est_workers",
                  "reach_ip_workers", "reach_hs_students", "reach_uni_students", "reach_voc_students",
                  "reach_officials", "reach_high_risk", "leaflets", "panos", "links", "reach_note", "notes"]
        read_only_fields = COMMON


class CourseSerializer(StrictSerializer):
    unit = UnitCodeField(help_text="Mã tỉnh hoặc xã, phường tổ chức.")
    organiser = ScopedPrimaryKey(model=Agency, required=False, allow_null=True)

    class Meta:
        model = Course
        fields = [*COMMON, "unit", "title", "organiser", "level", "start_date", "end_date", "topics", "venue"]
        read_only_fields = COMMON


class ReportSerializer(StrictSerializer):
    unit = code_of("unit")
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Report
        fields = [*COMMON, "unit", "type", "year", "window_start", "window_end", "due_date", "status", "revision",
                  "first_submitted_at", "submitted_at", "approved_at"]
