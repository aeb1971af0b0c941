"""axe-core finds nothing to report on the reader's pages, in light and dark colours."""

import time

import pytest

pytestmark = pytest.mark.browser

COLOR_SCHEMES = ["light", "dark"]


def axe_violations(page, axe_source) -> list[str]:
    page.add_script_tag(path=str(axe_source))
    # axe's default: every rule but the experimental ones (WCAG 2.x A/AA, best practice).
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.fixture(params=COLOR_SCHEMES)
def scheme_page(browser, request):
    # bypass_csp: the site's Content-Security-Policy (rightly) refuses the injected axe script.
    context = browser.new_context(color_scheme=request.param, locale="fa-IR", bypass_csp=True)
    yield context.new_page()
    context.close()


def test_home_page(scheme_page, live, axe_source):
    scheme_page.goto(live.url + "/")
    assert axe_violations(scheme_page, axe_source) == []


def test_article_page(scheme_page, article_url, axe_source):
    scheme_page.goto(article_url)
    assert axe_violations(scheme_page, axe_source) == []


def test_article_page_after_a_refused_comment(scheme_page, article_url, axe_source):
    scheme_page.goto(article_url)
    scheme_page.get_by_label("دیدگاه شما:", exact=True).fill("متنی بدون نام فرستنده.")
    time.sleep(1.2)
    scheme_page.get_by_role("button", name="ارسال دیدگاه").click()
    scheme_page.wait_for_load_state()
    assert "نام خود را بنویسید." in scheme_page.locator("#comments").inner_text()
    assert scheme_page.get_by_label("نام:", exact=True).get_attribute("aria-invalid") == "true"
    assert axe_violations(scheme_page, axe_source) == []
