"""Rate limits of the public pages, per client and for everyone, in Django's cache (Redis when REDIS_URL).

A client is known only by an HMAC of its address and the day, kept as part of a cache key that
expires with the window: no address reaches the database or the logs of this application.
"""

from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pcmd.core.client_address import client_address
from pcmd.public.conf import limit

WINDOW = 3600  # seconds: limits are per hour


def client_id(request) -> str:
    """A daily pseudonym of the client's address (the one the login lockout uses, PCMD_TRUSTED_PROXIES)."""
    address = client_address(request)
    day = timezone.now().date().isoformat()
    return salted_hmac("pcmd.public.client", f"{address}|{day}", algorithm="sha256").hexdigest()[:32]


def _count(key: str) -> int:
    cache.add(key, 0, WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW)
        return 1


def _keys(request, scope: str):
    return ((f"public:rl:{scope}:{client_id(request)}", limit(f"{scope.upper()}_PER_CLIENT_HOUR")),
            (f"public:rl:{scope}:all", limit(f"{scope.upper()}_GLOBAL_HOUR")))


def allow(request, scope: str) -> bool:
    """Count one attempt of `scope` ("attempt": any post of the tip or counselling form; "submit": an accepted
    one; "lookup"); False once the client or everyone is over the limit."""
    for key, most in _keys(request, scope):
        if _count(key) > most:
            return False
    return True


def exhausted(request, scope: str) -> bool:
    """True when the client or everyone already used up `scope` for this hour (counts nothing)."""
    return any((cache.get(key) or 0) >= most for key, most in _keys(request, scope))
