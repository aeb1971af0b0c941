"""What every admin page of ours shares: URL parameters that cannot reach the database raw."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.db.models.constants import LOOKUP_SEP

# Lookups our own links never use. Patterns reach the database as typed (`?text__regex=(`: a
# 500 on PostgreSQL); date parts were vetted by the date hierarchy, which the Jalali filters
# replaced (`?created_at__year=99999` was a 500 once it had gone).
REFUSED_LOOKUPS = {"regex", "iregex"} | {
    "year", "iso_year", "quarter", "month", "week", "week_day", "iso_week_day", "day",
    "date", "time", "hour", "minute", "second",
}  # fmt: skip


class StrictParametersMixin:
    """Every admin page of ours: Django's changelist takes any lookup on the model's fields from
    the URL and filters by the selected ids as sent; what would reach the database raw (a
    pattern, a date part, a non-numeric id) is refused instead."""

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(pk.isascii() and pk.isdecimal() for pk in selected):
            raise BadRequest("selected ids must be numbers")
        return super().response_action(request, queryset)
