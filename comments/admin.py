from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.admin import StrictParametersMixin
from newsroom.jalali import jalali_date_filter
from newsroom.persian import fa_digits, iso_datetime, jalali_datetime
from newsroom.typeset import RULES, apply_changes, typeset

from .models import Comment, OutgoingMail, Subscriber
from .names import staff_name_keys

# What a decision is called in messages and in the admin's log («فعالیت‌های اخیر», history).
DECISIONS = {
    Comment.Status.APPROVED: _("تأیید شد"),
    Comment.Status.REJECTED: _("رد شد"),
    Comment.Status.SPAM: _("هرزنامه شناخته شد"),
    Comment.Status.PENDING: _("به صف بررسی برگشت"),
}
BUTTONS = [  # (status, label, physical key, the same key on the Persian layout)
    (Comment.Status.APPROVED, _("تأیید"), "a", "ش"),
    (Comment.Status.REJECTED, _("رد"), "r", "ق"),
    (Comment.Status.SPAM, _("هرزنامه"), "s", "س"),
]
DECIDABLE = {status for status, _label, _key, _fa in BUTTONS}
UNDO_KEPT = 50  # decisions an editor can undo, newest first
REPLY_MAX = 4000


def quoted(comment: Comment) -> str:
    """«…» around the comment's first words, cut at a word boundary."""
    return f"«{Truncator(comment.text).words(8)}»"


def user_label(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


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


class SenderFilter(admin.SimpleListFilter):
    """Every comment from one sender (by the keyed hash); offered from a row's history line."""

    title = _("فرستنده")
    parameter_name = "sender"

    def lookups(self, request, model_admin):
        value = request.GET.get(self.parameter_name)
        return [(value, _("همین فرستنده"))] if value else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(sender_hash=self.value())
        return queryset


class CommentAdminForm(forms.ModelForm):
    # The reply as it was when the form was opened, so a concurrent reply is not overwritten.
    reply_seen = forms.CharField(
        label=_("پاسخ هنگام بازکردن فرم"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Comment
        fields = ["status", "reply"]

    # The status likewise, so a decision made meanwhile by another editor stands.
    status_seen = forms.ChoiceField(
        label=_("وضعیت هنگام بازکردن فرم"),
        required=False,
        choices=[("", ""), *Comment.Status.choices],
        widget=forms.HiddenInput,
    )

    # The typesetting assistant's proposals for the stored reply: ticked ones are applied on
    # save (to the reply as it was read, so a concurrent change still wins); none silently.
    reply_typeset = forms.MultipleChoiceField(
        label=_("پیشنهادهای حروف‌چینی برای پاسخ"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("هر پیشنهادی را که می‌خواهید تیک بزنید؛ بقیهٔ پاسخ همان می‌ماند."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["reply_seen"].initial = self.instance.reply
            self.fields["status_seen"].initial = self.instance.status
        self.reply_proposals = typeset(self.instance.reply).changes if self.instance.reply else ()
        self.fields["reply_typeset"].choices = [
            (str(i), f"«{c.before}» ← «{c.after}» ({RULES.get(c.rule, c.why)})")
            for i, c in enumerate(self.reply_proposals)
        ]

    def typeset_reply(self) -> str | None:
        """The reply with the ticked proposals applied, or None if none was ticked or the
        reply was also edited in this form (the proposals were for the text as read)."""
        data = self.cleaned_data
        picked = [self.reply_proposals[int(i)] for i in data.get("reply_typeset") or []]
        if not picked or data["reply"] != data["reply_seen"]:
            return None
        return apply_changes(data["reply_seen"], picked)


def _earlier(status: str) -> Coalesce:
    """How many of this sender's earlier comments ended in `status`."""
    earlier = (
        Comment.objects.filter(
            sender_hash=OuterRef("sender_hash"),
            status=status,
            created_at__lt=OuterRef("created_at"),
        )
        .exclude(sender_hash="")
        .order_by()
        .values("sender_hash")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(earlier, output_field=IntegerField()), 0)


@admin.register(Comment)
class CommentAdmin(StrictParametersMixin, admin.ModelAdmin):
    form = CommentAdminForm
    list_display = ["card", "status_cell", "decision"]
    list_display_links = None
    list_filter = [
        StatusFilter,
        jalali_date_filter("created_at", _("زمان ارسال")),
        "article",
        SenderFilter,
    ]
    list_select_related = ["article", "parent"]
    list_per_page = 100  # a morning's queue on one page: no page load between decisions
    search_fields = ["name", "text", "email"]
    ordering = ["-created_at"]
    show_facets = admin.ShowFacets.NEVER
    actions = ["approve", "reject", "mark_spam"]
    readonly_fields = [
        "article_link",
        "answers",
        "name",
        "email",
        "text_block",
        "sent",
        "hints",
        "moderator",
        "moderated_when",
        "replier",
        "replied_when",
        "sender_hash",
        "user_agent",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["article_link", "answers", "name", "email", "text_block", "sent", "hints"]},
        ),
        (_("بررسی"), {"fields": ["status", "moderator", "moderated_when"]}),
        # reply_seen (hidden) is rendered by the template's form_top, not as a labelled row.
        (_("پاسخ تحریریه"), {"fields": ["reply", "reply_typeset", "replier", "replied_when"]}),
        (_("فرستنده"), {"classes": ["collapse"], "fields": ["sender_hash", "user_agent"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.reply and typeset(obj.reply).changes:
            return self.fieldsets
        # Nothing to propose: no empty «پیشنهادهای حروف‌چینی» row.
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f != "reply_typeset"]})
            for title, options in self.fieldsets
        ]

    class Media:
        js = ["desk/desk.js"]  # desk.css is on every admin page (admin/base_site.html)

    def get_queryset(self, request):
        others = Comment.objects.filter(fingerprint=OuterRef("fingerprint")).exclude(
            pk=OuterRef("pk")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                repeated=Exists(others),
                sender_approved=_earlier(Comment.Status.APPROVED),
                sender_rejected=_earlier(Comment.Status.REJECTED),
                sender_spam=_earlier(Comment.Status.SPAM),
            )
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # The look-alike hint compares every row's name with the staff's: read those once.
        staff_keys = staff_name_keys()
        for comment in changelist.result_list:
            comment.staff_keys = staff_keys
        return changelist

    def has_add_permission(self, request):
        return False  # comments come from readers only

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, {"title": _("صف بررسی دیدگاه‌ها"), **(extra_context or {})}
        )

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("comments.can_moderate")

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            return self.list_display
        return [column for column in self.list_display if column != "decision"]

    # --- Queue columns -------------------------------------------------------------------
    @admin.display(description=_("دیدگاه"))
    def card(self, obj: Comment) -> str:
        reply = (
            format_html(
                '<div class="desk-reply"><strong>پاسخ تحریریه:</strong> '
                '<span dir="auto">{}</span></div>',
                obj.reply,
            )
            if obj.reply
            else ""
        )
        return format_html(
            '<div class="desk-card" id="c{pk}" data-comment="{pk}" data-reply="{reply_text}" '
            'data-reply-url="{reply_url}">'
            "{answers}"
            '<p class="desk-text" dir="auto">{text}</p>'
            '<p class="desk-meta"><bdi class="desk-name">{name}</bdi>'
            ' <span aria-hidden="true">·</span> <a href="{article_url}">{headline}</a>'
            ' <span aria-hidden="true">·</span> <time datetime="{iso}">{when}</time>'
            ' <span aria-hidden="true">·</span> <a href="{change_url}">جزئیات</a></p>'
            "{hints}{reply}{history}</div>",
            pk=obj.pk,
            answers=self.answers(obj),
            reply_text=obj.reply,
            reply_url=reverse("admin:comments_comment_reply", args=[obj.pk]),
            text=obj.text,
            name=obj.name,
            article_url=obj.article.get_absolute_url(),
            headline=Truncator(obj.article.headline).words(12),
            iso=iso_datetime(obj.created_at),
            when=jalali_datetime(obj.created_at),
            change_url=reverse("admin:comments_comment_change", args=[obj.pk]),
            hints=self.hints(obj),
            reply=reply,
            history=self.history(obj),
        )

    @admin.display(description=_("در پاسخ به"))
    def answers(self, obj: Comment) -> str:
        """A reader's reply shows what it answers, so it is judged in its conversation."""
        if obj.parent is None:
            return ""
        parent = obj.parent
        state = (
            ""
            if parent.status == Comment.Status.APPROVED
            else format_html(" ({})", parent.get_status_display())
        )
        return format_html(
            '<p class="desk-answers">در پاسخ به <bdi>{}</bdi>: <span dir="auto">{}</span>{}</p>',
            parent.name,
            quoted(parent),
            state,
        )

    def history(self, obj: Comment) -> str:
        if not obj.sender_hash:
            return ""
        counts = [
            getattr(obj, "sender_approved", 0),
            getattr(obj, "sender_rejected", 0),
            getattr(obj, "sender_spam", 0),
        ]
        if not any(counts):
            summary = _("نخستین دیدگاه این فرستنده")
        else:
            summary = _("پیشینهٔ فرستنده: %(a)s تأییدشده، %(r)s ردشده، %(s)s هرزنامه") % {
                "a": fa_digits(counts[0]),
                "r": fa_digits(counts[1]),
                "s": fa_digits(counts[2]),
            }
        link = reverse("admin:comments_comment_changelist")
        return format_html(
            '<p class="desk-history">{} <a href="{}?status=all&amp;sender={}">همهٔ دیدگاه‌های '
            "این فرستنده</a></p>",
            summary,
            link,
            obj.sender_hash,
        )

    @admin.display(description=_("وضعیت"))
    def status_cell(self, obj: Comment) -> str:
        return format_html(
            '<span class="desk-status" data-status="{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("تصمیم"))
    def decision(self, obj: Comment) -> str:
        # The status the editor saw travels with the button, so a decision made meanwhile by
        # someone else is not overwritten (and no other row's value is sent).
        url = reverse("admin:comments_comment_decide", args=[obj.pk]) + f"?seen={obj.status}"
        buttons = format_html_join(
            "",
            '<button type="submit" formaction="{}" formmethod="post" name="status" value="{}" '
            'class="desk-button desk-{}" data-key="{}">{} <kbd aria-hidden="true">{}</kbd>'
            "</button>",
            ((url, status, status, key, label, persian) for status, label, key, persian in BUTTONS),
        )
        return format_html(
            '<div class="desk-actions" role="group" aria-label="تصمیم دربارهٔ دیدگاه {}">'
            "{}"
            '<a class="desk-button desk-reply-button" href="{}#id_reply" data-key="e">'
            'پاسخ <kbd aria-hidden="true">ث</kbd></a></div>',
            obj.name,
            buttons,
            reverse("admin:comments_comment_change", args=[obj.pk]),
        )

    # --- Change form fields --------------------------------------------------------------
    @admin.display(description=_("خبر"))
    def article_link(self, obj: Comment) -> str:
        return format_html('<a href="{}">{}</a>', obj.article.get_absolute_url(), obj.article)

    @admin.display(description=_("متن دیدگاه"))
    def text_block(self, obj: Comment) -> str:
        return format_html('<div class="comment-body" dir="auto">{}</div>', obj.text)

    @admin.display(description=_("زمان ارسال"), ordering="created_at")
    def sent(self, obj: Comment) -> str:
        return jalali_datetime(obj.created_at)

    @admin.display(description=_("بررسی‌کننده"))
    def moderator(self, obj: Comment) -> str:
        # A name, not a link: editors may not open user pages.
        return user_label(obj.moderated_by)

    @admin.display(description=_("زمان بررسی"))
    def moderated_when(self, obj: Comment) -> str:
        return jalali_datetime(obj.moderated_at) if obj.moderated_at else "—"

    @admin.display(description=_("نویسندهٔ پاسخ"))
    def replier(self, obj: Comment) -> str:
        return user_label(obj.reply_by)

    @admin.display(description=_("زمان پاسخ"))
    def replied_when(self, obj: Comment) -> str:
        return jalali_datetime(obj.replied_at) if obj.replied_at else "—"

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

    # --- Bulk actions --------------------------------------------------------------------
    def _moderate(self, request, queryset, status: str, singular: str, plural: str) -> None:
        # Remembered first, so the log names exactly the comments this editor changed.
        candidates = list(queryset.exclude(status=status).values_list("pk", flat=True))
        changed = Comment.objects.filter(pk__in=candidates).moderate(status, by=request.user)
        if changed:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=Comment.objects.filter(
                    pk__in=candidates, status=status, moderated_by=request.user
                ),
                action_flag=CHANGE,
                change_message=str(DECISIONS[status]),
            )
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

    # --- The change form -----------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        """Reply and status go through the model's methods, never a whole-row save."""
        data = form.cleaned_data
        done = request.desk_log = []
        typeset_reply = form.typeset_reply()
        if typeset_reply is not None:
            data["reply"] = typeset_reply
        elif data.get("reply_typeset"):
            self.message_user(
                request,
                _("پیشنهادهای حروف‌چینی برای متن پیشین بود و اعمال نشد؛ پاسخ را ویرایش کردید."),
                messages.WARNING,
            )
        if data["reply"] != data["reply_seen"]:
            if not obj.save_reply(data["reply"], request.user, expected=data["reply_seen"]):
                # Someone replied meanwhile: keep theirs, hand this text back, change nothing.
                message = _(
                    "دبیر دیگری همزمان پاسخ این دیدگاه را تغییر داده است؛ پاسخ او حفظ شد و وضعیت "
                    "تغییری نکرد. پاسخ شما این بود: %(reply)s"
                )
                self.message_user(request, message % {"reply": data["reply"]}, messages.ERROR)
                return
            done.append(str(_("پاسخ ذخیره شد")) if data["reply"] else str(_("پاسخ برداشته شد")))
        status = Comment.Status.APPROVED if "_approve" in request.POST else data["status"]
        seen = data.get("status_seen") or form.initial.get("status")
        if status != seen and self.has_moderate_permission(request):
            before = (obj.status, obj.moderated_by_id, obj.moderated_at)
            if obj.moderate(status, request.user, expected=seen):
                self.remember(request, obj, before)
                done.append(str(DECISIONS[status]))
            else:
                self.message_user(request, self.overtaken(obj), messages.ERROR)

    def construct_change_message(self, request, form, formsets, add=False):
        # What save_model did, in words, instead of Django's «فیلدی تغییر نیافته است».
        return "؛ ".join(getattr(request, "desk_log", []))

    def log_change(self, request, obj, message):
        if message:  # nothing happened (e.g. a refused concurrent reply): nothing to log
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if "_approve" in request.POST or "_save" in request.POST:
            done = getattr(request, "desk_log", [])
            if done:
                self.message_user(
                    request, f"دیدگاه {quoted(obj)}: {'؛ '.join(done)}.", messages.SUCCESS
                )
            return redirect(self.queue_url(request))
        return super().response_change(request, obj)

    def queue_url(self, request) -> str:
        changelist = reverse("admin:comments_comment_changelist")
        filters = request.GET.get("_changelist_filters")
        return f"{changelist}?{filters}" if filters else changelist

    # --- The desk's in-place endpoints ---------------------------------------------------
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", view(self.decide_view), name="comments_comment_decide"),
            path("<int:pk>/reply/", view(self.reply_view), name="comments_comment_reply"),
            path("undo/", view(self.undo_view), name="comments_comment_undo"),
            *super().get_urls(),
        ]

    @staticmethod
    def wants_json(request) -> bool:
        return "application/json" in request.headers.get("Accept", "")

    def _guard(self, request):
        """POST only, by an editor allowed to moderate; anything else changes nothing."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        return None

    def _answer(self, request, payload: dict, status: int = 200, anchor: int | None = None):
        if self.wants_json(request):
            payload["pending"] = Comment.objects.pending().count()
            payload["pending_text"] = fa_digits(payload["pending"])
            return JsonResponse(payload, status=status)
        if status >= 400 and payload.get("message"):
            messages.error(request, payload["message"])
        elif payload.get("message"):
            messages.success(request, payload["message"])
        # Back to the same queue position: the page the form was on (filters, page number).
        target = request.POST.get("next") or request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(target)
            target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        if not target.startswith(reverse("admin:comments_comment_changelist")):
            target = reverse("admin:comments_comment_changelist")
        return redirect(f"{target}#c{anchor}" if anchor else target)

    def _bad(self, request, message: str):
        if self.wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")

    def remember(self, request, obj: Comment, before: tuple) -> None:
        """Keep what the decision replaced, in this editor's session, for undo."""
        status, by, at = before
        entry = {
            "pk": obj.pk,
            "before": [status, by, at.isoformat() if at else None],
            "after": [obj.status, obj.moderated_at.isoformat()],
        }
        request.session["desk_undo"] = [*request.session.get("desk_undo", []), entry][-UNDO_KEPT:]

    def next_waiting(self, obj: Comment) -> int | None:
        """The waiting comment after this one in the queue's order (newest first)."""
        rows = Comment.objects.pending().exclude(pk=obj.pk).order_by("-created_at")
        following = rows.filter(created_at__lte=obj.created_at).values_list("pk", flat=True)
        return following.first() or rows.values_list("pk", flat=True).first()

    @staticmethod
    def overtaken(comment: Comment) -> str:
        """What the second of two editors deciding one comment is told."""
        comment.refresh_from_db()
        return (
            f"تصمیم شما ثبت نشد: دیدگاه {quoted(comment)} را پیش‌تر "
            f"{user_label(comment.moderated_by)} «{comment.get_status_display()}» کرده است."
        )

    def decide_view(self, request, pk: int):
        refused = self._guard(request)
        if refused:
            return refused
        status = request.POST.get("status", "")
        seen = request.POST.get("seen") or request.GET.get("seen") or None
        if status not in DECIDABLE or (seen is not None and seen not in Comment.Status.values):
            return self._bad(
                request, "درخواست نامعتبر است: وضعیت خواسته‌شده شناخته نیست؛ چیزی تغییر نکرد."
            )
        comment = get_object_or_404(Comment.objects.select_related("moderated_by"), pk=pk)
        before = (comment.status, comment.moderated_by_id, comment.moderated_at)
        if comment.moderate(status, request.user, expected=seen):
            self.remember(request, comment, before)
            self.log_change(request, comment, str(DECISIONS[status]))
            payload = {
                "ok": True,
                "pk": comment.pk,
                "status": comment.status,
                "label": comment.get_status_display(),
                "message": f"دیدگاه {quoted(comment)} {DECISIONS[status]}.",
            }
            return self._answer(request, payload, anchor=self.next_waiting(comment))
        comment.refresh_from_db()
        payload = {
            "ok": False,
            "pk": comment.pk,
            "status": comment.status,
            "label": comment.get_status_display(),
            "message": self.overtaken(comment),
        }
        return self._answer(request, payload, status=409, anchor=comment.pk)

    def undo_view(self, request):
        refused = self._guard(request)
        if refused:
            return refused
        stack = request.session.get("desk_undo", [])
        if not stack:
            return self._answer(
                request, {"ok": False, "message": "تصمیمی برای بازگرداندن نیست."}, status=409
            )
        entry = stack.pop()
        request.session["desk_undo"] = stack
        try:
            status, by, at = entry["before"]
            after_status, after_at = entry["after"]
            pk = int(entry["pk"])
        except (KeyError, TypeError, ValueError):
            return self._bad(request, "درخواست نامعتبر است.")
        rows = Comment.objects.filter(
            pk=pk,
            status=after_status,
            moderated_by=request.user,
            moderated_at=parse_datetime(after_at),
        )
        restored = rows.restore(status, by, parse_datetime(at) if at else None)
        comment = get_object_or_404(Comment, pk=pk)
        if not restored:
            payload = {
                "ok": False,
                "pk": pk,
                "status": comment.status,
                "label": comment.get_status_display(),
                "message": f"بازگردانی ممکن نشد: دیدگاه {quoted(comment)} پس از تصمیم شما "
                "تغییر کرده است.",
            }
            return self._answer(request, payload, status=409, anchor=pk)
        self.log_change(request, comment, f"تصمیم بازگردانده شد: {DECISIONS[status]}")
        payload = {
            "ok": True,
            "pk": pk,
            "status": comment.status,
            "label": comment.get_status_display(),
            "message": f"بازگردانده شد: دیدگاه {quoted(comment)} دوباره "
            f"«{comment.get_status_display()}» است.",
        }
        return self._answer(request, payload, anchor=pk)

    def reply_view(self, request, pk: int):
        refused = self._guard(request)
        if refused:
            return refused
        if "reply" not in request.POST or "reply_seen" not in request.POST:
            return self._bad(request, "درخواست نامعتبر است: متن پاسخ فرستاده نشده است.")
        text = request.POST["reply"].strip()
        if len(text) > REPLY_MAX:
            return self._bad(
                request, f"پاسخ بلندتر از {fa_digits(REPLY_MAX)} نویسه است؛ ذخیره نشد."
            )
        comment = get_object_or_404(Comment, pk=pk)
        if not comment.save_reply(text, request.user, expected=request.POST["reply_seen"]):
            payload = {
                "ok": False,
                "pk": pk,
                "reply": comment.reply,
                "message": "دبیر دیگری همزمان پاسخ این دیدگاه را تغییر داده است؛ پاسخ او حفظ شد.",
            }
            return self._answer(request, payload, status=409, anchor=pk)
        self.log_change(request, comment, "پاسخ ذخیره شد" if text else "پاسخ برداشته شد")
        payload = {
            "ok": True,
            "pk": pk,
            "reply": comment.reply,
            "message": f"پاسخ دیدگاه {quoted(comment)} ذخیره شد.",
            "at": timezone.now().isoformat(),
        }
        return self._answer(request, payload, anchor=pk)


# --- Mail to commenters (comments/mail.py): read-only, for whoever holds the view permission
# (superusers; the editors' group is not given it, the addresses are personal data).


class MailReadOnlyAdmin(StrictParametersMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(MailReadOnlyAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at", "confirmations_sent"]
    search_fields = ["email"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(MailReadOnlyAdmin):
    list_display = ["kind", "status", "comment", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    list_select_related = ["comment"]
