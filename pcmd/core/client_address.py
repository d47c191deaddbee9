"""The address of the client: REMOTE_ADDR, or behind a trusted reverse proxy the address it forwarded.

The one function every user of the client's address calls: the login lockout (django-axes,
AXES_CLIENT_IP_CALLABLE), the public rate limits (pcmd.public.ratelimit) and the audit log
(pcmd.core.middleware.AuditlogMiddleware). X-Forwarded-For is believed only when the request comes
from an address in PCMD_TRUSTED_PROXIES; otherwise any client could choose its address, spread its
guesses or lock somebody else's account.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's address as a string ('' if the server gave none).

    Behind trusted proxies, X-Forwarded-For is read from the right: each proxy appends the address
    it saw, so the right-most entry that is not itself a trusted proxy is the client; anything left
    of it was written by the client and is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "PCMD_TRUSTED_PROXIES", ())))
    if not networks:
        return remote

    def trusted(address) -> bool:
        return address is not None and any(address in network for network in networks)

    if not trusted(_parse(remote)):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(hop)
        if address is None:  # empty or garbage from the proxy chain: believe nothing further left
            break
        client = str(address)
        if not trusted(address):
            break
    return client
