"""Who is posting, and whether the post comes from our own pages."""

from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, unless we sit behind our own proxy: then the address that proxy saw, which
    it appends last to X-Forwarded-For (anything before it the client could have forged)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


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
