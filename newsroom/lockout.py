"""Admin sign-in lockout (django-axes): what a successful sign-in forgives."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class SignInAttempts(AxesDatabaseHandler):
    """axes' database handler, but a success forgives only the signed-in user's own failures
    from the address they signed in from.

    axes' own reset deletes every attempt matching any lockout parameter, so with the address
    among them one editor's good sign-in wiped the guesses made from that address at everyone
    else's password, and they could be interleaved without end.
    """

    def reset_user_attempts(self, request, credentials=None) -> int:
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count
