"""Aggregate cells: per unit and calendar block, the counts the indicators read (see services.py)."""

from django.db import models


class Cell(models.Model):
    """One count of one kind for one unit over one calendar block of months.

    `start` is the block's first month as an index (year × 12 + month − 1); `months` its length: 1 (a month),
    3 (a quarter), 6 (a half-year) or 12 (a year), blocks aligned on the calendar year. A state that has no
    date (operating establishments) is one cell with start 0 and months 0. Counts of distinct records (an
    establishment visited twice in a year counts once) cannot be summed over months, so every block size is
    kept; an indicator reads the fewest blocks covering its period.
    """

    kind = models.CharField(max_length=24)
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+", null=True)
    start = models.PositiveIntegerField()
    months = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "ô số liệu tổng hợp"
        verbose_name_plural = "ô số liệu tổng hợp"
        constraints = [models.UniqueConstraint(fields=["kind", "months", "start", "unit"],
                                               name="aggregates_cell_once")]
        indexes = [models.Index(fields=["kind", "months", "start", "province"], name="aggregates_cell_province")]

    def __str__(self):
        return f"{self.kind} {self.unit_id} {self.start}/{self.months}: {self.n}"


class AsOfDay(models.Model):
    """The day the cells of the kinds counted "as of a day" (support figures: clients with a reporting consent in
    force on min(block end, today)) were last brought up to date for (`services.bring_to_today`). A block that
    has not ended is counted as of today, so its cells age when a consent expires or starts without any write;
    the day recorded here tells which consents to look at. No row, or no day: the cells were never built."""

    name = models.CharField(max_length=24, primary_key=True)
    day = models.DateField(null=True)

    class Meta:
        verbose_name = "ngày tính số liệu tổng hợp"
        verbose_name_plural = "ngày tính số liệu tổng hợp"

    def __str__(self):
        return f"{self.name}: {self.day}"
