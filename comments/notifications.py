"""Mail to readers who asked «وقتی پاسخ داده شد خبرم کن».

These entry points only write outbox rows (`OutgoingMail`) in the caller's transaction, so a
post or decision never waits on a mail server and a rolled-back decision leaves no mail behind.
`manage.py send_comment_mail` (comments/mail.py) decides and sends them later.
"""

# comments.models imports this module: its classes are read when an entry point is called.
from . import models


def _subscribers(emails: set[str]) -> dict:
    Subscriber = models.Subscriber
    Subscriber.objects.bulk_create(
        [Subscriber(email=email) for email in emails], ignore_conflicts=True
    )
    return {s.email: s for s in Subscriber.objects.filter(email__in=emails)}


def _asked(comment) -> bool:
    """Only a reader who ticked the box, gave an address and is not a bot gets mail."""
    return bool(comment.notify and comment.email and comment.status != comment.Status.SPAM)


def _queue(wanted: list[tuple[str, object, object]]) -> None:
    """Write one waiting row per (kind, comment, reader's reply) the commenter still wants,
    skipping rows already written (a comment approved again is not announced twice)."""
    OutgoingMail = models.OutgoingMail
    wanted = [row for row in wanted if _asked(row[1])]
    if not wanted:
        return
    subscribers = _subscribers({comment.email for _, comment, _ in wanted})
    existing = set(
        OutgoingMail.objects.filter(comment__in=[comment for _, comment, _ in wanted]).values_list(
            "kind", "comment_id", "reply_id"
        )
    )
    rows = []
    for kind, comment, reply in wanted:
        key = (kind, comment.pk, reply.pk if reply else None)
        subscriber = subscribers[comment.email]
        if key in existing or not subscriber.wants(comment):
            continue
        existing.add(key)
        rows.append(OutgoingMail(kind=kind, subscriber=subscriber, comment=comment, reply=reply))
    OutgoingMail.objects.bulk_create(rows)


def comment_posted(comment_id: int) -> None:
    """A reader sent a comment with the box ticked (called in the post's transaction): an
    address not yet confirmed gets a confirmation mail (one waiting at a time)."""
    Comment, OutgoingMail = models.Comment, models.OutgoingMail
    comment = Comment.objects.get(pk=comment_id)
    if not _asked(comment):
        return
    subscriber = _subscribers({comment.email})[comment.email]
    confirming = subscriber.mails.waiting().filter(kind=OutgoingMail.Kind.CONFIRM)
    if subscriber.is_active or confirming.exists():
        return
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.CONFIRM, subscriber=subscriber, comment=comment
    )


def comments_approved(comment_ids: list[int]) -> None:
    """These comments were just approved (called in the decision's transaction): each one's
    author hears it is published, and a reply's parent author hears of the reply."""
    Comment, OutgoingMail = models.Comment, models.OutgoingMail
    wanted = []
    for comment in Comment.objects.filter(pk__in=comment_ids).select_related("parent"):
        wanted.append((OutgoingMail.Kind.PUBLISHED, comment, None))
        parent = comment.parent
        # No mail about answering oneself.
        if parent is not None and parent.email != comment.email:
            wanted.append((OutgoingMail.Kind.REPLY, parent, comment))
    _queue(wanted)


def editors_replied(comment_id: int) -> None:
    """The editors' reply to this comment was just written (called in its transaction)."""
    Comment, OutgoingMail = models.Comment, models.OutgoingMail
    comment = Comment.objects.get(pk=comment_id)
    _queue([(OutgoingMail.Kind.REPLY, comment, None)])
