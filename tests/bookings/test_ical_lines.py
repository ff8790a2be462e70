"""Every iCalendar file we write is made of RFC 5545 content lines: CRLF
endings, at most 75 octets each, continuation lines starting with one space,
and no empty line (Outlook and Google refuse a file with one)."""

import datetime as dt
from zoneinfo import ZoneInfo

from bookings.feeds import FeedEvent, ical_calendar, vtimezone

LONDON = ZoneInfo("Europe/London")


def _calendar() -> bytes:
    start = dt.datetime(2026, 10, 20, 17, 0, tzinfo=dt.UTC)
    event = FeedEvent(
        uid="slot-1@hub.example.org",
        summary="Family cooking: a long title " * 4 + "with ünïcödé",
        start=start,
        end=start + dt.timedelta(hours=2),
        location="Main hall, Hillside Primary School, 1 School Lane, Leeds LS6 2AB",
        description="Bring an apron.\nParking at the back.",
    )
    return ical_calendar(
        name="Hillside Primary School lettings",
        zone=LONDON,
        events=[event],
        refresh=dt.timedelta(hours=1),
        stamp=dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),
    )


def test_every_line_is_a_folded_content_line():
    body = _calendar()
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(lines), "an empty line"
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    unfolded = body.replace(b"\r\n ", b"").decode().split("\r\n")[:-1]
    for line in unfolded:
        name = line.split(":", 1)[0].split(";", 1)[0]
        assert name and name.replace("-", "").isalnum(), f"not a content line: {line!r}"


def test_the_time_zone_block_is_whole_and_unfolded_once():
    lines = vtimezone("Europe/London", 2026)
    assert lines[0] == "BEGIN:VTIMEZONE" and lines[-1] == "END:VTIMEZONE"
    assert "TZNAME:GMT" in lines and "TZNAME:BST" in lines
    assert all(not line.startswith((" ", "\t")) for line in lines)
