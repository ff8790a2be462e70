"""Public pages: the directory of schools, a school's page and a room's page."""

import pytest
from django.urls import reverse

from hub.models import RoomFeature
from tests.factories import RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db

# Pages share one bound: the session/user and navigation queries plus the page's own.
PAGE_QUERIES = 8


def test_home_links_to_schools_and_activities(client):
    body = client.get(reverse("hub:home")).content.decode()
    assert reverse("hub:site-list") in body
    assert reverse("activities:list") in body


def test_directory_lists_schools_with_their_room_counts(client, room):
    RoomFactory(site=room.site, is_bookable=False)
    body = client.get(reverse("hub:site-list")).content.decode()
    assert "Hillside Primary" in body
    assert "1 room to hire" in body
    assert reverse("hub:site-detail", args=["hillside"]) in body
    assert "Manage Hillside" not in body


def _sites_with_rooms(n: int) -> None:
    kitchen = RoomFeature.objects.get(slug="kitchen")
    for _ in range(n):
        room = RoomFactory()
        room.features.add(kitchen)


@pytest.mark.parametrize("n", [3, 9])
def test_directory_query_count_is_constant(
    client, manager, n, django_assert_max_num_queries
):
    _sites_with_rooms(n)
    client.force_login(manager)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("hub:site-list"))
    assert response.content.decode().count('class="card"') == n + 1


@pytest.mark.parametrize("n", [3, 9])
def test_site_page_query_count_is_constant(
    client, site, n, django_assert_max_num_queries
):
    kitchen = RoomFeature.objects.get(slug="kitchen")
    for _ in range(n):
        RoomFactory(site=site).features.add(kitchen)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("hub:site-detail", args=[site.slug]))
    assert response.content.decode().count("Kitchen") == n


def test_site_page_shows_rooms_hours_and_getting_there(client, room):
    site = room.site
    site.getting_there = "Enter by the Oak Road gate."
    site.save()
    room.accessibility_notes = "Ramp at the side door."
    room.save()
    room.features.add(RoomFeature.objects.get(slug="step-free"))
    body = client.get(reverse("hub:site-detail", args=[site.slug])).content.decode()
    for text in [
        "Main hall",
        "Up to 80 people",
        "Step-free access",
        "Ramp at the side door.",
        "Enter by the Oak Road gate.",
        "15:30 to 21:30",
        "Closed",  # Sunday
    ]:
        assert text in body
    week = reverse("bookings:site-week", args=[site.pk])
    assert week not in body  # anonymous: sign in first
    assert "Sign in</a> to see free times" in body


def test_signed_in_users_get_the_week_grid_link(client, room, partner_user):
    client.force_login(partner_user)
    body = client.get(reverse("hub:site-detail", args=["hillside"])).content.decode()
    assert reverse("bookings:site-week", args=[room.site.pk]) in body
    assert reverse("hub:site-manage", args=["hillside"]) not in body


def test_room_page(client, room):
    url = reverse("hub:room-detail", args=[room.site.slug, room.slug])
    body = client.get(url).content.decode()
    assert "<h1>Main hall</h1>" in body
    assert "£30.00" in body  # evening rate, from pence
    assert reverse("hub:room-edit", args=[room.site.slug, room.slug]) not in body


def test_unknown_site_and_room_are_404(client, room):
    assert client.get(reverse("hub:site-detail", args=["nowhere"])).status_code == 404
    url = reverse("hub:room-detail", args=[room.site.slug, "attic"])
    assert client.get(url).status_code == 404


def test_manager_sees_manage_links_for_their_site_only(client, manager, other_site):
    client.force_login(manager)
    body = client.get(reverse("hub:site-list")).content.decode()
    assert reverse("hub:site-manage", args=["hillside"]) in body
    assert reverse("hub:site-manage", args=[other_site.slug]) not in body


def test_standard_room_features_exist():
    slugs = set(RoomFeature.objects.values_list("slug", flat=True))
    assert {
        "kitchen",
        "sports",
        "av",
        "step-free",
        "accessible-toilet",
        "hearing-loop",
        "outdoor",
        "parking",
    } <= slugs
    assert RoomFeature.objects.get(slug="sports").name == "Sports hall floor"


def test_site_factory_sites_render_without_rooms(client):
    SiteFactory(name="Empty School", slug="empty")
    body = client.get(reverse("hub:site-detail", args=["empty"])).content.decode()
    assert "no rooms listed yet" in body
