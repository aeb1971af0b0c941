"""The chief editor reorders an article's sections with the keyboard alone, and saves."""

import json
import secrets

import pytest

from tests.liveserver import live_server, manage, shell

from .conftest import ARTIFACTS
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

ORDER = (
    "import json; from articles.models import Section; "
    "print(json.dumps(list(Section.objects.filter(article__news_code=673206)"
    ".order_by('position').values_list('pk', flat=True))))"
)


@pytest.fixture(scope="module")
def chief_server(_chromium_present):
    with live_server(artifacts=ARTIFACTS / "sections") as server:
        password = "Chief-" + secrets.token_urlsafe(12)
        manage(
            {**server.env, "EDITOR_PASSWORD": password}, "create_editor", "chief", "--role", "chief"
        )
        yield server, password


def test_sections_move_with_the_keyboard_and_the_order_is_saved(browser, chief_server, axe_source):
    server, password = chief_server
    before = json.loads(shell(server.env, ORDER))
    context = browser.new_context(locale="fa-IR", bypass_csp=True)  # to inject axe-core
    try:
        page = context.new_page()
        page.goto(server.url + "/admin/login/?next=/admin/articles/article/1/change/")
        page.locator("#id_username").fill("chief")
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/admin/articles/article/1/change/"), page.url
        assert axe_violations(page, axe_source) == []
        # A paragraph shows no image fields; made a subheading, its text box is one line.
        first = page.locator("#sections-0")
        assert first.locator(".form-row.field-image").is_hidden()
        first.locator('select[name$="-kind"]').select_option("subheading")
        assert first.locator("textarea").get_attribute("rows") == "1"
        first.locator('select[name$="-kind"]').select_option("paragraph")
        # Keyboard only: focus the first section's «پایین» and press Enter twice.
        down = page.locator("#sections-0 .section-move button", has_text="پایین")
        down.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        status = page.locator("#sections-group [aria-live]")
        assert status.inner_text() == "بخش به جای ۳ از ۷ رفت."
        assert page.locator("#id_sections-0-position").input_value() == "3"
        page.locator("input[name=_continue]").click()
        page.wait_for_load_state()
        assert page.locator(".messagelist .success").count() == 1
    finally:
        context.close()
    after = json.loads(shell(server.env, ORDER))
    assert after == [before[1], before[2], before[0], *before[3:]]
