"""`manage.py typeset < draft.txt`: the typesetting assistant on standard input.

Writes the corrected text on standard output, or with `--diff` the proposed changes, one a line:
where (line:column of the original), the rule, before → after. The admin and the reply field
call the same `newsroom.typeset.typeset`.
"""

import sys

from django.core.management.base import BaseCommand

from newsroom.typeset import ZWNJ, Change, typeset


def _visible(value: str) -> str:
    # ZWNJ and spaces cannot be seen in a terminal: show them.
    return value.replace(ZWNJ, "[ZWNJ]").replace(" ", "␣") or "∅"


def _where(text: str, change: Change) -> str:
    line = text.count("\n", 0, change.start) + 1
    column = change.start - (text.rfind("\n", 0, change.start) + 1) + 1
    return f"{line}:{column}"


class Command(BaseCommand):
    # call_command(..., stdin=StringIO(...)) in tests; the shell gives the real one.
    stealth_options = ("stdin",)
    help = "Reads Persian text on stdin; writes it typeset on stdout (--diff: the changes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--diff", action="store_true", help="print the proposed changes instead of the text"
        )

    def handle(self, *args, diff: bool = False, **options):
        stdin = options.get("stdin") or sys.stdin
        text = stdin.read()
        result = typeset(text)
        if not diff:
            self.stdout.write(result.text, ending="")
            return
        for change in result.changes:
            self.stdout.write(
                f"{_where(text, change)}\t{change.rule}\t"
                f"{_visible(change.before)} → {_visible(change.after)}"
            )
