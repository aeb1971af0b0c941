from django.contrib import admin
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from newsroom.admin import StrictParametersMixin
from newsroom.persian import jalali_datetime

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


@admin.register(Article)
class ArticleAdmin(StrictParametersMixin, admin.ModelAdmin):
    list_display = ["headline", "news_code", "category", "state", "published_jalali"]
    list_filter = ["status", "category", "tags"]
    list_select_related = ["category"]
    search_fields = ["headline", "lead", "kicker", "=news_code"]
    date_hierarchy = "published_at"
    # Not prepopulated_fields: Django's URLify drops the ZWNJ and glues the words.
    filter_horizontal = ["tags"]
    readonly_fields = ["updated_at"]
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "lead", "slug", "news_code"]}),
        (_("انتشار"), {"fields": ["status", "published_at", "updated_at", "category", "tags"]}),
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

    @admin.display(description=_("زمان انتشار"), ordering="published_at")
    def published_jalali(self, obj: Article) -> str:
        return jalali_datetime(obj.published_at)
