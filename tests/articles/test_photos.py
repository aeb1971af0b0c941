"""Photos and link previews: what the desk accepts, what readers and link previews are served."""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFile, ImageFont, ImageStat

from articles import images
from articles.models import Article, Section
from tests.articles.test_writing_desk import change_form_data
from tests.conftest import ARTICLE_PAGE_QUERIES

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg(width=4000, height=3000, *, orientation=None, gps=True, color=(200, 60, 40)) -> bytes:
    """A camera-like JPEG: EXIF with GPS and maker text, an orientation, an ICC profile."""
    image = Image.new("RGB", (width, height), color)
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill=(20, 20, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (33.0, 38.0, 0.0), 3: "E", 4: (46.0, 25.0, 0.0)})
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(out, "JPEG", exif=exif, icc_profile=icc, quality=90)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def decode(name: str) -> Image.Image:
    with default_storage.open(name) as f:
        image = Image.open(io.BytesIO(f.read()))
        image.load()
        return image


def assert_no_metadata(image: Image.Image) -> None:
    assert not image.getexif(), image.getexif()
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "photoshop", "iptc", "comment"):
        assert key not in image.info, key
    # Nor is anything of it left in the bytes.
    raw = image.tobytes()
    assert b"SecretCam" not in raw


@pytest.fixture
def photo_article(article) -> Article:
    article.image = upload(jpeg(orientation=6))
    article.image_alt = "استاندار ایلام در نشست خبری"
    article.save()
    return article


# --- Uploads --------------------------------------------------------------------------------------
def test_an_uploaded_photo_is_turned_upright_stripped_and_renamed(photo_article):
    name = photo_article.image.name
    assert re.fullmatch(r"articles/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name), name
    with default_storage.open(name) as f:
        assert b"SecretCam" not in f.read()
    stored = decode(name)
    assert stored.size == (3000, 4000)  # EXIF orientation 6 applied
    assert_no_metadata(stored)
    # The blue corner was top-left before a 90° clockwise turn: it is now top-right.
    assert stored.getpixel((2990, 10))[2] > 150
    assert stored.getpixel((10, 10))[0] > 150


def test_renditions_come_in_every_width_and_format_without_metadata(photo_article):
    data = photo_article.image_renditions
    assert (data["width"], data["height"]) == (3000, 4000)
    for spec in images.SPECS:
        files = data["sources"][spec.name]
        assert [width for width, _, _ in files] == [360, 720, 1080, 1600]
        for width, name, size in files:
            image = decode(name)
            assert image.format == spec.pil_format
            assert image.size == (width, round(4000 * width / 3000))
            assert default_storage.size(name) == size
            assert_no_metadata(image)


def test_a_small_photo_is_never_upscaled(article):
    section = article.sections.first()
    section.kind, section.image = Section.Kind.FIGURE, upload(jpeg(800, 600), "small.jpg")
    section.save()
    widths = [w for w, _, _ in section.image_renditions["sources"]["webp"]]
    assert widths == [360, 720, 800]


def bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, "PNG")  # 56 MP in a few kilobytes
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), "red").save(out, "GIF")
    return out.getvalue()


REFUSED = [
    (b"%PDF-1.4 not a photo at all" * 10, "photo.jpg", "این پرونده تصویر نیست"),
    (jpeg(4000, 3000)[:5000], "cut.jpg", "این پرونده تصویر نیست"),
    (gif(), "photo.gif", "این قالب تصویر پذیرفته نیست"),
    (b"\xff\xd8\xff" + b"\0" * (20 * 1024 * 1024), "huge.jpg", "بیش از ۲۰ مگابایت"),
    (bomb(), "bomb.png", "بیش از ۵۰ مگاپیکسل"),
    (jpeg(1000, 700), "narrow.jpg", "دست‌کم ۱۲۰۰ پیکسل"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSED)
def test_the_desk_refuses_bad_photos_in_persian_keeping_the_other_changes(
    article, admin_client, data, name, message
):
    form = change_form_data(article, headline="تیتر تازهٔ دبیر", image=upload(data, name))
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "تیتر تازهٔ دبیر" in page  # the editor's typing is still in the form
    article.refresh_from_db()
    assert not article.image
    assert not default_storage.exists("articles")  # nothing of the refused file was stored


def test_a_bomb_is_refused_without_being_decoded(monkeypatch):
    data = upload(bomb(), "bomb.png")

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(Image.Image, "load", no_decoding)
    with pytest.raises(ValidationError) as refused:
        images.inspect_upload(data)
    assert "۵۰ مگاپیکسل" in str(refused.value)


def test_the_desk_saves_a_good_photo_and_a_figure(article, admin_client):
    form = change_form_data(
        article,
        image=upload(jpeg(2000, 1500)),
        image_alt="عکس نشست",
        **{"sections-0-kind": "figure", "sections-0-image": upload(jpeg(900, 600), "f.jpg")},
        **{"sections-0-image_alt": "نمای شهر"},
    )
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.image_renditions["width"] == 2000
    figure = article.sections.get(position=1)
    assert figure.image_renditions["sources"]["avif"][-1][0] == 900
    assert article.card.endswith(".jpg")


def test_a_photo_is_judged_by_its_content_not_its_name(article, admin_client):
    form = change_form_data(article, image=upload(jpeg(1600, 900), "عکس.txt"), image_alt="عکس")
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.image.name.endswith(".jpg") and "عکس" not in article.image.name


def test_a_figure_needs_its_alt_text_before_publishing(article, admin_client):
    form = change_form_data(
        article, **{"sections-0-kind": "figure", "sections-0-image": upload(jpeg(900, 600))}
    )
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 200
    assert "بی متن جایگزین تصویر منتشر نمی‌شود" in response.content.decode()
    assert not article.sections.get(position=1).image


def test_a_photo_needs_its_alt_text_before_publishing(article, admin_client):
    form = change_form_data(article, image=upload(jpeg(2000, 1500)), image_alt="  ")
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 200
    assert "بی متن جایگزین تصویر منتشر نمی‌شود" in response.content.decode()
    # A draft may wait for it.
    form |= {"status": Article.Status.DRAFT, "image": upload(jpeg(2000, 1500))}
    response = admin_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302


# --- What readers get -----------------------------------------------------------------------------
def test_the_page_shows_a_picture_with_sizes_and_the_lead_loads_first(
    photo_article, client, django_assert_num_queries, settings
):
    settings.ARTICLE_CACHE_SECONDS = 0  # measure the rendering itself, not the cached copy
    section = photo_article.sections.first()
    section.kind, section.image, section.image_alt = (
        Section.Kind.FIGURE,
        upload(jpeg(1600, 900)),
        "نمای شهر ایلام",
    )
    section.save()
    client.get(photo_article.get_absolute_url())  # renders the article's fragments again
    with django_assert_num_queries(ARTICLE_PAGE_QUERIES):  # pictures add no query after that
        page = client.get(photo_article.get_absolute_url()).content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", page)
    assert len(pictures) == 2
    lead, figure = pictures
    assert '<source type="image/avif"' in lead and '<source type="image/webp"' in lead
    assert "-1600.avif 1600w" in lead
    assert 'width="3000" height="4000"' in lead
    assert 'alt="استاندار ایلام در نشست خبری"' in lead
    assert 'fetchpriority="high"' in lead and "loading=" not in lead
    assert 'loading="lazy"' in figure and 'width="1600" height="900"' in figure
    # No image on the page without its size (no layout shift).
    for img in re.findall(r"<img[^>]*>", page):
        assert "width=" in img and "height=" in img, img


def test_the_served_rendition_is_cached_for_good(photo_article, client):
    name = photo_article.image_renditions["sources"]["avif"][0][1]
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/avif"
    assert "immutable" in response["Cache-Control"]
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (360, 480)
    assert not image.getexif()


def test_lists_show_a_thumbnail_when_there_is_a_photo(photo_article, client):
    tag = photo_article.tags.first()
    lists = [
        "/",
        photo_article.category.get_absolute_url(),
        tag.get_absolute_url(),
        "/search/?q=استاندار",
    ]
    for url in lists:
        page = client.get(url).content.decode()
        thumb = re.search(r'<img class="thumb"[^>]*>', page)
        assert thumb, url
        assert 'loading="lazy"' in thumb.group() and "-360.jpg" in thumb.group()


def test_rss_items_carry_the_photo(photo_article, client):
    feed = client.get(reverse("articles:feed")).content.decode()
    enclosure = re.search(r'<enclosure length="(\d+)" type="image/jpeg" url="([^"]+)"', feed)
    assert enclosure, feed[:2000]
    assert enclosure.group(2).endswith("-720.jpg")
    name = enclosure.group(2).split("/media/", 1)[1]
    assert default_storage.size(name) == int(enclosure.group(1))


# --- Link previews --------------------------------------------------------------------------------
def meta(page: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    return found.group(1) if found else ""


def test_the_governors_article_gets_a_drawn_card(article, client):
    call_command("load_initial_content", verbosity=0)
    article.refresh_from_db()
    assert re.fullmatch(r"cards/673206-[0-9a-f]{12}\.png", article.card)
    page = client.get(article.get_absolute_url()).content.decode()
    url = meta(page, "og:image")
    assert url.startswith("http://testserver/media/cards/673206-")
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "og:image:alt") == article.headline
    assert meta(page, "twitter:card") == "summary_large_image"
    served = client.get(url.removeprefix("http://testserver"))
    card = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert (card.format, card.size) == ("PNG", (1200, 630))
    # The headline's ink starts at the right margin (right to left), not at the left.
    band = card.convert("L").crop((0, 150, 1200, 200)).point(lambda v: 255 if v > 200 else 0)
    left, _, right, _ = band.getbbox()
    assert 1100 < right <= 1132 and left > 70


def test_the_card_changes_address_when_the_headline_changes(article):
    article.save()
    first = article.card
    article.headline = "تیتر دیگری برای همین خبر"
    article.save()
    assert article.card != first
    assert default_storage.exists(article.card) and not default_storage.exists(first)
    article.save()  # nothing it shows changed: same card
    assert article.card == Article.objects.get(pk=article.pk).card


def test_a_photo_card_is_cropped_around_the_focal_point(article):
    image = Image.new("RGB", (3000, 1000), "red")
    ImageDraw.Draw(image).rectangle((2000, 0, 3000, 1000), fill="blue")
    out = io.BytesIO()
    image.save(out, "PNG")
    article.image, article.image_alt = upload(out.getvalue(), "wide.png"), "دو رنگ"
    article.image_focus_x = 90
    article.save()
    card = decode(article.card)
    assert card.size == (1200, 630)
    assert card.getpixel((900, 300))[2] > 200  # the blue right third is in the card
    article.image_focus_x = 10
    article.save()
    assert decode(article.card).getpixel((900, 300))[0] > 200  # now only red


def test_structured_data_has_image_author_and_logo(photo_article, client):
    page = client.get(photo_article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["image"][0].endswith(photo_article.card)
    assert data["image"][1].endswith("-1600.jpg")
    assert data["author"]["name"]
    logo_url = data["publisher"]["logo"]["url"]
    logo = client.get(logo_url.removeprefix("http://testserver"))
    assert logo.status_code == 200
    assert Image.open(io.BytesIO(b"".join(logo.streaming_content))).size == (600, 60)


# --- Right-to-left shaping ------------------------------------------------------------------------
def ink(text: str, layout=ImageFont.Layout.RAQM) -> Image.Image:
    face = ImageFont.truetype(
        str(images.FONTS / "vazirmatn-card-bold.ttf"), 60, layout_engine=layout
    )
    canvas = Image.new("L", (900, 120), 0)
    kwargs = images.TEXT if layout == ImageFont.Layout.RAQM else {}
    ImageDraw.Draw(canvas).text((880, 20), text, font=face, fill=255, anchor="ra", **kwargs)
    return canvas


def ink_sum(image: Image.Image) -> float:
    return ImageStat.Stat(image).sum[0]


def width(image: Image.Image) -> int:
    left, _, right, _ = image.getbbox()
    return right - left


@pytest.mark.parametrize("word", ["تحریریه", "ببب"])
def test_raqm_joins_the_letters(word):
    # Joined (initial, medial, final) forms are narrower than the isolated letters that a
    # layout without shaping draws.
    isolated = sum(width(ink(letter)) for letter in word)
    assert width(ink(word)) < isolated * 0.85
    assert width(ink(word)) < width(ink(word, ImageFont.Layout.BASIC)) * 0.85


def test_the_zwnj_is_honoured():
    joined, parted = ink("مهمترین"), ink("مهم\u200cترین")
    assert ImageChops.difference(joined, parted).getbbox()
    assert width(parted) > width(joined)  # the ZWNJ breaks the join: final م, initial ت


def test_quotes_and_latin_are_drawn_not_left_blank():
    # The Arabic-script subset alone has no « » or «.»: the merged card font must.
    for mark in ("«", "»", ".", ":", "(", "A", "1"):
        assert ink(mark).getbbox(), mark


def test_words_run_right_to_left():
    # «است مردم»: the first word is the rightmost, as it is drawn alone (up to antialiasing).
    first, line = ink("است"), ink("است مردم")
    box = (880 - width(first), 0, 900, 120)

    def mismatch(a: Image.Image, b: Image.Image) -> float:
        """Share of b's ink that a lacks, allowing a shift of a pixel or two (kerning)."""
        return min(
            ink_sum(ImageChops.difference(ImageChops.offset(a, dx, 0).crop(box), b.crop(box)))
            / ink_sum(b.crop(box))
            for dx in range(-2, 3)
        )

    assert mismatch(line, first) < 0.1
    assert mismatch(ink("مردم است"), first) > 0.5  # the other order does not match


def test_restoring_an_older_photo_brings_back_its_renditions(photo_article):
    old_photo = photo_article.image.name
    photo_article.image = upload(jpeg(1600, 1200), "second.jpg")
    photo_article.save()
    assert photo_article.image_renditions["source"] != old_photo
    # What reversion's raw revert does: the row gets the old name back, then the form saves.
    Article.objects.filter(pk=photo_article.pk).update(image=old_photo)
    photo_article.refresh_from_db()
    photo_article.save()
    assert photo_article.image_renditions["source"] == old_photo
    assert photo_article.image_renditions["width"] == 3000


def test_build_images_remakes_what_is_missing(photo_article):
    names = [
        name for files in photo_article.image_renditions["sources"].values() for _, name, _ in files
    ]
    for name in [*names, photo_article.card]:
        default_storage.delete(name)
    call_command("build_images", "--rebuild", verbosity=0)
    photo_article.refresh_from_db()
    for files in photo_article.image_renditions["sources"].values():
        for _, name, size in files:
            assert default_storage.size(name) == size
    assert default_storage.exists(photo_article.card)


def test_the_desk_shows_the_card_it_will_share(article, admin_client):
    article.save()
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f'<img src="/media/{article.card}" width="600" height="315"' in page
