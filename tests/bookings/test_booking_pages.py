import datetime as dt

import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_approve
from hub.models import StaffRole
from tests.bookings.conftest import weekly
from tests.factories import RoomFactory, StaffRoleFactory

# The base layout's navigation costs a few queries on every page (session,
# user, roles, memberships, household); the bounds below stay fixed as data grows.
PAGE_QUERIES = 12


def _form(room, **overrides):
    data = {
        "room": room.pk,
        "title": "Family cooking",
        "expected_attendees": 20,
        "first_day": "2026-09-08",
        "start_time": "18:00",
        "end_time": "20:00",
        "frequency": "weekly",
        "interval": 1,
        "until": "2026-10-20",
    }
    data.update(overrides)
    return data


def test_request_form_prefills_from_a_free_window(client, partner_user, room):
    client.force_login(partner_user)
    url = (
        reverse("bookings:request")
        + f"?room={room.pk}&first_day=2026-09-08&start_time=15:30&end_time=17:30"
    )
    html = client.get(url).content.decode()
    assert 'name="first_day_day" value="8"' in html
    assert 'name="first_day_month" value="9"' in html
    assert 'name="first_day_year" value="2026"' in html
    assert 'value="15:30"' in html


def test_preview_shows_dates_and_quote_without_saving(client, partner_user, room):
    client.force_login(partner_user)
    response = client.post(reverse("bookings:request"), {**_form(room), "preview": ""})
    html = response.content.decode()
    assert "Tue 20 Oct 2026" in html
    assert "£420.00" in html  # 7 evenings x 2 h x £30
    assert Booking.objects.count() == 0


def test_send_creates_and_redirects_to_detail(client, partner_user, room):
    client.force_login(partner_user)
    response = client.post(reverse("bookings:request"), {**_form(room), "send": ""})
    booking = Booking.objects.get()
    assert response.url == reverse("bookings:detail", args=[booking.pk])


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({"first_day": "2026-02-30"}, "Date (or first date) must be a real date"),
        ({"count": 101, "until": ""}, "Number of times must be 100 or less"),
        ({"until": "2026-09-01"}, "on or after the first date"),
        ({"expected_attendees": 500}, "holds at most 80"),
    ],
)
def test_form_errors_are_summarised_and_nothing_saved(
    client, partner_user, room, overrides, text
):
    client.force_login(partner_user)
    html = client.post(
        reverse("bookings:request"), {**_form(room, **overrides), "send": ""}
    ).content.decode()
    assert "There is a problem" in html
    assert text in html
    assert Booking.objects.count() == 0


def test_gap_time_is_explained_in_the_form(
    client, partner_user, room, site, time_machine
):
    site.opening_hours.create(weekday=6, opens_at=dt.time(0), closes_at=dt.time(23))
    time_machine.move_to(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False)
    data = _form(
        room,
        first_day="2026-03-29",
        start_time="01:30",
        end_time="03:00",
        frequency="once",
    )
    html = client.post(reverse("bookings:request"), {**data, "send": ""}, follow=False)
    client.force_login(partner_user)
    html = client.post(
        reverse("bookings:request"), {**data, "send": ""}
    ).content.decode()
    assert (
        "There is no 01:30 on 29 March 2026 in Europe/London: the clocks go forward"
        in html
    )


def test_outsider_and_manager_cannot_open_the_request_form(client, outsider, manager):
    for user in (outsider, manager):
        client.force_login(user)
        assert client.get(reverse("bookings:request")).status_code == 403


def test_mine_lists_own_bookings_with_next_date_constant_queries(
    client, partner_user, request_booking, django_assert_max_num_queries
):
    request_booking(recurrence=weekly(count=2))
    client.force_login(partner_user)
    client.get(reverse("bookings:mine"))
    with django_assert_max_num_queries(PAGE_QUERIES):
        client.get(reverse("bookings:mine"))
    for i in range(6):
        request_booking(
            first_day=dt.date(2026, 9, 9) + dt.timedelta(days=7 * i),
            recurrence=weekly(count=2),
        )
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = client.get(reverse("bookings:mine")).content.decode()
    assert html.count("Family cooking") == 7
    assert "Tue 8 Sep 2026, 18:00" in html


def test_detail_marks_exception_dates(client, partner_user, manager, request_booking):
    booking_approve(
        booking=request_booking(first_day=dt.date(2026, 9, 15), title="Chess"),
        approved_by=manager,
    )
    series = request_booking(recurrence=weekly(count=3), allow_clashes=True)
    booking_approve(booking=series, approved_by=manager, except_clashes=True)
    client.force_login(partner_user)
    html = client.get(reverse("bookings:detail", args=[series.pk])).content.decode()
    assert "<del>Tue 15 Sep 2026</del>" in html
    assert "Not approved (clash)" in html
    assert "Booking approved except some dates" in html  # the History table


def test_detail_is_404_for_another_partner(client, other_partner_user, request_booking):
    booking = request_booking()
    client.force_login(other_partner_user)
    assert client.get(reverse("bookings:detail", args=[booking.pk])).status_code == 404


def test_queue_shows_clash_and_approve_except(
    client, manager, request_booking, django_assert_max_num_queries
):
    booking_approve(
        booking=request_booking(first_day=dt.date(2026, 9, 15), title="Chess"),
        approved_by=manager,
    )
    series = request_booking(
        recurrence=weekly(count=3), allow_clashes=True, title="Cooking"
    )
    client.force_login(manager)
    html = client.get(reverse("bookings:queue")).content.decode()
    assert "Tue 15 Sep 2026: clashes with" in html
    assert "Approve all but the clashing dates" in html
    client.post(reverse("bookings:approve", args=[series.pk]), {"except_clashes": "on"})
    series.refresh_from_db()
    assert series.status == "approved"
    assert series.slots.filter(is_active=True).count() == 2


def test_queue_counts_dates_in_words_a_manager_reads(client, manager, request_booking):
    request_booking(title="Drop-in")  # once
    request_booking(recurrence=weekly(count=3), title="Cooking", start=dt.time(16))
    client.force_login(manager)
    html = client.get(reverse("bookings:queue")).content.decode()
    assert "All 1 dates" not in html
    assert "<summary>The date</summary>" in html
    assert 'Approve<span class="visually-hidden">: Drop-in' in html
    assert "<summary>All 3 dates</summary>" in html
    assert 'Approve all 3 dates<span class="visually-hidden">: Cooking' in html


def test_queue_query_count_is_constant(
    client, manager, site, request_booking, django_assert_max_num_queries
):
    client.force_login(manager)
    request_booking(recurrence=weekly(count=3))
    client.get(reverse("bookings:queue"))
    with django_assert_max_num_queries(10):
        client.get(reverse("bookings:queue"))
    for _i in range(5):
        request_booking(recurrence=weekly(count=5), room=RoomFactory(site=site))
    with django_assert_max_num_queries(10):
        html = client.get(reverse("bookings:queue")).content.decode()
    assert "6 requests waiting" in html


def test_queue_is_only_for_managers(
    client, partner_user, other_manager, request_booking
):
    request_booking(title="Secret club")
    client.force_login(partner_user)
    assert client.get(reverse("bookings:queue")).status_code == 403
    client.force_login(other_manager)
    assert "Secret club" not in client.get(reverse("bookings:queue")).content.decode()


def test_decline_from_queue_needs_reason(client, manager, request_booking):
    booking = request_booking()
    client.force_login(manager)
    client.post(reverse("bookings:decline", args=[booking.pk]), {"reason": ""})
    assert Booking.objects.get().status == "pending"
    client.post(
        reverse("bookings:decline", args=[booking.pk]),
        {"reason": "Hall closed for works"},
    )
    assert Booking.objects.get().status == "declined"


def test_partner_cancels_one_date_from_detail(
    client, partner_user, manager, request_booking
):
    booking = request_booking(recurrence=weekly(count=2))
    booking_approve(booking=booking, approved_by=manager)
    slot = booking.slots.order_by("starts_at").first()
    client.force_login(partner_user)
    client.post(reverse("bookings:cancel", args=[booking.pk]), {"slot_id": slot.pk})
    slot.refresh_from_db()
    assert slot.state == "cancelled"


def test_week_grid_links_free_windows_and_is_constant(
    client, partner_user, site, manager, request_booking, django_assert_max_num_queries
):
    booking_approve(booking=request_booking(), approved_by=manager)
    client.force_login(partner_user)
    url = reverse("bookings:site-week", args=[site.pk]) + "?day=2026-09-08"
    client.get(url)
    with django_assert_max_num_queries(13):
        html = client.get(url).content.decode()
    assert '<th scope="col">Tue 8 Sep</th>' in html
    assert "first_day=2026-09-08&amp;start_time=20:30&amp;end_time=21:30" in html
    assert "<caption" in html
    for _i in range(6):
        room = RoomFactory(site=site)
        booking_approve(booking=request_booking(room=room), approved_by=manager)
    with django_assert_max_num_queries(13):
        client.get(url)


def test_caretaker_sheet_shows_tonight_in_local_time(
    client, site, manager, request_booking, time_machine
):
    booking = request_booking(
        recurrence=weekly(until=dt.date(2026, 12, 1)), setup_notes="Tables in rows"
    )
    booking_approve(booking=booking, approved_by=manager)
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False)
    staff = StaffRoleFactory(site=site, role=StaffRole.Role.SITE_STAFF).user
    client.force_login(staff)
    html = client.get(reverse("bookings:sheet", args=[site.pk])).content.decode()
    assert "18:00 to 20:00" in html
    assert "17:45 to 20:15" in html
    assert "Tables in rows" in html
    assert "Family Action Leeds" in html


def test_caretaker_sheet_forbidden_to_others(
    client, site, partner_user, link_worker, other_manager
):
    for user in (partner_user, link_worker, other_manager):
        client.force_login(user)
        assert client.get(reverse("bookings:sheet", args=[site.pk])).status_code == 403


def test_totals_per_month(client, partner_user, manager, site, request_booking):
    booking_approve(
        booking=request_booking(recurrence=weekly(count=5)), approved_by=manager
    )
    client.force_login(partner_user)
    html = client.get(reverse("bookings:totals")).content.decode()
    assert "September 2026" in html and "October 2026" in html
    assert "£240.00" in html  # 4 Tuesdays in September
    client.force_login(manager)
    assert (
        "£60.00"
        in client.get(reverse("bookings:site-totals", args=[site.pk])).content.decode()
    )


def test_partner_moves_a_date_from_the_page(
    client, partner_user, manager, request_booking
):
    booking = request_booking(recurrence=weekly(count=2))
    booking_approve(booking=booking, approved_by=manager)
    slot = booking.slots.order_by("starts_at").first()
    client.force_login(partner_user)
    url = reverse("bookings:move", args=[booking.pk, slot.pk])
    assert 'name="day_day" value="8"' in client.get(url).content.decode()
    bad = client.post(
        url, {"day": "2026-09-15", "start_time": "18:00", "end_time": "20:00"}
    )
    assert (
        "There is a problem" in bad.content.decode()
    )  # clashes with its own next date
    client.post(url, {"day": "2026-09-09", "start_time": "18:00", "end_time": "20:00"})
    html = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Moved</span> from Tue 8 Sep" in html


def test_sheet_and_totals_pages_are_constant_in_queries(
    client, site, manager, request_booking, django_assert_max_num_queries
):
    def add(n):
        for _i in range(n):
            room = RoomFactory(site=site)
            booking_approve(
                booking=request_booking(room=room, recurrence=weekly(count=3)),
                approved_by=manager,
            )

    urls = [
        reverse("bookings:sheet", args=[site.pk]) + "?day=2026-09-08",
        reverse("bookings:site-totals", args=[site.pk]),
    ]
    add(1)
    client.force_login(manager)
    client.get(urls[0])
    for url in urls:
        with django_assert_max_num_queries(PAGE_QUERIES):
            client.get(url)
    add(4)
    for url in urls:
        with django_assert_max_num_queries(PAGE_QUERIES):
            html = client.get(url).content.decode()
    # 5 bookings x 3 September evenings x 2 h at £30/h
    assert "£900.00" in html


def test_queue_shows_document_status_and_detail_shows_the_quote(
    client, manager, partner_user, request_booking
):
    booking = request_booking(recurrence=weekly(count=2))
    client.force_login(manager)
    html = client.get(reverse("bookings:queue")).content.decode()
    assert 'Public liability insurance: <span class="tag tag--blue">Valid' in html
    assert 'Safeguarding policy: <span class="tag tag--red">Missing or expired' in html
    client.force_login(partner_user)
    html = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Quote £120.00, fixed when approved" in html


def test_totals_page_draws_a_bar_per_month_beside_the_table(
    client, partner_user, manager, request_booking
):
    booking_approve(
        booking=request_booking(recurrence=weekly(count=5)), approved_by=manager
    )
    client.force_login(partner_user)
    html = client.get(reverse("bookings:totals")).content.decode()
    chart = html[html.index('<figure class="bar-chart">') : html.index("</figure>")]
    assert "September 2026" in chart and "October 2026" in chart
    assert 'chart-bar--100"' in chart  # September, the largest month
    assert 'chart-bar--25"' in chart  # October: one letting of four
    assert "<table>" in html[html.index("</figure>") :]
