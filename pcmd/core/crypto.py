"""Field encryption for data that identifies a person (tip reporters, support clients).

Values are encrypted with `cryptography`'s MultiFernet: the keys come from the `PCMD_FIELD_KEYS`
setting (comma-separated Fernet keys, newest first); new values use the first key and every key
still decrypts, so a key is rotated by putting a new one in front and running `rotate()` over the
rows. Without the setting (demo, tests) one key is generated once into `PCMD_FIELD_KEYS_FILE`.

`EncryptedTextField` stores the token in a text column; Python code sees the clear text. Encrypted
columns cannot be searched or sorted by the database: keep them out of filters and search sources.
"""

import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _keys() -> list[str]:
    if settings.PCMD_FIELD_KEYS:
        return list(settings.PCMD_FIELD_KEYS)
    key_file = settings.PCMD_FIELD_KEYS_FILE
    if not key_file.exists():
        try:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(Fernet.generate_key().decode())
        except FileExistsError:  # another process wrote it first
            pass
        except OSError as exc:
            raise ImproperlyConfigured("Set PCMD_FIELD_KEYS or PCMD_FIELD_KEYS_FILE.") from exc
    return [k.strip() for k in key_file.read_text().split(",") if k.strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in _keys()])


def reset_keys() -> None:
    """Forget the cached keys (after the settings changed, e.g. in a test)."""
    _fernet.cache_clear()


def encrypt(text: str) -> str:
    """Token for `text`; the empty string stays empty (nothing to hide, and blank stays blank)."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Không giải mã được dữ liệu: khóa mã hóa không khớp.") from exc


def rotate(token: str) -> str:
    """Re-encrypt a token with the newest key (after a new key was put first in PCMD_FIELD_KEYS)."""
    return _fernet().rotate(token.encode()).decode() if token else ""


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; reads and writes clear text in Python."""

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
