"""Contract cases for the room finder and site calendar API operations (see
tests/api/cases.py).

Import what you need from tests.api.cases inside the functions or at the top:
cases.py imports this module at its end, after `contract`, `Call` and `World`
exist.
"""

from dataclasses import replace

from tests.api.cases import Call, calls, contract

SEARCH = {
    "weekdays": "tue,thu",
    "start_time": "18:00:00",
    "end_time": "20:00:00",
    "first_day": "2026-09-08",
    "last_day": "2026-12-17",
    "people": 10,
    "features": "kitchen",
}


@contract("GET /api/v1/rooms/search/")
def _(w):
    ok = Call(
        w.partner_user, query={k: v for k, v in SEARCH.items() if k != "features"}
    )
    return (
        calls(ok, bad={"people": 0})
        | {(200, "with features"): Call(w.manager, query=SEARCH)}
        | {
            (400, "dates backwards"): Call(
                w.partner_user,
                query=SEARCH | {"last_day": "2026-09-01"},
                blames="last_day",
            )
        }
        | {(404, "page past the end"): replace(ok, query=ok.query | {"page": 99})}
    )
