"""Readers' names that pretend to be the newsroom.

Two rules, both on names folded the same way (what the name looks like, not how it is typed:
`comparable_text`, then every character replaced by one representative of its Unicode
confusables class, from confusable-homoglyphs' copy of Unicode's confusables.txt):

- a name containing a word reserved for the newsroom (تحریریه, سردبیر, admin…) is refused;
- a name that looks like a staff member's user name or full name, or mixes scripts inside one
  word, is accepted and hinted on the desk: a reader may share an editor's name.
"""

import re
from collections.abc import Iterable
from functools import cache

from confusable_homoglyphs.categories import alias
from confusable_homoglyphs.confusables import confusables_data
from django.conf import settings
from django.contrib.auth import get_user_model

from newsroom.persian import ZWNJ, comparable_text

# Whole words (or phrases, written with or without spaces). Not «دبیر» or «مدیر» alone: a reader
# may sign as a teacher (دبیر) or a manager, and دبیری, مدیری are common family names.
RESERVED_WORDS = [
    "تحریریه",
    "سردبیر",
    "ادمین",
    "مدیر سایت",
    "مدیریت سایت",
    "پاسخ رسمی",
    "admin",
    "administrator",
    "editor",
    "moderator",
    "newsroom",
]
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters: digits and _ separate words (admin_1 → admin)
_SCRIPTLESS = {"COMMON", "INHERITED", "Unknown"}


@cache
def _prototypes() -> dict[str, str]:
    """Each single character with look-alikes → one fixed member of its class.

    The data lists, for every pair of confusables.txt, each side under the other: a class is a
    star around its prototype, so one step out and one back reaches all of it. The member
    chosen prefers ASCII, then letters (0 and O both become O), then the lowest code point.
    """

    def rank(char: str) -> tuple[bool, bool, int]:
        return (not char.isascii(), not char.isalpha(), ord(char))

    table = {}
    for char, alikes in confusables_data.items():
        if len(char) != 1:
            continue
        members = {char}
        for near in alikes:
            members.add(near["c"])
            members.update(far["c"] for far in confusables_data.get(near["c"], ()))
        table[char] = min((m for m in members if len(m) == 1), key=rank)
    return table


def skeleton(value: str) -> str:
    """What `value` looks like: «ѕаrа» (Cyrillic) and «sara» have one skeleton."""
    # ZWNJ separates words in Persian; comparable_text would join them.
    folded = comparable_text(value.replace(ZWNJ, " "))
    prototypes = _prototypes()
    return "".join(prototypes.get(char, char) for char in folded).casefold()


def _words(value: str) -> list[str]:
    words: list[str] = []
    spaced = False  # whether words[-1] was built from single letters
    for word in _WORD.findall(skeleton(value)):
        # Letters spaced apart («a d m i n», a ZWNJ after every letter) read as one word.
        if len(word) == 1 and spaced:
            words[-1] += word
        else:
            words.append(word)
            spaced = len(word) == 1
    return words


def name_key(value: str) -> str:
    """The letters of a name's skeleton, without spaces or punctuation, for equality."""
    return "".join(_words(value))


def is_reserved(name: str) -> bool:
    """Whether `name` contains a word reserved for the newsroom or the site's name."""
    words = _words(name)
    for phrase in _reserved_phrases(settings.SITE_NAME):
        size = len(phrase)
        if "".join(phrase) in words or any(
            words[i : i + size] == phrase for i in range(len(words) - size + 1)
        ):
            return True
    return False


@cache
def _reserved_phrases(site_name: str) -> list[list[str]]:
    return [phrase for phrase in map(_words, [*RESERVED_WORDS, site_name]) if phrase]


def mixes_scripts(name: str) -> bool:
    """Whether one word of `name` has letters of two scripts (Latin «sara» with Cyrillic «а»)."""
    for word in comparable_text(name.replace(ZWNJ, " ")).split():
        scripts = {alias(char) for char in word} - _SCRIPTLESS
        if len(scripts) > 1:
            return True
    return False


def staff_name_keys() -> frozenset[str]:
    """Name keys of active staff: user names and full names. One query."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return frozenset(_keys(users.values_list("username", "first_name", "last_name")))


def _keys(rows: Iterable[tuple[str, str, str]]) -> Iterable[str]:
    for username, first, last in rows:
        for value in (username, f"{first} {last}"):
            if key := name_key(value):
                yield key
