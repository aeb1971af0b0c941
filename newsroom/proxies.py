"""Which direct peers may speak for the client in X-Forwarded-* headers.

Read by the Django settings (client addresses, newsroom.security.client_ip) and by
gunicorn.conf.py (the https scheme), so both trust exactly the same peers.
"""

import ipaddress

import environ
from django.core.exceptions import ImproperlyConfigured

# DJANGO_BEHIND_PROXY=on alone means our nginx on this machine.
LOCAL_PROXY = ["127.0.0.1", "::1"]


def trusted_proxies(env: environ.Env) -> list[str]:
    """DJANGO_TRUSTED_PROXIES (addresses and CIDR networks) with DJANGO_BEHIND_PROXY=on;
    nobody without it, so a direct client can never choose its own address or scheme."""
    if not env.bool("DJANGO_BEHIND_PROXY", default=False):
        return []
    proxies = env.list("DJANGO_TRUSTED_PROXIES", default=LOCAL_PROXY)
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy)  # strict, as gunicorn: 10.0.0.1/8 is a typo
        except ValueError as error:
            raise ImproperlyConfigured(f"DJANGO_TRUSTED_PROXIES: {error}") from error
    return proxies


def proxy_hops(env: environ.Env) -> int:
    """How many trusted proxies append to X-Forwarded-For: 1 for nginx, 2 for CDN → nginx."""
    hops = env.int("DJANGO_PROXY_HOPS", default=1)
    if hops < 1:
        raise ImproperlyConfigured("DJANGO_PROXY_HOPS must be 1 or more")
    return hops
