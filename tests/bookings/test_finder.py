"""The room finder (bookings.finder) against hand-built data: which rooms fit,
which dates are free and why the others are not, the price for the partner,
the order, and a constant number of queries. Time is frozen on 1 September
2026 (tests/bookings/conftest.py)."""

import datetime as dt

import pytest

from bookings.finder import Search, room_search
from hub.models import RoomFeature
from tests.activities.factories import approved_booking
from tests.bookings.conftest import london
from tests.factories import (
    ClosureFactory,
    ComplianceDocumentFactory,
    HolidayFactory,
    PartnerFactory,
    RoomFactory,
    SiteFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

TUESDAY, FRIDAY, SUNDAY = 1, 4, 6


@pytest.fixture
def world(db):
    """Two schools in different areas: a big hall and a small studio at one,
    a kitchen at the other."""
    hillside = SiteFactory(
        name="Hillside Primary", area="Hyde Park", postcode="LS6 2AB"
    )
    riverside = SiteFactory(
        name="Riverside Academy", area="Holbeck", postcode="LS11 5AB"
    )
    kitchen = RoomFeature.objects.get(slug="kitchen")
    hall = RoomFactory(site=hillside, name="Main hall", capacity=80)
    hall.features.add(kitchen)
    studio = RoomFactory(site=hillside, name="Studio", capacity=20)
    cookery = RoomFactory(site=riverside, name="Cookery room", capacity=25)
    cookery.features.add(kitchen)
    RoomFactory(site=riverside, name="Store", capacity=200, is_bookable=False)
    return {
        "hillside": hillside,
        "riverside": riverside,
        "hall": hall,
        "studio": studio,
        "cookery": cookery,
    }


def tuesdays(first=dt.date(2026, 9, 1), last=dt.date(2026, 10, 31), **kwargs):
    fields = {
        "first_day": first,
        "last_day": last,
        "start": dt.time(18, 0),
        "end": dt.time(20, 0),
        "weekdays": (TUESDAY,),
    }
    return Search(**(fields | kwargs))


def by_room(results) -> dict:
    return {r.room.name: r for r in results}


def not_free(result) -> dict:
    return {d.day: (d.code, d.reason) for d in result.not_free}


def test_it_finds_every_bookable_room_at_every_school(world):
    found = by_room(room_search(search=tuesdays()))
    assert set(found) == {"Main hall", "Studio", "Cookery room"}  # not the store
    assert len(found["Studio"].dates) == 9  # the Tuesdays 1 Sep to 27 Oct
    assert found["Studio"].free_count == 9  # 18:00 today is still to come
    assert found["Studio"].dates[0].day == dt.date(2026, 9, 1)


def test_capacity_leaves_out_rooms_too_small(world):
    found = by_room(room_search(search=tuesdays(people=21)))
    assert set(found) == {"Main hall", "Cookery room"}
    found = by_room(room_search(search=tuesdays(people=26)))
    assert set(found) == {"Main hall"}


def test_features_must_all_be_there(world):
    found = by_room(room_search(search=tuesdays(features=("kitchen",))))
    assert set(found) == {"Main hall", "Cookery room"}
    world["cookery"].features.add(RoomFeature.objects.get(slug="step-free"))
    found = by_room(room_search(search=tuesdays(features=("kitchen", "step-free"))))
    assert set(found) == {"Cookery room"}


@pytest.mark.parametrize(
    ("area", "rooms"),
    [
        ("Holbeck", {"Cookery room"}),
        ("hyde park", {"Main hall", "Studio"}),
        ("LS6", {"Main hall", "Studio"}),
        ("ls11", {"Cookery room"}),
        ("LS1", set()),  # a district, not a prefix: LS1 is not LS11
        ("LS6 2AB", {"Main hall", "Studio"}),
    ],
)
def test_area_is_a_neighbourhood_or_a_postcode_district(world, area, rooms):
    assert set(by_room(room_search(search=tuesdays(area=area)))) == rooms


def test_a_booking_with_its_buffers_makes_a_date_clash(world, partner):
    # 16:00-17:50 plus 15 minutes' clear-down reaches into 18:00's set-up.
    approved_booking(
        room=world["hall"],
        partner=partner,
        starts=london(2026, 9, 15, 16, 0),
        weeks=1,
        hours=1,
    ).slots.update(
        ends_at=london(2026, 9, 15, 17, 50),
        buffered_end=london(2026, 9, 15, 18, 5),
    )
    found = by_room(room_search(search=tuesdays()))
    assert not_free(found["Main hall"])[dt.date(2026, 9, 15)] == (
        "clash",
        "Already booked 16:00 to 17:50 (with set-up and clear-down).",
    )
    assert dt.date(2026, 9, 15) not in not_free(found["Studio"])


def test_a_pending_or_cancelled_booking_does_not_clash(world, partner):
    approved_booking(
        room=world["hall"],
        partner=partner,
        starts=london(2026, 9, 15, 18, 0),
        weeks=1,
        status="pending",
    )
    found = by_room(room_search(search=tuesdays()))
    assert found["Main hall"].free_count == found["Studio"].free_count


def test_a_closure_stops_every_room_at_that_school_only(world):
    ClosureFactory(
        site=world["hillside"],
        reason="Polling station",
        starts_on=dt.date(2026, 10, 6),
        ends_on=dt.date(2026, 10, 6),
    )
    found = by_room(room_search(search=tuesdays()))
    for name in ("Main hall", "Studio"):
        assert not_free(found[name])[dt.date(2026, 10, 6)] == (
            "closure",
            "Closed: Polling station.",
        )
    assert dt.date(2026, 10, 6) not in not_free(found["Cookery room"])


def test_a_school_holiday_counts_only_in_term_time_only_searches(world):
    for site in (world["hillside"], world["riverside"]):
        TermFactory(site=site)  # 3 Sep to 18 Dec
    HolidayFactory(site=world["hillside"])  # half term 26 to 30 Oct
    half_term = dt.date(2026, 10, 27)
    found = by_room(room_search(search=tuesdays(term_time_only=True)))
    assert not_free(found["Studio"])[half_term] == (
        "holiday",
        "School holiday: Autumn half term.",
    )
    assert not_free(found["Studio"])[dt.date(2026, 9, 1)][0] == "holiday"  # before term
    assert half_term not in not_free(found["Cookery room"])
    # A holiday programme wants the holidays: without "term time only" it is free.
    assert half_term not in not_free(by_room(room_search(search=tuesdays()))["Studio"])


def test_a_bank_holiday_closes_the_schools_that_close_on_them(world):
    world["riverside"].closed_on_bank_holidays = False
    world["riverside"].save()
    christmas = dt.date(2026, 12, 25)  # a Friday
    search = tuesdays(first=christmas, last=christmas, weekdays=(FRIDAY,))
    found = by_room(room_search(search=search))
    assert not_free(found["Studio"])[christmas] == (
        "closure",
        "Closed: Bank holiday: Christmas Day.",
    )
    assert found["Cookery room"].free_count == 1


def test_opening_hours_and_days_the_school_is_shut(world):
    found = by_room(room_search(search=tuesdays(start=dt.time(14, 0))))
    code, reason = not_free(found["Studio"])[dt.date(2026, 9, 8)]
    assert (code, reason) == ("outside_hours", "Open to the community 15:30 to 21:30.")
    sunday = dt.date(2026, 9, 6)
    found = by_room(
        room_search(search=tuesdays(first=sunday, last=sunday, weekdays=()))
    )
    assert not_free(found["Studio"])[sunday][0] == "closed_day"


def test_wall_clock_times_hold_across_the_october_clock_change(world, partner):
    # Weekly 18:00-20:00 local on 20 Oct (BST) and 27 Oct (GMT, after 25 Oct).
    approved_booking(
        room=world["hall"], partner=partner, starts=london(2026, 10, 20, 18, 0), weeks=2
    )
    window = {"first": dt.date(2026, 10, 20), "last": dt.date(2026, 10, 27)}
    at_six = by_room(room_search(search=tuesdays(end=dt.time(19, 0), **window)))
    assert at_six["Main hall"].free_count == 0  # both weeks, not just the first
    assert at_six["Main hall"].dates[1].start == london(2026, 10, 27, 18, 0)
    # 20:30 starts exactly when 20:00 + 15 min clear-down + 15 min set-up end.
    later = tuesdays(start=dt.time(20, 30), end=dt.time(21, 30), **window)
    assert by_room(room_search(search=later))["Main hall"].free_count == 2
    at_seven = tuesdays(start=dt.time(20, 15), end=dt.time(21, 0), **window)
    assert by_room(room_search(search=at_seven))["Main hall"].free_count == 0


def test_a_time_that_does_not_exist_is_named(world):
    spring_forward = dt.date(2027, 3, 28)
    search = tuesdays(
        first=spring_forward,
        last=spring_forward,
        weekdays=(SUNDAY,),
        start=dt.time(1, 30),
        end=dt.time(2, 30),
    )
    code, reason = not_free(by_room(room_search(search=search))["Studio"])[
        spring_forward
    ]
    assert code == "time"
    assert "the clocks go forward" in reason


def test_a_past_time_today_is_not_free(world):
    today = tuesdays(first=dt.date(2026, 9, 1), last=dt.date(2026, 9, 1))
    assert by_room(room_search(search=today))["Studio"].free_count == 1
    morning = tuesdays(
        first=dt.date(2026, 9, 1),
        last=dt.date(2026, 9, 1),
        start=dt.time(8, 0),
        end=dt.time(9, 0),
    )
    assert (
        not_free(by_room(room_search(search=morning))["Studio"])[dt.date(2026, 9, 1)][0]
        == "past"
    )


def test_price_is_for_that_partner_per_session_and_for_the_free_dates(world):
    standard = PartnerFactory(rate_band="standard")
    member = PartnerFactory(rate_band="member")
    charity = PartnerFactory(rate_band="charity", charity_discount_percent=50)
    for p in (standard, member, charity):
        ComplianceDocumentFactory(partner=p)
    ClosureFactory(
        site=world["hillside"],
        starts_on=dt.date(2026, 9, 8),
        ends_on=dt.date(2026, 9, 8),
    )
    # Two evening hours at 3,000p an hour; 8 of the 9 Tuesdays are free.
    for partner, session in ((standard, 6000), (charity, 3000), (member, 0)):
        studio = by_room(room_search(search=tuesdays(), partner=partner))["Studio"]
        assert studio.per_session == [session]
        assert studio.total.pence == 8 * session
        assert studio.total.full_pence == 8 * 6000
    nobody = by_room(room_search(search=tuesdays()))["Studio"]
    assert nobody.total.pence == 8 * 6000


def test_weekend_and_weekday_prices_are_listed_apart(world):
    search = tuesdays(
        first=dt.date(2026, 9, 11),
        last=dt.date(2026, 9, 12),
        weekdays=(4, 5),
        start=dt.time(15, 30),
        end=dt.time(16, 30),
    )
    studio = by_room(room_search(search=search))["Studio"]
    # Friday daytime at 2,500p an hour; Saturday at the weekend rate, 4,000p.
    assert studio.per_session == [2500, 4000]


def test_a_partner_without_insurance_on_a_date_is_told(world):
    uninsured = PartnerFactory()
    ComplianceDocumentFactory(partner=uninsured, expires_on=dt.date(2026, 9, 20))
    studio = by_room(room_search(search=tuesdays(), partner=uninsured))["Studio"]
    code, reason = not_free(studio)[dt.date(2026, 9, 22)]
    assert code == "insurance"
    assert uninsured.name in reason
    assert dt.date(2026, 9, 15) not in not_free(studio)


def test_best_fit_first_most_free_dates_then_the_smallest_room(world, partner):
    approved_booking(
        room=world["cookery"], partner=partner, starts=london(2026, 9, 15, 18, 0)
    )
    names = [r.room.name for r in room_search(search=tuesdays(people=10))]
    assert names == ["Studio", "Main hall", "Cookery room"]


def test_request_links_are_weekly_per_weekday_from_the_first_to_the_last_free_date(
    world,
):
    search = tuesdays(weekdays=(TUESDAY, 3), people=12, term_time_only=True)
    for site in (world["hillside"], world["riverside"]):
        TermFactory(site=site)
    studio = by_room(room_search(search=search))["Studio"]
    (tue, tue_params), (thu, thu_params) = studio.requests(search)
    assert (tue, thu) == ("Tuesdays", "Thursdays")
    assert tue_params == {
        "room": world["studio"].pk,
        "first_day": "2026-09-08",  # term starts on 3 Sep
        "start_time": "18:00",
        "end_time": "20:00",
        "expected_attendees": 12,
        "frequency": "weekly",
        "until": "2026-10-27",
        "term_time_only": "on",
    }
    assert thu_params["first_day"] == "2026-09-03"


def test_one_date_is_requested_once(world):
    day = dt.date(2026, 9, 8)
    studio = by_room(room_search(search=tuesdays(first=day, last=day)))["Studio"]
    ((_label, params),) = studio.requests(tuesdays(first=day, last=day))
    assert params["frequency"] == "once"
    assert "until" not in params


def test_the_number_of_queries_does_not_grow_with_rooms_or_schools(
    world, partner, django_assert_max_num_queries
):
    for site in (world["hillside"], world["riverside"]):
        TermFactory(site=site)
        HolidayFactory(site=site)
        ClosureFactory(site=site)
    approved_booking(room=world["hall"], partner=partner)
    search = tuesdays(term_time_only=True, weekdays=(TUESDAY, 3), features=("kitchen",))
    with django_assert_max_num_queries(8) as few:
        room_search(search=search, partner=partner)
    for _ in range(6):
        room = RoomFactory(site=SiteFactory())
        room.features.add(RoomFeature.objects.get(slug="kitchen"))
        TermFactory(site=room.site)
        approved_booking(room=room, partner=partner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(room_search(search=search, partner=partner)) == 8
