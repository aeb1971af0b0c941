"""Persian text helpers shared by the apps: digits, Jalali dates, normalisation, slugs.

The calendar and digit work is persiantools'; this module only fixes the site's formats.
"""

import re
import unicodedata
from datetime import datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.text import slugify
from persiantools import characters, digits
from persiantools.jdatetime import JalaliDateTime

ZWNJ = "\u200c"
# Embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls can reorder how the
# text around them is displayed; LRM/RLM and ZWNJ/ZWJ cannot, and Persian needs ZWNJ.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Lone surrogates cannot be stored (PostgreSQL refuses them); they only come from broken input.
SURROGATES = re.compile("[\ud800-\udfff]")
# Letters that exist only in the Persian/Arabic script block (not digits or punctuation, and not
# tatweel U+0640, which only stretches the letters around it).
PERSIAN_LETTER = re.compile("[\u0621-\u063f\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
# Characters Unicode files as letters or symbols that nevertheless draw nothing: Hangul fillers,
# the Braille blank, tatweel (a stretch with no letter to stretch), the combining grapheme joiner.
FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u0640\u034f")
# Controls, format characters (ZWSP, ZWNJ, marks, BOM, soft hyphen…), separators, and combining
# marks, which draw only on a letter before them.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Mc", "Me"})


def fa_digits(value: object) -> str:
    """Latin and Arabic-Indic digits to Persian digits; everything else untouched."""
    return digits.ar_to_fa(digits.en_to_fa(str(value)))


def to_ascii_digits(value: str) -> str:
    return digits.fa_to_en(digits.ar_to_fa(value))


def _local(value: datetime) -> JalaliDateTime:
    return JalaliDateTime(timezone.localtime(value))


def iso_datetime(value: datetime) -> str:
    """ISO 8601 to the second with the site's offset (…+03:30), for <time datetime> and JSON-LD;
    HTML allows at most three digits of fraction and Django's `date:'c'` prints six."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def jalali_date(value: datetime) -> str:
    """«۲۳ آذر ۱۴۰۴» (day unpadded, as Persian papers print it) in the site's time zone."""
    return _jalali(value, timezone.get_current_timezone_name(), with_time=False)


def jalali_datetime(value: datetime) -> str:
    """«۲۳ آذر ۱۴۰۴، ساعت ۱۲:۰۰» in the site's time zone."""
    return _jalali(value, timezone.get_current_timezone_name(), with_time=True)


@lru_cache(maxsize=65_536)
def _jalali(value: datetime, zone: str, *, with_time: bool) -> str:
    # A pure function of its arguments, memoised: a page lists up to hundreds of comment times
    # and the calendar conversion is most of what rendering one costs.
    local = _local(value)
    text = f"{fa_digits(local.day)} {local.strftime('%B', locale='fa')} {fa_digits(local.year)}"
    if with_time:
        text += f"، ساعت {fa_digits(local.strftime('%H:%M'))}"
    return text


def normalize_text(value: str) -> str:
    """What a reader typed, made safe to store: Persian ی/ک, no bidi overrides, trimmed."""
    value = characters.ar_to_fa(value)
    value = SURROGATES.sub("", BIDI_CONTROLS.sub("", value))
    return value.strip()


def has_persian_letters(value: str) -> bool:
    # NFKC turns Arabic presentation forms (ﻼ, ﮐ…) into the letters they draw.
    return bool(PERSIAN_LETTER.search(unicodedata.normalize("NFKC", value)))


def is_visible(char: str) -> bool:
    """Whether one character draws something by itself (a letter, digit, symbol, punctuation).

    Unassigned and private-use characters count as visible: we cannot know they are blank.
    """
    return char not in FILLERS and unicodedata.category(char) not in INVISIBLE_CATEGORIES


def has_visible_text(value: str) -> bool:
    """False for text made only of spaces, invisible characters, fillers and bare marks."""
    return any(is_visible(char) for char in value)


# Arabic ي/ى/ك and Persian ی/ک draw the same in running Persian text.
_LETTER_FOLD = str.maketrans({"\u064a": "ی", "\u0649": "ی", "\u0643": "ک"})


def comparable_text(value: str) -> str:
    """`value` as a reader sees it, for comparing two texts: without format characters (ZWSP,
    ZWNJ, directional marks…), fillers, tatweel and diacritics; compatibility forms unified
    (NFKC), Arabic ي/ك as Persian ی/ک, whitespace collapsed, case folded."""
    # Invisibles go before NFKC too, so a ZWSP between a letter and its mark cannot keep them
    # from composing (ا + ◌ٓ → آ).
    value = unicodedata.normalize("NFKC", "".join(c for c in value if not _is_blank(c)))
    value = "".join(c for c in value if not _is_blank(c) and not _is_mark(c))
    return " ".join(value.translate(_LETTER_FOLD).casefold().split())


def _is_blank(char: str) -> bool:
    # Format characters and fillers; whitespace is kept, it separates words.
    return char in FILLERS or unicodedata.category(char) == "Cf"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def persian_slug(value: str) -> str:
    """A Unicode slug from a Persian headline; ZWNJ becomes a hyphen (مهم‌ترین → مهم-ترین)."""
    return slugify(value.replace(ZWNJ, " "), allow_unicode=True)


# Search folds the spelling variants readers type: Arabic ي/ك/ى/ة → ی/ک/ی/ه, with or without
# ZWNJ, Persian/Arabic-Indic/Latin digits, diacritics, tatweel, case.
_SEARCH_FOLD = str.maketrans(
    {
        "\u064a": "ی",
        "\u0643": "ک",
        "\u0649": "ی",
        "\u0629": "ه",
        "\u06c0": "ه",
        "\u0623": "ا",
        "\u0625": "ا",
        "\u0622": "ا",
        "\u200c": None,
        "\u0640": None,
    }
)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
_NOT_WORD = re.compile(r"[^\w]+")


def search_terms(value: str) -> list[str]:
    """The words of `value` in the one spelling the search index stores."""
    value = _DIACRITICS.sub("", to_ascii_digits(value).translate(_SEARCH_FOLD)).casefold()
    return [word for word in _NOT_WORD.sub(" ", value).split() if word.replace("_", "")]


def search_text(*parts: str) -> str:
    return " ".join(word for part in parts for word in search_terms(part))
