"""Text that is not there: names and comments made only of invisible characters are refused,
and tatweel is no Persian letter (security review, issue 13)."""

import pytest

from comments.models import Comment
from newsroom.persian import has_persian_letters, has_visible_text

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"

# The fourteen kinds the review found accepted as a name or a whole comment, each alone.
NOTHING_VISIBLE = [
    ("\u200b\u200c\u200d", "zero-width space, non-joiner, joiner"),
    ("\u200e\u200f\u061c", "directional marks: LRM, RLM, Arabic letter mark"),
    ("\u00ad\u00ad", "soft hyphens"),
    ("\ufeff", "byte order mark"),
    ("\u2060\u2061\u2062\u2063\u2064", "word joiner and the invisible operators"),
    ("\u3164\u3164", "Hangul filler"),
    ("\u115f\u1160", "Hangul choseong and jungseong fillers"),
    ("\uffa0", "halfwidth Hangul filler"),
    ("\u180e", "Mongolian vowel separator"),
    ("\u2800\u2800\u2800", "Braille blank pattern"),
    ("\u0300\u064b\u064e\u065f\u0670", "combining marks with no letter to sit on"),
    ("\u0640\u0640\u0640", "tatweel alone stretches nothing"),
    ("\u00a0\u2000\u2005\u200a\u202f\u205f\u3000", "exotic spaces"),
    ("\u200b \u0640\u3164\u064e\u2800\u00a0\u200c", "all of them mixed"),
]


@pytest.mark.parametrize(
    ("value", "expected", "why"),
    [
        *((value, False, why) for value, why in NOTHING_VISIBLE),
        ("", False, "empty"),
        (" \t\n\r", False, "ordinary whitespace"),
        ("\x01\x7f", False, "control characters"),
        ("\u034f\ufe0f", False, "grapheme joiner and a variation selector"),
        ("\U000e0041\U000e007f", False, "tag characters"),
        ("می\u200cخواهم", True, "ZWNJ inside a real Persian word"),
        ("\u200cسلام\u200c", True, "ZWNJ around real text"),
        ("سَلام", True, "a letter with its diacritic"),
        ("ـا", True, "tatweel with a letter"),
        ("a", True, "one Latin letter"),
        ("۱", True, "one Persian digit"),
        ("؟", True, "Persian question mark"),
        ("😀", True, "an emoji"),
        ("\ue000", True, "private use: some font may draw it"),
        ("\U000e0100", False, "a variation selector from the supplement"),
    ],
)
def test_has_visible_text(value, expected, why):
    assert has_visible_text(value) is expected, why


@pytest.mark.parametrize(
    ("value", "expected", "why"),
    [
        ("سلام", True, "Persian letters"),
        ("ـــــ", False, "tatweel is no letter"),
        ("ـــ\u200c\u200bـــ", False, "tatweel with invisibles"),
        ("\u064e\u0650\u0670", False, "diacritics alone"),
        ("۱۲۳ ، ؟", False, "Persian digits and punctuation"),
        ("hello ـ", False, "Latin with a tatweel"),
        ("\ufb8e\ufe98\ufe8e\ufe8f", True, "presentation forms of کتاب are letters"),
        ("ok گ", True, "one Persian letter"),
    ],
)
def test_has_persian_letters(value, expected, why):
    assert has_persian_letters(value) is expected, why


@pytest.mark.parametrize(("invisible", "why"), NOTHING_VISIBLE)
def test_invisible_text_is_refused_as_empty_and_kept(article, post_comment, invisible, why):
    response = post_comment(article, text=invisible)
    assert response.status_code == 400, why
    document = response.content.decode()
    assert "متن دیدگاه را بنویسید." in document, why
    assert '<html lang="fa" dir="rtl">' in document
    assert f"{invisible}</textarea>" in document, "the reader's input comes back"
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(("invisible", "why"), NOTHING_VISIBLE)
def test_invisible_name_is_refused_as_empty(article, post_comment, invisible, why):
    response = post_comment(article, name=invisible)
    assert response.status_code == 400, why
    document = response.content.decode()
    assert "نام خود را بنویسید." in document, why
    assert "گزارش خوبی بود؛ امیدوارم مرزهای جدید به‌زودی باز شوند.</textarea>" in document
    assert Comment.objects.count() == 0


def test_zwnj_inside_real_text_is_stored_as_written(article, post_comment):
    text = "می\u200cخواهم بدانم چرا این\u200cطور شد."
    assert post_comment(article, name="نرگس\u200cسادات", text=text).status_code == 302
    comment = Comment.objects.get()
    assert (comment.name, comment.text) == ("نرگس\u200cسادات", text)


def test_desk_hints_tatweel_without_letters(article, editor, client):
    Comment.objects.create(article=article, name="خواننده", text="ــــــ !!!", sender_hash="a")
    client.force_login(editor)
    assert "حرف فارسی ندارد" in client.get(QUEUE).content.decode()
