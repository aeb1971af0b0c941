"""With SENTRY_DSN, an error report leaves out everything personal."""

import json

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from ops import sentry
from tests.conftest import comment_data

pytestmark = pytest.mark.django_db
# What a reader sends (kept up here: the report's source lines around the failing test line are
# code, not data).
EMAIL, NAME, COOKIE = "private@example.com", "نام خصوصی", "a-session-cookie-value"
ADDRESS, FORWARDED = "198.51.100.23", "198.51.100.24"


class Captured(Transport):
    events: list = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def reports():
    Captured.events = []
    sentry.init("https://key@sentry.example.invalid/1", environment="test", transport=Captured)
    yield Captured.events
    sentry_sdk.init()  # no DSN: reporting off again for the other tests


def test_error_report_has_nothing_personal(client, article, reports, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the page could not be drawn")

    monkeypatch.setattr("comments.views.render_private", broken)
    client.raise_request_exception = False
    client.cookies["sessionid"] = COOKIE
    data = comment_data(article, text="", email=EMAIL, name=NAME)
    response = client.post(
        f"/news/{article.news_code}/comments/?email={EMAIL}",
        data,
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR=FORWARDED,
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    (event,) = reports
    sent = json.dumps(event, ensure_ascii=False)
    assert "the page could not be drawn" in sent
    for personal in (EMAIL, NAME, COOKIE, ADDRESS, FORWARDED):
        assert personal not in sent
