from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator
from django.db import IntegrityError, connections, models, transaction
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reversion import register as keep_history

from newsroom.persian import fa_digits, persian_slug, search_terms, search_text

from . import counters, images, pagecache

PREVIEW_SALT = "articles.preview"
# The writing desk's roles (data migration 0008); «دبیران» (comments) moderate comments.
REPORTERS_GROUP = "خبرنگار"
CHIEF_EDITORS_GROUP = "سردبیر"
# ۱ فروردین ۱۳۰۰: no article of ours is older, in either calendar.
EARLIEST_PUBLISH = datetime(1921, 3, 21, tzinfo=UTC)


def pages_showing(articles) -> list[str]:
    """Cache scopes of the pages and fragments that display these articles: their own pages
    and content, the lists beside every article, and the home."""
    return [
        pagecache.HOME,
        pagecache.LISTS,
        *(pagecache.article_scope(a.news_code) for a in articles),
        *(pagecache.content_scope(a.news_code) for a in articles),
    ]


class Category(models.Model):
    """A section of the site (گروه), such as «ایلام»."""

    name = models.CharField(_("نام"), max_length=100, unique=True)
    slug = models.SlugField(_("نامک"), max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("گروه")
        verbose_name_plural = _("گروه‌ها")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        pagecache.invalidate(pages_showing(self.articles.only("news_code")))

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("نام"), max_length=100, unique=True)
    slug = models.SlugField(_("نامک"), max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("برچسب")
        verbose_name_plural = _("برچسب‌ها")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        pagecache.invalidate(pages_showing(self.articles.only("news_code")))

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """The one definition of what a reader may see."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_page(self) -> "ArticleQuerySet":
        """The article row its page needs on every rendering; its sections and tags are read
        only when its fragments are rendered again (articles.views.render_article)."""
        return self.select_related("category")

    def search(self, query: str) -> "ArticleQuerySet":
        """Articles whose headline, lead or body hold every word of `query` (as prefixes),
        through the database's full-text index: FTS5 on SQLite, a GIN-indexed tsvector on
        PostgreSQL (migration 0003)."""
        terms = search_terms(query)[:8]
        if not terms:
            return self.none()
        vendor = connections[self.db].vendor
        if vendor == "sqlite":
            match = " ".join(f'"{term}"*' for term in terms)
            sql = "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s"
            return self.filter(id__in=RawSQL(sql, [match]))  # noqa: S611 (parameterised)
        if vendor == "postgresql":
            tsquery = " & ".join(f"{term}:*" for term in terms)
            sql = "search_vector @@ to_tsquery('simple', %s)"  # see migration 0003
            found = RawSQL(sql, [tsquery], output_field=models.BooleanField())  # noqa: S611
            return self.alias(found=found).filter(found=True)
        query_set = self
        for term in terms:
            query_set = query_set.filter(search_text__contains=term)
        return query_set


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        PUBLISHED = "published", _("منتشرشده")

    kicker = models.CharField(_("روتیتر"), max_length=200, blank=True)
    headline = models.CharField(_("تیتر"), max_length=250)
    lead = models.TextField(_("لید"))
    news_code = models.PositiveIntegerField(
        _("کد خبر"),
        unique=True,
        blank=True,
        help_text=_(
            "شمارهٔ عمومی خبر که در نشانی و زیر تیتر می‌آید؛ اگر خالی بماند خودکار داده می‌شود."
        ),
    )
    slug = models.SlugField(
        _("نامک"),
        max_length=255,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "اگر خالی بماند از تیتر ساخته می‌شود؛ نشانی با نامک نادرست به نشانی درست می‌رود."
        ),
    )
    category = models.ForeignKey(
        Category, verbose_name=_("گروه"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("برچسب‌ها"), blank=True, related_name="articles"
    )
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("زمان انتشار"), default=timezone.now)
    updated_at = models.DateTimeField(_("آخرین ویرایش"), auto_now=True)
    source_name = models.CharField(_("خبرگزاری منبع"), max_length=200, blank=True)
    source_url = models.URLField(_("نشانی خبر اصلی"), max_length=500, blank=True)
    image = models.ImageField(_("تصویر اصلی"), upload_to="articles/%Y/%m/", blank=True)
    image_alt = models.CharField(_("متن جایگزین تصویر"), max_length=250, blank=True)
    image_caption = models.CharField(_("زیرنویس تصویر"), max_length=250, blank=True)
    image_focus_x = models.PositiveSmallIntegerField(
        _("نقطهٔ کانونی افقی (درصد از چپ)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("کارت شبکه‌های اجتماعی دور این نقطه بریده می‌شود."),
    )
    image_focus_y = models.PositiveSmallIntegerField(
        _("نقطهٔ کانونی عمودی (درصد از بالا)"), default=50, validators=[MaxValueValidator(100)]
    )
    # Made when the photo is saved (articles/images.py), so the pages need no query or disk.
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # The 1200×630 link-preview card; its name holds a hash of what it shows.
    card = models.CharField(max_length=200, blank=True, editable=False)

    # Kept by the app, not typed by editors.
    view_count = models.PositiveBigIntegerField(_("بازدید"), default=0, editable=False)
    helpful_yes = models.PositiveIntegerField(_("مفید بود"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(_("مفید نبود"), default=0, editable=False)
    # Approved comments, replies included: kept by Comment moderation in the same transaction
    # as each decision, so the header, the cards and the comment pages never count rows.
    comment_count = models.PositiveIntegerField(_("دیدگاه‌ها"), default=0, editable=False)
    # Headline, lead and body in search spelling (newsroom.persian.search_text); the full-text
    # index (migration 0003) is built on it.
    search_text = models.TextField(default="", blank=True, editable=False)
    # Who wrote it: a reporter sees and edits only their own drafts (articles/admin.py).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("نویسنده"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    KEPT_BY_THE_APP = frozenset(
        {
            "view_count",
            "helpful_yes",
            "helpful_no",
            "search_text",
            "comment_count",
            "image_renditions",
            "card",
        }
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            # «آخرین اخبار گروه» and the section pages.
            models.Index(
                fields=["category", "status", "-published_at"], name="article_category_pub_idx"
            ),
        ]
        verbose_name = _("خبر")
        verbose_name_plural = _("اخبار")
        permissions = [("can_publish", _("می‌تواند خبر را منتشر یا زمان‌بندی کند"))]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = persian_slug(self.headline)
        if not self.news_code:
            self._save_with_next_code(*args, **kwargs)
            return
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Counters move by F() updates elsewhere; an editor's save must not write back the
            # stale values it loaded.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.KEPT_BY_THE_APP
            ]
        new_photo = bool(self.image) and not self.image._committed
        if new_photo:
            self.image = images.clean_photo(self.image)
        super().save(*args, **kwargs)
        self.refresh_search_text()
        self.refresh_images(rebuild=new_photo)
        pagecache.invalidate(pages_showing([self]))
        # A (re)scheduled article: cached pages must not outlive its moment.
        transaction.on_commit(pagecache.refresh_next_publish)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"news_code": self.news_code, "slug": self.slug})

    def _clean_published_at(self) -> None:
        # A Jalali date typed into a Gregorian field («1405-09-05») must not go live in 1405 AD.
        if self.published_at and not (
            EARLIEST_PUBLISH <= self.published_at <= timezone.now() + timedelta(days=366)
        ):
            raise ValidationError(
                {
                    "published_at": _(
                        "این زمان انتشار باورپذیر نیست (پیش از ۱۳۰۰ یا بیش از یک سال دیگر)؛ "
                        "اگر تاریخ شمسی را به‌جای میلادی نوشته‌اید، آن را درست کنید."
                    )
                }
            )

    def clean(self) -> None:
        self._clean_published_at()
        if self.status == self.Status.PUBLISHED and self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("خبری که تصویر دارد بی متن جایگزین تصویر منتشر نمی‌شود.")}
            )

    def _save_with_next_code(self, *args, **kwargs) -> None:
        """The next free news code; two editors saving at once each get their own."""
        for _attempt in range(5):
            top = Article.objects.aggregate(top=models.Max("news_code"))["top"] or 0
            self.news_code = top + 1
            try:
                with transaction.atomic():
                    self.save(*args, **kwargs)
                return
            except IntegrityError:
                if not Article.objects.filter(news_code=self.news_code).exists():
                    raise
                self._state.adding = True
        raise IntegrityError("no free news code after 5 attempts")

    def get_preview_url(self) -> str:
        """A signed address of this article as readers will see it, drafts and scheduled ones
        too; the view opens it for staff only (articles.views.preview)."""
        token = signing.dumps(self.pk, salt=PREVIEW_SALT)
        return reverse("articles:preview", kwargs={"token": token})

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def state_label(self) -> str:
        """«پیش‌نویس», «زمان‌بندی‌شده» or «منتشرشده», as the desk lists it."""
        if self.status != self.Status.PUBLISHED:
            return self.get_status_display()
        return str(_("منتشرشده") if self.is_live else _("زمان‌بندی‌شده"))

    def refresh_search_text(self) -> None:
        body = self.sections.values_list("text", flat=True)
        self.search_text = search_text(self.kicker, self.headline, self.lead, *body)
        Article.objects.filter(pk=self.pk).update(search_text=self.search_text)

    def refresh_images(self, *, rebuild: bool = False) -> None:
        """Renditions for a new photo (or when asked), and a card matching what it shows."""
        stored = Article.objects.filter(pk=self.pk).values("image_renditions", "card").first()
        renditions, card = stored["image_renditions"], stored["card"]
        # By source name too: restoring an old version brings back an old photo.
        if rebuild or renditions.get("source", "") != (self.image.name or ""):
            images.delete_renditions(renditions)
            renditions = images.build_renditions(self.image.name) if self.image else {}
        fresh = card.endswith(images.card_fingerprint(self) + card[-4:])
        if not card or not fresh or not default_storage.exists(card):
            new_card = images.build_card(self)
            if card and card != new_card:
                default_storage.delete(card)
            card = new_card
        Article.objects.filter(pk=self.pk).update(image_renditions=renditions, card=card)
        self.image_renditions, self.card = renditions, card

    @property
    def card_size(self) -> tuple[int, int]:
        return images.CARD_SIZE

    def record_vote(self, *, helpful: bool) -> None:
        """One reader's «آیا این خبر مفید بود؟», counted like a view (articles/counters.py): no
        database write per click, and no re-render of the cached page."""
        counters.record_vote(self.news_code, helpful=helpful)

    def helpful_counts(self) -> tuple[int, int]:
        """Yes and no votes, with those this process counted but has not folded yet."""
        return (
            self.helpful_yes + counters.pending(self.news_code, counters.YES),
            self.helpful_no + counters.pending(self.news_code, counters.NO),
        )

    @property
    def reading_minutes(self) -> int:
        words = sum(len(s.text.split()) for s in self.sections.all()) + len(self.lead.split())
        return max(1, round(words / 200))

    def delete(self, *args, **kwargs):
        pagecache.invalidate(pages_showing([self]))
        return super().delete(*args, **kwargs)


class Section(models.Model):
    """One ordered part of an article's body."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("پاراگراف")
        SUBHEADING = "subheading", _("میان‌تیتر")
        QUOTE = "quote", _("نقل‌قول")
        FIGURE = "figure", _("تصویر")

    article = models.ForeignKey(
        Article, verbose_name=_("خبر"), on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(_("ترتیب"))
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices, default=Kind.PARAGRAPH)
    text = models.TextField(_("متن"), blank=True)
    image = models.ImageField(_("تصویر"), upload_to="sections/%Y/%m/", blank=True)
    image_alt = models.CharField(_("متن جایگزین تصویر"), max_length=250, blank=True)
    caption = models.CharField(_("زیرنویس"), max_length=250, blank=True)
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="section_unique_position"),
        ]
        verbose_name = _("بخش متن")
        verbose_name_plural = _("بخش‌های متن")

    def __str__(self) -> str:
        return f"بخش {fa_digits(self.position)}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        new_photo = bool(self.image) and not self.image._committed
        if new_photo:
            self.image = images.clean_photo(self.image)
        if new_photo or not self.image:
            images.delete_renditions(self.image_renditions)
            self.image_renditions = {}
        super().save(*args, **kwargs)
        if self.image and (new_photo or self.image_renditions.get("source") != self.image.name):
            self.image_renditions = images.build_renditions(self.image.name)
            Section.objects.filter(pk=self.pk).update(image_renditions=self.image_renditions)
        self.article.refresh_search_text()
        pagecache.invalidate(pages_showing([self.article]))

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.refresh_search_text()
        pagecache.invalidate(pages_showing([self.article]))
        return result

    def clean(self) -> None:
        if self.kind == self.Kind.FIGURE and not self.image:
            raise ValidationError({"image": _("بخش تصویری بدون تصویر نمی‌شود.")})
        article = getattr(self, "article", None)  # in the admin, the parent as posted
        published = article is not None and article.status == Article.Status.PUBLISHED
        if self.kind == self.Kind.FIGURE and published and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("خبری که تصویر دارد بی متن جایگزین تصویر منتشر نمی‌شود.")}
            )
        if self.kind != self.Kind.FIGURE and not self.text.strip():
            raise ValidationError({"text": _("این بخش متن ندارد.")})


# Every save of an article keeps a version (django-reversion), one revision holding the article
# and its sections. What the app keeps itself is left out: an old version must not bring back
# old counters (articles/admin.py puts the live ones back after a restore).
keep_history(Section)
keep_history(Article, follow=["sections"], exclude=sorted(Article.KEPT_BY_THE_APP))


class PageVersion(models.Model):
    """The version of one cached page (articles/pagecache.py): replaced in the same transaction
    as the change it reflects, so what readers are shown follows the database even when the
    cache missed the news. The cache only keeps a short-lived copy of it."""

    scope = models.CharField(max_length=64, primary_key=True)
    version = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("نسخهٔ صفحه")
        verbose_name_plural = _("نسخه‌های صفحه")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"


class DailyViews(models.Model):
    """Views of an article on one day (Tehran time), folded in from the cache in batches."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="daily_views_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "article"], name="daily_views_day_idx")]
        verbose_name = _("بازدید روزانه")
        verbose_name_plural = _("بازدیدهای روزانه")

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}: {self.count}"
