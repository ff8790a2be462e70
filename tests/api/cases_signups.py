"""Contract cases for one date of a whole-series sign-up and for the adults
who may collect a family's children (see tests/api/cases.py).

cases.py imports this module at its end, after `contract`, `Call` and `World`
exist. The world's family has a whole-series place on the world's activity
(Tuesdays from 13 October; the world's clock is 1 September 2026).
"""

from dataclasses import replace

from activities import services as activity_services
from tests.activities.factories import family, sign_up
from tests.api.cases import UNKNOWN_ID, Call, calls, contract

RITA = {"name": "Rita Khan", "relationship": "grandmother", "phone": "07700 900456"}


def _date_path(w, session=None):
    session = session or w.activity.sessions.order_by("starts_at").first()
    return {"signup_id": w.signup.pk, "session_id": session.pk}


def _ended_signup(w):
    """Another family's series place, cancelled: no date of it can change."""
    household, members = family(children=1)
    signup = sign_up(w.activity, household, members).signup
    activity_services.signup_cancel(signup=signup, cancelled_by=household.user)
    return signup, household.user


@contract("POST /api/v1/signups/{signup_id}/dates/{session_id}/cancel/")
def _(w):
    ok = Call(w.family_user, _date_path(w), body={"reason": "Away that week"})
    return calls(
        ok,
        bad={"reason": "x" * 301},
        stranger=w.partner_user,  # sees the sign-up, may not change it
        missing="session_id",
    ) | {
        (404, "unknown sign-up"): replace(
            ok, path={**ok.path, "signup_id": UNKNOWN_ID}
        ),
        (404, "another family's"): replace(ok, user=w.outsider),
        (409, "cancelled already"): ok,
    }


@contract("POST /api/v1/signups/{signup_id}/dates/{session_id}/restore/")
def _(w):
    path = _date_path(w)
    session = w.activity.sessions.get(pk=path["session_id"])
    activity_services.signup_cancel_date(
        signup=w.signup, session=session, cancelled_by=w.family_user
    )
    ended, ended_user = _ended_signup(w)
    ok = Call(w.family_user, path)
    return calls(ok, stranger=w.partner_user, missing="session_id") | {
        (409, "the sign-up has ended"): replace(
            ok, user=ended_user, path={**path, "signup_id": ended.pk}
        ),
        (404, "coming that day already"): ok,
    }


@contract("POST /api/v1/signups/{signup_id}/members/{member_id}/remove/")
def _(w):
    child = w.members[0]
    ok = Call(
        w.family_user,
        {"signup_id": w.signup.pk, "member_id": child.pk},
        body={"reason": "Broken arm"},
    )
    ended, ended_user = _ended_signup(w)
    return calls(
        ok,
        bad={"reason": "x" * 301},
        stranger=w.partner_user,  # sees the sign-up, may not change it
        missing="member_id",
    ) | {
        (404, "another family's"): replace(ok, user=w.outsider),
        (409, "the sign-up has ended"): replace(
            ok,
            user=ended_user,
            path={"signup_id": ended.pk, "member_id": ended.members.first().pk},
        ),
    }


def _own(ok: Call, w, success=200, bad=None) -> dict:
    """Calls on the caller's own household; someone without one gets a 404."""
    return calls(ok, success, bad=bad) | {
        (404, "no household yet"): replace(ok, user=w.outsider)
    }


@contract("GET /api/v1/households/me/collectors/")
def _(w):
    activity_services.collector_add(
        household=w.household, added_by=w.family_user, **RITA
    )
    ok = Call(w.family_user)
    return _own(ok, w) | {
        (404, "page past the end"): replace(ok, query={"page": 99}),
    }


@contract("POST /api/v1/households/me/collectors/")
def _(w):
    ok = Call(w.family_user, body=RITA)
    return _own(ok, w, 201, bad={"phone": ""}) | {
        (400, "relationship missing"): replace(
            ok,
            body={"name": "Rita", "phone": "07700 900456"},
            blames="relationship",
        ),
    }


def _collector(w):
    return activity_services.collector_add(
        household=w.household, added_by=w.family_user, **RITA
    )


@contract("PATCH /api/v1/households/me/collectors/{collector_id}/")
def _(w):
    ok = Call(
        w.family_user,
        {"collector_id": _collector(w).pk},
        body={"phone": "07700 900111"},
    )
    return calls(ok, bad={"name": "x" * 201}, missing="collector_id") | {
        (404, "another family's"): replace(ok, user=w.outsider),
    }


@contract("DELETE /api/v1/households/me/collectors/{collector_id}/")
def _(w):
    ok = Call(w.family_user, {"collector_id": _collector(w).pk})
    return calls(ok, 204, missing="collector_id") | {
        (404, "another family's"): replace(ok, user=w.outsider),
        (404, "removed already"): ok,
    }
