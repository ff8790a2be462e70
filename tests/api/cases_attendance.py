"""Contract cases for the attendance API operations (see tests/api/cases.py).

Import what you need from tests.api.cases inside the functions or at the top:
cases.py imports this module at its end, after `contract`, `Call` and `World`
exist.
"""

from dataclasses import replace

from activities.services import session_cancel
from tests.activities.factories import (
    approved_booking,
    family,
    london,
    make_activity,
    sign_up,
)
from tests.api.cases import Call, calls, contract
from tests.factories import RoomFactory


def _open_session(w):
    """A session whose register is open now (the world's clock is Tuesday 1
    September 2026, 09:00 UTC): 10:30 London that morning, the family booked."""
    booking = approved_booking(
        room=RoomFactory(site=w.site),
        partner=w.partner,
        starts=london(2026, 9, 1, 10, 30),
        weeks=1,
        hours=1,
    )
    activity = make_activity(booking=booking, title="Breakfast club", capacity=10)
    sign_up(activity, w.household, w.members)
    return activity.sessions.get()


def _later_session(w):
    """A session of the world's activity (13 October): not open yet."""
    assert w.signup
    return w.activity.sessions.order_by("starts_at").first()


@contract("GET /api/v1/sessions/{session_id}/register/")
def _(w):
    session = _open_session(w)
    ok = Call(w.partner_user, {"session_id": session.pk})
    return calls(ok, stranger=w.family_user, missing="session_id") | {
        (200, "the school's staff, without notes"): replace(ok, user=w.site_staff),
    }


@contract("PUT /api/v1/sessions/{session_id}/register/{member_id}/")
def _(w):
    session = _open_session(w)
    child = w.members[-1]
    ok = Call(
        w.partner_user,
        {"session_id": session.pk, "member_id": child.pk},
        body={"status": "late"},
    )
    _, strangers = family(children=1)
    later = _later_session(w)
    cancelled = _open_session_cancelled(w)
    return calls(
        ok, bad={"status": "maybe"}, stranger=w.other_partner_user, missing="member_id"
    ) | {
        (404, "unknown session"): replace(ok, path={**ok.path, "session_id": 999_999}),
        (400, "not booked"): replace(
            ok, path={**ok.path, "member_id": strangers[-1].pk}, blames="member"
        ),
        (400, "left before arriving"): replace(
            ok,
            body={
                "status": "left_early",
                "arrived_at": "2026-09-01T11:00:00+01:00",
                "left_at": "2026-09-01T10:40:00+01:00",
            },
            blames="left_at",
        ),
        (409, "not open yet"): replace(ok, path={**ok.path, "session_id": later.pk}),
        (409, "cancelled session"): replace(
            ok, path={**ok.path, "session_id": cancelled.pk}
        ),
    }


def _open_session_cancelled(w):
    booking = approved_booking(
        room=RoomFactory(site=w.site),
        partner=w.partner,
        starts=london(2026, 9, 1, 10, 45),
        weeks=1,
        hours=1,
    )
    activity = make_activity(booking=booking, title="Cancelled club", capacity=10)
    sign_up(activity, w.household, w.members)
    session = activity.sessions.get()
    session_cancel(session=session, reason="Flood", cancelled_by=w.partner_user)
    return session


@contract("POST /api/v1/sessions/{session_id}/register/walk-ins/")
def _(w):
    session = _open_session(w)
    walk_in, members = family(children=1)
    body = {
        "household_reference": walk_in.reference,
        "member_id": members[-1].pk,
        "status": "present",
    }
    ok = Call(w.partner_user, {"session_id": session.pk}, body=body)
    later = _later_session(w)
    return calls(
        ok,
        201,
        bad={"status": "absent"},
        stranger=w.other_partner_user,
        missing="session_id",
    ) | {
        (400, "wrong reference"): replace(
            ok,
            body={**body, "household_reference": "ZZZZ2222"},
            blames="household_reference",
        ),
        (409, "not open yet"): replace(ok, path={"session_id": later.pk}),
        (400, "already on the register"): replace(ok, blames="member_id"),
    }


@contract("PUT /api/v1/sessions/{session_id}/register/walk-in-count/")
def _(w):
    session = _open_session(w)
    ok = Call(w.partner_user, {"session_id": session.pk}, body={"count": 3, "note": ""})
    later = _later_session(w)
    return calls(
        ok,
        bad={"count": -1},
        stranger=w.site_staff,
        missing="session_id",
    ) | {(409, "not open yet"): replace(ok, path={"session_id": later.pk})}
