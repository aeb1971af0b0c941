"""The reader's article page as Chromium lays it out, at two phone sizes and a laptop's."""

import json
import re
from pathlib import Path

import pytest

from .conftest import PageWatch

pytestmark = pytest.mark.browser

REFERENCE = json.loads(
    (Path(__file__).parents[1] / "data" / "editorial_reference.json").read_text()
)
VIEWPORTS = [(360, 740), (390, 844), (1366, 768)]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=lambda v: str(v))
def test_article_page_reads_right_to_left(browser, live, article_url, artifacts, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fa-IR", timezone_id="Asia/Tehran"
    )
    try:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(article_url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")

        # Headline, lead and the seven body paragraphs: all there, visible, in reading order.
        headline = page.locator("h1#headline")
        lead = page.locator(".article-header .lead")
        paragraphs = page.locator(".article-body > p")
        assert squash(headline.inner_text()) == squash(REFERENCE["title"])
        assert squash(lead.inner_text()) == squash(REFERENCE["lead"])
        assert [squash(t) for t in paragraphs.all_inner_texts()] == [
            squash(t) for t in REFERENCE["body"]
        ]
        blocks = [headline, lead, *paragraphs.all()]
        tops = []
        for block in blocks:
            assert block.is_visible()
            box = block.bounding_box()
            assert box["width"] > 0 and box["height"] > 0
            tops.append(box["y"])
        assert tops == sorted(tops) and len(set(tops)) == len(tops), tops

        # Right to left, and the headline starts at the content's right edge.
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        edges = page.evaluate(
            """() => {
              const main = document.querySelector('main');
              const style = getComputedStyle(main);
              const content = main.getBoundingClientRect().right - parseFloat(style.paddingRight)
                - parseFloat(style.borderRightWidth);
              const h1 = document.querySelector('h1#headline');
              const range = document.createRange();
              range.selectNodeContents(h1);
              const firstLine = range.getClientRects()[0];
              return {content, box: h1.getBoundingClientRect().right, text: firstLine.right,
                      textLeft: firstLine.left, contentLeft: main.getBoundingClientRect().left};
            }"""
        )
        assert abs(edges["box"] - edges["content"]) <= 1.5, edges
        assert abs(edges["text"] - edges["content"]) <= 2, edges
        assert edges["textLeft"] >= edges["contentLeft"], edges

        # The web font is in use, not a fallback.
        assert page.evaluate("document.fonts.check('16px Vazirmatn')")
        assert page.evaluate("document.fonts.check('16px Vazirmatn', 'روابط عمومی')")
        assert page.evaluate(
            "[...document.fonts].some(f => f.family.replace(/\"/g, '') === 'Vazirmatn'"
            " && f.status === 'loaded')"
        )

        # Nothing sticks out sideways.
        overflow = page.evaluate(
            """() => ({scroll: document.documentElement.scrollWidth,
                       client: document.documentElement.clientWidth,
                       body: document.body.scrollWidth})"""
        )
        assert overflow["scroll"] <= overflow["client"], overflow
        assert overflow["body"] <= overflow["client"], overflow

        shots = artifacts / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=shots / f"article-{width}x{height}.png", full_page=True)
        assert watch.problems == []
    finally:
        context.close()
