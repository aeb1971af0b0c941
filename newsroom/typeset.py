"""The Persian typesetting assistant: `typeset(text)` returns the corrected text and its changes.

Every change is found on the original text and carries its span there, so a caller (the admin,
the `typeset` command, the reply field) can show each one and apply all, some or none of them
with `apply_changes`. A rule that is not sure leaves the text alone: URLs, e-mail addresses,
Latin words and quotations in Latin or Arabic script are never touched.

Lost ZWNJs are restored from hazm's lexicon (newsroom/data/hazm, MIT; see SOURCE.md there),
loaded once, on first use.
"""

from __future__ import annotations

import bisect
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ZWNJ = "\u200c"
DATA = Path(__file__).resolve().parent / "data" / "hazm"

# Letters of the Arabic script used in Persian text (no digits, no punctuation), with the
# diacritics, kashida and ZWNJ that may stand inside a word.
_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5"
_MARK = "\u064b-\u065f\u0670\u0640"
WORD = re.compile(f"[{_LETTER}](?:[{_LETTER}{_MARK}\u200c]*[{_LETTER}{_MARK}])?")
PERSIAN_LETTER = re.compile(f"[{_LETTER}]")
LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Letters that do not join the next one: after them a ZWNJ changes nothing that is seen.
NON_JOINING = set("اآأإدذرزژوؤءۀة")
# Arabic-only signs: a word with one of them is Arabic, and its ي/ك stay.
ARABIC_ONLY = re.compile("[\u0629\u064b-\u0652]")

URL = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s«»\"'<>()]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A quotation in straight or curly quotes with no Persian letter in it: left as it is.
FOREIGN_QUOTE = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|«[^»\n]*»|\([^()\n]*\)")

RULES = {
    "zwnj": "نیم‌فاصله‌ای که افتاده یا به‌جایش فاصله آمده برمی‌گردد (مهم‌ترین، می‌شود)",
    "zwnj-cleanup": "نیم‌فاصلهٔ زائد کنار فاصله یا تکراری حذف می‌شود",
    "letters": "ی و ک عربی (ي، ك، ى) به ی و ک فارسی",
    "kashida": "کشیدهٔ تزئینی (ـ) حذف می‌شود",
    "digits": "رقم لاتین یا عربی در متن فارسی به رقم فارسی",
    "punctuation": "ویرگول، نقطه‌ویرگول و علامت سؤال لاتین در متن فارسی به ، ؛ ؟",
    "quotes": "گیومهٔ لاتین دور متن فارسی به «»",
    "repeated-marks": "علامت تکراری (!!! یا ؟؟) یک بار می‌آید",
    "spacing": "فاصله پیش از نشانه و پس از پرانتز و گیومهٔ باز نمی‌آید، پس از نشانه می‌آید",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One proposed edit: `text[start:end]` (of the original) is `before` and becomes `after`."""

    start: int
    end: int
    before: str
    after: str
    rule: str
    why: str

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "rule": self.rule,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class Result:
    text: str
    changes: tuple[Change, ...]


def apply_changes(text: str, changes: list[Change] | tuple[Change, ...]) -> str:
    """The text with the chosen changes (any subset of one `typeset` result) applied."""
    parts, cursor = [], 0
    for change in sorted(changes, key=lambda c: (c.start, c.end)):
        parts.append(text[cursor : change.start])
        parts.append(change.after)
        cursor = change.end
    parts.append(text[cursor:])
    return "".join(parts)


# --- the lexicon -------------------------------------------------------------------------------

# One character for one: lookups fold spelling variants without moving any position.
_FOLD = str.maketrans("يىكأإئؤۀة", "ییکءءءءهه")


def fold(word: str) -> str:
    return word.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Entry:
    freq: int
    pos: frozenset[str]


class Lexicon:
    def __init__(
        self, words: dict[str, Entry], zwnj_forms: dict[str, str], stems: set[str], past: set[str]
    ):
        self.words = words  # folded spelling (with its ZWNJs) → entry
        self.zwnj_forms = zwnj_forms  # folded spelling without ZWNJ → the most frequent ZWNJ form
        self.verb_stems = stems
        self.past_stems = past

    def get(self, word: str) -> Entry | None:
        return self.words.get(word)

    def known(self, word: str) -> bool:
        return word in self.words or word in self.zwnj_forms

    def is_verb(self, form: str) -> bool:
        """A conjugated present or past form without prefix: شود، کنند، گفتم، رفت."""
        for ending in ("", "م", "ی", "د", "یم", "ید", "ند"):
            if form.endswith(ending) and form[: len(form) - len(ending)] in self.verb_stems:
                return True
        return False


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    words: dict[str, Entry] = {}
    best: dict[str, tuple[int, str]] = {}
    # Shipped gzipped (3.3 MB as text); unchanged otherwise, see data/hazm/SOURCE.md.
    with gzip.open(DATA / "words.dat.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            word, freq, pos = [*line.rstrip("\n").split("\t"), "0", "0"][:3]
            word = fold(word)
            entry = Entry(int(freq or 0), frozenset(pos.split(",")) - {"0"})
            if word in words:  # a word listed twice (یافته): its counts and tags together
                seen = words[word]
                entry = Entry(max(seen.freq, entry.freq), seen.pos | entry.pos)
            words[word] = entry
            if ZWNJ in word:
                key = word.replace(ZWNJ, "")
                if key not in best or entry.freq > best[key][0]:
                    best[key] = (entry.freq, word)
    stems: set[str] = set()
    past: set[str] = set()
    with (DATA / "verbs.dat").open(encoding="utf-8") as lines:
        for line in lines:
            parts = [fold(stem) for stem in line.strip().split("#")]
            stems.update(stem for stem in parts if len(stem) >= 2)
            if parts and len(parts[0]) >= 2:
                past.add(parts[0])
    return Lexicon(words, {key: form for key, (_, form) in best.items()}, stems, past)


# --- ZWNJ --------------------------------------------------------------------------------------

PLURAL = ("هایشان", "هایتان", "هایمان", "هایش", "هایت", "هایم", "هایی", "هاست", "های", "ها")
COMPARATIVE = ("ترین", "تری", "تر")
# Copula, pronoun and ezafe endings written apart after a silent ه (توسعه‌ای، گفته‌اند، جلسه‌ی).
AFTER_HE = ("ایم", "اید", "اند", "ای", "ام", "ات", "اش", "ی")


def _silent_he(stem: str) -> bool:
    # After ا or و the ه is a consonant (راهی، کوهی، گروهی): no ezafe, nothing to split.
    # به (+ ای is بهای, «price of») is too short to be a noun in ه.
    return stem.endswith("ه") and len(stem) >= 3 and stem[-2] not in "او"


# Below this corpus count a word is taken as a bound part of compounds rather than a word.
BOUND_FREQ = 1000
AGENT_NOUNS = frozenset(
    ["دهنده", "دهندگان", "کننده", "کنندگان", "گیرنده", "گیرندگان", "سازنده", "سازندگان"]
)
DURATIONS = frozenset(["روزه", "ساله", "ماهه", "ساعته", "هفته"])


def _joins(word: str) -> bool:
    return bool(word) and word[-1] not in NON_JOINING


def _stem(word: str, lex: Lexicon) -> str | None:
    """The spelling of a stem the lexicon knows, with its own ZWNJs, or None."""
    if word in lex.words:
        return word
    return lex.zwnj_forms.get(word)


def _affixed(word: str, lex: Lexicon) -> str | None:
    """`word` (folded, no ZWNJ) split as prefix + verb or stem + suffix, with ZWNJ between."""
    for prefix in ("نمی", "می"):
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 2 and lex.is_verb(rest):
            return prefix + ZWNJ + rest
    # توسعهای is توسعه + ای, not توسع + های; خبرهای is خبر + های (nothing to add after ر), not
    # خبره + ای: of the possible stems, the most frequent wins.
    candidates: list[tuple[int, str | None]] = []
    for suffixes in (PLURAL, COMPARATIVE, AFTER_HE):
        for suffix in suffixes:
            stem = word[: -len(suffix)]
            if not word.endswith(suffix) or len(stem) < 2:
                continue
            if suffixes is AFTER_HE and not _silent_he(stem):
                continue
            known = _stem(stem, lex) or _glued_form(stem, lex, depth=1)
            if known is None:
                continue
            entry = lex.get(stem) or lex.get(known)
            if suffixes is COMPARATIVE and not (entry and ("AJ" in entry.pos or not entry.pos)):
                continue
            joined = known + ZWNJ + suffix if _joins(stem) else None
            candidates.append((entry.freq if entry else 0, joined))
    if candidates:
        return max(candidates, key=lambda c: c[0])[1]
    if word.endswith("اند") and len(word) >= 6:
        # «قدرشناس‌اند»: the copula after an adjective that ends in a joining letter.
        stem = word[:-3]
        entry = lex.get(stem)
        if entry and entry.freq > 0 and "AJ" in entry.pos and _joins(stem):
            return stem + ZWNJ + "اند"
    return None


def _glued_form(word: str, lex: Lexicon, depth: int = 0) -> str | None:
    """The ZWNJ spelling of a word written without any, or None when not sure."""
    entry = lex.get(word)
    if entry is not None and entry.freq > 0:
        return None  # a spelling in use as it stands (همزمان، رضایتمندی)
    if depth == 0:
        found = _affixed(word, lex)
        if found:
            return found
    if entry is not None:
        return None  # known as written; a ZWNJ form is only another way to write it
    form = lex.zwnj_forms.get(word)
    if form is None and depth == 0:
        # A compound the lexicon knows, with the suffix ی or یی: چشم‌اندازی، گفت‌وگویی.
        for suffix in ("یی", "ی"):
            if word.endswith(suffix) and len(word) > len(suffix) + 3:
                # Not when the stem is in use joined (سخنگو + ی is سخنگوی, left alone).
                stem = _glued_form(word[: -len(suffix)], lex, depth=1)
                if stem:
                    return stem + suffix
    if form and form.startswith("هم" + ZWNJ):
        return None  # هم is written joined as well (همجوار، همزمان): both are right
    return form


def _restore_glued(word: str, lex: Lexicon) -> str | None:
    if ZWNJ in word or len(word) < 4:
        return None
    return _glued_form(word, lex)


def _join_pair(first: str, second: str, lex: Lexicon) -> str | None:
    """Two words with a space between that are one word with a ZWNJ (عمومی ها، می شود)."""
    if second in PLURAL and len(first) >= 2 and lex.known(first.replace(ZWNJ, "")):
        return first + ZWNJ + second
    if first in ("می", "نمی") and lex.is_verb(second):
        return first + ZWNJ + second
    if second in ("ترین", "تری") and _joins(first) and lex.known(first):
        return first + ZWNJ + second  # never words of their own
    if second == "تر":  # also «wet»: only where the lexicon knows the comparative
        if _joins(first) and lex.known(first + "تر"):
            return first + ZWNJ + second
        return None
    if second in AFTER_HE and _silent_he(first) and len(first) >= 3 and lex.known(first):
        return first + ZWNJ + second
    if second == "اند":
        entry = lex.get(first)
        if entry and entry.freq > 0 and "AJ" in entry.pos and _joins(first):
            return first + ZWNJ + second
    if not _joins(first) or (first + ZWNJ + second) not in lex.words:
        return None
    # The lexicon knows the compound, but «افزایش یافته» and «قابل تقدیر» are also two words:
    # join only when the second part does not stand alone (رسانی، اندازی، زودی، رئیسه), or is
    # an agent noun (بازتاب‌دهنده) or a length after a number (دوازده‌روزه).
    if first == "بی":  # never a word alone: بی‌طرف
        return first + ZWNJ + second
    part = lex.get(second)
    first_entry = lex.get(first)
    if second.endswith("ه") and second[:-1] in lex.past_stems:
        return None  # a participle of its own: تبدیل شده، افزایش یافته
    if (
        part is None
        or part.freq < BOUND_FREQ
        or second in AGENT_NOUNS
        or (second in DURATIONS and first_entry is not None and "NUM" in first_entry.pos)
    ):
        return first + ZWNJ + second
    return None


# --- the rules ---------------------------------------------------------------------------------


def _protected_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in URL.finditer(text)]
    spans += [m.span() for m in EMAIL.finditer(text)]
    for m in FOREIGN_QUOTE.finditer(text):
        inner = m.group()[1:-1]
        if not PERSIAN_LETTER.search(inner) or ARABIC_ONLY.search(inner):
            spans.append(m.span())
    return spans


_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u0640": None})


def _clean(word: str) -> str:
    """Persian ی/ک, no kashida: what a lookup and a ZWNJ change work on."""
    if ARABIC_ONLY.search(word):
        return word.replace("\u0640", "")
    return word.translate(_TO_PERSIAN)


def _with_zwnj(original: str, folded_target: str) -> str:
    """`original` cleaned, with ZWNJs where `folded_target` (the same letters) has them."""
    letters = [ch for ch in _clean(original) if ch != ZWNJ]
    out, i = [], 0
    for ch in folded_target:
        if ch == ZWNJ:
            out.append(ZWNJ)
        else:
            out.append(letters[i])
            i += 1
    return "".join(out)


class _Collector:
    def __init__(self, text: str, protected: list[tuple[int, int]]):
        self.text = text
        self.protected = protected
        self.changes: list[Change] = []

    def free(self, start: int, end: int) -> bool:
        return not any(s < max(end, start + 1) and start < e for s, e in self.protected)

    def add(self, start: int, end: int, after: str, rule: str) -> None:
        before = self.text[start:end]
        if before != after and self.free(start, end):
            self.changes.append(Change(start, end, before, after, rule, RULES[rule]))


def _zwnj_rules(text: str, out: _Collector) -> None:
    lex = lexicon()
    words = list(WORD.finditer(text))
    paired: set[int] = set()
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        gap = text[a.end() : b.start()]
        if gap != " " or i in paired:
            continue
        first, second = fold(_clean(a.group())), fold(_clean(b.group()))
        if ZWNJ in second:
            continue
        joined = _join_pair(first, second, lex)
        if joined:
            paired.update({i, i + 1})
            after = _with_zwnj(a.group(), first) + ZWNJ + _with_zwnj(b.group(), second)
            out.add(a.start(), b.end(), after, "zwnj")
    for i, m in enumerate(words):
        if i in paired:
            continue
        word = m.group()
        if ARABIC_ONLY.search(word):
            continue
        restored = _restore_glued(fold(_clean(word)), lex)
        if restored:
            out.add(m.start(), m.end(), _with_zwnj(word, restored), "zwnj")


ZWNJ_JUNK = re.compile("\u200c{2,}|\u200c+(?=\\s)|(?<=\\s)\u200c+")


def _letter_rules(text: str, out: _Collector) -> None:
    for m in ZWNJ_JUNK.finditer(text):
        keep = ZWNJ if m.group().startswith(ZWNJ * 2) and not _touches_space(text, m) else ""
        out.add(m.start(), m.end(), keep, "zwnj-cleanup")
    for m in WORD.finditer(text):
        word = m.group()
        if ARABIC_ONLY.search(word):
            continue
        for part in re.finditer("[يىك]|\u0640+", word):
            rule = "kashida" if part.group()[0] == "\u0640" else "letters"
            start, end = m.start() + part.start(), m.start() + part.end()
            out.add(start, end, part.group().translate(_TO_PERSIAN), rule)


def _touches_space(text: str, m: re.Match[str]) -> bool:
    return (m.start() > 0 and text[m.start() - 1].isspace()) or (
        m.end() < len(text) and text[m.end()].isspace()
    )


DIGITS = re.compile(r"[0-9\u0660-\u0669]+(?:[.,/:٫][0-9\u0660-\u0669]+)*")
_FA_DIGITS = str.maketrans("0123456789٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹")


def _nearest_letter(text: str, index: int, step: int) -> str | None:
    """The first letter from `index` going by `step`, on the same line, or None."""
    while 0 <= index < len(text) and text[index] != "\n":
        ch = text[index]
        if ch.isalpha():
            return ch
        index += step
    return None


def _digit_rule(text: str, out: _Collector) -> None:
    for m in DIGITS.finditer(text):
        start, end = m.span()
        # The nearest letter on each side decides: Latin beside it (COVID-19, iPhone 15) keeps it.
        sides = [_nearest_letter(text, start - 1, -1), _nearest_letter(text, end, 1)]
        found = [ch for ch in sides if ch]
        if not found or any(not PERSIAN_LETTER.match(ch) for ch in found):
            continue
        # Persian writes ۳٫۵ and ۱٬۰۰۰; times (۱۲:۳۰) and dates (۱۴۰۴/۰۹/۲۳) keep their signs.
        number = m.group()
        if re.fullmatch(r"\d+\.\d+", number):
            number = number.replace(".", "٫")
        elif re.fullmatch(r"\d{1,3}(,\d{3})+", number):
            number = number.replace(",", "٬")
        out.add(start, end, number.translate(_FA_DIGITS), "digits")


def _persian_before(text: str, index: int) -> bool:
    """Whether the nearest non-space character before `index` is Persian (letter or digit)."""
    index -= 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return index >= 0 and bool(PERSIAN_LETTER.match(text[index]) or text[index] in "۰۱۲۳۴۵۶۷۸۹»)")


def _latin_after(text: str, index: int) -> bool:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index < len(text) and bool(LATIN_LETTER.match(text[index]))


_PERSIAN_MARK = {",": "،", ";": "؛", "?": "؟"}


def _converts(text: str, index: int) -> bool:
    """Whether the Latin , ; ? at `index` stands in Persian text."""
    return _persian_before(text, index) and not _latin_after(text, index + 1)


def _punctuation_rules(text: str, out: _Collector) -> None:
    for m in re.finditer(r"([!؟?،,؛;])\1+", text):
        mark = m.group(1)
        if mark in _PERSIAN_MARK:
            if not _converts(text, m.start()):
                continue
            mark = _PERSIAN_MARK[mark]
        out.add(m.start(), m.end(), mark, "repeated-marks")
    for m in re.finditer(r"[,;?]", text):
        i = m.start()
        if (
            m.group() == ","
            and 0 < i < len(text) - 1
            and text[i - 1].isdigit()
            and text[i + 1].isdigit()
        ):
            continue  # 1,000
        if _converts(text, i):
            out.add(i, i + 1, _PERSIAN_MARK[m.group()], "punctuation")
    for m in re.finditer(r"\"([^\"\n]+)\"|“([^”\n]+)”", text):
        inner = m.group(1) or m.group(2)
        if not PERSIAN_LETTER.search(inner) or LATIN_LETTER.search(inner):
            continue
        open_end = m.start() + 1 + (len(inner) - len(inner.lstrip()))
        close_start = m.end() - 1 - (len(inner) - len(inner.rstrip()))
        out.add(m.start(), open_end, "«", "quotes")
        out.add(close_start, m.end(), "»", "quotes")


CLOSING = "،؛؟!.:)]»"
OPENING = "([«"


def _spacing_rules(text: str, out: _Collector) -> None:
    # Space before a closing mark: «گفت :» → «گفت:», «تهران ،» → «تهران،».
    for m in re.finditer(r"(?<=\S)[ \t]+(?=([،؛؟!:)\]»]|[,;?]|\.(?!\.)))", text):
        mark_at = m.end()
        mark = text[mark_at]
        if mark in ",;?" and not _converts(text, mark_at):
            continue
        if not _persian_before(text, m.start()) and mark not in "،؛؟»":
            continue
        out.add(m.start(), m.end(), "", "spacing")
    # Space after an opening bracket or quote, before Persian: «( متن» → «(متن».
    for m in re.finditer(r"([(\[«])[ \t]+(?=\S)", text):
        if PERSIAN_LETTER.match(text[m.end()]) or m.group(1) == "«":
            out.add(m.start() + 1, m.end(), "", "spacing")
    # No space after a mark before a Persian word: «گفت:روابط» → «گفت: روابط».
    for m in re.finditer(r"[،؛؟!:»)\].](?=[" + _LETTER + "«(])", text):
        i = m.start()
        if m.group() in ".:" and not _persian_before(text, i):
            continue
        out.add(i + 1, i + 1, " ", "spacing")
    # No space before an opening bracket or quote after a Persian word: «گفت«» → «گفت «».
    for m in re.finditer(r"(?<=[" + _LETTER + r"])[(«]", text):
        out.add(m.start(), m.start(), " ", "spacing")
    # Several spaces between Persian words are one.
    for m in re.finditer(r"(?<=\S)[ \t]{2,}(?=\S)", text):
        if PERSIAN_LETTER.match(text[m.start() - 1]) or PERSIAN_LETTER.match(text[m.end()]):
            out.add(m.start(), m.end(), " ", "spacing")


def _overlaps(change: Change, other: Change) -> bool:
    if change.start == change.end == other.start == other.end:
        return True
    if change.start < other.end and other.start < change.end:
        return True
    if change.start == change.end and other.start < change.start < other.end:
        return True
    return other.start == other.end and change.start < other.start < change.end


def _compatible(changes: list[Change]) -> list[Change]:
    """The changes in order of priority, without those touching one already taken."""
    taken: list[Change] = []  # sorted by (start, end), none overlapping
    for change in changes:
        i = bisect.bisect_left(taken, (change.start, change.end), key=lambda c: (c.start, c.end))
        if not any(_overlaps(change, other) for other in taken[max(0, i - 2) : i + 2]):
            taken.insert(i, change)
    return taken


# Pure and immutable: a change form, its fieldsets and its review page ask about the same text.
@lru_cache(maxsize=256)
def typeset(text: str) -> Result:
    """Propose the typesetting fixes for `text`; deterministic, and pure but for the lexicon."""
    out = _Collector(text, _protected_spans(text))
    # Earlier rules win where two changes would touch the same characters.
    _zwnj_rules(text, out)
    _punctuation_rules(text, out)
    _letter_rules(text, out)
    _digit_rule(text, out)
    _spacing_rules(text, out)
    taken = _compatible(out.changes)
    return Result(apply_changes(text, taken), tuple(taken))
