"""Mail to readers who asked «وقتی پاسخ داده شد خبرم کن» (being built: issue 12, part 4)."""


def comment_posted(comment_id: int) -> None:
    """A reader sent a comment with the box ticked (called in the post's transaction)."""


def comments_approved(comment_ids: list[int]) -> None:
    """These comments were just approved (called in the decision's transaction)."""


def editors_replied(comment_id: int) -> None:
    """The editors' reply to this comment was just written (called in its transaction)."""
