"""What every admin page of ours shares: URL parameters that cannot reach the database raw."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.db.models.constants import LOOKUP_SEP


class StrictParametersMixin:
    """Django's changelist takes any lookup on the model's fields from the URL and filters by
    the selected ids as sent: a pattern (`?headline__regex=(`) or a non-numeric id reached the
    database as typed (a 500 on PostgreSQL). Our own links never filter by pattern."""

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in {"regex", "iregex"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(pk.isascii() and pk.isdecimal() for pk in selected):
            raise BadRequest("selected ids must be numbers")
        return super().response_action(request, queryset)
