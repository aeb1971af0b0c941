"""Two kept versions of an article (django-reversion) side by side, words marked.

django-reversion-compare would do this, but its current release (0.21.1) needs Python 3.12
and the site runs 3.11; difflib over the few fields we show is all it takes.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from newsroom.persian import fa_digits, jalali_datetime

from .models import Article, Category, Section, Tag

ARTICLE_FIELDS = [
    "kicker",
    "headline",
    "lead",
    "slug",
    "news_code",
    "status",
    "published_at",
    "category",
    "tags",
    "source_name",
    "source_url",
    "image",
    "image_alt",
    "image_caption",
]
TOKENS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class Row:
    label: str
    old: SafeString
    new: SafeString


def _article_values(version: Version) -> dict[str, str]:
    data = version.field_dict
    values = {}
    for name in ARTICLE_FIELDS:
        field = Article._meta.get_field(name)
        value = data.get(field.attname)
        if name == "status":
            value = Article.Status(value).label if value in Article.Status.values else value
        elif name == "published_at":
            value = jalali_datetime(value) if value else ""
        elif name == "category":
            value = Category.objects.filter(pk=value).values_list("name", flat=True).first()
        elif name == "tags":
            names = Tag.objects.filter(pk__in=value or []).values_list("name", flat=True)
            value = "، ".join(sorted(names))
        elif name == "news_code":
            value = fa_digits(value) if value is not None else ""
        values[str(field.verbose_name)] = "" if value is None else str(value)
    return values


def _section_texts(version: Version) -> dict[int, tuple[int, str, str]]:
    """The revision's sections: pk → (position, label, text with caption and image)."""
    sections = {}
    for kept in version.revision.version_set.all():
        if kept._model is not Section:
            continue
        data = kept.field_dict
        kind = Section.Kind(data["kind"]).label if data["kind"] in Section.Kind.values else ""
        label = f"بخش {fa_digits(data['position'])} ({kind})"
        parts = [data.get("text") or "", str(data.get("image") or ""), data.get("caption") or ""]
        sections[int(kept.object_id)] = (
            data["position"],
            label,
            "\n".join(p for p in parts if p),
        )
    return sections


def mark(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts escaped, with removed words in <del> and added ones in <ins>."""
    a, b = TOKENS.split(old), TOKENS.split(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed = conditional_escape("".join(a[i1:i2]))
        added = conditional_escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 (escaped above)


def compare(older: Version, newer: Version) -> list[Row]:
    """The fields and sections that differ between two versions, in page order."""
    rows = []
    old_fields, new_fields = _article_values(older), _article_values(newer)
    for label, new in new_fields.items():
        old = old_fields.get(label, "")
        if old != new:
            rows.append(Row(label, *mark(old, new)))
    old_sections, new_sections = _section_texts(older), _section_texts(newer)
    # Sections are matched by identity, listed by their place in the newer version; those
    # the newer one no longer has come last.
    order = sorted(new_sections, key=lambda pk: new_sections[pk][0])
    order += sorted(set(old_sections) - set(new_sections), key=lambda pk: old_sections[pk][0])
    for pk in order:
        _, old_label, old = old_sections.get(pk, (0, "", ""))
        _, new_label, new = new_sections.get(pk, (0, "", ""))
        if old != new or old_label != new_label:
            label = new_label or f"{old_label} (حذف‌شده)"
            if old_label and new_label and old_label != new_label:
                label = f"{old_label} ← {new_label}"
            rows.append(Row(label, *mark(old, new)))
    return rows
