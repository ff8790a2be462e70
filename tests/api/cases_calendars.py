"""Contract cases for the calendars API operations (see tests/api/cases.py).

Import what you need from tests.api.cases inside the functions or at the top:
cases.py imports this module at its end, after `contract`, `Call` and `World`
exist.
"""

from dataclasses import replace

from calendars import importing, services
from calendars.models import FeedToken
from tests.api.cases import UNKNOWN_ID, Call, calls, contract, page_past_the_end

CSV = "kind,name,starts_on,ends_on\nterm,Autumn term,2026-09-03,2026-12-18\n"


def _site_link(w):
    return services.feed_token_issue(
        actor=w.manager, kind=FeedToken.Kind.SITE, target=w.site
    )


@contract("GET /api/v1/calendar-feeds/")
def _(w):
    ok = Call(w.family_user)
    return calls(ok) | {(200, "manager"): Call(w.manager)} | page_past_the_end(ok)


@contract("POST /api/v1/calendar-feeds/")
def _(w):
    ok = Call(w.outsider, body={"feed": "room", "target_id": w.room.pk})
    site_feed = {"feed": "site", "target_id": w.site.pk}
    return calls(ok, 201, bad={"feed": "everything"}, stranger=None) | {
        403: replace(ok, body=site_feed),
        (400, "unknown target"): replace(
            ok, body={"feed": "room", "target_id": UNKNOWN_ID}, blames="target_id"
        ),
    }


@contract("POST /api/v1/calendar-feeds/{feed_id}/rotate/")
def _(w):
    ok = Call(w.manager, {"feed_id": _site_link(w).pk})
    return calls(ok, missing="feed_id") | {
        (404, "someone else's"): replace(ok, user=w.site_staff)
    }


@contract("POST /api/v1/calendar-feeds/{feed_id}/revoke/")
def _(w):
    ok = Call(w.manager, {"feed_id": _site_link(w).pk})
    return calls(ok, 204, missing="feed_id") | {
        (404, "someone else's"): replace(ok, user=w.site_staff)
    }


@contract("POST /api/v1/sites/{site_id}/calendar-import/preview/")
def _(w):
    ok = Call(w.manager, {"site_id": w.site.pk}, body={"format": "csv", "content": CSV})
    return calls(
        ok, bad={"format": "xlsx"}, stranger=w.partner_user, missing="site_id"
    ) | {
        (400, "impossible date"): replace(
            ok,
            body={"format": "csv", "content": CSV.replace("12-18", "02-31")},
            blames="file",
        )
    }


@contract("POST /api/v1/sites/{site_id}/calendar-import/confirm/")
def _(w):
    preview = importing.import_preview(
        actor=w.manager, site=w.site, data=CSV.encode(), filename="dates.csv"
    )
    ok = Call(w.manager, {"site_id": w.site.pk}, body={"token": preview.token})
    return calls(ok, stranger=w.partner_user, missing="site_id") | {
        (400, "not our token"): replace(ok, body={"token": "forged"}, blames="token"),
        (400, "unknown field"): replace(
            ok, body={"token": preview.token, "not_a_field": 1}
        ),
    }
