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


EXPORT = {"report": "impact", "format": "csv", **AUTUMN}


def _queued(user, scope_key: str, n: int = 1):
    """Report files asked for and not started (the contract tests do not run
    on-commit callbacks, so nothing makes them)."""
    from reports.models import ReportExport

    return [
        ReportExport.objects.create(
            requested_by=user, kind="impact", fmt="csv", scope_key=scope_key
        )
        for _ in range(n)
    ]


@contract("POST /api/v1/reports/{scope}/exports/")
def _(w):
    from reports.background import MAX_OPEN

    ok = Call(w.manager, {"scope": f"site-{w.site.pk}"}, body=EXPORT)
    partner_scope = f"partner-{w.partner.pk}"
    _queued(w.partner_user, partner_scope, MAX_OPEN)
    return calls(ok, success=202, bad={"format": "pdf"}, missing="scope") | {
        (400, "dates the wrong way round"): replace(
            ok,
            body={**EXPORT, "starts_on": "2026-12-31", "ends_on": "2026-09-01"},
            blames="ends_on",
        ),
        (400, "no such breakdown"): replace(
            ok, body={**EXPORT, "by": "street"}, blames="by", bad={"by": "street"}
        ),
        (404, "another school's report"): replace(ok, user=w.outsider),
        (409, "too many files on the way"): Call(
            w.partner_user, {"scope": partner_scope}, body=EXPORT
        ),
    }


@contract("GET /api/v1/reports/exports/{export_id}/")
def _(w):
    (export,) = _queued(w.manager, f"site-{w.site.pk}")
    ok = Call(w.manager, {"export_id": export.pk})
    return calls(ok, missing="export_id") | {
        (404, "another person's file"): replace(ok, user=w.site_staff),
    }


@contract("GET /api/v1/reports/exports/{export_id}/file/")
def _(w):
    from reports.models import ReportExport

    (queued,) = _queued(w.manager, f"site-{w.site.pk}")
    done = ReportExport.objects.create(
        requested_by=w.manager,
        kind="impact",
        fmt="csv",
        scope_key=f"site-{w.site.pk}",
        status=ReportExport.Status.DONE,
        percent=100,
        content=b"School,Sessions\r\n",
    )
    ok = Call(w.manager, {"export_id": done.pk})
    return calls(ok, missing="export_id") | {
        (404, "another person's file"): replace(ok, user=w.site_staff),
        (409, "not finished yet"): replace(ok, path={"export_id": queued.pk}),
    }
