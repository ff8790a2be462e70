"""Sites and rooms API: public reads with filters and constant query counts,
business-manager writes for their own sites only, strict input, token auth,
the one error body, and the OpenAPI schema and docs."""

import re

import pytest
import yaml
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hub.api_errors import exception_handler
from hub.errors import Conflict, StateError
from hub.models import Room, RoomFeature
from tests.factories import RoomFactory, SiteFactory

pytestmark = pytest.mark.django_db

SITES = reverse("site-list-api")
ROOMS = reverse("room-list-api")


def _site_rooms(site) -> str:
    return reverse("site-room-create-api", args=[site.pk])


def _room(room) -> str:
    return reverse("room-detail-api", args=[room.pk])


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def bm_api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


NEW_ROOM = {
    "name": "Library",
    "slug": "library",
    "capacity": 25,
    "features": ["av", "step-free"],
    "rate_evening_pence": 1850,
}


# Public reads


def test_site_list_is_public_and_paginated(api, site, other_site):
    body = api.get(SITES, {"page_size": 1}).json()
    assert body["count"] == 2
    assert [s["slug"] for s in body["results"]] == ["hillside"]
    assert body["next"].endswith("page=2&page_size=1")
    assert body["results"][0]["opening_hours"][0] == {
        "weekday": 0,
        "opens_at": "15:30:00",
        "closes_at": "21:30:00",
    }


def test_site_list_filters_by_area_and_trust(api, site, other_site):
    from hub.models import Trust

    trust = Trust.objects.create(name="Leeds Learning Trust", slug="llt")
    site.area, site.trust = "Headingley", trust
    site.save()
    assert [
        s["slug"] for s in api.get(SITES, {"area": "headingley"}).json()["results"]
    ] == ["hillside"]
    assert [s["slug"] for s in api.get(SITES, {"trust": "llt"}).json()["results"]] == [
        "hillside"
    ]
    assert api.get(SITES, {"trust": "nobody"}).json()["count"] == 0


def test_site_detail_and_unknown_site(api, site):
    assert api.get(reverse("site-detail-api", args=[site.pk])).json()["name"] == (
        "Hillside Primary"
    )
    response = api.get(reverse("site-detail-api", args=[999999]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_room_list_filters(api, site, other_site):
    kitchen = RoomFeature.objects.get(slug="kitchen")
    big = RoomFactory(site=site, name="Hall", slug="hall", capacity=120)
    RoomFactory(site=site, name="Office", slug="office", capacity=6)
    cook = RoomFactory(site=other_site, name="Kitchen", slug="kitchen", capacity=20)
    cook.features.add(kitchen)

    def names(**params):
        return [r["name"] for r in api.get(ROOMS, params).json()["results"]]

    assert names(site=site.pk) == ["Hall", "Office"]
    assert names(min_capacity=20) == ["Hall", "Kitchen"]
    assert names(feature="kitchen") == ["Kitchen"]
    assert names(site=site.pk, min_capacity=100) == ["Hall"]
    assert api.get(_room(big)).json()["capacity"] == 120


def test_room_list_rejects_a_filter_of_the_wrong_type(api):
    response = api.get(ROOMS, {"min_capacity": "lots"})
    assert response.status_code == 400
    assert "min_capacity" in response.json()["error"]["fields"]


@pytest.mark.parametrize("n", [3, 9])
def test_list_endpoints_use_a_constant_number_of_queries(
    api, n, django_assert_max_num_queries
):
    av = RoomFeature.objects.get(slug="av")
    for _ in range(n):
        RoomFactory(site=SiteFactory()).features.add(av)
    with django_assert_max_num_queries(3):  # count, page, opening hours
        assert len(api.get(SITES).json()["results"]) == n
    with django_assert_max_num_queries(3):  # count, page, features
        assert len(api.get(ROOMS).json()["results"]) == n


# Writes: business managers of the site only


def test_manager_adds_a_room(bm_api, site):
    response = bm_api.post(_site_rooms(site), NEW_ROOM, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["site"], body["features"]) == (site.pk, ["av", "step-free"])
    room = Room.objects.get(pk=body["id"])
    assert room.calendar_id is None  # made by bookings on first use
    assert room.rate_evening_pence == 1850


def test_manager_patches_their_room(bm_api, room):
    response = bm_api.patch(_room(room), {"capacity": 90}, format="json")
    assert response.status_code == 200
    room.refresh_from_db()
    assert (room.capacity, room.name) == (90, "Main hall")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"capacity": 0}, "capacity", "at least 1"),
        ({"capacity": "twelve"}, "capacity", "Capacity must be a whole number"),
        ({"capcity": 12}, "capcity", "Unknown field"),
        ({"features": ["jacuzzi"]}, "features", "No room feature has the slug"),
        (
            {"is_bookable": "perhaps"},
            "is_bookable",
            "Is bookable must be true or false",
        ),
        ({"rate_daytime_pence": 12.5}, "rate_daytime_pence", "must be a whole number"),
    ],
)
def test_bad_patch_is_400_naming_the_field_and_changes_nothing(
    bm_api, room, body, field, message
):
    response = bm_api.patch(_room(room), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in " ".join(error["fields"][field])
    room.refresh_from_db()
    assert (room.capacity, room.is_bookable, room.rate_daytime_pence) == (
        80,
        True,
        2500,
    )


def test_bad_create_names_every_unknown_and_missing_field(bm_api, site):
    body = {"name": "Hall", "colour": "blue", "capacity": -1}
    response = bm_api.post(_site_rooms(site), body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"colour", "capacity", "slug"}
    assert not Room.objects.exists()


def test_duplicate_room_slug_is_400_from_the_service(bm_api, room):
    body = {**NEW_ROOM, "slug": room.slug}
    response = bm_api.post(_site_rooms(room.site), body, format="json")
    assert response.status_code == 400
    assert "already has a room" in response.json()["error"]["fields"]["slug"][0]
    assert Room.objects.count() == 1


def test_manager_of_another_site_gets_403_and_nothing_changes(
    other_manager, site, room
):
    client = APIClient()
    client.force_authenticate(other_manager)
    assert client.post(_site_rooms(site), NEW_ROOM, format="json").status_code == 403
    response = client.patch(_room(room), {"capacity": 2}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    room.refresh_from_db()
    assert room.capacity == 80
    assert Room.objects.count() == 1


@pytest.mark.parametrize("who", ["link_worker", "partner_user", "outsider"])
def test_other_signed_in_users_cannot_write(request, who, site, room):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    assert client.post(_site_rooms(site), NEW_ROOM, format="json").status_code == 403
    assert client.patch(_room(room), {"capacity": 2}, format="json").status_code == 403


def test_anonymous_writes_are_refused(api, site, room):
    response = api.post(_site_rooms(site), NEW_ROOM, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert api.patch(_room(room), {"capacity": 2}, format="json").status_code == 401
    assert not Room.objects.filter(slug="library").exists()


def test_platform_admin_may_add_rooms_anywhere(admin_user, other_site):
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.post(_site_rooms(other_site), NEW_ROOM, format="json")
    assert response.status_code == 201


def test_unknown_site_for_a_new_room_is_404(bm_api):
    response = bm_api.post(reverse("site-room-create-api", args=[999999]), NEW_ROOM)
    assert response.status_code == 404


# Token authentication


def test_token_auth_lets_a_manager_write(manager, room):
    token = Token.objects.create(user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.patch(_room(room), {"capacity": 75}, format="json")
    assert response.status_code == 200
    room.refresh_from_db()
    assert room.capacity == 75


def test_a_wrong_token_is_401(room):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.patch(_room(room), {"capacity": 75}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


# The one error body


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Conflict("The room is booked then.", field="starts_at"), 409, "conflict"),
        (StateError("Already declined."), 409, "invalid_state"),
    ],
)
def test_domain_errors_map_to_409_with_the_same_body(exc, status, code):
    response = exception_handler(exc, {})
    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert response.data["error"]["message"] == exc.message


def test_every_error_status_has_the_same_shape(bm_api, other_manager, room):
    other = APIClient()
    other.force_authenticate(other_manager)
    responses = [
        bm_api.patch(_room(room), {"capacity": 0}, format="json"),  # 400
        other.patch(_room(room), {"capacity": 5}, format="json"),  # 403
        bm_api.get(reverse("room-detail-api", args=[999999])),  # 404
    ]
    assert [r.status_code for r in responses] == [400, 403, 404]
    for response in responses:
        error = response.json()["error"]
        assert set(error) <= {"code", "message", "fields", "details"}
        assert error["code"] and error["message"]


# Schema and docs


def test_schema_is_an_openapi_3_document_with_the_hub_paths(api):
    response = api.get(reverse("api-schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Community Hub API"
    for path in ["/api/v1/sites/", "/api/v1/sites/{site_id}/rooms/", "/api/v1/rooms/"]:
        assert path in schema["paths"]
    assert "patch" in schema["paths"]["/api/v1/rooms/{room_id}/"]


def test_docs_load_their_scripts_and_styles_from_this_server(client):
    html = client.get(reverse("api-docs")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets)
    assert any(a.endswith(".css") for a in assets)
    assert not [a for a in assets if re.match(r"(https?:)?//", a)]
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", html)


def test_room_field_lists_derive_from_the_service():
    """hub.services.ROOM_FIELDS is the one list: the API input and output and
    the page's form (rates typed in pounds) all cover exactly those fields."""
    from hub.api import RoomInput, RoomOutput
    from hub.forms import RoomForm
    from hub.services import ROOM_FIELDS

    fields = set(ROOM_FIELDS) | {"features"}
    assert set(RoomInput().fields) == fields
    assert set(RoomOutput.Meta.fields) - {"id", "site", "site_slug"} == fields
    form_fields = {
        f"{name}_pence" if name.startswith("rate_") else name
        for name in RoomForm.base_fields
    }
    assert form_fields == fields


def test_lists_refuse_unknown_query_fields_and_honour_page_size(api, site, other_site):
    response = api.get("/api/v1/rooms/?capcity=3")
    assert response.status_code == 400
    assert "capcity" in response.json()["error"]["fields"]
    page = api.get("/api/v1/sites/?page_size=1").json()
    assert (page["count"], len(page["results"])) == (2, 1)
    assert "page=2" in page["next"]


def test_opening_times_are_iso_times(api, site):
    hours = api.get(f"/api/v1/sites/{site.pk}/").json()["opening_hours"][0]
    assert (hours["opens_at"], hours["closes_at"]) == ("15:30:00", "21:30:00")


def test_every_room_write_leaves_one_audit_entry(bm_api, room, manager):
    from hub.models import AuditEntry

    bm_api.patch(f"/api/v1/rooms/{room.pk}/", {"capacity": 70}, format="json")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.changes) == (
        "room.changed",
        manager,
        {"capacity": [80, 70]},
    )
