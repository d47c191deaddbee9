"""The figures a restored database must show again: every indicator of the engine for every province, for
this year and last year (`pcmd figures-fingerprint` prints them as JSON; the backup test compares)."""

import datetime

from pcmd.core.periods import Period
from pcmd.indicators import engine


def all_figures(year: int | None = None) -> dict[str, dict[str, float | None]]:
    year = year or datetime.date.today().year
    out: dict[str, dict[str, float | None]] = {}
    for y in (year - 1, year):
        for code, values in engine.panel(level="province", units=None, period=Period.parse(str(y))).items():
            out[f"{code}/{y}"] = {str(unit): value.value for unit, value in sorted(values.items())}
    return out
