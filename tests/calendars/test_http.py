"""What calendar clients rely on: a secret link (404 when unknown, revoked or
rotated), ETag and Last-Modified with 304, HEAD, gzip, SEQUENCE that rises on
every change, correct text, and a fixed number of queries."""

import datetime as dt
import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from bookings.services import booking_cancel, booking_occurrence_move
from calendars import services
from calendars.models import FeedToken
from hub.audit import audit_history_for
from hub.models import StaffRole
from tests.activities.factories import approved_booking, london
from tests.calendars.conftest import feed_path, link_for

SITE = FeedToken.Kind.SITE


def events_by_uid(body: bytes) -> dict:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).events}


def test_unknown_token_is_404(anon, db):
    assert anon.get("/calendars/feed/not-a-token.ics").status_code == 404


def test_rotating_kills_the_old_link_and_revoking_the_new(anon, year_booking, manager):
    site = year_booking.room.site
    old = link_for(manager, SITE, site)
    assert anon.get(feed_path(old)).status_code == 200
    token = services.feed_token_rotate(actor=manager, token=old.token)
    assert anon.get(feed_path(old)).status_code == 404
    new = link_for(manager, SITE, site)
    assert new.https_url != old.https_url
    assert anon.get(feed_path(new)).status_code == 200
    services.feed_token_revoke(actor=manager, token=token)
    assert anon.get(feed_path(new)).status_code == 404
    actions = [e.action for e in audit_history_for(token)]
    assert {"feed_token.issued", "feed_token.rotated", "feed_token.revoked"} <= set(
        actions
    )


def test_a_person_who_loses_the_role_loses_the_feed(anon, year_booking, manager):
    link = link_for(manager, SITE, year_booking.room.site)
    StaffRole.objects.filter(user=manager).delete()
    assert anon.get(feed_path(link)).status_code == 404


def test_only_a_hash_and_a_nonce_are_stored(year_booking, manager):
    link = link_for(manager, SITE, year_booking.room.site)
    secret = link.https_url.rsplit("/", 1)[1].removesuffix(".ics")
    row = FeedToken.objects.get()
    assert secret not in (row.nonce, row.token_hash)
    assert len(secret) >= 43  # 256 bits


def test_one_link_per_person_per_feed(year_booking, manager):
    site = year_booking.room.site
    first = services.feed_token_issue(actor=manager, kind=SITE, target=site)
    again = services.feed_token_issue(actor=manager, kind=SITE, target=site)
    assert first.pk == again.pk
    assert FeedToken.objects.count() == 1


def test_others_may_not_subscribe_to_what_they_may_not_see(
    year_booking, outsider, other_partner_user, partner
):
    from hub.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.feed_token_issue(
            actor=outsider, kind=SITE, target=year_booking.room.site
        )
    with pytest.raises(PermissionDenied):
        services.feed_token_issue(
            actor=other_partner_user, kind=FeedToken.Kind.PARTNER, target=partner
        )


def test_etag_last_modified_304_head_and_gzip(anon, year_booking, manager):
    path = feed_path(link_for(manager, SITE, year_booking.room.site))
    first = anon.get(path)
    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    assert first["Cache-Control"] == "private, no-cache"
    etag, modified = first["ETag"], first["Last-Modified"]
    assert anon.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert anon.get(path, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    head = anon.head(path)
    assert head.status_code == 200 and head["ETag"] == etag
    zipped = anon.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == first.content
    assert anon.get(path, HTTP_IF_NONE_MATCH=zipped["ETag"]).status_code == 304


def test_a_change_raises_sequence_and_changes_the_etag(
    anon, year_booking, manager, partner_user
):
    path = feed_path(link_for(manager, SITE, year_booking.room.site))
    first = anon.get(path)
    before = events_by_uid(first.content)
    assert {int(e["SEQUENCE"]) for e in before.values()} == {0}
    slots = list(year_booking.slots.filter(is_active=True).order_by("starts_at"))
    booking_occurrence_move(
        booking=year_booking,
        slot_id=slots[0].pk,
        moved_by=partner_user,
        day=dt.date(2026, 9, 9),
        start=dt.time(18),
        end=dt.time(20),
    )
    booking_cancel(booking=year_booking, cancelled_by=partner_user, slot_id=slots[1].pk)
    second = anon.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    after = events_by_uid(second.content)
    changed = {uid for uid in after if int(after[uid]["SEQUENCE"]) > 0}
    assert len(changed) == 2
    moved = next(e for e in after.values() if e.start == london(2026, 9, 9, 18))
    assert int(moved["SEQUENCE"]) == 1
    assert sum(str(e["STATUS"]) == "CANCELLED" for e in after.values()) == 2
    assert set(after) == set(before)  # UIDs are stable
    third = anon.get(path)
    assert third["ETag"] == second["ETag"]
    assert events_by_uid(third.content)[str(moved["UID"])]["SEQUENCE"] == 1


def test_text_is_escaped_and_the_calendar_is_named(anon, year_booking, manager):
    body = anon.get(feed_path(link_for(manager, SITE, year_booking.room.site))).content
    cal = Calendar.from_ical(body)
    event = cal.events[0]
    assert str(event["SUMMARY"]).startswith("Family cooking; bring aprons, please (")
    assert cal.calendar_name == "Hillside Primary lettings"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT60M" in body
    assert cal.timezones[0].tz_name == "Europe/London"
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_caretaker_feed_shows_set_up_and_clear_down(anon, year_booking, caretaker):
    body = anon.get(
        feed_path(link_for(caretaker, FeedToken.Kind.CARETAKER, year_booking.room.site))
    ).content
    event = Calendar.from_ical(body).events[0]
    assert event.start == london(2026, 9, 7, 17, 45)
    assert event.end == london(2026, 9, 7, 20, 15)
    assert "Oven on at 17:30." in str(event["DESCRIPTION"])


def test_room_feed_shows_busy_times_only(anon, year_booking, outsider):
    body = anon.get(
        feed_path(link_for(outsider, FeedToken.Kind.ROOM, year_booking.room))
    ).content
    assert b"Family cooking" not in body
    assert b"Family Action" not in body
    assert {str(e["SUMMARY"]) for e in Calendar.from_ical(body).events} <= {
        "Booked",
        "Cancelled: Booked",
    }


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_feed(anon, site, room, partner, manager):
    path = feed_path(link_for(manager, SITE, site))
    approved_booking(room=room, partner=partner, weeks=2)
    anon.get(path)  # the first answer stores the feed's state
    small = _queries(anon, path)
    approved_booking(
        room=room, partner=partner, weeks=40, starts=london(2026, 9, 2, 16)
    )
    anon.get(path)
    assert _queries(anon, path) == small
    assert small <= 8
