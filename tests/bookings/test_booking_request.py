import datetime as dt

import pytest
from django.core import mail

from bookings.errors import BookingConflict, BookingInvalid
from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence, event_occurrences
from bookings.services import booking_approve
from hub.errors import PermissionDenied
from partners.models import Partner
from tests.bookings.conftest import LONDON, london, weekly
from tests.factories import ClosureFactory, HolidayFactory, TermFactory


def test_one_off_request_is_pending_with_one_inactive_slot(request_booking, room):
    booking = request_booking()
    assert booking.status == Booking.Status.PENDING
    slot = booking.slots.get()
    assert (slot.starts_at, slot.ends_at) == (
        london(2026, 9, 8, 18),
        london(2026, 9, 8, 20),
    )
    assert slot.buffered_start == london(2026, 9, 8, 17, 45)
    assert not slot.is_active
    assert booking.event.calendar == room.calendar
    assert booking.event.rule is None
    assert booking.event.end_recurring_period is not None


def test_weekly_series_is_one_event_with_a_bounded_rule(request_booking):
    booking = request_booking(recurrence=weekly(until=dt.date(2026, 10, 20)))
    assert booking.slots.count() == 7
    assert booking.event.rule.params == "byweekday:TU;interval:1"
    assert booking.event.end_recurring_period == london(2026, 10, 20, 20)
    assert booking.recurrence_summary == "Weekly on Tuesday, until 20 October 2026"


def test_every_two_weeks_and_count(request_booking):
    booking = request_booking(recurrence=weekly(count=4, interval=2))
    days = [s.starts_at.date() for s in booking.slots.order_by("starts_at")]
    assert days == [
        dt.date(2026, 9, 8),
        dt.date(2026, 9, 22),
        dt.date(2026, 10, 6),
        dt.date(2026, 10, 20),
    ]


def test_monthly_second_tuesday(request_booking):
    rec = Recurrence(frequency=Frequency.MONTHLY, nth=2, count=3)
    booking = request_booking(first_day=dt.date(2026, 9, 1), recurrence=rec)
    days = [s.starts_at.date() for s in booking.slots.order_by("starts_at")]
    assert days == [dt.date(2026, 9, 8), dt.date(2026, 10, 13), dt.date(2026, 11, 10)]


def test_term_time_only_skips_holidays_and_closures_always(request_booking, site):
    TermFactory(site=site, starts_on=dt.date(2026, 9, 3), ends_on=dt.date(2026, 12, 18))
    HolidayFactory(
        site=site, starts_on=dt.date(2026, 10, 26), ends_on=dt.date(2026, 10, 30)
    )
    ClosureFactory(
        site=site,
        starts_on=dt.date(2026, 9, 15),
        ends_on=dt.date(2026, 9, 15),
        reason="Polling station",
    )
    booking = request_booking(
        recurrence=weekly(until=dt.date(2026, 11, 3)), term_time_only=True
    )
    skipped = {
        s.starts_at.date(): s.note
        for s in booking.slots.filter(state=Slot.State.SKIPPED)
    }
    assert skipped == {
        dt.date(2026, 9, 15): "Closed: Polling station",
        dt.date(2026, 10, 27): "School holiday: Autumn half term",
    }
    # Pending: the scheduler runs none of its dates yet, but knows all of them.
    expanded = event_occurrences(event=booking.event, zone=LONDON)
    assert [o.original_start for o in expanded] == [
        s.original_start for s in booking.slots.order_by("original_start")
    ]
    assert all(o.cancelled for o in expanded)


def test_request_emails_the_site_managers_after_commit(
    request_booking, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request_booking(recurrence=weekly(count=2))
    assert mail.outbox[0].to == [manager.email]
    assert "Tue 8 Sep 2026, 18:00 to 20:00" in mail.outbox[0].body


def _nothing_saved():
    assert Booking.objects.count() == 0
    assert Slot.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        (
            {"recurrence": weekly(until=dt.date(2026, 9, 1))},
            "until",
            "on or after the first date",
        ),
        ({"recurrence": weekly(count=101)}, "count", "between 1 and 100"),
        (
            {"recurrence": weekly(until=dt.date(2029, 1, 1))},
            "until",
            "more than 100 dates",
        ),
        (
            {
                "recurrence": Recurrence(
                    frequency=Frequency.MONTHLY, nth=2, until=dt.date(2026, 9, 20)
                ),
                "first_day": dt.date(2026, 9, 16),
            },
            "until",
            "no date at all",
        ),
        ({"end": dt.time(18, 0)}, "end_time", "after the start time"),
        ({"attendees": 81}, "expected_attendees", "at most 80 people"),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(request_booking, kwargs, field, text):
    with pytest.raises(BookingInvalid) as exc:
        request_booking(**kwargs)
    assert exc.value.field == field
    assert text in exc.value.message
    _nothing_saved()


def test_spring_forward_gap_is_named(request_booking, site, time_machine):
    site.opening_hours.create(
        weekday=6, opens_at=dt.time(0, 0), closes_at=dt.time(23, 0)
    )
    time_machine.move_to(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False)
    with pytest.raises(BookingInvalid) as exc:
        request_booking(
            first_day=dt.date(2026, 3, 29), start=dt.time(1, 30), end=dt.time(3, 0)
        )
    assert exc.value.message == (
        "There is no 01:30 on 29 March 2026 in Europe/London: the clocks go forward. Choose another time."
    )
    _nothing_saved()


def test_ambiguous_autumn_time_is_refused(request_booking, site):
    site.opening_hours.create(
        weekday=6, opens_at=dt.time(0, 0), closes_at=dt.time(23, 0)
    )
    with pytest.raises(BookingInvalid) as exc:
        request_booking(
            first_day=dt.date(2026, 10, 25), start=dt.time(1, 30), end=dt.time(3, 0)
        )
    assert (
        "01:30 on 25 October 2026 in Europe/London happens twice" in exc.value.message
    )
    _nothing_saved()


def test_series_crossing_the_gap_names_the_date(request_booking, site, time_machine):
    site.opening_hours.create(
        weekday=6, opens_at=dt.time(0, 0), closes_at=dt.time(23, 0)
    )
    time_machine.move_to(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False)
    with pytest.raises(BookingInvalid) as exc:
        request_booking(
            first_day=dt.date(2026, 3, 22),
            start=dt.time(1, 30),
            end=dt.time(2, 30),
            recurrence=weekly(count=3),
        )
    assert "29 March 2026" in exc.value.message


@pytest.mark.parametrize("status", [Partner.Status.APPLIED, Partner.Status.SUSPENDED])
def test_unapproved_or_suspended_partner_cannot_request(
    request_booking, partner, status
):
    partner.status = status
    partner.save()
    with pytest.raises(BookingInvalid) as exc:
        request_booking()
    assert exc.value.field == "partner"
    _nothing_saved()


def test_non_member_cannot_request_for_a_partner(request_booking, other_partner_user):
    with pytest.raises(PermissionDenied):
        request_booking(user=other_partner_user)
    _nothing_saved()


def test_every_problem_date_is_listed_with_its_reason(request_booking, site, partner):
    ClosureFactory(
        site=site, starts_on=dt.date(2026, 9, 15), ends_on=dt.date(2026, 9, 15)
    )
    partner.documents.update(expires_on=dt.date(2026, 9, 25))
    with pytest.raises(BookingInvalid) as exc:
        request_booking(
            recurrence=weekly(count=4), start=dt.time(21, 0), end=dt.time(22, 0)
        )
    details = exc.value.details
    # 15 Sep is a closure: skipped, not an error. Others are after opening hours,
    # and 29 Sep is also past the insurance expiry.
    codes = [(d["date"], d["code"]) for d in details]
    assert ("2026-09-08", "outside_hours") in codes
    assert ("2026-09-29", "insurance") in codes
    assert all(d["date"] != "2026-09-15" for d in details)
    _nothing_saved()


def test_a_one_off_on_a_closure_is_refused(request_booking, site):
    ClosureFactory(
        site=site, starts_on=dt.date(2026, 9, 8), ends_on=dt.date(2026, 9, 8)
    )
    with pytest.raises(BookingInvalid) as exc:
        request_booking()
    assert "no date is left" in exc.value.message


def test_in_the_past_is_refused(request_booking):
    with pytest.raises(BookingInvalid) as exc:
        request_booking(first_day=dt.date(2026, 8, 25))
    assert exc.value.details[0]["code"] == "past"


def test_clash_with_an_approved_slot_is_409_naming_the_booking(
    request_booking, manager
):
    first = request_booking(title="Chess club")
    booking_approve(booking=first, approved_by=manager)
    with pytest.raises(BookingConflict) as exc:
        request_booking(start=dt.time(19, 0), end=dt.time(21, 0))
    assert exc.value.status_code == 409
    assert exc.value.details[0]["booking_id"] == first.pk
    assert "Chess club" in exc.value.details[0]["message"]
    assert Booking.objects.count() == 1


def test_buffers_make_back_to_back_lettings_clash(request_booking, manager):
    booking_approve(booking=request_booking(), approved_by=manager)
    with pytest.raises(BookingConflict):
        request_booking(start=dt.time(20, 0), end=dt.time(21, 0))
    request_booking(
        start=dt.time(20, 30), end=dt.time(21, 30)
    )  # 30 min gap = both buffers


def test_series_with_clashes_can_be_sent_on_for_the_manager(request_booking, manager):
    booking_approve(
        booking=request_booking(first_day=dt.date(2026, 9, 15)), approved_by=manager
    )
    with pytest.raises(BookingConflict):
        request_booking(recurrence=weekly(count=3))
    booking = request_booking(recurrence=weekly(count=3), allow_clashes=True)
    assert booking.slots.count() == 3
