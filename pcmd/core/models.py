"""Base models every registry builds on."""

from django.conf import settings
from django.db import models
from unidecode import unidecode

# unidecode's own transliteration of the Latin letters with diacritics (Vietnamese included) and the combining
# marks, as one str.translate table: the same result, 2-3x faster (imports fold every name and address).
_FOLD_TABLE = str.maketrans({cp: unidecode(chr(cp)) for cp in (*range(0x80, 0x250), *range(0x300, 0x370),
                                                                *range(0x1E00, 0x1F00))})


def fold(text: str) -> str:
    """Lower-case ASCII form for diacritic- and case-insensitive search ("Bạch Đằng" -> "bach dang")."""
    text = text or ""
    quick = text.translate(_FOLD_TABLE)
    return " ".join((quick if quick.isascii() else unidecode(text)).lower().split())


# Columns computed from others: kept out of the change history, which shows what people changed.
DERIVED_FIELDS = ["search_text", "name_key", "path", "version", "updated_at", "created_at", "province"]


class TrackedModel(models.Model):
    """Timestamps and a version counter for optimistic locking (see core.services.record_update)."""

    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Cập nhật lần cuối", auto_now=True)
    version = models.PositiveIntegerField("Phiên bản", default=1, editable=False)

    class Meta:
        abstract = True


class UnitScopedModel(TrackedModel):
    """A record that belongs to an administrative unit.

    `province` is denormalised from `unit` so province-wide queries and roll-ups need no join.
    `scoped()` in core.scoping reads `scope_unit_field` / `scope_province_field` to filter.
    """

    unit = models.ForeignKey(
        "geo.AdminUnit", verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geo.AdminUnit", verbose_name="Tỉnh/thành phố", on_delete=models.PROTECT, related_name="+",
        editable=False,
    )

    scope_unit_field = "unit"
    scope_province_field = "province"
    module = ""  # permission-matrix module; set by each concrete model

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Keep the denormalised province in step with the unit whatever path wrote it.
        if self.unit_id:
            self.province_id = self.unit.province_id
        super().save(*args, **kwargs)

    def get_additional_data(self):
        """Stored with every audit entry, so the audit page can be scoped by province."""
        return {"unit": self.unit_id, "province": self.province_id}


class Searchable(models.Model):
    """A folded copy of the fields people search by, so search ignores diacritics on any database."""

    search_text = models.CharField(max_length=500, db_index=True, editable=False, default="")
    search_source: tuple[str, ...] = ("name",)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(str(getattr(self, f) or "") for f in self.search_source))[:500]


class AccessLog(models.Model):
    """One read of a sensitive record (a tip with its reporter, a support case file).

    Written by `AccessLog.record(...)`; kept apart from the change history (auditlog records
    writes only). `target` is the model label ("tips.tip"), `object_id` its key; `unit` is the
    record's unit, so the log can be scoped like the record.
    """

    at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người xem", null=True, on_delete=models.SET_NULL,
                             related_name="+")
    role = models.CharField("Vai trò", max_length=32, blank=True)
    target = models.CharField("Loại hồ sơ", max_length=64)
    object_id = models.CharField("Mã hồ sơ", max_length=64, blank=True, help_text="Trống với một lượt xem danh sách.")
    unit = models.ForeignKey("geo.AdminUnit", verbose_name="Đơn vị của hồ sơ", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("Thao tác", max_length=32, default="view")
    detail = models.CharField("Ghi chú", max_length=255, blank=True)
    count = models.PositiveIntegerField("Số hồ sơ hiển thị", null=True, blank=True)
    query = models.CharField("Bộ lọc", max_length=500, blank=True)
    # The API key the read came through (pcmd.api: "name (pcmd_lookup…)"), so a key's reads are told apart
    # from its owner's; the API sets `api_token_label` on the membership it acts with.
    api_token = models.CharField("Khóa API", max_length=140, blank=True)

    class Meta:
        verbose_name = "lượt xem hồ sơ"
        verbose_name_plural = "nhật ký xem hồ sơ"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target", "object_id", "at"])]

    def __str__(self):
        return f"{self.target}#{self.object_id} — {self.user_id} — {self.at:%d/%m/%Y %H:%M}"

    @classmethod
    def record(cls, *, membership, obj, action: str = "view", detail: str = "") -> "AccessLog":
        """Log that the seat's user read `obj` (a UnitScopedModel or anything with a pk)."""
        return cls.objects.create(
            user_id=getattr(membership, "user_id", None), role=getattr(membership, "role", "") or "",
            target=obj._meta.label_lower, object_id=str(obj.pk), unit_id=getattr(obj, "unit_id", None),
            action=action, detail=detail[:255], api_token=getattr(membership, "api_token_label", ""),
        )

    @classmethod
    def record_list(cls, *, membership, model, count: int, query: str = "", action: str = "list",
                    detail: str = "") -> "AccessLog":
        """Log one list, search, export or workflow page that showed `count` sensitive records of `model`
        (one row per request, with the filter as typed, e.g. the query string)."""
        unit = getattr(membership, "unit_id", None)
        return cls.objects.create(
            user_id=getattr(membership, "user_id", None), role=getattr(membership, "role", "") or "",
            target=model._meta.label_lower, object_id="", unit_id=unit, action=action, detail=detail[:255],
            count=count, query=(query or "")[:500], api_token=getattr(membership, "api_token_label", ""),
        )
