"""A photo article under gunicorn alone (`make run`, no nginx): Chromium picks a rendition, the
media are served with long caching, and nothing shifts while the photos load."""

import io
import json
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest
from PIL import Image

from tests.liveserver import LiveServer, live_server, shell

pytestmark = pytest.mark.browser

MAKE_PHOTO_ARTICLE = """
import io
import json
import subprocess
from PIL import Image, ImageDraw
from django.core.files.uploadedfile import SimpleUploadedFile
from articles.models import Article, Category
photo = Image.new("RGB", (2400, 1600), (30, 90, 160))
ImageDraw.Draw(photo).ellipse((600, 300, 1800, 1300), fill=(240, 180, 40))
out = io.BytesIO()
photo.save(out, "JPEG", quality=90)
article = Article(
    headline="عکس تازه از نمایشگاه صنایع‌دستی ایلام",
    lead="بازدیدکنندگان در روز نخست نمایشگاه.",
    category=Category.objects.first(),
    status=Article.Status.PUBLISHED,
    image=SimpleUploadedFile("photo.jpg", out.getvalue()),
    image_alt="غرفه‌های نمایشگاه صنایع‌دستی",
)
article.save()
print(article.get_absolute_url())
"""


@pytest.fixture(scope="module")
def server(_chromium_present) -> Iterator[tuple[LiveServer, str]]:
    with live_server() as live:
        yield live, live.url + shell(live.env, MAKE_PHOTO_ARTICLE)


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
        return response.headers, response.read()


def test_the_photo_article_loads_a_rendition_without_layout_shift(browser, server):
    live, url = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fa-IR")
    try:
        page = context.new_page()
        page.add_init_script(
            "window.__cls = 0; window.__shifts = []; new PerformanceObserver(list => {"
            " for (const e of list.getEntries()) if (!e.hadRecentInput) { window.__cls += e.value;"
            " window.__shifts.push(e.sources.map(s => s.node && s.node.nodeName + '.'"
            " + s.node.className)); } })"
            ".observe({type: 'layout-shift', buffered: true});"
        )
        page.goto(url, wait_until="load")
        lead = page.evaluate(
            """() => { const img = document.querySelector('.lead-image img');
                return {src: img.currentSrc, natural: img.naturalWidth, shown: img.width,
                        priority: img.getAttribute('fetchpriority')}; }"""
        )
        assert lead["src"].endswith(".avif"), lead  # Chromium takes the AVIF source
        assert 360 <= lead["natural"] <= 1600 and lead["natural"] >= lead["shown"], lead
        assert lead["priority"] == "high"
        page.wait_for_timeout(500)
        shifted = [node for shift in page.evaluate("window.__shifts") for node in shift]
        # (site.js reveals the share and vote buttons, a shift the page had before photos)
        assert not [node for node in shifted if node.split(".")[0] in {"IMG", "PICTURE", "FIGURE"}]
        assert not [node for node in shifted if "lead-image" in node or "article-body" in node]

        headers, body = fetch(lead["src"])
        assert headers["Content-Type"] == "image/avif"
        assert "immutable" in headers["Cache-Control"]
        assert Image.open(io.BytesIO(body)).format == "AVIF"

        card_url = page.get_attribute('meta[property="og:image"]', "content")
        headers, body = fetch(card_url)
        card = Image.open(io.BytesIO(body))
        assert (card.format, card.size) == ("JPEG", (1200, 630))

        page.goto(live.url + "/", wait_until="load")
        thumb = page.evaluate(
            "(() => { const img = document.querySelector('img.thumb');"
            " return img && {natural: img.naturalWidth, shown: img.width}; })()"
        )
        assert thumb and thumb["natural"] >= thumb["shown"] > 0, thumb
    finally:
        context.close()


def test_the_photo_pages_are_valid_html(server, vnu, tmp_path):
    live, url = server
    files = []
    for name, address in [("article", url), ("home", live.url + "/")]:
        _headers, body = fetch(address)
        (tmp_path / f"{name}.html").write_bytes(body)
        files.append(str(tmp_path / f"{name}.html"))
    result = subprocess.run(  # noqa: S603
        [*vnu, "--format", "json", *files], capture_output=True, text=True, timeout=180, check=False
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [m["message"] for m in messages if m["type"] in {"error", "non-document-error"}]
    assert errors == []
