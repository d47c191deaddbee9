"""API access keys (tokens) and tombstones (the deletions a client polls in the change feed)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

# Modules a key can be given (read / write): the resources /api/v1/ exposes. Support is never exposed.
API_MODULES = ("geo", "org", "plans", "venues", "inspections", "hotspots", "enforcement", "tips", "outreach",
               "indicators", "reports")
READ, WRITE = "read", "write"
LEVELS = {READ: ("view",), WRITE: ("view", "add", "change", "delete")}
PREFIX = "pcmd"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A key a user makes for another system: a name, an expiry, a part of the seat's scope and actions.

    The full key (`pcmd_<lookup>_<secret>`) is shown once; only the SHA-256 of the secret is kept.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người tạo", on_delete=models.CASCADE,
                             related_name="api_tokens")
    membership = models.ForeignKey("org.Membership", verbose_name="Vai trò, đơn vị", on_delete=models.CASCADE,
                                   related_name="api_tokens")
    name = models.CharField("Tên khóa", max_length=100)
    lookup = models.CharField("Mã nhận diện", max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    # {module: "read" | "write"}; a module not named is not reachable with this key.
    modules = models.JSONField("Quyền theo phân hệ", default=dict)
    units = models.ManyToManyField("geo.AdminUnit", verbose_name="Đơn vị", blank=True, related_name="+",
                                   help_text="Để trống: toàn bộ phạm vi của vai trò.")
    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    expires_at = models.DateTimeField("Hết hạn")
    revoked_at = models.DateTimeField("Thu hồi lúc", null=True, blank=True)
    last_used_at = models.DateTimeField("Dùng lần cuối", null=True, blank=True)
    rate_per_minute = models.PositiveIntegerField("Số yêu cầu mỗi phút", default=120)

    class Meta:
        verbose_name = "khóa truy cập API"
        verbose_name_plural = "khóa truy cập API"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.lookup})"

    @property
    def label(self) -> str:
        return f"{self.name} ({PREFIX}_{self.lookup}…)"

    @staticmethod
    def new_secret() -> tuple[str, str]:
        return secrets.token_hex(6), secrets.token_urlsafe(32)

    def matches(self, secret: str) -> bool:
        return secrets.compare_digest(self.digest, digest(secret))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return "Đã thu hồi"
        if self.expires_at <= timezone.now():
            return "Hết hạn"
        return "Đang dùng"

    def allows(self, module: str, action: str) -> bool:
        return action in LEVELS.get(self.modules.get(module, ""), ())

    def unit_list(self) -> list | None:
        """The units the key is narrowed to, or None (the seat's whole scope)."""
        if not hasattr(self, "_units"):
            self._units = list(self.units.all()) or None
        return self._units


class Tombstone(models.Model):
    """A deleted record, for the change feed `/api/v1/<resource>/deleted/?since=`; written in the delete's
    transaction (a post_delete receiver), with the unit so the feed is scoped like the record was."""

    model = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=64)
    unit = models.ForeignKey("geo.AdminUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    province = models.ForeignKey("geo.AdminUnit", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    # The deleted record's agency, for a model whose agency officers see only their agency's records (tips):
    # the feed is scoped by it as the record was (core.scoping.scoped, `like=`).
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    module = ""  # scoped through the deleted record's model (see api.views.DeletedFeed)
    scope_unit_field = "unit"
    scope_province_field = "province"

    class Meta:
        verbose_name = "bản ghi đã xóa"
        verbose_name_plural = "bản ghi đã xóa"
        ordering = ["deleted_at", "pk"]
        indexes = [models.Index(fields=["model", "deleted_at"])]

    def __str__(self):
        return f"{self.model}#{self.object_id}"
