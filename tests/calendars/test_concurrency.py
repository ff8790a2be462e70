"""Two requests asking for the same link at once get the same one (real
threads; SQLite serialises them, PostgreSQL races them)."""

import threading

import pytest
from django.db import connection

from calendars import services
from calendars.models import FeedToken
from hub.audit import audit_history_for


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_one_link_make_one(site, manager):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def ask():
        try:
            barrier.wait()
            token = services.feed_token_issue(
                actor=manager, kind=FeedToken.Kind.SITE, target=site
            )
            results.append(token.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    token = FeedToken.objects.get()
    assert [e.action for e in audit_history_for(token)] == ["feed_token.issued"]
