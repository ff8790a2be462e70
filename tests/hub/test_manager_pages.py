"""A business manager's pages for their own site: details, opening hours, rooms,
school dates. Bad input shows a clear message next to the field and saves nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from hub.models import Closure, Holiday, OpeningHours, Room, RoomFeature, Site, Term
from tests.factories import ClosureFactory, RoomFactory, TermFactory

pytestmark = pytest.mark.django_db

SITE_POST = {
    "name": "Hillside Primary",
    "slug": "hillside",
    "address": "1 School Lane\nLeeds",
    "postcode": "LS6 2AB",
    "area": "Headingley",
    "timezone": "Europe/London",
    "contact_name": "",
    "contact_email": "office@hillside.example.org",
    "contact_phone": "",
    "getting_there": "",
    "closed_on_bank_holidays": "on",
}
ROOM_POST = {
    "name": "Kitchen",
    "slug": "kitchen",
    "description": "",
    "capacity": "12",
    "features": [],
    "accessibility_notes": "",
    "rate_daytime": "20.00",
    "rate_evening": "25.10",
    "rate_weekend": "0",
    "setup_buffer_minutes": "15",
    "cleardown_buffer_minutes": "30",
    "is_bookable": "on",
}


@pytest.fixture
def bm_client(client, manager):
    client.force_login(manager)
    return client


def _url(name, *args):
    return reverse(f"hub:{name}", args=args)


def _error_for(response, field_id: str) -> str:
    """The summary links to the field, and the field has its own message."""
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    # A date links to its day box (hub.widgets.DatePartsInput).
    assert f'href="#{field_id}"' in body or f'href="#{field_id}_0"' in body
    assert f'id="{field_id}-error"' in body
    return body


def test_manage_page_lists_rooms_and_links(bm_client, room):
    body = bm_client.get(_url("site-manage", "hillside")).content.decode()
    for name in ["site-edit", "site-hours", "site-dates", "room-add"]:
        assert _url(name, "hillside") in body
    assert _url("room-edit", "hillside", room.slug) in body
    assert _url("site-roles", "hillside") not in body  # platform admin only


def test_edit_site_details(bm_client, site):
    response = bm_client.post(
        _url("site-edit", "hillside"), {**SITE_POST, "getting_there": "Bus 56"}
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.getting_there == "Bus 56"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "LS6", "Enter a real UK postcode, like SW1A 1AA."),
        ("timezone", "London", "is not a time zone. Use an IANA name"),
        ("slug", "riverside", "Another school already uses this web address"),
    ],
)
def test_bad_site_details_are_explained_and_not_saved(
    bm_client, site, other_site, field, value, message
):
    response = bm_client.post(
        _url("site-edit", "hillside"), {**SITE_POST, field: value}
    )
    body = _error_for(response, f"id_{field}")
    assert message in body
    site.refresh_from_db()
    assert (site.postcode, site.timezone, site.slug) == (
        "LS6 2AB",
        "Europe/London",
        "hillside",
    )


def _hours_post(**days):
    data = {}
    for day in range(7):
        opens, closes = days.get(f"d{day}", ("", ""))
        data[f"opens_{day}"], data[f"closes_{day}"] = opens, closes
    return data


def test_set_opening_hours(bm_client, site):
    response = bm_client.post(
        _url("site-hours", "hillside"), _hours_post(d0=("17:00", "21:00"))
    )
    assert response.status_code == 302
    assert list(site.opening_hours.values_list("weekday", "opens_at")) == [
        (0, dt.time(17))
    ]


def test_closing_before_opening_is_rejected(bm_client, site):
    before = list(OpeningHours.objects.filter(site=site).values_list())
    response = bm_client.post(
        _url("site-hours", "hillside"),
        _hours_post(d0=("17:00", "21:00"), d2=("18:00", "09:00")),
    )
    body = _error_for(response, "id_closes_2")
    assert "The closing time must be after the opening time (18:00)" in body
    assert list(OpeningHours.objects.filter(site=site).values_list()) == before


def test_one_time_without_the_other_is_rejected(bm_client, site):
    response = bm_client.post(
        _url("site-hours", "hillside"), _hours_post(d4=("18:00", ""))
    )
    assert "Enter both times for Friday" in _error_for(response, "id_closes_4")


def test_add_room_converts_pounds_to_pence(bm_client, site):
    kitchen = RoomFeature.objects.get(slug="kitchen")
    response = bm_client.post(
        _url("room-add", "hillside"), {**ROOM_POST, "features": [kitchen.pk]}
    )
    assert response.status_code == 302
    room = Room.objects.get(site=site, slug="kitchen")
    assert (room.rate_daytime_pence, room.rate_evening_pence) == (2000, 2510)
    assert room.rate_weekend_pence == 0
    assert room.cleardown_buffer_minutes == 30
    assert list(room.features.all()) == [kitchen]
    assert room.calendar_id is None  # made by bookings on first use


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", "0", "Capacity must be at least 1 person."),
        ("capacity", "-4", "Capacity must be at least 1 person."),
        ("rate_evening", "25.005", "must have at most 2 decimal places"),
        ("rate_evening", "-1", "must be 0 or more"),
        ("slug", "main-hall", "This school already has a room at"),
    ],
)
def test_bad_room_input_is_explained_and_not_saved(
    bm_client, room, field, value, message
):
    response = bm_client.post(_url("room-add", "hillside"), {**ROOM_POST, field: value})
    assert message in _error_for(response, f"id_{field}")
    assert Room.objects.count() == 1


def test_edit_room(bm_client, room):
    url = _url("room-edit", "hillside", room.slug)
    form = bm_client.get(url).content.decode()
    assert 'value="30.00"' in form  # evening rate shown in pounds
    post = {**ROOM_POST, "name": "Main hall", "slug": room.slug, "capacity": "95"}
    post["is_bookable"] = ""
    assert bm_client.post(url, post).status_code == 302
    room.refresh_from_db()
    assert (room.capacity, room.is_bookable, room.rate_evening_pence) == (
        95,
        False,
        2510,
    )


def _date_post(kind, name, starts, ends):
    key = "reason" if kind == "closure" else "name"
    return {f"{kind}-{key}": name, f"{kind}-starts_on": starts, f"{kind}-ends_on": ends}


@pytest.mark.parametrize(
    ("kind", "model"), [("term", Term), ("holiday", Holiday), ("closure", Closure)]
)
def test_add_list_and_delete_school_dates(bm_client, site, kind, model):
    url = _url("site-date-add", "hillside", kind)
    response = bm_client.post(
        url, _date_post(kind, "Winter", "2027-01-04", "2027-01-08")
    )
    assert response.status_code == 302
    entry = model.objects.get()
    body = bm_client.get(_url("site-dates", "hillside")).content.decode()
    assert "Winter" in body
    assert "Mon 4 Jan 2027" in body
    delete = _url("site-date-delete", "hillside", kind, entry.pk)
    assert bm_client.post(delete).status_code == 302
    assert not model.objects.exists()


@pytest.mark.parametrize("kind", ["term", "holiday", "closure"])
def test_dates_ending_before_they_start_are_rejected(bm_client, site, kind):
    url = _url("site-date-add", "hillside", kind)
    response = bm_client.post(url, _date_post(kind, "Oops", "2027-01-08", "2027-01-04"))
    body = _error_for(response, f"id_{kind}-ends_on")
    assert "The last day must be the same as or after the first day." in body
    assert not (Term.objects.exists() or Holiday.objects.exists())
    assert not Closure.objects.exists()


def test_overlapping_terms_are_rejected(bm_client, site):
    TermFactory(site=site)
    url = _url("site-date-add", "hillside", "term")
    response = bm_client.post(url, _date_post("term", "X", "2026-12-01", "2027-01-10"))
    body = _error_for(response, "id_term-starts_on")
    assert "These dates overlap Autumn term" in body
    assert Term.objects.count() == 1


def test_a_trust_term_is_listed_but_cannot_be_deleted_by_the_school(bm_client, site):
    from hub.models import Trust

    site.trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    site.save()
    term = TermFactory(site=None, trust=site.trust)
    body = bm_client.get(_url("site-dates", "hillside")).content.decode()
    assert "Shared by Leeds Learning Trust" in body
    delete = _url("site-date-delete", "hillside", "term", term.pk)
    assert bm_client.post(delete).status_code == 404
    assert Term.objects.filter(pk=term.pk).exists()


# Permissions


MANAGER_PAGES = [
    ("site-manage", ()),
    ("site-edit", ()),
    ("site-hours", ()),
    ("site-dates", ()),
    ("room-add", ()),
]


@pytest.mark.parametrize(("name", "extra"), MANAGER_PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, site, name, extra):
    response = client.get(_url(name, "hillside", *extra))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "extra"), MANAGER_PAGES)
def test_manager_of_another_site_is_forbidden(client, other_manager, site, name, extra):
    client.force_login(other_manager)
    assert client.get(_url(name, "hillside", *extra)).status_code == 403


def test_manager_of_another_site_cannot_change_rooms(client, other_manager, room):
    client.force_login(other_manager)
    url = _url("room-edit", "hillside", room.slug)
    assert client.get(url).status_code == 403
    post = {**ROOM_POST, "slug": room.slug, "capacity": "1"}
    assert client.post(url, post).status_code == 403
    assert client.post(_url("room-add", "hillside"), ROOM_POST).status_code == 403
    room.refresh_from_db()
    assert room.capacity == 80
    assert Room.objects.count() == 1


def test_other_manager_cannot_delete_dates(client, other_manager, site):
    term = TermFactory(site=site)
    client.force_login(other_manager)
    url = _url("site-date-delete", "hillside", "term", term.pk)
    assert client.post(url).status_code == 403
    assert Term.objects.filter(pk=term.pk).exists()


def test_link_worker_and_partner_cannot_manage(client, link_worker, partner_user, site):
    for user in (link_worker, partner_user):
        client.force_login(user)
        assert client.get(_url("site-manage", "hillside")).status_code == 403


def test_platform_admin_can_manage_any_site(client, admin_user, other_site):
    client.force_login(admin_user)
    assert client.get(_url("site-manage", other_site.slug)).status_code == 200
    assert Site.objects.count() == 1


@pytest.mark.parametrize(("name", "extra"), MANAGER_PAGES)
def test_manager_pages_open_for_the_sites_manager(bm_client, site, name, extra):
    response = bm_client.get(_url(name, "hillside", *extra))
    assert response.status_code == 200
    assert response.content.decode().count("<h1>") == 1


@pytest.mark.parametrize("n", [2, 6])
def test_manage_and_dates_pages_query_count_is_constant(
    bm_client, site, n, django_assert_max_num_queries
):
    kitchen = RoomFeature.objects.get(slug="kitchen")
    for i in range(n):
        RoomFactory(site=site).features.add(kitchen)
        TermFactory(
            site=site,
            starts_on=dt.date(2030 + i, 1, 5),
            ends_on=dt.date(2030 + i, 3, 1),
        )
        ClosureFactory(site=site)
    with django_assert_max_num_queries(11):  # + history, its types, navigation
        manage = bm_client.get(_url("site-manage", "hillside"))
    assert manage.content.decode().count("Kitchen") == n
    with django_assert_max_num_queries(9):  # + the navigation's household
        dates = bm_client.get(_url("site-dates", "hillside"))
    assert dates.content.decode().count(">Polling station</th>") == n
