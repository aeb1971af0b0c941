"""`manage.py typeset`: standard input to standard output, or the changes with --diff."""

from io import StringIO

from django.core.management import call_command

from newsroom.typeset import ZWNJ


def run(text: str, *args: str) -> str:
    out = StringIO()
    call_command("typeset", *args, stdin=StringIO(text), stdout=out)
    return out.getvalue()


def test_writes_the_corrected_text():
    text = "مهمترین خبر: روابط عمومی ها 2 برابر شدند .\nخط دوم\n"
    assert run(text) == f"مهم{ZWNJ}ترین خبر: روابط عمومی{ZWNJ}ها ۲ برابر شدند.\nخط دوم\n"


def test_diff_lists_each_change_with_its_place_and_rule():
    lines = run("خط اول\nمهمترین خبر: 2 برابر .", "--diff").splitlines()
    assert lines == [
        "2:1\tzwnj\tمهمترین → مهم[ZWNJ]ترین",
        "2:14\tdigits\t2 → ۲",
        "2:21\tspacing\t␣ → ∅",
    ]


def test_correct_text_passes_through_unchanged(reference):
    body = "\n\n".join(reference["body"]) + "\n"
    assert run(body) == body
    assert run(body, "--diff") == ""
