from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.db.models import Exists, OuterRef
from django.db.models.constants import LOOKUP_SEP
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.persian import fa_digits, jalali_datetime

from .models import Comment
from .names import staff_name_keys


class StatusFilter(admin.SimpleListFilter):
    """Status filter that opens on the pending queue: the desk's daily work."""

    title = _("وضعیت")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, (self.ALL, _("همه"))]

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Anything else would reach the database as typed (a NUL byte is a 500 on PostgreSQL).
        if self.value() not in {*Comment.Status.values, self.ALL}:
            raise BadRequest("unknown comment status")

    def value(self):
        return super().value() or Comment.Status.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        # No "All" entry from Django: ours is in lookups(), since "no value" means pending.
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class CommentAdminForm(forms.ModelForm):
    # The reply as it was when the form was opened, so a concurrent reply is not overwritten.
    reply_seen = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["status", "reply"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["reply_seen"].initial = self.instance.reply


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ["excerpt", "name", "article_title", "status", "sent", "hints"]
    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, "article"]
    list_select_related = ["article"]
    list_per_page = 50
    search_fields = ["name", "text", "email"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    actions = ["approve", "reject", "mark_spam"]
    readonly_fields = [
        "article_link",
        "name",
        "email",
        "text_block",
        "sent",
        "hints",
        "moderated_by",
        "moderated_at",
        "reply_by",
        "replied_at",
        "sender_hash",
        "user_agent",
    ]
    fieldsets = [
        (None, {"fields": ["article_link", "name", "email", "text_block", "sent", "hints"]}),
        (_("بررسی"), {"fields": ["status", "moderated_by", "moderated_at"]}),
        (_("پاسخ تحریریه"), {"fields": ["reply", "reply_seen", "reply_by", "replied_at"]}),
        (_("فرستنده"), {"classes": ["collapse"], "fields": ["sender_hash", "user_agent"]}),
    ]

    class Media:
        css = {"all": ["desk/desk.css"]}

    def get_queryset(self, request):
        others = Comment.objects.filter(fingerprint=OuterRef("fingerprint")).exclude(
            pk=OuterRef("pk")
        )
        return super().get_queryset(request).annotate(repeated=Exists(others))

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # The look-alike hint compares every row's name with the staff's: read those once.
        staff_keys = staff_name_keys()
        for comment in changelist.result_list:
            comment.staff_keys = staff_keys
        return changelist

    def lookup_allowed(self, lookup, value, request=None):
        # Django takes any lookup on the model's own fields from the URL; a pattern
        # (?text__regex=() reaches the database as typed: a 500 on PostgreSQL, a misleading
        # 503 on SQLite. The desk's own links never filter by pattern.
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in {"regex", "iregex"}:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False  # comments come from readers only

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("comments.can_moderate")

    # --- Columns -------------------------------------------------------------------------
    @admin.display(description=_("دیدگاه"))
    def excerpt(self, obj: Comment) -> str:
        return Truncator(obj.text).chars(80)

    @admin.display(description=_("خبر"), ordering="article__published_at")
    def article_title(self, obj: Comment) -> str:
        return Truncator(obj.article.headline).chars(40)

    @admin.display(description=_("خبر"))
    def article_link(self, obj: Comment) -> str:
        return format_html('<a href="{}">{}</a>', obj.article.get_absolute_url(), obj.article)

    @admin.display(description=_("متن دیدگاه"))
    def text_block(self, obj: Comment) -> str:
        return format_html('<div class="comment-body" dir="auto">{}</div>', obj.text)

    @admin.display(description=_("زمان ارسال"), ordering="created_at")
    def sent(self, obj: Comment) -> str:
        return jalali_datetime(obj.created_at)

    @admin.display(description=_("نشانه‌ها"))
    def hints(self, obj: Comment) -> str:
        found = []
        if obj.has_links():
            found.append(_("پیوند دارد"))
        if obj.lacks_persian():
            found.append(_("حرف فارسی ندارد"))
        if getattr(obj, "repeated", False):
            found.append(_("تکراری"))
        # The list sets staff_keys once for all its rows; a single comment's page reads them.
        staff_keys = getattr(obj, "staff_keys", None)
        if obj.name_looks_like_staff(staff_name_keys() if staff_keys is None else staff_keys):
            found.append(_("نام شبیه یکی از اعضای تحریریه"))
        if obj.name_mixes_scripts():
            found.append(_("نام با حروف چند خط"))
        return format_html_join(" ", '<span class="comment-hint">{}</span>', ((h,) for h in found))

    # --- Moderation ----------------------------------------------------------------------
    def response_action(self, request, queryset):
        # Django filters by the selected ids as sent: anything but a number would be a 500.
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(pk.isascii() and pk.isdecimal() for pk in selected):
            raise BadRequest("selected comment ids must be numbers")
        return super().response_action(request, queryset)

    def _moderate(self, request, queryset, status: str, singular: str, plural: str) -> None:
        changed = queryset.moderate(status, by=request.user)
        message = ngettext(singular, plural, changed) % {"count": fa_digits(changed)}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("تأیید و انتشار دیدگاه‌های انتخاب‌شده"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(
            request,
            queryset,
            Comment.Status.APPROVED,
            "%(count)s دیدگاه تأیید و منتشر شد.",
            "%(count)s دیدگاه تأیید و منتشر شدند.",
        )

    @admin.action(description=_("رد دیدگاه‌های انتخاب‌شده"), permissions=["moderate"])
    def reject(self, request, queryset):
        self._moderate(
            request,
            queryset,
            Comment.Status.REJECTED,
            "%(count)s دیدگاه رد شد.",
            "%(count)s دیدگاه رد شدند.",
        )

    @admin.action(description=_("علامت‌گذاری به‌عنوان هرزنامه"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate(
            request,
            queryset,
            Comment.Status.SPAM,
            "%(count)s دیدگاه هرزنامه شناخته شد.",
            "%(count)s دیدگاه هرزنامه شناخته شدند.",
        )

    def save_model(self, request, obj, form, change):
        """Reply and status go through the model's methods, never a whole-row save."""
        data = form.cleaned_data
        if data["reply"] != data["reply_seen"] and not obj.save_reply(
            data["reply"], request.user, expected=data["reply_seen"]
        ):
            # Someone replied meanwhile: keep theirs, hand this editor's text back, change nothing.
            message = _(
                "دبیر دیگری همزمان پاسخ این دیدگاه را تغییر داده است؛ پاسخ او حفظ شد و وضعیت "
                "تغییری نکرد. پاسخ شما این بود: %(reply)s"
            )
            self.message_user(request, message % {"reply": data["reply"]}, messages.ERROR)
            return
        status = Comment.Status.APPROVED if "_approve" in request.POST else data["status"]
        if status != form.initial.get("status") and self.has_moderate_permission(request):
            obj.moderate(status, request.user)
