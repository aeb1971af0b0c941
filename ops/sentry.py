"""Optional error reports to Sentry (SENTRY_DSN), with nothing personal in them.

sentry-sdk already leaves out cookies, addresses and users by default (send_default_pii); this
also drops what it would still send: request bodies (comment text, e-mail), the query string,
headers that can carry an address or a session, frame locals (a view's form) and log messages'
arguments.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

KEPT_HEADERS = {"host", "user-agent", "accept", "accept-language", "content-type", "x-request-id"}


def init(dsn: str, *, environment: str, transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), LoggingIntegration(event_level=None)],
        # send_default_pii stays at its default (off, and deprecated in favour of
        # data_collection): no cookies, users or addresses; scrub() drops the rest.
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub,
        before_breadcrumb=_breadcrumb,
        transport=transport,
    )


def scrub(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if request:
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("env", None)  # REMOTE_ADDR
        request["query_string"] = ""
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return event


def _breadcrumb(crumb: dict, hint: dict | None = None) -> dict | None:
    # SQL breadcrumbs carry parameters (a comment's text on insert); log lines are our own.
    if crumb.get("category") == "query":
        return None
    return crumb
