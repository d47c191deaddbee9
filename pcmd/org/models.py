"""Agencies, memberships and roles."""

from django.conf import settings
from django.db import models

from pcmd.core.models import Searchable, TrackedModel, UnitScopedModel


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    COORDINATOR = "coordinator", "Cơ quan thường trực"
    AGENCY_OFFICER = "agency_officer", "Cán bộ ban, ngành"
    POLICE_OFFICER = "police_officer", "Cán bộ công an"
    INSPECTOR = "inspector", "Thành viên Đội kiểm tra liên ngành 178"
    CASE_WORKER = "case_worker", "Cán bộ quản lý trường hợp"
    SUPPORT_SUPERVISOR = "support_supervisor", "Giám sát hỗ trợ"
    LEADER = "leader", "Lãnh đạo (xem báo cáo)"


# Roles that handle sensitive support data or the whole system: two-factor login is required.
TWO_FACTOR_ROLES = {Role.ADMIN, Role.CASE_WORKER, Role.SUPPORT_SUPERVISOR}


class AgencyLevel(models.TextChoices):
    NATIONAL = "national", "Trung ương"
    PROVINCE = "province", "Cấp tỉnh"
    COMMUNE = "commune", "Cấp xã"


class AgencyKind(models.Model):
    """A kind of agency in the catalogue (Sở Y tế, Công an xã…), instantiated per unit."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên", max_length=200)
    level = models.CharField("Cấp", max_length=10, choices=AgencyLevel.choices)
    sector = models.CharField("Lĩnh vực", max_length=40, blank=True)
    is_standing = models.BooleanField("Cơ quan thường trực", default=False)
    instantiate = models.BooleanField(
        "Tự tạo cho mỗi đơn vị", default=True,
        help_text="Bỏ chọn với loại có nhiều cơ quan trong một đơn vị (trường học…): người dùng tự thêm.",
    )
    order = models.PositiveSmallIntegerField("Thứ tự", default=100)

    class Meta:
        verbose_name = "loại cơ quan"
        verbose_name_plural = "danh mục loại cơ quan"
        ordering = ["level", "order", "name"]

    def __str__(self):
        return self.name


class Agency(Searchable, UnitScopedModel):
    kind = models.ForeignKey(AgencyKind, verbose_name="Loại cơ quan", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField("Tên cơ quan", max_length=255)
    short_name = models.CharField("Tên viết tắt", max_length=80, blank=True)
    is_standing = models.BooleanField("Cơ quan thường trực", default=False)
    address = models.CharField("Địa chỉ", max_length=255, blank=True)
    phone = models.CharField("Điện thoại", max_length=40, blank=True)
    email = models.EmailField("Thư điện tử", blank=True)
    is_active = models.BooleanField("Đang hoạt động", default=True)

    module = "org"
    search_source = ("name", "short_name")

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["unit__path", "kind__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="agency_unique_name_per_unit"),
        ]

    def __str__(self):
        return self.name


class Membership(TrackedModel):
    """A user's seat: in a unit (none = national), in an agency, with a role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người dùng", on_delete=models.CASCADE,
                             related_name="memberships")
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="memberships",
                             help_text="Để trống: cấp Trung ương (toàn quốc).")
    agency = models.ForeignKey(Agency, verbose_name="Cơ quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("Vai trò", max_length=30, choices=Role.choices)
    is_active = models.BooleanField("Đang hiệu lực", default=True)

    # For core.scoping.within() (the seat pickers); a seat has no matrix module, so no scoped().
    scope_unit_field = "unit"
    scope_province_field = "unit__province"

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        ordering = ["user__username", "unit__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "agency", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.place_label}"

    @property
    def place_label(self) -> str:
        where = self.unit.label if self.unit_id else "Toàn quốc"
        return f"{self.agency.name} · {where}" if self.agency_id else where

    @property
    def is_national(self) -> bool:
        return self.unit_id is None

    def get_additional_data(self):
        return {"unit": self.unit_id, "province": self.unit.province_id if self.unit_id else None}
