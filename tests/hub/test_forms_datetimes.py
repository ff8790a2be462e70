"""A date with a time (an activity's sign-up opens and closes): the GOV.UK
date input and a "Time" box in one fieldset (hub.widgets.DateTimePartsField),
in the school's local time, with errors that name the field and the part."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.forms import ActivityForm
from activities.models import Activity
from hub.widgets import local_instant, parse_datetime_parts, parse_time_text
from tests.activities.factories import approved_booking, make_activity

LONDON = zoneinfo.ZoneInfo("Europe/London")
LABEL = "Sign-up opens"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def _message(parts) -> str:
    with pytest.raises(ValidationError) as caught, timezone.override(LONDON):
        value = parse_datetime_parts(parts, label=LABEL)
        if value is not None:
            local_instant(value, label=LABEL)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18:30", dt.time(18, 30)),
        ("18.30", dt.time(18, 30)),
        ("9:05", dt.time(9, 5)),
        ("6:30pm", dt.time(18, 30)),
        ("6pm", dt.time(18, 0)),
        ("12am", dt.time(0, 0)),
        ("12 PM", dt.time(12, 0)),
        ("midday", dt.time(12, 0)),
        (" 07:00 ", dt.time(7, 0)),
    ],
)
def test_times_as_people_type_them(typed, expected):
    assert parse_time_text(typed, label=LABEL) == expected


@pytest.mark.parametrize("typed", ["25:00", "18:60", "18", "13pm", "half six", "1830x"])
def test_a_time_that_is_not_real_names_the_field(typed):
    message = _message(["1", "10", "2026", typed])
    assert message == "The time in sign-up opens must be a real time, like 18:30"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["1", "10", "2026", ""], "Sign-up opens must include a time"),
        (["", "", "", "18:30"], "Sign-up opens must include a day, month and year"),
        (["1", "", "2026", "18:30"], "Sign-up opens must include a month"),
        (["31", "9", "2026", "18:30"], "Sign-up opens must be a real date"),
        (
            ["1", "10", "26", "18:30"],
            ("The year in sign-up opens must have 4 numbers, for example 2027"),
        ),
        (["1", "10", "1999", "18:30"], "Sign-up opens must be between 2000 and 2099"),
        (
            ["28", "3", "2027", "01:30"],
            "Sign-up opens: there is no 01:30 on 28 March 2027 because the clocks "
            "go forward. Choose another time",
        ),
        (
            ["25", "10", "2026", "01:30"],
            "Sign-up opens: 01:30 on 25 October 2026 happens twice because the "
            "clocks go back. Choose another time",
        ),
    ],
)
def test_each_mistake_names_the_field_and_the_part(parts, expected):
    assert _message(parts) == expected


def test_nothing_typed_is_no_value():
    assert parse_datetime_parts(["", "", "", ""], label=LABEL) is None


def test_the_time_typed_is_the_schools_local_time():
    with timezone.override(LONDON):
        summer = local_instant(dt.datetime(2026, 10, 1, 9, 30), label=LABEL)
        winter = local_instant(dt.datetime(2026, 11, 1, 9, 30), label=LABEL)
    assert summer == dt.datetime(2026, 10, 1, 8, 30, tzinfo=dt.UTC)
    assert winter == dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)


# The activity form --------------------------------------------------------


@pytest.fixture
def booking(room, partner):
    return approved_booking(room=room, partner=partner)


FORM = {
    "title": "Cook and eat",
    "description": "Together",
    "category": "cooking",
    "audience": "families",
    "capacity": 12,
    "eligibility": "open",
    "signup_mode": "series",
    "referral_places": 0,
    "languages": "English",
}


def _typed(name: str, day="", month="", year="", time="") -> dict:
    """The four boxes of one date-and-time field as a browser posts them."""
    parts = {"day": day, "month": month, "year": year, "time": time}
    return {f"{name}_{part}": value for part, value in parts.items()}


def test_the_form_shows_a_date_input_and_a_time_for_the_window(db):
    html = str(ActivityForm(editing=True)["signup_opens_at"])
    assert 'type="datetime-local"' not in html
    for part, label in [
        ("day", "Day"),
        ("month", "Month"),
        ("year", "Year"),
        ("time", "Time"),
    ]:
        assert f'name="signup_opens_at_{part}"' in html
        assert f">{label}</label>" in html


def test_the_page_has_the_fieldset_the_hint_and_no_datetime_local(
    client, booking, partner_user
):
    client.force_login(partner_user)
    page = client.get(reverse("activities:create", args=[booking.pk])).content.decode()
    assert "datetime-local" not in page
    assert '<legend class="fieldset__legend">Sign-up opens (optional)</legend>' in page
    assert "For example, 27 3 2027 and 18:30 (24-hour clock)." in page
    assert "The school&#x27;s local time." in page


def test_a_partner_sets_the_window_in_parts_and_it_is_stored_in_utc(
    client, booking, partner_user
):
    client.force_login(partner_user)
    body = (
        FORM
        | _typed("signup_opens_at", "1", "October", "2026", "9:30am")
        | _typed("signup_closes_at", "2", "11", "2026", "18:00")
    )
    response = client.post(reverse("activities:create", args=[booking.pk]), body)
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.signup_opens_at == dt.datetime(2026, 10, 1, 8, 30, tzinfo=dt.UTC)
    assert activity.signup_closes_at == dt.datetime(2026, 11, 2, 18, 0, tzinfo=dt.UTC)


def test_a_missing_time_is_shown_on_the_field_and_nothing_is_saved(
    client, booking, partner_user
):
    client.force_login(partner_user)
    body = (
        FORM
        | _typed("signup_opens_at", "1", "10", "2026")
        | _typed("signup_closes_at", time="18:00")
    )
    response = client.post(reverse("activities:create", args=[booking.pk]), body)
    page = response.content.decode()
    assert response.status_code == 200
    assert Activity.objects.count() == 0
    assert 'href="#id_signup_opens_at_0"' in page
    assert "Sign-up opens must include a time" in page
    assert "Sign-up closes must include a day, month and year" in page
    assert 'value="18:00"' in page  # what was typed is kept


def test_closing_before_opening_is_refused_on_the_closing_field(
    client, booking, partner_user
):
    client.force_login(partner_user)
    body = (
        FORM
        | _typed("signup_opens_at", "5", "10", "2026", "09:00")
        | _typed("signup_closes_at", "4", "10", "2026", "09:00")
    )
    response = client.post(reverse("activities:create", args=[booking.pk]), body)
    assert response.status_code == 200
    assert "Sign-up must close after it opens." in response.content.decode()
    assert Activity.objects.count() == 0


def test_editing_shows_the_window_in_local_time(client, booking, partner_user):
    activity = make_activity(
        booking=booking,
        signup_opens_at=dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.UTC),
    )
    client.force_login(partner_user)
    page = client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert 'name="signup_opens_at_day" value="5"' in page
    assert 'name="signup_opens_at_time" value="09:00"' in page  # BST
