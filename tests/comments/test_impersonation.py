"""Names that pretend to be the newsroom: reserved words are refused, look-alikes of the staff
are accepted and hinted on the desk (security review, issue 13)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.names import is_reserved, mixes_scripts, name_key, skeleton

pytestmark = pytest.mark.django_db
QUEUE = "/admin/comments/comment/"
RESERVED = "این نام برای تحریریه محفوظ است؛ نام دیگری بنویسید."
LOOKALIKE = "نام شبیه یکی از اعضای تحریریه"
MIXED = "نام با حروف چند خط"


@pytest.mark.parametrize(
    ("name", "expected", "why"),
    [
        ("تحریریه", True, "the newsroom"),
        ("دبیر تحریریه (پاسخ رسمی)", True, "the desk's own label"),
        ("پاسخ رسمی", True, "an official reply"),
        ("سردبیر", True, "editor-in-chief"),
        ("مدیر سایت", True, "site manager"),
        ("مدیرسایت", True, "a phrase written solid"),
        ("ادمین", True, "admin in Persian"),
        ("admin", True, "admin"),
        ("Admin_2", True, "digits and _ separate words"),
        ("EDITOR", True, "case"),
        ("аdmin", True, "Cyrillic а"),
        ("ｅｄｉｔｏｒ", True, "fullwidth letters"),
        ("edit0r", True, "zero for o"),
        ("a d m i n", True, "letters spaced apart"),
        ("تحريريه", True, "Arabic ي"),
        ("تـحـریـریـه", True, "tatweel"),
        ("ت\u200cح\u200cر\u200cی\u200cر\u200cی\u200cه", True, "ZWNJ after every letter"),
        ("تحریریهٔ خبر", True, "with a hamza"),
        ("تحر\u200bیریه", True, "with a zero-width space"),
        ("ادمین\u200cسایت", True, "ZWNJ between words"),
        ("مریم احمدی", False, "a reader"),
        ("علی دبیری", False, "دبیری is a family name"),
        ("یک دبیر بازنشسته", False, "a teacher signs so"),
        ("مدیر مدرسه", False, "a school principal"),
        ("Badminton fan", False, "admin inside a longer word"),
        ("Sara", False, "a staff name is a hint, not a refusal"),
    ],
)
def test_is_reserved(name, expected, why):
    assert is_reserved(name) is expected, why


def test_site_name_is_reserved(settings):
    settings.SITE_NAME = "خبرنامهٔ ایلام"
    assert is_reserved("خبرنامه ایلام")
    assert not is_reserved("ایلام")


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("ѕаrа", "sara", True),  # Cyrillic ѕ and а
        ("SARA", "sara", True),
        ("ｓａｒａ", "sara", True),
        ("sаra.", "sara", True),
        ("سارا محمدی", "سارا‌محمدی", True),
        ("سارا", "سارا‌ محمدی", False),
        ("sarah", "sara", False),
    ],
)
def test_name_key_folds_look_alikes(one, other, same):
    assert (name_key(one) == name_key(other)) is same
    assert skeleton("ѕаrа") == "sara"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ѕаrа", True), ("sara", False), ("سارا sara", False), ("ساراa", True), ("مریم۲", False)],
)
def test_mixes_scripts(name, expected):
    assert mixes_scripts(name) is expected


@pytest.mark.parametrize(
    "name",
    ["تحریریه", "دبیر تحریریه (پاسخ رسمی)", "سردبیر", "مدیر سایت", "ادمین", "admin", "Editor"],
)
def test_reserved_names_are_refused_with_a_persian_error(article, post_comment, name):
    response = post_comment(article, name=name)
    assert response.status_code == 400
    document = response.content.decode()
    assert RESERVED in document
    assert f'value="{name}"' in document.replace("&#x27;", "'"), "the name comes back to edit"
    assert Comment.objects.count() == 0


def test_reader_sharing_a_word_with_the_desk_is_accepted(article, post_comment):
    assert post_comment(article, name="علی دبیری").status_code == 302
    assert Comment.objects.get().name == "علی دبیری"


@pytest.fixture
def staff(django_user_model):
    django_user_model.objects.create_user(
        "sara", first_name="سارا", last_name="محمدی", is_staff=True
    )
    django_user_model.objects.create_user("reza", is_staff=True, is_active=False)
    django_user_model.objects.create_user("mina")  # not staff


def row_of(document: str, text: str) -> str:
    rows = re.findall(r"<tr.*?</tr>", document.split("<tbody>", 1)[1], re.S)
    return next(row for row in rows if text in row)


def test_desk_hints_names_that_look_like_staff(client, editor, article, staff):
    names = {
        "ѕаrа": "اول",
        "Sara": "دوم",
        "سارا محمدی": "سوم",
        "dabir": "چهارم",  # the editor fixture's user name
        "reza": "پنجم",  # staff no more
        "mina": "ششم",  # not staff
        "سارا": "هفتم",  # a first name alone is too common to hint
    }
    for number, (name, text) in enumerate(names.items()):
        Comment.objects.create(article=article, name=name, text=text, sender_hash=str(number))
    client.force_login(editor)
    document = client.get(QUEUE).content.decode()
    for text in ["اول", "دوم", "سوم", "چهارم"]:
        assert LOOKALIKE in row_of(document, text), text
    for text in ["پنجم", "ششم", "هفتم"]:
        assert LOOKALIKE not in row_of(document, text), text
    assert MIXED in row_of(document, "اول")
    assert MIXED not in row_of(document, "دوم")


def test_single_comment_page_shows_the_hint(client, editor, article, staff):
    comment = Comment.objects.create(article=article, name="Ѕara", text="متن", sender_hash="x")
    client.force_login(editor)
    assert LOOKALIKE in client.get(f"{QUEUE}{comment.pk}/change/").content.decode()


def test_staff_names_are_read_once_per_list(client, editor, article, staff):
    client.force_login(editor)

    def queries_for(rows: int) -> int:
        Comment.objects.all().delete()
        for number in range(rows):
            Comment.objects.create(
                article=article,
                name=f"sara {number}",
                text=f"متن {number}",
                sender_hash=f"{number}",
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(20)
