"""Contract cases: for every operation in /api/schema/, a success call and a
call for each error status it documents.

`@contract("POST /api/v1/bookings/{booking_id}/approve/")` registers a
function that gets the `World` and returns ``{status: Call}``; the calls run
in that order, so a 409 can follow the success that changed the state. A key
may be ``(status, "what")`` to test one status several ways. `calls()` makes
the usual 400/401/403/404 around a successful call.
Every 400 case sends the field ``not_a_field`` (alone or beside a bad value),
or names the field it expects blamed (``Call(..., blames="room")``); the test
checks the error's `fields` names it. An unknown id in a body is a 400 on
that field, not a 404 (404 is for the address).

Every operation also gets a 429 case made for it by `contract` (its success
call twice, with every throttle rate at one an hour), and every write a 413
case (its success call with a body over the API's 1 MB) and a 415 case (its
success call with a body that is not JSON).
A documented status that no request can produce is a lie in the schema: it is
listed in `NOT_PRODUCIBLE` with the reason, and the contract test fails on it
until the view drops it (``omit_error_statuses``, see hub.api_schema).
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property, wraps

from activities.models import Activity, HouseholdMember
from bookings.models import Booking
from bookings.scheduling import Recurrence
from bookings.services import When, booking_cancel, booking_request
from hub.api_parsers import API_MAX_BODY_BYTES
from hub.models import StaffRole
from partners.models import Partner
from tests.activities.factories import approved_booking, family, make_activity, sign_up
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
    """Register the cases of `operation`; each also gets a 429 case: its first
    success call made twice with every throttle rate at one an hour (see
    `Call.throttled`), since every view is throttled (hub.throttles)."""

    def register(function):
        assert operation not in CASES, f"two contract cases for {operation}"

        @wraps(function)
        def with_throttle(world):
            cases = function(world)
            success = _first_success(cases)
            cases = cases | {(429, "throttled"): replace(success, throttled=True)}
            if not operation.startswith("GET "):
                padding = "x" * API_MAX_BODY_BYTES
                body = {**(success.body or {}), "padding": padding}
                cases[(413, "too large")] = replace(success, body=body)
                cases[(415, "not JSON")] = replace(success, content_type="text/plain")
            return cases

        CASES[operation] = with_throttle
        return function

    return register


def _first_success(cases: dict) -> "Call":
    for key, call in cases.items():
        status = key[0] if isinstance(key, tuple) else key
        if 200 <= status < 300:
            return call
    raise AssertionError("a contract needs a success case")


@dataclass
class Call:
    user: object = None  # None: anonymous
    path: dict = field(default_factory=dict)
    query: dict | None = None
    body: dict | None = None
    blames: str | None = None  # a 400 must name this field
    bad: dict | None = None  # the values a 400 is about: the schema must refuse them
    beyond_schema: bool = False  # ... unless they break a rule no schema can state
    throttled: bool = False  # made twice at one request an hour: the 2nd is a 429
    content_type: str | None = None  # set: the body is sent as this, not JSON


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
        return sign_up(self.activity, self.household, self.members).signup

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


def calls(
    ok: Call,
    success=200,
    *,
    bad=None,
    beyond_schema=False,
    stranger=None,
    missing=None,
):
    """The usual calls around a successful one: 400 (`ok` plus the `bad`
    fields and ``not_a_field``, in the body, or the query if it has none; the
    schema must refuse the `bad` values too, unless `beyond_schema`), 401
    (anonymous), 403 (as `stranger`) and 404 (the `missing` path parameter an
    unknown id); the errors first, then the success."""
    result = {}
    if bad is not None:
        where = "query" if ok.body is None else "body"
        sent = {**(getattr(ok, where) or {}), **bad, **UNKNOWN}
        result[400] = replace(ok, **{where: sent}, bad=bad, beyond_schema=beyond_schema)
    if ok.user is not None:
        result[401] = replace(ok, user=None)
    if stranger is not None:
        result[403] = replace(ok, user=stranger)
    if missing is not None:
        result[404] = replace(ok, path={**ok.path, missing: UNKNOWN_ID})
    result[success] = ok
    return result


def page_past_the_end(ok: Call) -> dict:
    return {(404, "page past the end"): replace(ok, query={"page": 99})}


# hub: sites and rooms

ROOM = {"name": "Studio", "slug": "studio", "capacity": 30, "features": []}


@contract("GET /api/v1/sites/")
def _(w):
    return calls(Call(), bad={}) | page_past_the_end(Call())


@contract("GET /api/v1/sites/{site_id}/")
def _(w):
    return calls(Call(path={"site_id": w.site.pk}), missing="site_id")


@contract("POST /api/v1/sites/{site_id}/rooms/")
def _(w):
    ok = Call(w.manager, {"site_id": w.site.pk}, body=ROOM)
    return calls(ok, 201, bad={"capacity": 0}, stranger=w.outsider, missing="site_id")


@contract("GET /api/v1/rooms/")
def _(w):
    ok = Call(query={"site": w.site.pk})
    return calls(ok, bad={"min_capacity": "lots"}) | page_past_the_end(ok)


@contract("GET /api/v1/rooms/{room_id}/")
def _(w):
    return calls(Call(path={"room_id": w.room.pk}), missing="room_id")


@contract("PATCH /api/v1/rooms/{room_id}/")
def _(w):
    ok = Call(w.manager, {"room_id": w.room.pk}, body={"capacity": 90})
    return calls(ok, bad={"capacity": 0}, stranger=w.outsider, missing="room_id")


# partners


@contract("GET /api/v1/partners/")
def _(w):
    return (
        calls(Call(), bad={"status": "nonsense"})
        | {(200, "a reviewer"): Call(w.manager)}
        | page_past_the_end(Call())
    )


@contract("GET /api/v1/partners/{partner_id}/")
def _(w):
    applied = {"partner_id": w.partner_in(Partner.Status.APPLIED).pk}
    return calls(Call(path={"partner_id": w.partner.pk}), missing="partner_id") | {
        (200, "a reviewer, an application"): Call(w.manager, applied),
        (404, "anonymous, an application"): Call(path=applied),
    }


def _decision(w, *, from_status, clash_status):
    partner = w.partner_in(from_status)
    ok = Call(w.manager, {"partner_id": partner.pk}, body={"reason": "Checked."})
    # The partner's own staff see their application but may not decide on it.
    own_staff = PartnerMembershipFactory(partner=partner).user
    clash = {"partner_id": w.partner_in(clash_status).pk}
    return calls(ok, bad={}, stranger=own_staff, missing="partner_id") | {
        409: replace(ok, path=clash)
    }


@contract("POST /api/v1/partners/{partner_id}/approve/")
def _(w):
    S = Partner.Status
    return _decision(w, from_status=S.APPLIED, clash_status=S.APPROVED)


@contract("POST /api/v1/partners/{partner_id}/suspend/")
def _(w):
    S = Partner.Status
    return _decision(w, from_status=S.APPROVED, clash_status=S.SUSPENDED)


@contract("POST /api/v1/partners/{partner_id}/reinstate/")
def _(w):
    S = Partner.Status
    return _decision(w, from_status=S.SUSPENDED, clash_status=S.APPROVED)


# bookings

BOOKING = {
    "title": "Family cooking club",
    "expected_attendees": 24,
    "first_day": "2026-09-08",
    "start_time": "18:00:00",
    "end_time": "20:00:00",
    "frequency": "weekly",
    "interval": 1,
    "count": 4,
}


@contract("GET /api/v1/bookings/")
def _(w):
    ok = Call(w.partner_user)
    return (
        calls(ok, bad={"status": "nonsense"})
        | {(200, "manager"): Call(w.manager, query={"status": "approved"})}
        | page_past_the_end(ok)
    )


@contract("POST /api/v1/bookings/")
def _(w):
    ok = Call(w.partner_user, body={**BOOKING, "room": w.room.pk})
    return calls(ok, 201, bad={"expected_attendees": 0}, stranger=w.outsider) | {
        (400, "unknown room"): replace(
            ok, body={**ok.body, "room": UNKNOWN_ID}, blames="room"
        ),
        409: replace(ok, body={**ok.body, "first_day": "2026-10-13", "count": 1}),
    }


@contract("GET /api/v1/bookings/{booking_id}/")
def _(w):
    ok = Call(w.partner_user, {"booking_id": w.booking.pk})
    return calls(ok, missing="booking_id") | {
        (200, "manager"): replace(ok, user=w.manager),
        (404, "another partner's"): replace(ok, user=w.other_partner_user),
    }


def _decide(w, body, bad):
    """Approve or decline a pending booking; doing it again is a 409."""
    ok = Call(w.manager, {"booking_id": w.pending_booking().pk}, body=body)
    return calls(ok, bad=bad, stranger=w.partner_user, missing="booking_id") | {
        (409, "decided already"): ok
    }


@contract("POST /api/v1/bookings/{booking_id}/approve/")
def _(w):
    return _decide(w, {"note": "Welcome!"}, bad={"except_clashes": "maybe"})


@contract("POST /api/v1/bookings/{booking_id}/decline/")
def _(w):
    return _decide(w, {"reason": "The hall is being painted."}, bad={"reason": ""})


@contract("POST /api/v1/bookings/{booking_id}/cancel/")
def _(w):
    ok = Call(w.partner_user, {"booking_id": w.booking.pk}, body={"reason": "Paused"})
    return calls(
        ok, bad={"from_date": "soon"}, stranger=w.site_staff, missing="booking_id"
    ) | {(409, "cancelled already"): ok}


@contract("POST /api/v1/bookings/{booking_id}/move/")
def _(w):
    body = {
        "slot_id": w.first_slot().pk,
        "date": "2026-10-14",
        "start_time": "18:00:00",
        "end_time": "20:00:00",
        "reason": "Hall in use",
    }
    ok = Call(w.partner_user, {"booking_id": w.booking.pk}, body=body)
    cancelled = {"booking_id": w.cancelled_booking().pk}
    return calls(ok, bad={"date": "x"}, stranger=w.site_staff, missing="booking_id") | {
        409: replace(ok, path=cancelled)
    }


def _availability(w, key, value):
    week = {"from": "2026-09-07", "to": "2026-09-13"}
    ok = Call(w.outsider, {key: value}, query=week)
    too_long = {"from": "2026-09-01", "to": "2026-12-01"}  # at most 31 days
    return calls(ok, bad=too_long, beyond_schema=True, missing=key)


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
    return (
        calls(Call(), bad={"child_age": 99})
        | {(200, "filtered"): Call(query={"category": "cooking", "child_age": 8})}
        | {(200, "words and day"): Call(query={"q": "cook", "weekday": 2})}
        | {(400, "no such day"): Call(query={"weekday": 8}, blames="weekday")}
        | page_past_the_end(Call())
    )


@contract("POST /api/v1/activities/")
def _(w):
    booking = approved_booking(room=RoomFactory(site=w.site), partner=w.partner)
    ok = Call(w.partner_user, body={**ACTIVITY, "booking_id": booking.pk})
    # The school's staff see the booking but may not publish on it.
    return calls(ok, 201, bad={"capacity": 0}, stranger=w.site_staff) | {
        (400, "unknown booking"): replace(
            ok, body={**ok.body, "booking_id": UNKNOWN_ID}, blames="booking_id"
        ),
    }


@contract("GET /api/v1/activities/{activity_id}/")
def _(w):
    return calls(Call(path={"activity_id": w.activity.pk}), missing="activity_id")


@contract("PATCH /api/v1/activities/{activity_id}/")
def _(w):
    ok = Call(w.partner_user, {"activity_id": w.activity.pk}, body={"title": "Cook"})
    return calls(
        ok, bad={"capacity": 0}, stranger=w.other_partner_user, missing="activity_id"
    )


@contract("POST /api/v1/activities/{activity_id}/cancel/")
def _(w):
    ok = Call(
        w.partner_user, {"activity_id": w.activity.pk}, body={"reason": "Cook is ill"}
    )
    return calls(
        ok, bad={"reason": ""}, stranger=w.other_partner_user, missing="activity_id"
    ) | {(409, "cancelled already"): ok}


@contract("GET /api/v1/activities/{activity_id}/signups/")
def _(w):
    assert w.signup
    ok = Call(w.partner_user, {"activity_id": w.activity.pk})
    return calls(ok, stranger=w.other_partner_user, missing="activity_id")


# the family's household, sign-ups and referrals

HOUSEHOLD = {
    "name": "The Khan family",
    "postcode": "LS11 8ND",
    "consent_contact": True,
    "members": [
        {"kind": HouseholdMember.Kind.CARER, "first_name": "Aisha"},
        {"kind": "child", "first_name": "Sami", "date_of_birth": "2017-04-02"},
    ],
}
MEMBER = {"kind": "child", "first_name": "Maya", "date_of_birth": "2019-09-12"}
NO_HOUSEHOLD = "no household yet"


def _own_household(ok: Call, w, success=200, bad=None) -> dict:
    """Calls on the caller's own household; someone without one gets a 404."""
    return calls(ok, success, bad=bad) | {
        (404, NO_HOUSEHOLD): replace(ok, user=w.outsider)
    }


@contract("GET /api/v1/households/me/")
def _(w):
    return _own_household(Call(w.family_user), w)


@contract("POST /api/v1/households/me/")
def _(w):
    pet = [{"kind": "pet", "first_name": "Rex"}]
    ok = Call(w.outsider, body=HOUSEHOLD)
    return calls(ok, 201, bad={"members": pet}) | {
        (409, "has one already"): replace(ok, user=w.family_user),
    }


@contract("PATCH /api/v1/households/me/")
def _(w):
    ok = Call(w.family_user, body={"phone": "07700 900123"})
    return _own_household(ok, w, bad={"email": "not-an-email"})


@contract("GET /api/v1/households/me/export/")
def _(w):
    return _own_household(Call(w.family_user), w)


@contract("POST /api/v1/households/me/members/")
def _(w):
    return _own_household(Call(w.family_user, body=MEMBER), w, 201, bad={"kind": "pet"})


@contract("GET /api/v1/signups/")
def _(w):
    assert w.signup
    ok = Call(w.family_user)
    return _own_household(ok, w) | page_past_the_end(ok)


@contract("POST /api/v1/signups/")
def _(w):
    body = {"activity_id": w.activity.pk, "member_ids": [m.pk for m in w.members]}
    ok = Call(w.family_user, body=body)
    booking = approved_booking(room=RoomFactory(site=w.site), partner=w.partner)
    referral_only = make_activity(
        booking=booking, eligibility=Activity.Eligibility.REFERRAL
    )
    return _own_household(ok, w, 201, bad={"member_ids": []}) | {
        403: replace(ok, body={**body, "activity_id": referral_only.pk}),
        (400, "unknown activity"): replace(
            ok, body={**body, "activity_id": UNKNOWN_ID}, blames="activity_id"
        ),
        (409, "signed up already"): ok,
    }


@contract("GET /api/v1/signups/{signup_id}/")
def _(w):
    ok = Call(w.family_user, {"signup_id": w.signup.pk})
    return calls(ok, missing="signup_id") | {
        (200, "the partner running it"): replace(ok, user=w.partner_user),
        (404, "another family's"): replace(ok, user=w.outsider),
    }


def _signup_ending(w):
    ok = Call(w.family_user, {"signup_id": w.signup.pk}, body={})
    # The partner running the activity sees the sign-up but may not end it.
    return calls(ok, bad={}, stranger=w.partner_user, missing="signup_id") | {
        (409, "ended already"): ok
    }


@contract("POST /api/v1/signups/{signup_id}/cancel/")
def _(w):
    return _signup_ending(w)


@contract("POST /api/v1/signups/{signup_id}/decline/")
def _(w):
    return _signup_ending(w)


@contract("GET /api/v1/referrals/")
def _(w):
    ok = Call(w.link_worker)
    return calls(ok, stranger=w.family_user) | page_past_the_end(ok)


@contract("POST /api/v1/referrals/")
def _(w):
    body = {"household_reference": w.household.reference, "activity_id": w.activity.pk}
    ok = Call(w.link_worker, body=body)
    return calls(
        ok,
        201,
        bad={"household_reference": "NOPE"},  # no such household
        beyond_schema=True,
        stranger=w.family_user,
    ) | {
        (400, "unknown activity"): replace(
            ok, body={**body, "activity_id": UNKNOWN_ID}, blames="activity_id"
        ),
        (409, "referred already"): ok,
    }


# Each area keeps its cases in its own module; importing registers them.
from tests.api import (  # noqa: E402, F401
    cases_attendance,
    cases_calendars,
    cases_finder,
    cases_payments,
    cases_reports,
    cases_signup_payments,
    cases_signups,
)
