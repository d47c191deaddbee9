import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcmd.settings")
application = get_wsgi_application()


def settle() -> None:
    """Move what the process has loaded so far (Django, the URL map and the views, settings) out of reach of the
    garbage collector's full passes (gc.freeze): it lives as long as the process, and walking it every few
    requests cost ~100 ms on a big page (Hà Nội's scorecard on SQLite, bench/indicators.py: p95 272 → 181 ms).
    Each request's own objects are still collected."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.ROOT_URLCONF)  # imports every view module now, not during the first request
    gc.collect()
    gc.freeze()


settle()
