"""Vietnamese sort order: "Cầu Giấy" before "Chương Mỹ", Đ after D, Ô and Ơ after O, Ư after U.

One function, ``vi_sort_key``, says how two names compare: letters in the order of the Vietnamese alphabet
(a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; f j w z where English puts them), the tone marks only
after the letters (ngang, huyền, hỏi, ngã, sắc, nặng), then lower case before upper case.

In queries, ``vi_order("name")`` orders by a column in that order: PostgreSQL's ICU collation ``vi-x-icu``, and on
SQLite a collation named ``vi`` that every connection registers (``core.apps``) from ``vi_sort_key``. Python lists
sort with ``sorted(names, key=vi_sort_key)``.
"""

import unicodedata
from functools import lru_cache

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: n for n, letter in enumerate(ALPHABET)}
# Combining marks that make a letter of its own (ă â ê ô ơ ư) and the five tones, in dictionary order.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SQLITE_COLLATION = "vi"
POSTGRES_COLLATION = "vi-x-icu"


@lru_cache(maxsize=65536)
def vi_sort_key(text: str) -> tuple:
    """The key by which Vietnamese text sorts: (letters, tones, case, the text itself) — so two different texts
    never compare equal."""
    letters, tones, cases = [], [], []
    for char in text or "":
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[:1], decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in _LETTER_MARKS:
                base = unicodedata.normalize("NFC", base + mark)
            elif mark in _TONES:
                tone = _TONES[mark]
        lower = base.lower()
        if lower in _RANK:
            letters.append(1000 + _RANK[lower])
            cases.append(0 if base == lower else 1)
            tones.append(tone)
        elif lower.isdigit():
            letters.append(500 + unicodedata.digit(lower, 0))
        elif lower.isspace():
            letters.append(1)
        else:
            letters.append(100 + ord(lower) if ord(lower) < 400 else 2000 + ord(lower))
    return tuple(letters), tuple(tones), tuple(cases), text or ""


def vi_compare(a: str, b: str) -> int:
    """The SQLite collation ``vi``."""
    ka, kb = vi_sort_key(a), vi_sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give every SQLite connection the collation ``vi``."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, vi_compare)


def vi_order(field: str = "name", *, descending: bool = False):
    """An ``order_by`` term ordering ``field`` (a text column) in Vietnamese order on either database."""
    name = POSTGRES_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
    expression = Collate(F(field), name)
    return expression.desc() if descending else expression.asc()
