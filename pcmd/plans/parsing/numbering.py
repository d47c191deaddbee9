"""Word's automatic numbering, as a reader sees it: "I.", "1.", "1.1.", "a)", "-".

A paragraph's list membership is its own `w:numPr` or its style's (following `basedOn`); the number is
computed from `numbering.xml`: the instance (`w:num`, with `lvlOverride/startOverride`) points to an abstract
definition whose levels give the start value, the format (decimal, upper/lower Roman, letters, bullet…) and
the text ("%1.", "%2.%3.", "%4)"). Counters run per abstract list and level, in document order (instances of
one abstract list continue each other, as in Word); an instance with `startOverride` restarts its level the first
time it is used; a level restarts when a level above it advances (unless `lvlRestart` says otherwise).
"""

from dataclasses import dataclass

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_LEVELS = 9
BULLET_KEEP = {"-": "-", "+": "+", "–": "-", "—": "-", "*": "-"}


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level only; 0 = never
    legal: bool = False  # w:isLgl: all numbers decimal
    style: str | None = None  # w:pStyle: the style linked to this level


def _val(element, name: str, default=None):
    if element is None:
        return default
    child = element.find(_W + name)
    if child is None:
        return default
    return child.get(_W + "val", default)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def roman(number: int) -> str:
    if number <= 0 or number >= 4000:
        return str(number)
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def letters(number: int) -> str:
    """Word's letter numbering: a…z, then aa…zz."""
    if number <= 0:
        return str(number)
    return chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)


def formatted(number: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return roman(number)
    if fmt == "lowerRoman":
        return roman(number).lower()
    if fmt == "upperLetter":
        return letters(number).upper()
    if fmt == "lowerLetter":
        return letters(number)
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)


def _levels(element) -> dict[int, Level]:
    levels = {}
    for lvl in element.findall(_W + "lvl"):
        ilvl = _int(lvl.get(_W + "ilvl"), 0)
        restart = _val(lvl, "lvlRestart")
        levels[ilvl] = Level(start=_int(_val(lvl, "start"), 1), fmt=_val(lvl, "numFmt", "decimal"),
                             text=_val(lvl, "lvlText", ""), restart=_int(restart, 0) if restart is not None else None,
                             legal=lvl.find(_W + "isLgl") is not None, style=_val(lvl, "pStyle"))
    return levels


class Numbering:
    """Labels of numbered paragraphs, in document order. Use one instance per document and call `label()` on
    every paragraph in reading order (counters advance as Word's do)."""

    def __init__(self, document) -> None:
        self.nums: dict[str, dict[int, Level]] = {}
        self.styles: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.abstract_of: dict[str, str | None] = {}
        self.overridden: dict[str, set[int]] = {}  # levels a w:num restarts (startOverride) when first used
        try:
            numbering = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            numbering = None
        if numbering is not None:
            abstract = {a.get(_W + "abstractNumId"): _levels(a) for a in numbering.findall(_W + "abstractNum")}
            for num in numbering.findall(_W + "num"):
                levels = {k: Level(**vars(v)) for k, v in abstract.get(_val(num, "abstractNumId"), {}).items()}
                for override in num.findall(_W + "lvlOverride"):
                    ilvl = _int(override.get(_W + "ilvl"), 0)
                    redefined = override.find(_W + "lvl")
                    if redefined is not None:
                        levels.update(_levels(_wrap(redefined)))
                    start = _val(override, "startOverride")
                    if start is not None:
                        levels.setdefault(ilvl, Level()).start = _int(start, 1)
                num_id = num.get(_W + "numId")
                self.nums[num_id] = levels
                self.abstract_of[num_id] = _val(num, "abstractNumId")
                self.overridden[num_id] = {_int(o.get(_W + "ilvl"), 0) for o in num.findall(_W + "lvlOverride")}
        try:
            styles = document.styles.element
        except (AttributeError, KeyError):
            styles = None
        if styles is not None:
            for style in styles.findall(_W + "style"):
                style_id = style.get(_W + "styleId")
                ppr = style.find(_W + "pPr")
                numpr = ppr.find(_W + "numPr") if ppr is not None else None
                if numpr is not None:
                    ilvl = _val(numpr, "ilvl")
                    self.styles[style_id] = (_val(numpr, "numId"), _int(ilvl, 0) if ilvl is not None else None)
                parent = _val(style, "basedOn")
                if parent:
                    self.based_on[style_id] = parent

    def _style_numpr(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.styles:
                return self.styles[style_id]
            style_id = self.based_on.get(style_id)
        return None, None

    def label(self, p) -> str:
        """The label Word shows before paragraph `p` (a w:p element), "" when it is not in a list."""
        if not self.nums:
            return ""
        ppr = p.find(_W + "pPr")
        style_id = _val(ppr, "pStyle")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        num_id, ilvl = (_val(numpr, "numId"), _val(numpr, "ilvl")) if numpr is not None else (None, None)
        ilvl = _int(ilvl, 0) if ilvl is not None else None
        if num_id is None:
            num_id, style_level = self._style_numpr(style_id)
            if ilvl is None:
                ilvl = style_level
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        levels = self.nums[num_id]
        if ilvl is None:  # the style is linked from a level (w:lvl/w:pStyle)
            ilvl = next((k for k, v in levels.items() if v.style and v.style == style_id), 0)
        ilvl = min(max(ilvl, 0), MAX_LEVELS - 1)
        level = levels.get(ilvl)
        if level is None:
            return ""
        # Instances of one abstract list share its counters (Word continues "a), b)" across them); an instance
        # with a startOverride restarts the level the first time it is used.
        counters = self.counters.setdefault(self.abstract_of.get(num_id) or num_id, [None] * MAX_LEVELS)
        restart = self.overridden.get(num_id)
        if restart and ilvl in restart:
            restart.discard(ilvl)
            counters[ilvl] = None
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            below = levels.get(deeper)
            if below is not None and below.restart == 0:
                continue  # never restarts
            if below is not None and below.restart is not None and ilvl + 1 > below.restart:
                continue  # restarts only after a level above `restart`
            counters[deeper] = None
        if level.fmt == "bullet":
            return BULLET_KEEP.get(level.text.strip()[:1], "-")
        text = level.text
        for n in range(MAX_LEVELS, 0, -1):
            token = f"%{n}"
            if token in text:
                other = levels.get(n - 1, Level())
                value = counters[n - 1] if counters[n - 1] is not None else other.start
                text = text.replace(token, formatted(value, "decimal" if level.legal else other.fmt))
        return text.strip()


def _wrap(lvl):
    """A lone w:lvl (from a w:lvlOverride) inside a parent, so `_levels` reads it."""
    from lxml import etree

    parent = etree.Element(_W + "abstractNum")
    parent.append(lvl.__copy__())
    return parent
