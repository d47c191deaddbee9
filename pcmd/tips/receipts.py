"""Receipt codes for following a tip on the public page: 16 random digits, shown once, never stored.

Digits are easy to read aloud, type on a phone keypad and write down; 10^16 codes make guessing
impractical under the rate limits (docs/public-channel.md). The same codes serve the public form and
reporters met at staff intake. The row keeps:
- `receipt_lookup`: HMAC-SHA256 of the code, keyed from SECRET_KEY — a fast, unique key to find the
  row (a database dump without SECRET_KEY cannot test guesses against it);
- `receipt_hash`: an argon2id hash of the code (`code_hash`) — the check that the code is right, sized to
  the code's entropy rather than to a password's: 4 MiB and 2 passes, a few milliseconds (the guessing budget
  with a stolen database, with and without the key, is worked out in docs/public-channel.md).
A look-up without a matching row still computes one hash, so every wrong code costs the same time.
"""

import hashlib
import hmac
import secrets

import argon2
from django.conf import settings
from django.contrib.auth.hashers import check_password

DIGITS = 16
SEPARATORS = " \t.-_/"
_dummy_hash: list[str] = []
# A random 53-bit code needs no password-strength hash: memory-hard (GPU-unfriendly) but a few milliseconds.
CODE_HASHER = argon2.PasswordHasher(time_cost=2, memory_cost=4 * 1024, parallelism=1)
DJANGO_PREFIX = "argon2"  # stored as Django's Argon2PasswordHasher stores: "argon2$argon2id$v=19$m=…"


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


def code_hash(code: str) -> str:
    """The stored hash of a random code (receipts, referral codes); Django's argon2 format."""
    return DJANGO_PREFIX + CODE_HASHER.hash(code)


def code_matches(code: str, stored: str) -> bool:
    """Whether `code` is the one `stored` was made from; hashes from older releases (Django's password
    parameters) are checked with the parameters they carry."""
    if not stored.startswith(DJANGO_PREFIX + "$"):
        return check_password(code, stored)
    try:
        return CODE_HASHER.verify(stored[len(DJANGO_PREFIX):], code)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def hashes(code: str) -> dict:
    """The values a tip (or a counselling request) stores for `code`."""
    return {"receipt_lookup": lookup_key(code), "receipt_hash": code_hash(code)}


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
            _dummy_hash.append(code_hash(new_code()))
        code_matches(code or "", _dummy_hash[0])  # the same work as a real check
        return None
    return row if code_matches(code, row.receipt_hash) else None
