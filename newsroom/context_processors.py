from functools import lru_cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse


@lru_cache(maxsize=1)
def _constants() -> dict:
    """Addresses every page carries. Reversed and looked up in the static manifest once per
    process rather than on every page (they were a quarter of an article's rendering); neither
    the URLconf nor the manifest changes while a process runs."""
    return {
        "site_name": settings.SITE_NAME,
        "links": {
            "home": reverse("articles:home"),
            "search": reverse("articles:search"),
            "feed": reverse("articles:feed"),
        },
        "assets": {
            "css": static("css/site.css"),
            "js": static("js/site.js"),
            "favicon": static("favicon.svg"),
            "font_arabic": static("fonts/vazirmatn/vazirmatn-arabic-wght-normal.woff2"),
            "font_latin": static("fonts/vazirmatn/vazirmatn-latin-wght-normal.woff2"),
        },
    }


def site(request):
    return _constants()
