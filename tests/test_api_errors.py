"""Every app's API answers an unknown id the same way: 404 with code not_found."""

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/rooms/999999/",
        "/api/v1/sites/999999/",
        "/api/v1/bookings/999999/",
        "/api/v1/activities/999999/",
    ],
)
def test_unknown_ids_get_one_404_body(client, manager, url):
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]
