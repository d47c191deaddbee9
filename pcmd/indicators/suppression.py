"""Small-count suppression: the one place that decides which figures about people are hidden.

The engine returns numbers; whatever shows or exports them (scorecard, indicator page — table, chart data
and Excel —, the leader's cards, the province overview, the DHIS2 export) asks here first:

- `applies(indicator, unit=, own_commune=)`: a sensitive indicator (`Indicator.sensitive`: people receiving
  support) is suppressed wherever its figure leaves the commune — a figure of a province or of the country,
  a table that lists several units, and a commune's figure read by a seat that does not sit in that commune
  (otherwise a province seat would open each commune one by one and read what the table hides). Only a
  support role of the commune reading that commune's own figure sees it whole (`own_commune` is None for
  every other seat: dashboard.selectors.own_commune).
- `small(value)`: a count of 1–4, or a percentage whose numerator or denominator is 1–4 (no percentage of a
  tiny group). Zero stays 0.
- `hidden(values, with_total=)`: the keys of a column to hide — the small cells, and, when the column has a
  total row and exactly one cell is small, the next smallest non-zero cell too (complementary suppression),
  so the hidden value cannot be recovered by subtracting the others from the total.
- `hidden_series(values)`: a year-to-date series (the trend): a cumulative value is hidden when it is small or
  when its increase since the last value shown is 1–4 (the difference would give a month's small count).

Hidden figures are shown as MASK ("<5"); in data for charts and exports they are None or left out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

THRESHOLD = 5
MASK = "<5"
NOTE = ("Số dưới 5 người được ẩn (ghi “<5”), kể cả ô đủ để suy ra số đã ẩn từ dòng cộng, để không nhận diện "
        "được người được hỗ trợ.")


def applies(indicator, *, unit=None, own_commune=None) -> bool:
    """Whether `indicator`'s figure for `unit` (None: the country) is suppressed for a seat sitting in
    `own_commune` (None: a province or national seat). Call with unit=None for any table of several units."""
    if not getattr(indicator, "sensitive", False):
        return False
    return not (unit is not None and own_commune is not None and unit.pk == own_commune.pk)


def _tiny(x) -> bool:
    return x is not None and 0 < x < THRESHOLD


def small(value) -> bool:
    """A count of 1–4, or a percentage whose numerator or denominator is 1–4 (an engine Value or None)."""
    if value is None:
        return False
    return _tiny(value.numerator) or (value.denominator is not None and _tiny(value.denominator))


def _size(value) -> float:
    """What a complementary cell is chosen by: the count, or the denominator of a percentage."""
    return value.numerator if value.denominator is None else value.denominator


def hidden(values: Mapping[Hashable, object], *, with_total: bool) -> set:
    """The keys of `values` ({key: Value or None}, one column of a table) to hide.

    Primary: every small value. Complementary, when the table has a total row: if exactly one value is
    hidden, the next smallest non-zero one too (ties by key, so the choice is stable).
    """
    out = {key for key, value in values.items() if small(value)}
    if with_total and len(out) == 1:
        others = sorted(((_size(v), str(k), k) for k, v in values.items()
                         if k not in out and v is not None and _size(v)), key=lambda t: (t[0], t[1]))
        if others:
            out.add(others[0][2])
    return out


def hidden_series(values: Sequence) -> set[int]:
    """Indexes of a cumulative series (Values or None, month by month) to hide: small values, and values whose
    increase over the last value shown is 1–4 (so no month's small count is a difference of two shown ones)."""
    out: set[int] = set()
    shown = None  # the last value shown
    for i, value in enumerate(values):
        if value is None:
            continue
        rise = None if shown is None else value.numerator - shown.numerator
        rise_den = (None if shown is None or value.denominator is None
                    else (value.denominator or 0) - (shown.denominator or 0))
        if small(value) or _tiny(rise) or _tiny(rise_den):
            out.add(i)
        else:
            shown = value
    return out


HIDDEN = "ẩn"


def label(value) -> str:
    """What a hidden figure shows: "<5" for a small one, "ẩn" for a complementary one (it is 5 or more)."""
    return MASK if small(value) else HIDDEN
