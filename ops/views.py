import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import CONTENT_TYPE_LATEST

from newsroom.security import client_ip

from . import metrics as numbers


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape: only for METRICS_TOKEN's bearer or an address in METRICS_ALLOWED_IPS.

    Everyone else gets a plain 404, as if there were nothing here."""
    if not allowed(request):
        return HttpResponse("یافت نشد.", status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(numbers.exposition(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and constant_time_compare(given, f"Bearer {token}"):
        return True
    address = client_ip(request)
    if "HTTP_X_FORWARDED_FOR" in request.META and address == request.META.get("REMOTE_ADDR"):
        # Came through a proxy we do not trust to name the client (DJANGO_BEHIND_PROXY off):
        # the peer's loopback address says nothing about who asked.
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_IPS)
