"""Property tests (hypothesis) for the date, time and recurrence parsers:
bookings.scheduling.local_starts, bookings.wallclock, the booking request's
checks and expansion (bookings.services.requests), the input serializers and
form that parse dates and times, and hub.calendar_dates.local_day_bounds.

Derandomised (the same examples every run) and bounded, so CI is stable;
HYPOTHESIS_EXAMPLES raises the count for a long hand run.
"""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings import scheduling, wallclock
from bookings.api.availability import AvailabilityQuery
from bookings.api.bookings import BookingCreateInput
from bookings.forms import DATE
from bookings.scheduling import Frequency, Recurrence
from bookings.services.requests import When, check_basics, expand
from hub.calendar_dates import local_day_bounds
from hub.errors import DomainError
from hub.input_limits import DATE_YEARS
from hub.models import Site

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "100"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
LONDON = ZoneInfo("Europe/London")
ZONES = st.sampled_from(
    ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
).map(ZoneInfo)
# Two years around the product's present: four clock changes in London.
DAYS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31))
TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))
UTC = dt.UTC


def weekly(draw_interval, count=None, until=None) -> Recurrence:
    return Recurrence(
        frequency=Frequency.WEEKLY, interval=draw_interval, count=count, until=until
    )


# -- recurrence: local_starts ------------------------------------------------


@BOUNDED
@given(
    first=DAYS,
    start=TIMES,
    interval=st.integers(1, 8),
    count=st.integers(1, scheduling.MAX_OCCURRENCES),
)
def test_weekly_count_keeps_the_wall_clock_time_and_the_count(
    first, start, interval, count
):
    rule = weekly(interval, count=count)
    rule = Recurrence(**{**rule.__dict__, "weekday": first.weekday()})
    starts = scheduling.local_starts(first_day=first, start=start, recurrence=rule)
    assert len(starts) == count
    assert starts[0] == dt.datetime.combine(first, start)
    for before, after in zip(starts, starts[1:], strict=False):
        assert after - before == dt.timedelta(weeks=interval)
    assert {s.time() for s in starts} == {start}
    assert {s.weekday() for s in starts} == {first.weekday()}


@BOUNDED
@given(
    first=DAYS,
    start=TIMES,
    interval=st.integers(1, 8),
    weeks=st.integers(0, 120),
)
def test_weekly_until_never_passes_the_end_date(first, start, interval, weeks):
    until = first + dt.timedelta(weeks=weeks, days=3)
    rule = Recurrence(
        frequency=Frequency.WEEKLY,
        interval=interval,
        weekday=first.weekday(),
        until=until,
    )
    starts = scheduling.local_starts(first_day=first, start=start, recurrence=rule)
    assert 1 <= len(starts) <= scheduling.MAX_OCCURRENCES + 1
    assert all(first <= s.date() <= until for s in starts)
    expected = weeks // interval + 1
    assert len(starts) == min(expected, scheduling.MAX_OCCURRENCES + 1)


@BOUNDED
@given(
    first=DAYS,
    start=TIMES,
    interval=st.integers(1, 8),
    count=st.integers(1, 12),
    nth=st.sampled_from([1, 2, 3, 4, -1]),
)
def test_monthly_lands_on_the_nth_weekday_at_the_same_time(
    first, start, interval, count, nth
):
    rule = Recurrence(
        frequency=Frequency.MONTHLY,
        interval=interval,
        weekday=first.weekday(),
        nth=nth,
        count=count,
    )
    starts = scheduling.local_starts(first_day=first, start=start, recurrence=rule)
    assert len(starts) == count
    for s in starts:
        assert s.time() == start and s.weekday() == first.weekday()
        if nth > 0:
            assert (s.day - 1) // 7 + 1 == nth
        else:
            assert (s + dt.timedelta(weeks=1)).month != s.month


# -- wall clock ---------------------------------------------------------------


@BOUNDED
@given(day=DAYS, time=st.times(), zone=ZONES)
def test_a_bookable_local_time_round_trips_through_utc(day, time, zone):
    naive = dt.datetime.combine(day, time)
    problem = wallclock.problem(naive, zone)
    instant = wallclock.aware(naive, zone).astimezone(UTC)
    back = instant.astimezone(zone).replace(tzinfo=None)
    if problem is None:
        assert back == naive
        assert wallclock.local_date(instant, zone) == day
    else:
        assert wallclock.is_missing(naive, zone) or wallclock.is_ambiguous(naive, zone)
        assert "Choose" in problem


@BOUNDED
@given(day=DAYS, zone=ZONES)
def test_a_local_day_is_23_24_or_25_hours_from_midnight(day, zone):
    site = Site(timezone=zone.key)
    start, end = local_day_bounds(day, site)
    assert start.astimezone(zone).time() == dt.time(0, 0)
    assert start.astimezone(zone).date() == day
    length = end.astimezone(UTC) - start.astimezone(UTC)
    assert length in {dt.timedelta(hours=h) for h in (23, 24, 25)}


# -- a weekly booking in London across both clock changes ---------------------


@pytest.mark.django_db
def test_weekly_booking_keeps_its_local_time_across_both_clock_changes(room):
    """Every valid weekly request in 2026-2027 (through March and October)
    gives slots at its wall-clock time, never more than asked; every invalid
    one is a DomainError naming a field, never another exception."""
    outcomes = set()

    @BOUNDED
    @given(
        # Often a Sunday shortly before a change, often between 01:00 and
        # 02:00, so some series cross the missing or the repeated hour.
        first=st.one_of(
            st.dates(min_value=dt.date(2026, 3, 1), max_value=dt.date(2026, 10, 31)),
            st.sampled_from([dt.date(2026, 3, 15), dt.date(2026, 10, 11)]),
        ),
        start=st.one_of(
            TIMES.filter(lambda t: t < dt.time(23, 0)),
            st.sampled_from([dt.time(1, 0), dt.time(1, 30), dt.time(1, 59)]),
        ),
        interval=st.integers(0, 10),
        count=st.one_of(st.none(), st.integers(-2, 120)),
        weeks=st.one_of(st.none(), st.integers(-2, 60)),
    )
    def check(first, start, interval, count, weeks):
        until = None if weeks is None else first + dt.timedelta(weeks=weeks)
        end = (dt.datetime.combine(first, start) + dt.timedelta(minutes=60)).time()
        when = When(
            first_day=first,
            start=start,
            end=end,
            recurrence=weekly(interval, count=count, until=until),
        )
        try:
            check_basics(room=room, when=when, expected_attendees=10)
            occs, skipped = expand(room=room, when=when, term_time_only=False)
        except DomainError as error:
            assert error.field and str(error)
            outcomes.add(error.field)
            return
        outcomes.add("valid")
        assert 1 <= len(occs) <= scheduling.MAX_OCCURRENCES
        if count is not None:
            assert len(occs) == count
        else:
            assert all(o.start.astimezone(LONDON).date() <= until for o in occs)
        for occ in occs:
            local = occ.start.astimezone(LONDON)
            assert local.time() == start
            assert local.weekday() == first.weekday()

    check()
    assert "valid" in outcomes and {"start_time", "interval", "until"} <= outcomes, (
        outcomes
    )


# -- parsing what people type -------------------------------------------------


@BOUNDED
@given(day=st.dates(), time=st.times())
def test_formatted_dates_and_times_parse_back(day, time):
    fields = BookingCreateInput().fields
    assert fields["first_day"].to_internal_value(day.isoformat()) == day
    assert fields["start_time"].to_internal_value(time.isoformat()) == time
    from django import forms

    assert forms.DateField().clean(DATE.format_value(day)) == day


TEXT = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A\d{1,5}-\d{1,3}-\d{1,3}\Z"),
    st.from_regex(r"\A\d{1,3}:\d{1,3}(:\d{1,3})?\Z"),
)


@BOUNDED
@given(
    first_day=TEXT,
    start_time=TEXT,
    end_time=TEXT,
    until=st.one_of(st.none(), TEXT),
    frequency=st.sampled_from(["once", "weekly", "monthly", "daily", ""]),
    interval=st.one_of(st.integers(-5, 20), TEXT),
)
def test_any_typed_date_or_time_is_accepted_or_refused_by_field(
    first_day, start_time, end_time, until, frequency, interval
):
    data = {
        "room": 1,
        "title": "Club",
        "expected_attendees": 5,
        "first_day": first_day,
        "start_time": start_time,
        "end_time": end_time,
        "frequency": frequency,
        "interval": interval,
        "until": until,
    }
    serializer = BookingCreateInput(data=data)
    if not serializer.is_valid():
        assert set(serializer.errors) <= set(data) | {"non_field_errors"}


@BOUNDED
@given(start=st.one_of(st.none(), st.dates()), end=st.one_of(st.none(), st.dates()))
def test_availability_window_is_refused_on_to_unless_within_31_days(start, end):
    """...or on a date outside the years every API date may hold."""
    dates = {k: v for k, v in (("from", start), ("to", end)) if v}
    query = AvailabilityQuery(data={k: v.isoformat() for k, v in dates.items()})
    first, last = DATE_YEARS
    outside = {k for k, v in dates.items() if not first <= v.year <= last}
    if query.is_valid():
        window = query.validated_data
        assert 0 <= (window["to"] - window["from"]).days < 31
        assert not outside
    else:
        assert set(query.errors) == (outside or {"to"})
