"""Contract cases: for every operation in /api/schema/, a success call and a
call for each error status it documents.

`@contract("POST /api/v1/bookings/{booking_id}/approve/")` registers a
function that gets the `World` and returns ``{status: Call}`` (or a lambda
making the Call, run in order, so a 409 can follow the 200 that changed the
state). A key may be ``(status, "what")`` to test one status several ways.
Every 400 case sends the field ``not_a_field`` (alone or beside a bad value),
or names the field it expects blamed (``Call(..., blames="room")``); the test
checks the error's `fields` names it. An unknown id in a body is a 400 on
that field, not a 404 (404 is for the address).

A documented status that no request can produce is a lie in the schema: it is
listed in `NOT_PRODUCIBLE` with the reason, and the contract test fails on it
until the view drops it (``omit_error_statuses``, see hub.api_schema).
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from activities import services as activity_services
from activities.models import Activity, HouseholdMember
from bookings.models import Booking
from bookings.scheduling import Recurrence
from bookings.services import When, booking_cancel, booking_request
from hub.models import StaffRole
from partners.models import Partner
from tests.activities.factories import approved_booking, family, make_activity
from tests.factories import (
    ComplianceDocumentFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
    StaffRoleFactory,
    UserFactory,
)

UNKNOWN_ID = 999_999
UNKNOWN = {"not_a_field": 1}

CASES: dict[str, callable] = {}

# (operation, status): why no request can produce it. The contract test fails
# on each while the schema still documents it: the view should omit it.
NOT_PRODUCIBLE = {
    ("POST /api/v1/sites/{site_id}/rooms/", 409): "a taken slug is a 400 on slug "
    "(unique constraint -> DomainError); nothing else clashes",
    ("PATCH /api/v1/rooms/{room_id}/", 409): "room_update has no state to clash",
    ("GET /api/v1/bookings/", 403): "every signed-in user gets the bookings they "
    "may see (maybe none)",
    ("GET /api/v1/bookings/{booking_id}/", 403): "a booking the caller may not "
    "see is a 404 (ApiView.lookup); whoever sees it may read it",
    ("GET /api/v1/rooms/{room_id}/availability/", 403): "any signed-in user may "
    "see availability (bookings.view_availability)",
    ("GET /api/v1/sites/{site_id}/availability/", 403): "any signed-in user may "
    "see availability (bookings.view_availability)",
    ("POST /api/v1/activities/", 409): "activity_create raises only 400/403",
    ("PATCH /api/v1/activities/{activity_id}/", 409): "activity_update raises "
    "only 400/403",
    ("GET /api/v1/households/me/", 403): "any signed-in user may read their own "
    "household",
    ("POST /api/v1/households/me/", 403): "any signed-in user may create a "
    "household (activities.create_household)",
    ("PATCH /api/v1/households/me/", 403): "the household is always the caller's own",
    ("PATCH /api/v1/households/me/", 409): "household_update raises only 400",
    ("GET /api/v1/households/me/export/", 403): "the household is always the "
    "caller's own",
    ("POST /api/v1/households/me/members/", 403): "the household is always the "
    "caller's own",
    ("POST /api/v1/households/me/members/", 409): "member_add raises only 400",
    ("GET /api/v1/signups/", 403): "the household is always the caller's own",
    ("GET /api/v1/signups/{signup_id}/", 403): "whoever may see a sign-up may "
    "read it; others get 404",
}


def contract(operation: str):
    def register(function):
        assert operation not in CASES, f"two contract cases for {operation}"
        CASES[operation] = function
        return function

    return register


@dataclass
class Call:
    user: object = None  # None: anonymous
    path: dict = field(default_factory=dict)
    query: dict | None = None
    body: dict | None = None
    blames: str | None = None  # a 400 must name this field


class World:
    """A site with a bookable room, its business manager and site staff, an
    approved partner with staff and an approved booking there (weekly from 13
    October), a published activity on it, a family signed up, a link worker,
    another partner's staff and a signed-in outsider."""

    def __init__(self):
        self.site = SiteFactory(name="Hillside Primary", slug="hillside")
        self.room = RoomFactory(site=self.site, name="Main hall", slug="main-hall")
        self.manager = self._staff(StaffRole.Role.BUSINESS_MANAGER, "bm")
        self.site_staff = self._staff(StaffRole.Role.SITE_STAFF, "caretaker")
        self.link_worker = self._staff(StaffRole.Role.LINK_WORKER, "lw")
        self.partner = PartnerFactory(name="Family Action", slug="family-action")
        ComplianceDocumentFactory(partner=self.partner)
        self.partner_user = PartnerMembershipFactory(
            partner=self.partner, user__username="pu"
        ).user
        self.other_partner_user = PartnerMembershipFactory(
            partner=PartnerFactory(name="Food Bank", slug="food-bank"),
            user__username="opu",
        ).user
        self.outsider = UserFactory(username="outsider")
        self.booking = approved_booking(room=self.room, partner=self.partner)
        self.activity = make_activity(booking=self.booking, capacity=10)
        self.household, self.members = family(children=2, carers=1)
        self.family_user = self.household.user

    def _staff(self, role, username):
        return StaffRoleFactory(site=self.site, role=role, user__username=username).user

    @cached_property
    def signup(self):
        return activity_services.signup_create(
            household=self.household,
            activity=self.activity,
            members=self.members,
            created_by=self.family_user,
        ).signup

    def pending_booking(self, day=dt.date(2026, 9, 8)) -> Booking:
        return booking_request(
            room=self.room,
            partner=self.partner,
            requested_by=self.partner_user,
            title="Homework club",
            when=When(
                first_day=day,
                start=dt.time(16, 0),
                end=dt.time(17, 0),
                recurrence=Recurrence(),
            ),
            expected_attendees=12,
        )

    def cancelled_booking(self) -> Booking:
        booking = approved_booking(
            room=RoomFactory(site=self.site), partner=self.partner
        )
        booking_cancel(booking=booking, cancelled_by=self.partner_user, reason="Off")
        return booking

    def partner_in(self, status) -> Partner:
        return PartnerFactory(status=status)

    def first_slot(self):
        return self.booking.slots.order_by("starts_at").first()


# hub: sites and rooms

ROOM = {"name": "Studio", "slug": "studio", "capacity": 30, "features": []}


@contract("GET /api/v1/sites/")
def _(w):
    return {
        200: Call(),
        400: Call(query=UNKNOWN),
        404: Call(query={"page": 99}),
    }


@contract("GET /api/v1/sites/{site_id}/")
def _(w):
    return {
        200: Call(path={"site_id": w.site.pk}),
        404: Call(path={"site_id": UNKNOWN_ID}),
    }


@contract("POST /api/v1/sites/{site_id}/rooms/")
def _(w):
    site = {"site_id": w.site.pk}
    return {
        201: Call(w.manager, site, body=ROOM),
        400: Call(w.manager, site, body={**ROOM, "capacity": 0, **UNKNOWN}),
        401: Call(None, site, body=ROOM),
        403: Call(w.outsider, site, body=ROOM),
        404: Call(w.manager, {"site_id": UNKNOWN_ID}, body=ROOM),
    }


@contract("GET /api/v1/rooms/")
def _(w):
    return {
        200: Call(query={"site": w.site.pk}),
        400: Call(query={"min_capacity": "lots", **UNKNOWN}),
        404: Call(query={"page": 99}),
    }


@contract("GET /api/v1/rooms/{room_id}/")
def _(w):
    return {
        200: Call(path={"room_id": w.room.pk}),
        404: Call(path={"room_id": UNKNOWN_ID}),
    }


@contract("PATCH /api/v1/rooms/{room_id}/")
def _(w):
    room = {"room_id": w.room.pk}
    return {
        200: Call(w.manager, room, body={"capacity": 90}),
        400: Call(w.manager, room, body={"capacity": 0, **UNKNOWN}),
        401: Call(None, room, body={"capacity": 90}),
        403: Call(w.outsider, room, body={"capacity": 90}),
        404: Call(w.manager, {"room_id": UNKNOWN_ID}, body={"capacity": 90}),
    }


# partners

REASON = {"reason": "Insurance checked."}


@contract("GET /api/v1/partners/")
def _(w):
    return {
        200: Call(w.manager),
        (200, "anonymous"): Call(),
        400: Call(query={"status": "nonsense", **UNKNOWN}),
        404: Call(query={"page": 99}),
    }


@contract("GET /api/v1/partners/{partner_id}/")
def _(w):
    applied = w.partner_in(Partner.Status.APPLIED)
    return {
        200: Call(path={"partner_id": w.partner.pk}),
        (200, "reviewer"): Call(w.manager, {"partner_id": applied.pk}),
        404: Call(path={"partner_id": applied.pk}),
        (404, "unknown id"): Call(w.manager, {"partner_id": UNKNOWN_ID}),
    }


def _decision(w, *, ok_status, clash_status, body):
    partner = {"partner_id": w.partner_in(ok_status).pk}
    return {
        200: Call(w.manager, partner, body=body),
        400: Call(w.manager, partner, body={**body, **UNKNOWN}),
        401: Call(None, partner, body=body),
        403: Call(w.partner_user, partner, body=body),
        404: Call(w.manager, {"partner_id": UNKNOWN_ID}, body=body),
        409: Call(w.manager, {"partner_id": w.partner_in(clash_status).pk}, body=body),
    }


@contract("POST /api/v1/partners/{partner_id}/approve/")
def _(w):
    S = Partner.Status
    return _decision(w, ok_status=S.APPLIED, clash_status=S.APPROVED, body=REASON)


@contract("POST /api/v1/partners/{partner_id}/suspend/")
def _(w):
    S = Partner.Status
    return _decision(w, ok_status=S.APPROVED, clash_status=S.SUSPENDED, body=REASON)


@contract("POST /api/v1/partners/{partner_id}/reinstate/")
def _(w):
    S = Partner.Status
    return _decision(w, ok_status=S.SUSPENDED, clash_status=S.APPROVED, body=REASON)


# bookings

BOOKING = {
    "title": "Family cooking club",
    "expected_attendees": 24,
    "first_day": "2026-09-08",
    "start_time": "18:00",
    "end_time": "20:00",
    "frequency": "weekly",
    "interval": 1,
    "count": 4,
}


@contract("GET /api/v1/bookings/")
def _(w):
    return {
        200: Call(w.partner_user),
        (200, "manager"): Call(w.manager, query={"status": "approved"}),
        400: Call(w.partner_user, query={"status": "nonsense", **UNKNOWN}),
        401: Call(),
        404: Call(w.partner_user, query={"page": 99}),
    }


@contract("POST /api/v1/bookings/")
def _(w):
    body = {**BOOKING, "room": w.room.pk}
    clash = {**body, "first_day": "2026-10-13", "count": 1}
    return {
        201: Call(w.partner_user, body=body),
        400: Call(w.partner_user, body={**body, "expected_attendees": 0, **UNKNOWN}),
        401: Call(body=body),
        403: Call(w.outsider, body=body),
        (400, "unknown room"): Call(
            w.partner_user, body={**body, "room": UNKNOWN_ID}, blames="room"
        ),
        409: Call(w.partner_user, body=clash),
    }


@contract("GET /api/v1/bookings/{booking_id}/")
def _(w):
    booking = {"booking_id": w.booking.pk}
    return {
        200: Call(w.partner_user, booking),
        (200, "manager"): Call(w.manager, booking),
        401: Call(None, booking),
        404: Call(w.partner_user, {"booking_id": UNKNOWN_ID}),
        (404, "another partner's"): Call(w.other_partner_user, booking),
    }


@contract("POST /api/v1/bookings/{booking_id}/approve/")
def _(w):
    pending = {"booking_id": w.pending_booking().pk}
    body = {"note": "Welcome!"}
    return {
        400: Call(w.manager, pending, body={"except_clashes": "maybe", **UNKNOWN}),
        401: Call(None, pending, body=body),
        403: Call(w.partner_user, pending, body=body),
        404: Call(w.manager, {"booking_id": UNKNOWN_ID}, body=body),
        200: Call(w.manager, pending, body=body),
        409: Call(w.manager, pending, body=body),  # approved already
    }


@contract("POST /api/v1/bookings/{booking_id}/decline/")
def _(w):
    pending = {"booking_id": w.pending_booking().pk}
    body = {"reason": "The hall is being painted."}
    return {
        400: Call(w.manager, pending, body=UNKNOWN),
        401: Call(None, pending, body=body),
        403: Call(w.partner_user, pending, body=body),
        404: Call(w.manager, {"booking_id": UNKNOWN_ID}, body=body),
        200: Call(w.manager, pending, body=body),
        409: Call(w.manager, pending, body=body),  # declined already
    }


@contract("POST /api/v1/bookings/{booking_id}/cancel/")
def _(w):
    booking = {"booking_id": w.booking.pk}
    body = {"reason": "Group paused"}
    return {
        400: Call(w.partner_user, booking, body={"from_date": "soon", **UNKNOWN}),
        401: Call(None, booking, body=body),
        403: Call(w.site_staff, booking, body=body),
        404: Call(w.partner_user, {"booking_id": UNKNOWN_ID}, body=body),
        200: Call(w.partner_user, booking, body=body),
        409: Call(w.partner_user, booking, body=body),  # cancelled already
    }


@contract("POST /api/v1/bookings/{booking_id}/move/")
def _(w):
    booking = {"booking_id": w.booking.pk}

    def body():
        return {
            "slot_id": w.first_slot().pk,
            "date": "2026-10-14",
            "start_time": "18:00",
            "end_time": "20:00",
            "reason": "Hall in use",
        }

    return {
        200: lambda: Call(w.partner_user, booking, body=body()),
        400: lambda: Call(
            w.partner_user, booking, body={**body(), "date": "x", **UNKNOWN}
        ),
        401: lambda: Call(None, booking, body=body()),
        403: lambda: Call(w.site_staff, booking, body=body()),
        404: lambda: Call(w.partner_user, {"booking_id": UNKNOWN_ID}, body=body()),
        409: lambda: Call(
            w.partner_user,
            {"booking_id": w.cancelled_booking().pk},
            body=body(),
        ),
    }


def _availability(w, key, value):
    ok = {key: value}
    return {
        200: Call(w.outsider, ok, query={"from": "2026-09-07", "to": "2026-09-13"}),
        400: Call(
            w.outsider, ok, query={"from": "2026-09-01", "to": "2026-12-01", **UNKNOWN}
        ),
        401: Call(None, ok),
        404: Call(w.outsider, {key: UNKNOWN_ID}),
    }


@contract("GET /api/v1/rooms/{room_id}/availability/")
def _(w):
    return _availability(w, "room_id", w.room.pk)


@contract("GET /api/v1/sites/{site_id}/availability/")
def _(w):
    return _availability(w, "site_id", w.site.pk)


# activities

ACTIVITY = {
    "title": "Cook and eat together",
    "description": "Cook a simple meal with your children and eat it together.",
    "category": Activity.Category.COOKING,
    "capacity": 16,
}


@contract("GET /api/v1/activities/")
def _(w):
    return {
        200: Call(),
        (200, "filtered"): Call(query={"category": "cooking", "child_age": 8}),
        400: Call(query={"child_age": 99, **UNKNOWN}),
        404: Call(query={"page": 99}),
    }


@contract("POST /api/v1/activities/")
def _(w):
    booking = approved_booking(room=RoomFactory(site=w.site), partner=w.partner)
    body = {**ACTIVITY, "booking_id": booking.pk, "publish": True}
    return {
        201: Call(w.partner_user, body=body),
        (400, "unknown booking"): Call(
            w.partner_user, body={**body, "booking_id": UNKNOWN_ID}, blames="booking_id"
        ),
        400: Call(w.partner_user, body={**body, "capacity": 0, **UNKNOWN}),
        401: Call(body=body),
        403: Call(w.other_partner_user, body=body),
    }


@contract("GET /api/v1/activities/{activity_id}/")
def _(w):
    return {
        200: Call(path={"activity_id": w.activity.pk}),
        404: Call(path={"activity_id": UNKNOWN_ID}),
    }


@contract("PATCH /api/v1/activities/{activity_id}/")
def _(w):
    activity = {"activity_id": w.activity.pk}
    body = {"title": "Cook, eat and chat"}
    return {
        200: Call(w.partner_user, activity, body=body),
        400: Call(w.partner_user, activity, body={"capacity": 0, **UNKNOWN}),
        401: Call(None, activity, body=body),
        403: Call(w.other_partner_user, activity, body=body),
        404: Call(w.partner_user, {"activity_id": UNKNOWN_ID}, body=body),
    }


@contract("POST /api/v1/activities/{activity_id}/cancel/")
def _(w):
    activity = {"activity_id": w.activity.pk}
    body = {"reason": "The cook is ill."}
    return {
        400: Call(w.partner_user, activity, body=UNKNOWN),
        401: Call(None, activity, body=body),
        403: Call(w.other_partner_user, activity, body=body),
        404: Call(w.partner_user, {"activity_id": UNKNOWN_ID}, body=body),
        200: Call(w.partner_user, activity, body=body),
        409: Call(w.partner_user, activity, body=body),  # cancelled already
    }


@contract("GET /api/v1/activities/{activity_id}/signups/")
def _(w):
    activity = {"activity_id": w.activity.pk}
    return {
        200: lambda: w.signup and Call(w.partner_user, activity),
        401: Call(None, activity),
        403: Call(w.other_partner_user, activity),
        404: Call(w.partner_user, {"activity_id": UNKNOWN_ID}),
    }


# the family's household, sign-ups and referrals

HOUSEHOLD = {
    "name": "The Khan family",
    "postcode": "LS11 8ND",
    "consent_contact": True,
    "members": [
        {"kind": HouseholdMember.Kind.CARER, "first_name": "Aisha"},
        {
            "kind": HouseholdMember.Kind.CHILD,
            "first_name": "Sami",
            "date_of_birth": "2017-04-02",
        },
    ],
}
MEMBER = {
    "kind": HouseholdMember.Kind.CHILD,
    "first_name": "Maya",
    "date_of_birth": "2019-09-12",
}


@contract("GET /api/v1/households/me/")
def _(w):
    return {
        200: Call(w.family_user),
        401: Call(),
        404: Call(w.outsider),  # no household yet
    }


@contract("POST /api/v1/households/me/")
def _(w):
    bad_member = {**HOUSEHOLD, "members": [{"kind": "pet", "first_name": "Rex"}]}
    return {
        201: Call(w.outsider, body=HOUSEHOLD),
        400: Call(w.link_worker, body={**bad_member, **UNKNOWN}),
        401: Call(body=HOUSEHOLD),
        409: Call(w.family_user, body=HOUSEHOLD),  # has one already
    }


@contract("PATCH /api/v1/households/me/")
def _(w):
    return {
        200: Call(w.family_user, body={"phone": "07700 900123"}),
        400: Call(w.family_user, body={"email": "not-an-email", **UNKNOWN}),
        401: Call(body={"phone": "07700 900123"}),
        404: Call(w.outsider, body={"phone": "07700 900123"}),
    }


@contract("GET /api/v1/households/me/export/")
def _(w):
    return {
        200: Call(w.family_user),
        401: Call(),
        404: Call(w.outsider),
    }


@contract("POST /api/v1/households/me/members/")
def _(w):
    return {
        201: Call(w.family_user, body=MEMBER),
        400: Call(w.family_user, body={**MEMBER, "kind": "pet", **UNKNOWN}),
        401: Call(body=MEMBER),
        404: Call(w.outsider, body=MEMBER),
    }


@contract("GET /api/v1/signups/")
def _(w):
    return {
        200: lambda: w.signup and Call(w.family_user),
        401: Call(),
        404: Call(w.outsider),  # no household yet
        (404, "page"): Call(w.family_user, query={"page": 99}),
    }


@contract("POST /api/v1/signups/")
def _(w):
    def body():
        return {"activity_id": w.activity.pk, "member_ids": [m.pk for m in w.members]}

    def referral_only():
        booking = approved_booking(room=RoomFactory(site=w.site), partner=w.partner)
        activity = make_activity(
            booking=booking, eligibility=Activity.Eligibility.REFERRAL
        )
        return {**body(), "activity_id": activity.pk}

    return {
        400: lambda: Call(w.family_user, body={**body(), "member_ids": [], **UNKNOWN}),
        401: lambda: Call(body=body()),
        403: lambda: Call(w.family_user, body=referral_only()),
        (404, "no household yet"): lambda: Call(w.outsider, body=body()),
        (400, "unknown activity"): lambda: Call(
            w.family_user,
            body={**body(), "activity_id": UNKNOWN_ID},
            blames="activity_id",
        ),
        201: lambda: Call(w.family_user, body=body()),
        409: lambda: Call(w.family_user, body=body()),  # signed up already
    }


@contract("GET /api/v1/signups/{signup_id}/")
def _(w):
    signup = lambda: {"signup_id": w.signup.pk}  # noqa: E731
    return {
        200: lambda: Call(w.family_user, signup()),
        (200, "the partner running it"): lambda: Call(w.partner_user, signup()),
        401: lambda: Call(None, signup()),
        404: Call(w.family_user, {"signup_id": UNKNOWN_ID}),
        (404, "another family's"): lambda: Call(w.outsider, signup()),
    }


def _signup_ending(w):
    signup = lambda: {"signup_id": w.signup.pk}  # noqa: E731
    return {
        400: lambda: Call(w.family_user, signup(), body=UNKNOWN),
        401: lambda: Call(None, signup()),
        403: lambda: Call(w.partner_user, signup()),  # sees it, may not end it
        404: Call(w.family_user, {"signup_id": UNKNOWN_ID}),
        200: lambda: Call(w.family_user, signup()),
        409: lambda: Call(w.family_user, signup()),  # ended already
    }


@contract("POST /api/v1/signups/{signup_id}/cancel/")
def _(w):
    return _signup_ending(w)


@contract("POST /api/v1/signups/{signup_id}/decline/")
def _(w):
    return _signup_ending(w)


@contract("GET /api/v1/referrals/")
def _(w):
    return {
        200: Call(w.link_worker),
        401: Call(),
        403: Call(w.family_user),
        404: Call(w.link_worker, query={"page": 99}),
    }


@contract("POST /api/v1/referrals/")
def _(w):
    body = {"household_reference": w.household.reference, "activity_id": w.activity.pk}
    return {
        400: Call(
            w.link_worker, body={**body, "household_reference": "NOPE", **UNKNOWN}
        ),
        401: Call(body=body),
        403: Call(w.family_user, body=body),
        (400, "unknown activity"): Call(
            w.link_worker,
            body={**body, "activity_id": UNKNOWN_ID},
            blames="activity_id",
        ),
        201: Call(w.link_worker, body=body),
        409: Call(w.link_worker, body=body),  # referred already
    }
