"""The links in readers' mail: confirm an address, unsubscribe (one click), subscribe again.

The signed token in the link is the reader's only credential (no sign-in): it says which
address, and nothing else is needed. Pages are private (`no-store`) and not indexed.
"""

from django.core import signing
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles import pagecache
from newsroom.security import same_origin_required

from .mail import CONFIRM_SALT, UNSUBSCRIBE_SALT, confirm_max_age, read_token


def _page(request, template: str, context: dict | None = None, status: int = 200):
    response = render(request, template, context or {}, status=status)
    pagecache.private(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def _bad_link(request, expired: bool = False):
    return _page(request, "comments/mail/bad_link.html", {"expired": expired}, status=400)


@csrf_exempt  # the token is the credential; a forged post would need it (see same_origin)
@require_http_methods(["GET", "HEAD", "POST"])
@same_origin_required
def confirm(request, token: str):
    """GET shows a button, POST confirms: mail scanners that open every link in a message
    must not confirm an address on the reader's behalf."""
    try:
        subscriber = read_token(token, CONFIRM_SALT, max_age=confirm_max_age())
    except signing.SignatureExpired:
        return _bad_link(request, expired=True)
    except (signing.BadSignature, ValueError, TypeError):
        return _bad_link(request)
    if request.method == "POST":
        if not subscriber.is_active:
            subscriber.confirm()
        return _page(request, "comments/mail/confirmed.html")
    return _page(request, "comments/mail/confirm.html", {"token": token})


@csrf_exempt  # RFC 8058: mail programs POST here from their servers, with no token or Origin
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """One click: a GET (the link) or a POST (List-Unsubscribe-Post) unsubscribes at once."""
    try:
        subscriber = read_token(token, UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return _bad_link(request)
    if request.method != "HEAD":
        subscriber.unsubscribe()
    return _page(request, "comments/mail/unsubscribed.html", {"token": token})


@csrf_exempt  # the token is the credential, and same_origin_required refuses cross-site posts
@require_POST
@same_origin_required
def resubscribe(request, token: str):
    try:
        subscriber = read_token(token, UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return _bad_link(request)
    subscriber.resubscribe()
    return _page(request, "comments/mail/resubscribed.html")
