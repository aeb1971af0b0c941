from django import template
from django.core.files.storage import default_storage

from articles import images

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(renditions: dict, alt: str, sizes: str, *, lead: bool = False, css: str = ""):
    """<picture> from the renditions stored on the row: no query, no disk, width and height
    set (no layout shift). Only the lead photo loads eagerly."""
    if not renditions:
        return {"shown": False}
    _width, name, _size = images.fallback(renditions)
    return {
        "shown": True,
        "sources": [
            {"type": spec.mime, "srcset": images.srcset(renditions, spec.name)}
            for spec in images.SPECS
            if spec is not images.FALLBACK
        ],
        "src": default_storage.url(name),
        "srcset": images.srcset(renditions, images.FALLBACK.name),
        "sizes": sizes,
        "width": renditions["width"],
        "height": renditions["height"],
        "alt": alt,
        "lead": lead,
        "css": css,
    }
