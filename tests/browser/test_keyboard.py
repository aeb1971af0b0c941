"""The article page with the keyboard alone."""

import pytest

pytestmark = pytest.mark.browser

# Everything a reader can reach with Tab, in document order (the honeypot is hidden on purpose).
FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button, input, select, textarea, [tabindex]')]
  .filter(el => el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden'
                && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
  .map((el, i) => { el.dataset.tabOrder = i; return describe(el); })"""
DESCRIBE = """() => { window.describe = el => el === document.body ? 'body'
  : el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? `[name=${el.name}]` : '')
    + ` «${(el.innerText || el.value || el.ariaLabel || '').trim().slice(0, 30)}»`; }"""
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {order: el.dataset.tabOrder ?? null, what: describe(el),
          focusVisible: el.matches(':focus-visible'),
          outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          inViewport: box.bottom > 0 && box.top < innerHeight && box.width > 0};
}"""


def test_every_control_is_reached_in_order_with_a_visible_focus(page, article_url):
    page.goto(article_url)
    page.evaluate(DESCRIBE)
    expected = page.evaluate(FOCUSABLE)
    assert len(expected) >= 8, expected  # skip link, brand, links in the article, the form

    reached = []
    for _ in range(len(expected)):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        reached.append(state["what"])
        assert state["focusVisible"], state
        assert state["outline"] != "none" and state["outlineWidth"] > 0, state
        assert state["inViewport"], state
    assert reached == expected

    # One more Tab leaves the page's controls (to the browser's own UI): nothing was missed.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.tabOrder ?? null") is None


def test_first_tab_is_the_skip_link_and_it_moves_focus_to_main(page, article_url):
    page.goto(article_url)
    page.keyboard.press("Tab")
    skip = page.evaluate(
        """() => { const el = document.activeElement; const box = el.getBoundingClientRect();
                   return {cls: el.className, href: el.getAttribute('href'), text: el.innerText,
                           top: box.top, height: box.height}; }"""
    )
    assert skip["cls"] == "skip-link" and skip["href"] == "#main", skip
    assert skip["text"] == "پرش به محتوای اصلی"
    assert skip["top"] >= 0 and skip["height"] > 0, "the focused skip link must be on screen"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside main, not back at the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
