"""Test settings: the real settings, over plain HTTP, with a fast password hasher."""

import os

os.environ.setdefault("PCMD_HTTPS", "0")
os.environ.setdefault("PCMD_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

from pcmd.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# The five seed plans the demo imports and the parser tests read: always the repository's copy.
PCMD_SEEDS_DIR = BASE_DIR / "tests" / "fixtures" / "seeds"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns when it is missing)
PCMD_WEBHOOK_ALLOW_PRIVATE = True  # the test receiver is on 127.0.0.1 (tests/test_webhooks.py checks the refusal)
