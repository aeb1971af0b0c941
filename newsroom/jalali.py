"""The admin's Jalali calendar: date filters and a date-time input, both over persiantools.

persiantools does every conversion (it is already what the site's pages use); this module only
chooses the ranges editors filter by and the one text format the input reads.
"""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from persiantools.jdatetime import JalaliDate, JalaliDateTime

from .persian import fa_digits, to_ascii_digits

MONTHS_BACK = 12  # how many earlier Jalali months the filter offers


def _start_of(day: date) -> datetime:
    """Midnight at the start of a Gregorian day, in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def month_name(jalali: JalaliDate) -> str:
    return f"{jalali.strftime('%B', locale='fa')} {fa_digits(jalali.year)}"


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def jalali_range(value: str, today: date | None = None) -> tuple[datetime, datetime] | None:
    """[start, end) of a filter value: today, yesterday, week (from Saturday), month, or YYYY-MM."""
    today = today or timezone.localdate()
    jtoday = JalaliDate(today)
    if value == "today":
        return _start_of(today), _start_of(today + timedelta(days=1))
    if value == "yesterday":
        return _start_of(today - timedelta(days=1)), _start_of(today)
    if value == "week":
        saturday = today - timedelta(days=jtoday.weekday())  # persiantools: 0 is Saturday
        return _start_of(saturday), _start_of(saturday + timedelta(days=7))
    if value == "month":
        value = f"{jtoday.year}-{jtoday.month:02d}"
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return None
    try:
        start = JalaliDate(year, month, 1).to_gregorian()
        end = JalaliDate(*_next_month(year, month), 1).to_gregorian()
    except ValueError:
        return None
    return _start_of(start), _start_of(end)


class JalaliDateFilter(admin.SimpleListFilter):
    """Replaces the Gregorian date_hierarchy: today, yesterday, this week, this month, a month."""

    field_name = "created_at"
    title = _("زمان")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        jtoday = JalaliDate(timezone.localdate())
        choices = [
            ("today", _("امروز")),
            ("yesterday", _("دیروز")),
            ("week", _("این هفته")),
            ("month", _("این ماه")),
        ]
        year, month = jtoday.year, jtoday.month
        for _i in range(MONTHS_BACK):
            year, month = _previous_month(year, month)
            choices.append((f"{year}-{month:02d}", month_name(JalaliDate(year, month, 1))))
        return choices

    def queryset(self, request, queryset):
        bounds = jalali_range(self.value()) if self.value() else None
        if bounds is None:
            return queryset
        return queryset.filter(
            **{f"{self.field_name}__gte": bounds[0], f"{self.field_name}__lt": bounds[1]}
        )


def jalali_date_filter(field: str, title) -> type[JalaliDateFilter]:
    return type(
        "JalaliDateFilter",
        (JalaliDateFilter,),
        {"field_name": field, "title": title, "parameter_name": f"{field}__jalali"},
    )


# --- The date-time input --------------------------------------------------------------------------
DATETIME_FORMAT = "%Y/%m/%d %H:%M"
DATETIME = re.compile(r"\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[\s،,]+(\d{1,2}):(\d{2}))?\s*")


class JalaliDateTimeInput(forms.TextInput):
    """Shows the stored instant as «۱۴۰۴/۰۹/۲۳ ۱۲:۰۰» in the site's time zone."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "dir": "ltr",
                "inputmode": "numeric",
                "placeholder": "۱۴۰۴/۰۹/۲۳ ۱۲:۰۰",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, datetime):
            local = JalaliDateTime(timezone.localtime(value))
            return fa_digits(local.strftime(DATETIME_FORMAT))
        return super().format_value(value)


class JalaliDateTimeField(forms.Field):
    """Reads «۱۴۰۴/۰۹/۲۳ ۱۲:۳۰» (Persian, Arabic-Indic or Latin digits) as that wall-clock time
    in TIME_ZONE and returns the exact aware instant."""

    widget = JalaliDateTimeInput
    default_error_messages = {
        "invalid": _("تاریخ را به شکل سال/ماه/روز ساعت:دقیقه بنویسید، مثلاً ۱۴۰۴/۰۹/۲۳ ۱۲:۳۰."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        match = DATETIME.fullmatch(to_ascii_digits(str(value)))
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        year, month, day, hour, minute = (int(part or 0) for part in match.groups())
        try:
            gregorian = JalaliDateTime(year, month, day, hour, minute).to_gregorian()
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        return timezone.make_aware(gregorian.replace(tzinfo=None))
