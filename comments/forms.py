import time

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.crypto import constant_time_compare, salted_hmac

from newsroom.persian import fa_digits, has_visible_text, normalize_text

from .models import REPLIES_MAX, Comment
from .names import is_reserved

NAME_MAX = 80
TEXT_MAX = 2000
RESERVED_NAME = "این نام برای تحریریه محفوظ است؛ نام دیگری بنویسید."
NULL_CHARACTERS = ProhibitNullCharactersValidator(
    message="متن نباید نویسهٔ تهی (NUL) داشته باشد؛ آن را پاک کنید و دوباره بفرستید."
)


UNSIGNED = "unsigned"
NO_PARENT = (
    "دیدگاهی که می‌خواهید به آن پاسخ دهید در این خبر منتشر نشده است؛"
    " پاسخ را به‌صورت دیدگاه تازه بفرستید."
)


def security_hash(article_pk: int, timestamp: int) -> str:
    return salted_hmac("comments.form", f"{article_pk}-{timestamp}").hexdigest()


def signed_time(article_pk: int) -> dict:
    """A fresh signed time for this article's form: what the minimum-time check counts from."""
    now = int(time.time())
    return {"timestamp": now, "security_hash": security_hash(article_pk, now)}


class CommentForm(forms.ModelForm):
    """Reader's comment form with django-contrib-comments' defences: a honeypot field and a
    signed timestamp that must be neither too fresh (a bot) nor too old (a replayed page)."""

    honeypot = forms.CharField(
        required=False,
        label="اگر انسان هستید این خانه را خالی بگذارید",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # «پاسخ»: the comment this one answers (one level deep; see clean_parent).
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Blank in the shared (cached) page: see signed_time() and clean().
    timestamp = forms.IntegerField(required=False, widget=forms.HiddenInput)
    security_hash = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["parent", "name", "email", "notify", "text"]
        labels = {
            "name": "نام",
            "email": "ایمیل (اختیاری)",
            "notify": "وقتی پاسخ داده شد خبرم کن",
            "text": "دیدگاه شما",
        }
        help_texts = {
            "email": "فقط دبیران آن را می‌بینند و هرگز منتشر نمی‌شود.",
            "notify": "یک ایمیل هنگام انتشار و یکی برای هر پاسخ؛ نخست نشانی را تأیید می‌کنید.",
            "text": f"حداکثر {fa_digits(TEXT_MAX)} نویسه.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        }
        error_messages = {
            "name": {"required": "نام خود را بنویسید."},
            "text": {"required": "متن دیدگاه را بنویسید."},
            "email": {"invalid": "نشانی ایمیل درست نیست؛ آن را درست کنید یا خالی بگذارید."},
        }

    def __init__(self, article, *args, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        # Lengths are checked in clean_* below with Persian digits in the message.
        for field in self.fields.values():
            field.validators = [
                NULL_CHARACTERS if isinstance(v, ProhibitNullCharactersValidator) else v
                for v in field.validators
                # Length limits are checked in clean_* with Persian digits in the message.
                if not isinstance(v, MaxLengthValidator)
            ]

    def clean_name(self) -> str:
        name = normalize_text(self.cleaned_data["name"])
        # A name of only invisible characters (ZWSP, fillers, bare marks…) is no name.
        if not has_visible_text(name):
            raise forms.ValidationError("نام خود را بنویسید.")
        if len(name) > NAME_MAX:
            raise forms.ValidationError(f"نام حداکثر {fa_digits(NAME_MAX)} نویسه می‌تواند باشد.")
        # Readers must not sign as the newsroom: its replies are what they would imitate.
        if is_reserved(name):
            raise forms.ValidationError(RESERVED_NAME, code="reserved")
        return name

    def clean_text(self) -> str:
        text = normalize_text(self.cleaned_data["text"])
        if not has_visible_text(text):
            raise forms.ValidationError("متن دیدگاه را بنویسید.")
        if len(text) > TEXT_MAX:
            raise forms.ValidationError(
                f"دیدگاه حداکثر {fa_digits(TEXT_MAX)} نویسه می‌تواند باشد؛"
                f" این متن {fa_digits(len(text))} نویسه دارد."
            )
        return text

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_parent(self) -> Comment | None:
        """The approved comment of this article being answered; a reply to a reply joins its
        thread, since threads are one level deep."""
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = (
            Comment.objects.approved()
            .filter(pk=pk, article=self.article)
            .select_related("parent")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(NO_PARENT, code="parent")
        if parent.parent_id is not None:
            if parent.parent.status != Comment.Status.APPROVED:
                raise forms.ValidationError(NO_PARENT, code="parent")
            parent = parent.parent
        if not parent.takes_replies():
            raise forms.ValidationError(
                f"این گفت‌وگو به سقف {fa_digits(REPLIES_MAX)} پاسخ رسیده است؛"
                " دیدگاه خود را جداگانه بنویسید.",
                code="full",
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "برای آنکه خبرتان کنیم، نشانی ایمیل را بنویسید.")
        timestamp, given = cleaned.get("timestamp"), cleaned.get("security_hash")
        if timestamp is None and not given and "timestamp" not in self.errors:
            # Sent from the shared page without JavaScript (with it, site.js fetched a signed
            # time when the reader started writing): the page's age says nothing about this
            # reader, so the form comes back once, re-signed, and the minimum time counts
            # from that private page.
            raise forms.ValidationError(
                "یک گام مانده است: متن خود را بازبینی کنید و دوباره «ارسال دیدگاه» را بزنید.",
                code=UNSIGNED,
            )
        if (
            timestamp is None
            or not given
            or not constant_time_compare(given, security_hash(self.article.pk, timestamp))
        ):
            raise forms.ValidationError(
                "فرم معتبر نیست یا دست‌کاری شده است؛ صفحه را دوباره باز کنید و بفرستید.",
                code="forged",
            )
        age = time.time() - timestamp
        if age < settings.COMMENT_MIN_SECONDS:
            raise forms.ValidationError(
                "فرم خیلی سریع فرستاده شد؛ چند ثانیه صبر کنید و دوباره بفرستید.", code="too_fast"
            )
        if age > settings.COMMENT_MAX_AGE_SECONDS:
            raise forms.ValidationError(
                "این فرم کهنه شده است؛ متن شما محفوظ است، دوباره «ارسال دیدگاه» را بزنید.",
                code="too_old",
            )
        return cleaned

    @property
    def is_bot(self) -> bool:
        """A filled honeypot: no person sees that field."""
        return bool(self.cleaned_data.get("honeypot"))

    def fresh_security_fields(self) -> None:
        """After a refusal, re-sign the form so the reader's retry with the kept text works."""
        data = self.data.copy()
        data.update(signed_time(self.article.pk))
        self.data = data

    @property
    def needs_confirmation_only(self) -> bool:
        """Nothing is wrong but the missing signed time (a first send without JavaScript)."""
        return list(self.errors) == ["__all__"] and self.has_error("__all__", UNSIGNED)
