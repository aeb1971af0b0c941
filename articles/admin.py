import hashlib
from contextlib import contextmanager
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion import add_to_revision, set_comment
from reversion.admin import VersionAdmin
from reversion.models import Version

from comments.models import Comment
from newsroom.admin import StrictParametersMixin
from newsroom.jalali import JalaliDateTimeField, jalali_date_filter
from newsroom.persian import fa_digits, jalali_datetime
from newsroom.typeset import RULES, apply_changes, typeset

from . import history, images, pagecache
from .models import Article, Category, Section, Tag, pages_showing


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


# Not taken from an old version when it is restored: the app's counters, and who wrote it.
KEPT_LIVE = [*sorted(Article.KEPT_BY_THE_APP - {"search_text"}), "author_id"]

# Added to the positions being changed while a formset saves (positions are small integers).
POSITION_PARKING = 20_000


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    ordering = ["position"]
    fields = [("position", "kind"), "text", ("image", "image_alt"), "caption"]
    readonly_fields = ["place"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            kwargs["form_class"] = images.PhotoField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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
class ArticleAdmin(StrictParametersMixin, VersionAdmin):
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
    readonly_fields = ["updated_jalali", "published_jalali", "code", "card_preview"]
    inlines = [SectionInline]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "lead", "slug", "news_code"]}),
        (_("انتشار"), {"fields": ["status", "published_at", "updated_jalali", "category", "tags"]}),
        (_("منبع"), {"fields": ["source_name", "source_url"]}),
        (
            _("تصویر اصلی"),
            {
                "fields": [
                    "image",
                    "image_alt",
                    "image_caption",
                    ("image_focus_x", "image_focus_y"),
                    "card_preview",
                ]
            },
        ),
    ]

    class Media:
        js = ["desk/slug.js", "desk/sections.js", "desk/widgets.js"]

    # --- History (django-reversion): every save kept with who and when ---
    object_history_template = "admin/articles/article/history.html"
    revision_form_template = "admin/articles/article/restore.html"
    change_list_template = None  # reversion's adds «recover deleted», which is the chief's alone
    history_latest_first = True

    # --- Roles: a reporter writes and edits their own drafts; publishing is the chief's ---
    @staticmethod
    def may_publish(request) -> bool:
        return request.user.has_perm("articles.can_publish")

    def is_reporter(self, request) -> bool:
        return request.user.has_perm("articles.add_article") and not self.may_publish(request)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and self.is_reporter(request):
            restoring = getattr(request, "_restoring", None)
            if restoring is not None and restoring[0].object_id == str(obj.pk):
                # Mid-restore the row holds the old version (perhaps once published): it was
                # checked as it stood before (revision_view), and save_model keeps it a draft.
                return True
            return obj.author_id == request.user.pk and obj.status == Article.Status.DRAFT
        return allowed

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        if not self.may_publish(request):
            obj.status = Article.Status.DRAFT
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "status"] if not self.may_publish(request) else fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        restoring = getattr(request, "_restoring", None)
        if restoring is not None:
            # Just after reversion's raw revert (revision_view): what the app keeps itself and
            # the author go back to their live values before the form sees the row.
            version, live = restoring
            Article.objects.filter(pk=version.object_id).update(**live)
        # The form has no status field for them; a request that sets one anyway is refused
        # whole, so nothing of it is saved.
        wants = request.POST.get("status", Article.Status.DRAFT)
        if (
            request.method == "POST"
            and wants != Article.Status.DRAFT
            and not self.may_publish(request)
        ):
            raise PermissionDenied("publishing needs the chief editor's permission")
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- The typesetting assistant: proposals an editor reviews, never applied silently ---
    def get_urls(self):
        review = self.admin_site.admin_view(self.typeset_view)
        compare = self.admin_site.admin_view(self.compare_view)
        return [
            path("<path:object_id>/typeset/", review, name="articles_article_typeset"),
            path("<path:object_id>/history/compare/", compare, name="articles_article_compare"),
            *super().get_urls(),
        ]

    @staticmethod
    def typeset_targets(article: Article) -> list[tuple[str, str, object, str]]:
        """(key, label, object, field) of every text the assistant reads, in page order."""
        targets = [
            (name, str(Article._meta.get_field(name).verbose_name), article, name)
            for name in ("kicker", "headline", "lead")
        ]
        for section in article.sections.order_by("position"):
            label = f"{_('بخش')} {fa_digits(section.position)} ({section.get_kind_display()})"
            targets.append((f"section-{section.pk}", label, section, "text"))
        return targets

    def typeset_proposals(self, article: Article) -> list[dict]:
        found = []
        for key, label, obj, field in self.typeset_targets(article):
            text = getattr(obj, field)
            result = typeset(text)
            if result.changes:
                found.append(
                    {
                        "key": key,
                        "label": label,
                        "obj": obj,
                        "field": field,
                        "text": text,
                        "digest": hashlib.sha256(text.encode()).hexdigest()[:16],
                        "changes": [
                            {
                                "id": f"{key}:{i}",
                                "change": change,
                                "why": RULES.get(change.rule, change.why),
                                "before_context": text[max(0, change.start - 30) : change.start],
                                "after_context": text[change.end : change.end + 30],
                            }
                            for i, change in enumerate(result.changes)
                        ],
                    }
                )
        return found

    def typeset_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        proposals = self.typeset_proposals(article)
        if request.method == "POST":
            chosen = set(request.POST.getlist("change"))
            applied, stale, fields = 0, False, []
            # Kept in the article's history like any other save, sections and all.
            with transaction.atomic(), self.create_revision(request):
                for proposal in proposals:
                    picked = [c["change"] for c in proposal["changes"] if c["id"] in chosen]
                    if not picked:
                        continue
                    if request.POST.get(f"digest-{proposal['key']}") != proposal["digest"]:
                        stale = True  # the text changed since the page was opened
                        continue
                    obj, field = proposal["obj"], proposal["field"]
                    setattr(obj, field, apply_changes(proposal["text"], picked))
                    obj.save()
                    applied += len(picked)
                    fields.append(proposal["label"])
                if applied:
                    add_to_revision(article)
                    self.log_change(  # also the revision's comment
                        request,
                        article,
                        f"حروف‌چینی: {fa_digits(applied)} تغییر در {'، '.join(fields)}",
                    )
            if applied:
                self.message_user(
                    request, f"{fa_digits(applied)} پیشنهاد حروف‌چینی اعمال شد.", messages.SUCCESS
                )
            elif not stale:
                self.message_user(request, "هیچ پیشنهادی انتخاب نشد؛ متن دست نخورد.", messages.INFO)
            if stale:
                self.message_user(
                    request,
                    "متن بخشی از خبر پس از باز شدن این صفحه تغییر کرده بود؛ پیشنهادهای آن اعمال "
                    "نشد. پیشنهادهای تازه را دوباره ببینید.",
                    messages.WARNING,
                )
                return redirect(request.path)
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"بررسی حروف‌چینی: {article}",
            "opts": self.opts,
            "original": article,
            "proposals": proposals,
            "count": sum(len(p["changes"]) for p in proposals),
        }
        return TemplateResponse(request, "admin/articles/article/typeset.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if article is not None:  # a POST saves; the count is for the form shown
            count = sum(len(p["changes"]) for p in self.typeset_proposals(article))
            extra_context = {**(extra_context or {}), "typeset_count": count}
        return super().change_view(request, object_id, form_url, extra_context)

    def _version_or_404(self, article: Article, version_id) -> Version:
        """One of this article's own versions; anything else (another object's version, junk,
        a number no database column holds) is a 404."""
        version_id = str(version_id or "")
        if not (version_id.isascii() and version_id.isdecimal() and int(version_id) < 2**31):
            raise Http404
        version = (
            Version.objects.get_for_object(article)
            .filter(pk=int(version_id))
            .select_related("revision__user")
            .first()
        )
        if version is None:
            raise Http404
        return version

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))  # a reporter's own only
        if article is None:
            raise Http404
        return article

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        if article is not None and self.has_view_or_change_permission(request, article):
            extra_context = {
                **(extra_context or {}),
                "versions": Version.objects.get_for_object(article).select_related(
                    "revision__user"
                ),
                "may_restore": self.has_change_permission(request, article),
            }
        # Otherwise Django's own answer: a redirect for what this user cannot see, or a 403.
        return super().history_view(request, object_id, extra_context)

    def compare_view(self, request, object_id):
        """Two versions side by side (?from=&to=), changed fields only, words marked."""
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        older = self._version_or_404(article, request.GET.get("from"))
        newer = self._version_or_404(article, request.GET.get("to"))
        if older.pk > newer.pk:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "title": f"مقایسهٔ دو نسخه: {article}",
            "opts": self.opts,
            "original": article,
            "older": older,
            "newer": newer,
            "rows": history.compare(older, newer),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore an earlier version. Checked against the article as it is *now*: reversion
        would first revert the rows and then ask about the reverted (perhaps draft) one."""
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = self._version_or_404(article, version_id)
        extra_context = {**(extra_context or {}), "version": version}
        with transaction.atomic():
            # Locked until commit, so no counter folded meanwhile is lost.
            live = Article.objects.select_for_update().filter(pk=article.pk)
            request._restoring = (version, live.values(*KEPT_LIVE).get())
            # The sections are reverted one row at a time: parked first, so the old positions
            # never meet the current ones under the unique rule (a swap since would fail).
            article.sections.update(position=F("position") + POSITION_PARKING)
            # reversion reverts the rows raw, runs the change form on them (a GET only shows
            # it and rolls back) and keeps the revert if the form redirects.
            response = super().revision_view(request, object_id, version_id, extra_context)
            if not getattr(request, "_restored", False):
                transaction.set_rollback(True)  # the parking too: nothing was restored
            else:
                # The raw revert skipped Article.save()/Section.save(); the form's save after it
                # misses sections it did not change and the page of a changed news code.
                restored = Article.objects.get(pk=article.pk)
                restored.refresh_search_text()
                pagecache.invalidate(pages_showing([article, restored]))
        return response

    @contextmanager
    def create_revision(self, request):
        with super().create_revision(request):
            yield
            restoring = getattr(request, "_restoring", None)
            if restoring is not None:
                # reversion takes any redirect for success; one that saved nothing (the form
                # did not find the article) must roll the raw revert back.
                if not getattr(request, "_restored", False):
                    raise Http404
                when = jalali_datetime(restoring[0].revision.date_created)
                set_comment(f"بازگردانده به نسخهٔ {when}")  # reversion's has a Gregorian date

    def log_change(self, request, obj, message):
        if getattr(request, "_restoring", None) is not None:
            request._restored = True  # the restored version went through the form and saved
        return super().log_change(request, obj, message)

    # Recovering a deleted article is for those who may delete one (the chief editor).
    def recoverlist_view(self, request, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

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
        articles = (
            super()
            .get_queryset(request)
            .annotate(
                waiting=_comment_count(Comment.objects.pending()),
                approved=_comment_count(Comment.objects.approved()),
            )
        )
        # A reporter sees their own articles only.
        return articles.filter(author=request.user) if self.is_reporter(request) else articles

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
                initial=db_field.default,  # now, as Django's own field would offer
                help_text=_(
                    "تاریخ و ساعت خورشیدی به وقت تهران، مثلاً ۱۴۰۴/۰۹/۲۳ ۱۲:۳۰ (رقم فارسی یا لاتین)."
                ),
            )
        if db_field.name in ("image_focus_x", "image_focus_y"):
            # Left out of a post (older forms, scripts), the point stays where it was.
            kwargs["required"] = False
        if db_field.name == "image":
            # The social card is 1200 px wide; a narrower lead photo would be blown up.
            kwargs["form_class"] = partial(images.PhotoField, min_width=images.LEAD_MIN_WIDTH)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("پیش‌نمایش پیوند در پیام‌رسان‌ها"))
    def card_preview(self, obj: Article) -> str:
        if not obj or not obj.card:
            return _("پس از ذخیره ساخته می‌شود.")
        return format_html(
            '<img src="{}" width="600" height="315" alt="{}">',
            default_storage.url(obj.card),
            _("کارت ۱۲۰۰×۶۳۰ این خبر"),
        )

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
