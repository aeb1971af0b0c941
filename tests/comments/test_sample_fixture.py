import pytest
from django.core.management import call_command

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_sample_comments_show_both_sides_and_load_twice(client, article):
    call_command("loaddata", "sample_comments", verbosity=0)
    call_command("loaddata", "sample_comments", verbosity=0)
    assert Comment.objects.count() == 5
    assert Comment.objects.approved().count() == 2
    assert Comment.objects.pending().count() == 2
    assert all("نمونه" in c.name or "Sample" in c.name for c in Comment.objects.all())
    section = client.get(article.get_absolute_url()).content.decode()
    assert "دیدگاه نمونه: امیدوارم مرزهای تازهٔ استان" in section
    assert "سپاس از همراهی شما. (پاسخ نمونه)" in section
    assert "دیدگاه نمونهٔ در انتظار" not in section
    assert "رد کرده‌اند" not in section
