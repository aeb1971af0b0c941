from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_purge_removes_old_addresses_and_user_agents_only(article, post_comment):
    post_comment(article, text="دیدگاه قدیمی")
    post_comment(article, text="دیدگاه تازه")
    Comment.objects.update(user_agent="Mozilla/5.0 (X11; Linux x86_64)")
    old, new = Comment.objects.order_by("pk")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    AccessAttempt.objects.create(ip_address="10.0.0.9", username="x", failures_since_start=1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(days=40))
    out = StringIO()
    call_command("purge_personal_data", "--days", "30", stdout=out)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.sender_hash, old.user_agent) == ("", "")
    assert old.text == "دیدگاه قدیمی"  # the comment itself stays
    assert len(new.sender_hash) == 32 and new.user_agent == "Mozilla/5.0 (X11; Linux x86_64)"
    assert not AccessAttempt.objects.exists()
    assert "1 comment(s) and 1 sign-in record(s)" in out.getvalue()
