"""Who is posting, and whether the post comes from our own pages."""

import ipaddress
from functools import cache, wraps

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that peer is a trusted proxy
    (settings.TRUSTED_PROXIES); then the X-Forwarded-For entry PROXY_HOPS from the right.

    Each trusted proxy appends the address it saw, so only those last entries are ours; anything
    further left the client wrote. A short or malformed header stops at the nearest entry a
    trusted proxy wrote (or the peer itself), never further left.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(peer):
        return peer
    found = peer
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for entry in reversed(entries[-settings.PROXY_HOPS :]):
        address = _address(entry)
        if address is None:
            break
        found = address
    return found


def _address(value: str) -> str | None:
    """The address in its canonical spelling (one limit per address), or None if malformed."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


@cache
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy) for proxy in proxies)


def _is_trusted_proxy(peer: str) -> bool:
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def sender_hash(request: HttpRequest) -> str:
    """A keyed hash of the client address: editors can tell two comments came from the same
    sender, and nobody can turn it back into the address without the secret key."""
    return salted_hmac("comments.sender", client_ip(request)).hexdigest()[:32]


def same_origin_required(view):
    """Cross-site request forgery protection that needs no per-reader token in the page.

    Browsers mark every request with Sec-Fetch-Site, and every POST with Origin; a post that
    says it came from another site is refused. A request with neither header is not from a
    browser, so it cannot carry a victim's cookies and is not a forgery risk. This keeps the
    article page identical for every reader, so caches can keep it (see README).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        fetch_site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if fetch_site is not None:
            allowed = fetch_site in ("same-origin", "none")
        elif origin is not None:
            allowed = origin != "null" and url_has_allowed_host_and_scheme(
                origin + "/", allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        else:
            allowed = True
        if not allowed:
            return render(request, "403_csrf.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
