"""The room finder page, its API and the booking request it fills in: what a
partner sees, errors that name the field, and a constant number of queries."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from tests.activities.factories import approved_booking
from tests.bookings.conftest import london
from tests.factories import (
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

FINDER = reverse("bookings:finder")
SEARCH = {
    "weekdays": ["1"],
    "start_time": "18:00",
    "end_time": "20:00",
    "first_day": "2026-09-08",
    "last_day": "2026-09-29",
    "people": "15",
}


@pytest.fixture
def rooms(site, room, other_site):
    """Main hall (80) at Hillside; a studio (20) at Riverside."""
    return {
        "hall": room,
        "studio": RoomFactory(site=other_site, name="Studio", capacity=20),
    }


def text(response) -> str:
    return " ".join(
        unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()
    )


def request_links(response) -> list[str]:
    return [
        unescape(u)
        for u in re.findall(
            r'href="(/bookings/request/\?[^"]+)"', response.content.decode()
        )
    ]


def test_a_partner_finds_rooms_across_schools_with_their_price(
    client, rooms, partner_user
):
    client.force_login(partner_user)
    response = client.get(FINDER, SEARCH)
    assert response.status_code == 200
    page = text(response)
    assert "2 rooms found" in page
    assert "Tuesdays, 18:00 to 20:00, 8 September 2026 to 29 September 2026" in page
    assert "Studio, Riverside Academy" in page
    assert "Main hall, Hillside Primary" in page
    assert page.index("Studio, Riverside") < page.index("Main hall, Hillside")
    assert "£60.00 a session; £240.00 for the 4 free dates" in page
    assert "Prices are for Family Action Leeds" in page
    assert 'id="results" tabindex="-1" data-autofocus' in response.content.decode()


def test_a_clash_is_listed_with_the_date(client, rooms, partner, partner_user):
    approved_booking(
        room=rooms["studio"],
        partner=partner,
        starts=london(2026, 9, 15, 18, 0),
        weeks=1,
    )
    client.force_login(partner_user)
    page = text(client.get(FINDER, SEARCH))
    assert "3 of 4" in page
    assert "1 date not free" in page
    assert "Tue 15 Sep 2026 : Already booked 18:00 to 20:00" in page


def test_a_member_partner_sees_its_free_price(client, rooms):
    member = PartnerFactory(rate_band="member")
    ComplianceDocumentFactory(partner=member)
    user = PartnerMembershipFactory(partner=member).user
    client.force_login(user)
    page = text(client.get(FINDER, SEARCH))
    assert "£0.00 a session; £0.00 for the 4 free dates (full price £240.00)" in page


def test_someone_in_two_partners_chooses_which_price(
    client, rooms, partner, partner_user
):
    charity = PartnerFactory(rate_band="charity", charity_discount_percent=50)
    ComplianceDocumentFactory(partner=charity)
    PartnerMembershipFactory(partner=charity, user=partner_user)
    client.force_login(partner_user)
    page = text(client.get(FINDER, SEARCH | {"partner": charity.pk}))
    assert "£30.00 a session" in page
    assert (
        f"partner={charity.pk}"
        in request_links(client.get(FINDER, SEARCH | {"partner": charity.pk}))[0]
    )


def test_errors_name_the_field_and_come_all_at_once(client, rooms, partner_user):
    client.force_login(partner_user)
    response = client.get(
        FINDER, {"start_time": "20:00", "end_time": "18:00", "people": "0"}
    )
    page = text(response)
    assert "There is a problem" in page
    assert "To: The end time must be after the start time." in page
    assert (
        "Date, or first date: Enter the date (or first date), or choose a whole term."
        in page
    )
    assert "Number of people must be 1 or more" in page
    assert "rooms found" not in page


def test_a_range_too_long_is_refused(client, rooms, partner_user):
    client.force_login(partner_user)
    page = text(client.get(FINDER, SEARCH | {"last_day": "2027-06-30"}))
    assert "Search at most 190 days at a time: choose an earlier last date" in page


def test_a_whole_term_searches_term_time_only(client, rooms, partner_user, site):
    term = TermFactory(
        site=site, starts_on=dt.date(2026, 9, 3), ends_on=dt.date(2026, 10, 23)
    )
    client.force_login(partner_user)
    search = {k: v for k, v in SEARCH.items() if not k.endswith("_day")}
    search["term"] = term.pk
    page = text(client.get(FINDER, search))
    assert "3 September 2026 to 23 October 2026, term time only" in page
    # Riverside has no term: every date there is outside term time.
    assert "0 of 7" in page and "7 of 7" in page


def test_choosing_a_room_fills_in_the_request_and_the_preview_gets_focus(
    client, rooms, partner_user
):
    client.force_login(partner_user)
    (link,) = request_links(client.get(FINDER, SEARCH | {"people": "30"}))
    form_page = client.get(link)
    html = form_page.content.decode()
    assert "The room, dates and times you chose are filled in" in html
    assert f'<option value="{rooms["hall"].pk}" selected>' in html
    assert 'name="first_day_day" value="8"' in html
    assert 'name="first_day_month" value="9"' in html
    assert 'name="until_day" value="29"' in html
    assert 'name="until_year" value="2026"' in html
    assert 'name="start_time" value="18:00"' in html
    assert 'name="expected_attendees" value="30"' in html
    assert re.search(r'value="weekly"[^>]*checked', html)
    assert 'action="#preview"' in html
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    preview = client.post(
        link,
        {
            "room": rooms["hall"].pk,
            "title": "Homework club",
            "expected_attendees": "30",
            "frequency": "weekly",
            "interval": "1",
            **{
                f"{k}_{part}": fields[f"{k}_{part}"]
                for k in ("first_day", "until")
                for part in ("day", "month", "year")
            },
            **{k: fields[k] for k in ("start_time", "end_time")},
            "preview": "",
        },
    )
    body = preview.content.decode()
    assert 'id="preview" tabindex="-1" data-autofocus' in body
    assert "4 dates, local time at the school" in text(preview)


def test_the_page_needs_sign_in(client, rooms):
    response = client.get(FINDER, SEARCH)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign" in response["Location"]


def test_the_page_costs_the_same_queries_for_many_rooms(
    client, rooms, partner_user, django_assert_max_num_queries
):
    client.force_login(partner_user)
    client.get(FINDER, SEARCH)
    with django_assert_max_num_queries(30) as before:
        client.get(FINDER, SEARCH)
    for _ in range(8):
        site = SiteFactory()
        TermFactory(site=site)
        approved_booking(room=RoomFactory(site=site), starts=london(2026, 9, 8, 18, 0))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "10 rooms found" in text(client.get(FINDER, SEARCH))


# The API


def api_search(client, user, **query):
    client.force_login(user)
    return client.get(reverse("bookings-api:room-search"), query)


def test_the_api_lists_rooms_best_fit_first_with_dates_and_prices(
    client, rooms, partner, partner_user
):
    approved_booking(
        room=rooms["studio"],
        partner=partner,
        starts=london(2026, 9, 15, 18, 0),
        weeks=1,
    )
    response = api_search(
        client,
        partner_user,
        weekdays="tue",
        start_time="18:00:00",
        end_time="20:00:00",
        first_day="2026-09-08",
        last_day="2026-09-29",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["room"], first["site"]) == ("Main hall", "Hillside Primary")
    assert first["free_dates"] == [
        "2026-09-08",
        "2026-09-15",
        "2026-09-22",
        "2026-09-29",
    ]
    assert first["price"] == {
        "per_session_pence": [6000],
        "total_pence": 24000,
        "full_total_pence": 24000,
    }
    assert second["not_free"] == [
        {
            "date": "2026-09-15",
            "code": "clash",
            "reason": "Already booked 18:00 to 20:00 (with set-up and clear-down).",
        }
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"weekdays": "tuesday"}, "weekdays"),
        ({"end_time": "17:00"}, "end_time"),
        ({"last_day": "2026-09-01"}, "last_day"),
        ({"term": 999999}, "term"),
        ({"partner": 999999}, "partner"),
        ({"features": "kitchen,,av"}, "features"),
    ],
)
def test_the_api_names_the_bad_field(client, rooms, partner_user, query, field):
    ok = {"start_time": "18:00", "end_time": "20:00", "first_day": "2026-09-08"}
    response = api_search(client, partner_user, **(ok | query))
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_api_costs_the_same_queries_for_many_rooms(
    client, rooms, partner_user, django_assert_max_num_queries
):
    query = {"start_time": "18:00", "end_time": "20:00", "first_day": "2026-09-08"}
    api_search(client, partner_user, **query)
    with django_assert_max_num_queries(20) as before:
        api_search(client, partner_user, **query)
    for _ in range(8):
        approved_booking(room=RoomFactory(site=SiteFactory()))
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert api_search(client, partner_user, **query).json()["count"] == 10


def test_the_date_and_the_term_are_not_called_optional(client, rooms, partner_user):
    """One of them is needed, so neither is labelled "(optional)"; the last
    date and the number of people are."""
    client.force_login(partner_user)
    page = text(client.get(FINDER))
    assert "Date, or first date (optional)" not in page
    assert "Or a whole term (optional)" not in page
    assert "Date, or first date" in page and "Or a whole term" in page
    assert "Last date (optional)" in page
