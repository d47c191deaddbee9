"""Receipt codes for following a tip on the public page: 16 random digits, shown once, never stored.

Digits are easy to read aloud, type on a phone keypad and write down; 10^16 codes make guessing
impractical under the rate limits (docs/public-channel.md). The same codes serve the public form and
reporters met at staff intake. The row keeps:
- `receipt_lookup`: HMAC-SHA256 of the code, keyed from SECRET_KEY — a fast, unique key to find the
  row (a database dump without SECRET_KEY cannot test guesses against it);
- `receipt_hash`: Django's password hash of the code (argon2) — the slow check that the code is right.
A look-up without a matching row still computes one hash, so every wrong code costs the same time.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

DIGITS = 16
SEPARATORS = " \t.-_/"
_dummy_hash: list[str] = []


def new_code() -> str:
    """16 random decimal digits from the operating system's secure random source."""
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def grouped(code: str) -> str:
    """'1234567890123456' -> '1234 5678 9012 3456' (for reading aloud or copying)."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise(text: str) -> str | None:
    """The 16 digits of what a person typed (spaces, dots, dashes allowed), or None if malformed."""
    digits = "".join(ch for ch in (text or "") if ch not in SEPARATORS)
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def lookup_key(code: str) -> str:
    key = hashlib.sha256(f"pcmd.tips.receipt:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def hashes(code: str) -> dict:
    """The values a tip (or a counselling request) stores for `code`."""
    return {"receipt_lookup": lookup_key(code), "receipt_hash": make_password(code)}


def issue_receipt(tip) -> str:
    """Give an existing `tip` a new receipt code; returns it grouped (the only time it exists in clear)."""
    code = new_code()
    values = hashes(code)
    for name, value in values.items():
        setattr(tip, name, value)
    type(tip).objects.filter(pk=tip.pk).update(**values)
    return grouped(code)


def find(text: str, models=None):
    """The row whose receipt code is `text`, or None (malformed, unknown or wrong: the same None).

    `models`: the models that hold receipt codes (`receipt_lookup`, `receipt_hash`), tips by default; the
    public look-up passes tips and counselling requests. One slow hash check whatever is found.
    """
    if models is None:
        from .models import Tip

        models = (Tip,)
    code = normalise(text)
    row = None
    if code:
        key = lookup_key(code)
        row = next((r for r in (m.objects.filter(receipt_lookup=key).first() for m in models) if r), None)
    if row is None:
        if not _dummy_hash:
            _dummy_hash.append(make_password(new_code()))
        check_password(code or "", _dummy_hash[0])  # the same work as a real check
        return None
    return row if check_password(code, row.receipt_hash) else None
