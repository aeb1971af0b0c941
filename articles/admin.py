from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from newsroom.persian import jalali_datetime

from .models import Article, Category, Section, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    ordering = ["position"]
    fields = [("position", "kind"), "text", ("image", "image_alt"), "caption"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "news_code", "category", "state", "published_jalali"]
    list_filter = ["status", "category", "tags"]
    list_select_related = ["category"]
    search_fields = ["headline", "lead", "kicker", "=news_code"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    filter_horizontal = ["tags"]
    readonly_fields = ["updated_at"]
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "lead", "slug", "news_code"]}),
        (_("انتشار"), {"fields": ["status", "published_at", "updated_at", "category", "tags"]}),
        (_("منبع"), {"fields": ["source_name", "source_url"]}),
        (_("تصویر اصلی"), {"fields": ["image", "image_alt", "image_caption"]}),
    ]

    @admin.display(description=_("وضعیت"), ordering="status")
    def state(self, obj: Article) -> str:
        return obj.state_label

    def view_on_site(self, obj: Article) -> str:
        # Drafts and scheduled articles open as a staff-only preview, not a reader's 404.
        return obj.get_absolute_url() if obj.is_live else obj.get_preview_url()

    @admin.display(description=_("زمان انتشار"), ordering="published_at")
    def published_jalali(self, obj: Article) -> str:
        return jalali_datetime(obj.published_at)
