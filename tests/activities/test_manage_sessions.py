"""A partner's activity page on a phone: the dates still to come lead, so
tonight's register is the first link, and finished dates fold away without
an offer to cancel them."""

import pytest
from django.urls import reverse

from tests.activities.factories import approved_booking, london, make_activity

pytestmark = pytest.mark.django_db


def test_coming_dates_lead_and_past_ones_fold_away(client, room, partner, partner_user):
    # Today is 1 October 2026: 22 and 29 September have happened.
    booking = approved_booking(
        room=room, partner=partner, starts=london(2026, 9, 22, 18), weeks=4
    )
    activity = make_activity(booking=booking)
    sessions = list(activity.sessions.order_by("starts_at"))
    client.force_login(partner_user)
    body = client.get(reverse("activities:manage", args=[activity.pk])).content.decode()
    first_register = body.index("/register/")
    assert body[first_register - 40 : first_register].endswith(
        f"/activities/sessions/{sessions[2].pk}"
    )
    past = body[body.index('<details id="past-sessions">') :]
    assert "Past sessions (2), latest first" in past
    assert past.index(f"sessions/{sessions[1].pk}/register/") < past.index(
        f"sessions/{sessions[0].pk}/register/"
    )
    assert 'Cancel this session<span class="visually-hidden"> on 6 Oct' in body
    assert "on 22 Sep</span></summary>" not in body
