"""Photos: what an upload must be, how it is cleaned, and every rendition as data (named specs,
à la sorl-thumbnail). Everything here runs when a photo is saved or by `manage.py build_images`,
never on a reader's request."""

import hashlib
import io
import json
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from newsroom.persian import fa_digits, jalali_date

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
LEAD_MIN_WIDTH = 1200
ACCEPTED = {"JPEG", "PNG", "WEBP", "AVIF"}

WIDTHS = (360, 720, 1080, 1600)


@dataclass(frozen=True)
class Spec:
    """One encoding of a rendition; the page offers them in this order."""

    name: str
    pil_format: str
    ext: str
    mime: str
    options: dict


SPECS = (
    Spec("avif", "AVIF", "avif", "image/avif", {"quality": 55, "speed": 8}),
    Spec("webp", "WEBP", "webp", "image/webp", {"quality": 78, "method": 4}),
    Spec(
        "jpeg", "JPEG", "jpg", "image/jpeg", {"quality": 80, "optimize": True, "progressive": True}
    ),
)
FALLBACK = SPECS[-1]

CARD_SIZE = (1200, 630)
# Bumped when the card's drawing changes, so every card gets a new address.
CARD_VERSION = "2"
# The site's Vazirmatn subsets merged into one font per weight (scripts/card_fonts.py): Pillow
# draws a line with one font, and headlines mix Persian with « » . : ( ) and Latin.
FONTS = Path(__file__).resolve().parent / "fonts"


# --- Uploads --------------------------------------------------------------------------------------
def inspect_upload(upload, *, min_width: int = 0) -> None:
    """Refuse, with a Persian message, what must not be stored. Reads only the header before
    the size checks, so a decompression bomb is never decoded."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("حجم تصویر بیش از ۲۰ مگابایت است."), code="too_big")
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("تصویر بیش از ۵۰ مگاپیکسل است."), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("این پرونده تصویر نیست."), code="not_image") from None
    with image:
        if image.format not in ACCEPTED:
            raise ValidationError(
                _("این قالب تصویر پذیرفته نیست؛ JPEG، PNG، WebP یا AVIF بفرستید."),
                code="format",
            )
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("تصویر بیش از ۵۰ مگاپیکسل است."), code="too_many_pixels")
        if image.width < min_width:
            raise ValidationError(
                _("عرض تصویر اصلی باید دست‌کم %(min)s پیکسل باشد (این تصویر %(width)s است).")
                % {"min": fa_digits(min_width), "width": fa_digits(image.width)},
                code="too_narrow",
            )
        try:
            image.load()  # a truncated or corrupt file fails here, not at save
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(_("این پرونده تصویر نیست."), code="not_image") from None
    upload.seek(0)


class PhotoField(forms.ImageField):
    """The admin's photo input: our checks and messages before Django's own."""

    # Judged by content, not by name (the stored file gets a new name anyway).
    default_validators = []

    def __init__(self, *args, min_width: int = 0, **kwargs):
        self.min_width = min_width
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        if data not in self.empty_values:
            inspect_upload(data, min_width=self.min_width)
        return super().to_python(data)


def _srgb(image: Image.Image) -> Image.Image:
    """The pixels in sRGB, with or without alpha; the embedded profile is used, then dropped."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
                image = image.convert(mode)
            return ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the plain conversion below is the best we can do
    return image.convert(mode)


def clean_photo(upload) -> ContentFile:
    """The upload upright, in sRGB, re-encoded with no metadata at all, under a random name."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = _srgb(ImageOps.exif_transpose(original))
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", optimize=True)
        ext = "png"
    else:
        image.save(out, "JPEG", quality=92)
        ext = "jpg"
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


# --- Renditions -----------------------------------------------------------------------------------
def build_renditions(name: str) -> dict:
    """Every (width, spec) rendition of a stored clean photo, next to it; returns what the page
    needs to show them without touching the disk or the database."""
    with default_storage.open(name) as f, Image.open(f) as master:
        master.load()
    stem = PurePosixPath(name).with_suffix("")
    widths = [w for w in WIDTHS if w < master.width]
    if master.width <= WIDTHS[-1]:
        widths.append(master.width)  # the photo's own width: never upscaled
    sources: dict[str, list] = {}
    for spec in SPECS:
        for width in widths:
            height = round(master.height * width / master.width)
            image = master.resize((width, height), Image.Resampling.LANCZOS)
            if spec.pil_format == "JPEG" and image.mode == "RGBA":
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            out = io.BytesIO()
            image.save(out, spec.pil_format, **spec.options)
            target = f"{stem}-{width}.{spec.ext}"
            default_storage.delete(target)
            saved = default_storage.save(target, ContentFile(out.getvalue()))
            sources.setdefault(spec.name, []).append([width, saved, out.tell()])
    return {"source": name, "width": master.width, "height": master.height, "sources": sources}


def delete_renditions(data: dict) -> None:
    for files in (data or {}).get("sources", {}).values():
        for _width, name, _size in files:
            default_storage.delete(name)


def srcset(data: dict, spec_name: str) -> str:
    return ", ".join(
        f"{default_storage.url(name)} {width}w" for width, name, _ in data["sources"][spec_name]
    )


def fallback(data: dict, *, largest_under: int = 1080) -> tuple[int, str, int]:
    """The JPEG rendition for <img src>, feeds and JSON-LD."""
    files = data["sources"][FALLBACK.name]
    fitting = [f for f in files if f[0] <= largest_under] or files[:1]
    return fitting[-1]


# --- The social card ------------------------------------------------------------------------------
def card_fingerprint(article) -> str:
    """What the card shows; a change gives a new file name, so no cache keeps a stale card."""
    shown = [
        CARD_VERSION,
        article.headline,
        article.kicker,
        article.category.name,
        jalali_date(article.published_at),
        article.image.name if article.image else "",
        article.image_focus_x,
        article.image_focus_y,
    ]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()[:12]


def crop_to_card(image: Image.Image, focus_x: int, focus_y: int) -> Image.Image:
    """The largest 1200:630 crop centred as near the focal point (percent) as the edges allow."""
    ratio = CARD_SIZE[0] / CARD_SIZE[1]
    width, height = image.size
    crop_w, crop_h = (width, round(width / ratio))
    if crop_h > height:
        crop_w, crop_h = round(height * ratio), height
    left = min(max(round(width * focus_x / 100 - crop_w / 2), 0), width - crop_w)
    top = min(max(round(height * focus_y / 100 - crop_h / 2), 0), height - crop_h)
    return image.crop((left, top, left + crop_w, top + crop_h)).resize(
        CARD_SIZE, Image.Resampling.LANCZOS
    )


def font(size: int, weight: str = "regular") -> ImageFont.FreeTypeFont:
    path = FONTS / f"vazirmatn-card-{weight}.ttf"
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


TEXT = {"direction": "rtl", "language": "fa"}


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of whole words that fit `width`, measured as raqm shapes them."""
    lines: list[str] = []
    for word in text.split():
        line = f"{lines[-1]} {word}" if lines else word
        if lines and face.getlength(line, **TEXT) <= width:
            lines[-1] = line
        else:
            lines.append(word)
    return lines


def draw_card(article) -> Image.Image:
    """A card for an article with no photo: kicker, headline, section, Jalali date, site name,
    set right to left through raqm (HarfBuzz + FriBiDi), so letters join and ZWNJ holds."""
    card = Image.new("RGB", CARD_SIZE, "#083f78")
    draw = ImageDraw.Draw(card)
    right, inner = CARD_SIZE[0] - 70, CARD_SIZE[0] - 140
    draw.rectangle((CARD_SIZE[0] - 24, 0, CARD_SIZE[0], CARD_SIZE[1]), fill="#f2b705")
    y = 60
    if article.kicker:
        draw.text((right, y), article.kicker, font=font(32, "medium"), fill="#f2b705",
                  anchor="ra", **TEXT)  # fmt: skip
        y += 64
    room = 500 - y  # above the rule over the footer
    for size in (62, 54, 46, 40):
        face, step = font(size, "bold"), round(size * 1.6)
        lines = wrap(article.headline, face, inner)
        if len(lines) * step <= room:
            break
    if len(lines) * step > room:  # even the smallest size overflows: cut the last line short
        lines = lines[: room // step]
        lines[-1] += " …"
    for line in lines:
        draw.text((right, y), line, font=face, fill="white", anchor="ra", **TEXT)
        y += step
    footer = f"{article.category.name}، {jalali_date(article.published_at)}"
    draw.line((70, 520, right, 520), fill="#3d6ea8", width=2)
    draw.text((right, 545), footer, font=font(30), fill="#dce6f2", anchor="ra", **TEXT)
    draw.text((70, 545), settings.SITE_NAME, font=font(36, "bold"), fill="white", anchor="la",
              **TEXT)  # fmt: skip
    return card


def build_card(article) -> str:
    """Store the article's card (from its photo, or drawn) and return its name."""
    fingerprint = card_fingerprint(article)
    out = io.BytesIO()
    if article.image:
        with default_storage.open(article.image.name) as f, Image.open(f) as photo:
            card = crop_to_card(photo.convert("RGB"), article.image_focus_x, article.image_focus_y)
        card.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        ext = "jpg"
    else:
        draw_card(article).save(out, "PNG")  # optimize=True: 2 KB less for 3× the time
        ext = "png"
    name = f"cards/{article.news_code}-{fingerprint}.{ext}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(out.getvalue()))
    return name
