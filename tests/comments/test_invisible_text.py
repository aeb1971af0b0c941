"""Text that is not there: names and comments made only of invisible characters are refused,
and invisible characters do not make a copy of a comment new (security review, issue 13)."""

import importlib
import re

import pytest
from django.apps import apps
from django.test import Client

from comments.models import Comment, text_fingerprint
from newsroom.persian import comparable_text, has_persian_letters, has_visible_text

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


@pytest.mark.parametrize(
    ("value", "expected", "why"),
    [
        ("سلام دنیا", "سلام دنیا", "plain text is itself"),
        ("سلا\u200bم دنیا", "سلام دنیا", "ZWSP dropped"),
        ("سلام\u200cدنیا", "سلامدنیا", "ZWNJ dropped"),
        ("ســلام دنیا", "سلام دنیا", "tatweel dropped"),
        ("سَلامٌ دُنیا", "سلام دنیا", "diacritics dropped"),
        ("\u200fسلام\u2800 دنیا\ufeff", "سلام دنیا", "marks, Braille blank, BOM dropped"),
        ("سلام\u00a0\u3000 دنیا\n", "سلام دنیا", "exotic spaces collapsed"),
        ("يك كتاب", "یک کتاب", "Arabic ي/ك as Persian ی/ک"),
        ("\ufb8e\ufe98\ufe8e\ufe8f", "کتاب", "presentation forms unified"),
        ("ا\u200b\u0653", "آ", "an invisible cannot keep a letter from its mark"),
        ("Hello WORLD", "hello world", "case folded"),
        ("ｈｅｌｌｏ", "hello", "fullwidth letters unified"),
    ],
)
def test_comparable_text(value, expected, why):
    assert comparable_text(value) == expected, why


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


COPIES = [
    "گزارش خوبی بود؛ امیدوارم مرزها زود باز شوند.",
    "گزارش خوبی\u200b بود؛ امیدوارم مرزها زود باز شوند.",
    "گزارش\u200c خوبی بود؛ امیدوارم مرز\u200cها زود باز شوند.",
    "گزارش خوبـــی بود؛ امیدوارم مرزها زود باز شوند.",
    "گزارشِ خوبی بود؛ امیدوارم مرزها زودْ باز شوند.",
    "\u200fگزارش خوبي بود؛ امیدوارم مرزها زود باز شوند.\u2060",
]


def test_one_sender_stores_a_text_once_whatever_invisibles_it_adds(
    article, post_comment, client, settings
):
    settings.COMMENT_RATE = "100/m"  # the flood limit has its own test
    for copy in COPIES:
        response = post_comment(article, text=copy)
        assert response.status_code == 302, copy
        followed = client.get(response["Location"])
        assert "دیدگاه شما رسید" in followed.content.decode(), "answered like the first"
    assert list(Comment.objects.values_list("text", flat=True)) == [COPIES[0]]


def test_desk_marks_copies_from_other_senders(article, post_comment, editor):
    for number, copy in enumerate(COPIES[:4]):
        reader = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        assert post_comment(article, c=reader, text=copy).status_code == 302
    post_comment(article, c=Client(REMOTE_ADDR="192.0.2.99"), text="دیدگاهی دیگر و تنها.")
    assert Comment.objects.count() == 5
    desk = Client()
    desk.force_login(editor)
    document = desk.get(QUEUE).content.decode()
    rows = re.findall(r"<tr.*?</tr>", document.split("<tbody>", 1)[1], re.S)
    assert sum("تکراری" in row for row in rows) == 4
    assert "تکراری" not in next(row for row in rows if "دیدگاهی دیگر" in row)


def test_desk_hints_tatweel_without_letters(article, editor, client):
    Comment.objects.create(article=article, name="خواننده", text="ــــــ !!!", sender_hash="a")
    client.force_login(editor)
    assert "حرف فارسی ندارد" in client.get(QUEUE).content.decode()


def test_migration_recomputes_fingerprints_and_keeps_colliding_rows(article):
    migration = importlib.import_module("comments.migrations.0003_recompute_fingerprints")

    def make(text: str, sender: str) -> Comment:
        return Comment.objects.create(article=article, name="الف", text=text, sender_hash=sender)

    plain, copy, clash = (
        make("سلام دنیا", "a"),
        make("سلا\u200bم دنیا", "b"),
        make("سلـام دنیا", "c"),
    )
    old = {c.pk: migration._before_0003(c.text) for c in (plain, copy, clash)}
    for pk, value in old.items():  # as stored before the new rule
        Comment.objects.filter(pk=pk).update(fingerprint=value)
    Comment.objects.filter(pk=clash.pk).update(sender_hash="a")  # same sender as `plain`

    migration.forwards(apps, None)

    stored = dict(Comment.objects.values_list("pk", "fingerprint"))
    assert stored[plain.pk] == text_fingerprint("سلام دنیا") == old[plain.pk]
    assert stored[copy.pk] == text_fingerprint("سلام دنیا"), "another sender: recomputed"
    assert stored[clash.pk] == old[clash.pk], "same sender: would break the constraint, kept"

    migration.backwards(apps, None)
    assert dict(Comment.objects.values_list("pk", "fingerprint")) == old
