"""gunicorn's access log without the probes (gunicorn.conf.py: logger_class)."""

from gunicorn.glogging import Logger

QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ProbeQuietLogger(Logger):
    """A health check every few seconds would bury the requests that matter."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS:
            return
        super().access(resp, req, environ, request_time)
