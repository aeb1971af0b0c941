from django.contrib import admin
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from newsroom.admin import StrictParametersMixin
from newsroom.jalali import JalaliDateTimeField, jalali_date_filter
from newsroom.persian import fa_digits, jalali_datetime

from .models import Article, Category, Section, Tag


@admin.register(Category)
class CategoryAdmin(StrictParametersMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(StrictParametersMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# Added to the positions being changed while a formset saves (positions are small integers).
POSITION_PARKING = 20_000


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    ordering = ["position"]
    fields = [("position", "kind"), "text", ("image", "image_alt"), "caption"]
    readonly_fields = ["place"]

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        return [("place", "kind"), "text", ("image", "image_alt"), "caption"]

    @admin.display(description=_("جایگاه"))
    def place(self, obj: Section) -> str:
        return fa_digits(obj.position)


def _comment_count(queryset) -> Coalesce:
    """How many of an article's comments `queryset` (pending() or approved()) holds."""
    counted = (
        queryset.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(Article)
class ArticleAdmin(StrictParametersMixin, admin.ModelAdmin):
    list_display = [
        "headline",
        "code",
        "category",
        "state",
        "published_jalali",
        "waiting_comments",
        "approved_comments",
    ]
    list_filter = [
        "status",
        jalali_date_filter("published_at", _("زمان انتشار")),
        "category",
        "tags",
    ]
    list_select_related = ["category"]
    search_fields = ["headline", "lead", "kicker", "=news_code"]
    show_facets = admin.ShowFacets.NEVER
    # Not prepopulated_fields: Django's URLify drops the ZWNJ and glues the words.
    filter_horizontal = ["tags"]
    readonly_fields = ["updated_jalali", "published_jalali", "code"]
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "lead", "slug", "news_code"]}),
        (_("انتشار"), {"fields": ["status", "published_at", "updated_jalali", "category", "tags"]}),
        (_("منبع"), {"fields": ["source_name", "source_url"]}),
        (_("تصویر اصلی"), {"fields": ["image", "image_alt", "image_caption"]}),
    ]

    class Media:
        js = ["desk/slug.js"]

    def save_formset(self, request, form, formset, change):
        """Sections whose positions were swapped or shifted are first moved out of the way,
        so the unique (article, position) rule holds at every step of the save."""
        if formset.model is Section:
            moved = [
                f.instance.pk
                for f in formset.forms
                if f.instance.pk and "position" in f.changed_data and f not in formset.deleted_forms
            ]
            with transaction.atomic():
                Section.objects.filter(pk__in=moved).update(
                    position=F("position") + POSITION_PARKING
                )
                formset.save()
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("وضعیت"), ordering="status")
    def state(self, obj: Article) -> str:
        return obj.state_label

    def view_on_site(self, obj: Article) -> str:
        # Drafts and scheduled articles open as a staff-only preview, not a reader's 404.
        return obj.get_absolute_url() if obj.is_live else obj.get_preview_url()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                waiting=_comment_count(Comment.objects.pending()),
                approved=_comment_count(Comment.objects.approved()),
            )
        )

    def get_fieldsets(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only (editors): the Jalali renderings instead of Django's Gregorian ones.
        swap = {"published_at": "published_jalali", "news_code": "code"}
        return [
            (title, {**options, "fields": [swap.get(f, f) for f in options["fields"]]})
            for title, options in self.fieldsets
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "published_at":
            return JalaliDateTimeField(
                label=db_field.verbose_name,
                required=not db_field.blank,
                help_text=_(
                    "تاریخ و ساعت خورشیدی به وقت تهران، مثلاً ۱۴۰۴/۰۹/۲۳ ۱۲:۳۰ (رقم فارسی یا لاتین)."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("کد خبر"), ordering="news_code")
    def code(self, obj: Article) -> str:
        return fa_digits(obj.news_code) if obj.news_code is not None else "—"

    @admin.display(description=_("زمان انتشار"), ordering="published_at")
    def published_jalali(self, obj: Article) -> str:
        return jalali_datetime(obj.published_at) if obj.published_at else "—"

    @admin.display(description=_("آخرین ویرایش"))
    def updated_jalali(self, obj: Article) -> str:
        return jalali_datetime(obj.updated_at) if obj.updated_at else "—"

    def _queue_link(self, obj: Article, status: str, count: int) -> str:
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?status={}&amp;article__id__exact={}">{}</a>',
            url,
            status,
            obj.pk,
            fa_digits(count),
        )

    @admin.display(description=_("دیدگاه در انتظار"), ordering="waiting")
    def waiting_comments(self, obj: Article) -> str:
        return self._queue_link(obj, Comment.Status.PENDING, obj.waiting)

    @admin.display(description=_("دیدگاه تأییدشده"), ordering="approved")
    def approved_comments(self, obj: Article) -> str:
        return self._queue_link(obj, Comment.Status.APPROVED, obj.approved)
