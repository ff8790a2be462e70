"""Contract cases for the reports API operations (see tests/api/cases.py).

Import what you need from tests.api.cases inside the functions or at the top:
cases.py imports this module at its end, after `contract`, `Call` and `World`
exist.
"""

from dataclasses import replace

from tests.api.cases import Call, calls, contract, page_past_the_end

AUTUMN = {"starts_on": "2026-09-01", "ends_on": "2026-12-31"}


@contract("GET /api/v1/reports/")
def _(w):
    ok = Call(w.manager)
    return calls(ok) | page_past_the_end(ok)


def _report_cases(w, kind):
    ok = Call(w.manager, {"scope": f"site-{w.site.pk}"}, query=AUTUMN)
    bad = {"by": "street"} if kind == "impact" else {"year": 1900}
    return calls(ok, bad=bad, missing="scope") | {
        (200, "a partner, its own activities"): Call(
            w.partner_user, {"scope": f"partner-{w.partner.pk}"}, query=AUTUMN
        ),
        (200, "a link worker, their referrals"): Call(
            w.link_worker, {"scope": "referrals"}, query={"year": 2026}
        ),
        (404, "another school's report"): replace(ok, user=w.outsider),
        (400, "dates the wrong way round"): replace(
            ok,
            query={"starts_on": "2026-12-31", "ends_on": "2026-09-01"},
            blames="ends_on",
        ),
        (400, "more than three years"): replace(
            ok,
            query={"starts_on": "2020-09-01", "ends_on": "2026-09-01"},
            blames="ends_on",
        ),
    }


@contract("GET /api/v1/reports/{scope}/impact/")
def _(w):
    return _report_cases(w, "impact")


@contract("GET /api/v1/reports/{scope}/termly-return/")
def _(w):
    return _report_cases(w, "termly")
