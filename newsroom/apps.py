import logging

from django.apps import AppConfig

logger = logging.getLogger("newsroom.security")


def log_lockout(sender, request, username, ip_address, **kwargs):
    # axes logs each failure; this is the one line an operator greps for.
    logger.warning("admin sign-in locked out: address=%s username=%r", ip_address, username)


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "newsroom"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        user_locked_out.connect(log_lockout, dispatch_uid="newsroom.log_lockout")
