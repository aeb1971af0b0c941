"""Our corrections to Django's Persian catalogue are compiled (the .mo is committed) and win."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "fa" / "LC_MESSAGES"
ENTRY = re.compile(r'^msgid "(.+)"\nmsgstr "(.+)"$', re.M)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_committed_mo_matches_its_po(domain):
    """Edit the .po, then `make messages`: a stale .mo fails here."""
    po = (LOCALE / f"{domain}.po").read_text()
    with (LOCALE / f"{domain}.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for msgid, msgstr in ENTRY.findall(po):
        msgid = msgid.replace('\\"', '"')
        assert catalog.gettext(msgid) == msgstr.replace('\\"', '"'), msgid


def test_overrides_win_over_django():
    with override("fa"):
        assert _("Recent actions") == "فعالیت‌های اخیر"
        assert ngettext(
            "Please correct the error below.", "Please correct the errors below.", 1
        ) == ("لطفاً خطای زیر را درست کنید.")
        assert "«" in _("The {name} “{obj}” was changed successfully.")
