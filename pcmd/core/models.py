"""Base models every registry builds on."""

from django.db import models
from unidecode import unidecode


def fold(text: str) -> str:
    """Lower-case ASCII form for diacritic- and case-insensitive search ("Bạch Đằng" -> "bach dang")."""
    return " ".join(unidecode(text or "").lower().split())


# Columns computed from others: kept out of the change history, which shows what people changed.
DERIVED_FIELDS = ["search_text", "path", "version", "updated_at", "created_at", "province"]


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
