import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

from ops import metrics

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached or written becomes a Persian 503 page, not a 500.

    A comment post that fails here was not stored, and the page says exactly that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Connection and lock failures only; bad data (DataError, IntegrityError) is a bug or bad
        # input, not an outage.
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        metrics.DATABASE_ERRORS.inc()
        logger.error("database unavailable on %s %s: %s", request.method, request.path, exception)
        response = render(request, "503.html", {"was_post": request.method == "POST"}, status=503)
        response["Retry-After"] = "30"
        return response


class PermissionsPolicyMiddleware:
    """Turns off the browser features the site never uses (no Django setting exists for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NulQueryMiddleware:
    """A query string with a NUL character is a Persian 400.

    No address of the site means anything with one, and PostgreSQL refuses NUL in text: any
    view that hands a parameter to a query as typed (the admin's filters and search do) would
    answer 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
