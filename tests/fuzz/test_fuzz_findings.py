"""Bugs the fuzzer (test_api_fuzz.py) found, pinned by plain tests."""

import json
import time

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.plumbing import OpenApiGeneratorExtension
from jsonschema import FormatChecker
from rest_framework.test import APIClient

from calendars import importing
from calendars.importing import ImportProblems, import_preview
from hub.api_parsers import API_MAX_BODY_BYTES
from hub.api_schema import load_extensions
from hub.input_limits import TIME_PATTERN
from hub.models import Term
from payments.models import StripeEvent
from tests.activities.factories import approved_booking, family, make_activity
from tests.api.openapi import assert_matches_schema, to_json_schema
from tests.fuzz import live_hooks
from tests.payments.conftest import WEBHOOK_SECRET, WEBHOOK_URL
from tests.payments.conftest import event as webhook_event
from tests.payments.conftest import sign as sign_webhook

pytestmark = pytest.mark.django_db


def test_a_post_to_an_unknown_api_address_is_the_json_404_not_the_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/activities/not-an-id/", {"capacity": 3})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_a_reviewers_partner_matches_only_one_branch_of_the_published_oneof():
    """The public shape is closed, and the reviewer's has fields it lacks, so a
    reviewer's body cannot match both (it did: "valid under more than one")."""
    schema = json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)
    shapes = schema["components"]["schemas"]
    branches = [
        b["$ref"].rsplit("/", 1)[1] for b in shapes["PartnerForCaller"]["oneOf"]
    ]
    assert branches == ["PartnerOutput", "PartnerReviewOutput"]
    public, review = shapes["PartnerOutput"], shapes["PartnerReviewOutput"]
    assert public["additionalProperties"] is False
    assert set(review["required"]) - set(public["properties"])


def test_an_id_with_a_line_break_is_the_json_404():
    response = Client().get("/api/v1/sites/%C3%B8d%0A%0Cx/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_sign_up_window_in_year_11_is_refused_not_written_with_an_lmt_offset(
    partner_user, room, partner
):
    activity = make_activity(booking=approved_booking(room=room, partner=partner))
    client = APIClient()
    client.force_authenticate(partner_user)
    response = client.patch(
        f"/api/v1/activities/{activity.pk}/",
        {"signup_opens_at": "0011-01-01T00:01:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "2000" in response.json()["error"]["fields"]["signup_opens_at"][0]
    activity.refresh_from_db()
    assert activity.signup_opens_at is None or activity.signup_opens_at.year >= 2000


# The hand-run fuzz of 2026-11-30 (docs/security.md, "Fuzzing"): a live
# production-mode server (gunicorn gthread workers, PostgreSQL).


def test_a_household_without_an_email_matches_the_published_schema():
    """The stored "" is documented as "an email, or empty" (hub.api_schema),
    not as `format: email`, which "" breaks."""
    household, _ = family(email="")
    client = APIClient()
    client.force_authenticate(household.user)
    response = client.get("/api/v1/households/me/")
    assert response.json()["email"] == ""
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    assert_matches_schema(schema, "get", "/api/v1/households/me/", response)
    # With a checker for which "" is no email, as schemathesis's is.
    email = to_json_schema(schema["components"]["schemas"]["HouseholdOutput"])
    email = email["properties"]["email"]
    strict = jsonschema.Draft202012Validator(email, format_checker=FormatChecker())
    assert strict.is_valid("")
    assert strict.is_valid("ann@example.org")
    assert not strict.is_valid("not an email")


def test_every_schema_extension_target_is_imported_before_any_request():
    """drf-spectacular imported them on first use, racing between threads:
    a fresh gthread worker answered two concurrent /api/schema/ with a 500."""
    lazy = [
        extension.__name__
        for base in OpenApiGeneratorExtension.__subclasses__()
        for extension in base._registry
        if isinstance(extension.target_class, str)
    ]
    assert lazy == []


def test_an_extension_for_a_package_that_is_not_installed_loads_quietly():
    class _Missing(OpenApiViewExtension):
        target_class = "not_installed_package.views.View"

    try:
        load_extensions()
        assert _Missing.target_class is None
    finally:
        OpenApiViewExtension._registry.remove(_Missing)


def test_the_live_fuzz_reads_times_as_the_schema_states_them():
    assert live_hooks.TIME_PATTERN == TIME_PATTERN
    assert live_hooks._is_time("18:30") and not live_hooks._is_time("18:30+01:00")


def test_every_write_documents_the_413_it_answers_to_a_body_over_1_mb(
    partner_user, site
):
    """Found on the calendar import (POST .../calendar-import/preview/): the
    answer was right, the schema did not list it."""
    client = APIClient()
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    writes = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "put", "patch", "delete"}
        and "413" not in operation["responses"]
    ]
    assert writes == []
    client.force_authenticate(partner_user)
    body = {"padding": "x" * API_MAX_BODY_BYTES}
    response = client.post(
        f"/api/v1/sites/{site.pk}/calendar-import/preview/", body, format="json"
    )
    assert response.status_code == 413
    assert_matches_schema(
        schema, "post", "/api/v1/sites/{site_id}/calendar-import/preview/", response
    )


# The hand-run fuzz of 2026-12-05 (docs/security.md, "Fuzzing"), and hostile
# files by hand: term-date imports (calendars.importing) answered 500.


def _event(lines: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@example.org\r\n"
        + lines.replace("\n", "\r\n")
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


HOSTILE_EVENTS = {  # each answered 500 (OverflowError, TypeError, AttributeError)
    "a last day in year 1": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\nDTEND;VALUE=DATE:00010101\n",
        "between 2000 and 2099",
    ),
    "a duration of 270,000 years": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\nDURATION:P99999999D\n",
        "between 2000 and 2099",
    ),
    "a last day after 9999": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:99991230\nDURATION:P5D\n",
        "between 2000 and 2099",
    ),
    "a repeat of a term ending in 9999": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\n"
        "DTEND;VALUE=DATE:99991231\nRRULE:FREQ=YEARLY;COUNT=5\n",
        "between 2000 and 2099",
    ),
    "an unreadable start": ("SUMMARY:Autumn term\nDTSTART:notadate\n", "DTSTART"),
    "an unreadable end": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\nDTEND:garbage\n",
        "DTEND",
    ),
    "an unreadable duration": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\nDURATION:garbage\n",
        "DURATION",
    ),
    "a start that is a period": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=PERIOD:20270104T000000Z/P1D\n",
        "DTSTART",
    ),
    "a start that is a duration": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DURATION:P1D\n",
        "DTSTART",
    ),
    "a start that is a time": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=TIME:120000\n",
        "DTSTART",
    ),
    "an end that is a duration": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\nDTEND;VALUE=DURATION:P1D\n",
        "DTEND",
    ),
    "a duration that is a date": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\n"
        "DURATION;VALUE=DATE:20270105\n",
        "DURATION",
    ),
    "two starts": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\nDTSTART;VALUE=DATE:20270105\n",
        "more than one DTSTART",
    ),
    "two ends": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\n"
        "DTEND;VALUE=DATE:20270105\nDTEND;VALUE=DATE:20270106\n",
        "more than one DTEND",
    ),
    "two repeats": (
        "SUMMARY:Autumn term\nDTSTART;VALUE=DATE:20270104\n"
        "RRULE:FREQ=WEEKLY;COUNT=2\nRRULE:FREQ=DAILY;COUNT=2\n",
        "more than one RRULE",
    ),
    # Not a 500, but the name was saved as "[vText(b'Autumn term'), ...]".
    "two names": (
        "SUMMARY:Autumn term\nSUMMARY:Spring term\nDTSTART;VALUE=DATE:20270104\n",
        "more than one SUMMARY",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_EVENTS)
def test_a_hostile_calendar_event_is_a_problem_named_not_a_500(case, manager, site):
    lines, says = HOSTILE_EVENTS[case]
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post(
        f"/api/v1/sites/{site.pk}/calendar-import/preview/",
        {"format": "ics", "content": _event(lines)},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["file"][0].startswith("The file has a problem.")
    [problem] = error["details"]
    assert problem["message"].startswith("Event 1 (Autumn term): ")
    assert says in problem["message"]


def test_a_spreadsheet_value_over_csvs_field_limit_names_its_line(manager, site):
    """Python's csv refuses a field over 131,072 characters with csv.Error."""
    client = APIClient()
    client.force_authenticate(manager)
    text = "kind,name,starts_on,ends_on\nterm,Autumn term,2027-01-04,2027-02-01\n"
    text += "term," + "x" * 200_000 + ",2027-03-01,2027-04-01\n"
    response = client.post(
        f"/api/v1/sites/{site.pk}/calendar-import/preview/",
        {"format": "csv", "content": text},
        format="json",
    )
    assert response.status_code == 400
    [problem] = response.json()["error"]["details"]
    assert problem["where"] == "Line 3"
    assert "characters" in problem["message"]


@pytest.mark.parametrize(
    "row",
    [
        "term,Autumn\x00 term,2027-01-04,2027-02-01,a1",  # PostgreSQL: 500 on confirm
        "term,Autumn\x1b term,2027-01-04,2027-02-01,a1",
        "term,Autumn term,2027-01-04,2027-02-01,a\x00b",
    ],
)
def test_an_uploaded_file_with_a_control_character_is_refused_at_preview(
    client, manager, site, row
):
    """The API's text is checked for control characters by its serializer;
    an uploaded file's rows were not, so a NUL reached the database."""
    client.force_login(manager)
    text = "kind,name,starts_on,ends_on,id\n" + row + "\n"
    upload = SimpleUploadedFile("dates.csv", text.encode(), content_type="text/csv")
    page = client.post(f"/calendars/sites/{site.slug}/import/", {"file": upload})
    assert page.status_code == 200
    assert b"Line 2: has a control character" in page.content
    assert "confirm_form" not in page.context
    assert not Term.objects.filter(site=site).exists()


@pytest.mark.parametrize(
    "day", ["0001-01-01", "9999-12-31", "1899-12-31", "2100-01-01"]
)
@pytest.mark.parametrize(
    "page",
    ["week/", "sheet/", "calendar/", "calendar/?view=month&", "calendar/?view=day&"],
)
def test_a_calendar_page_for_a_day_out_of_range_shows_today_not_a_500(
    client, manager, site, page, day
):
    """The browser's date picker (hub.widgets.NativeDateInput) was not bounded
    as typed dates are, so stepping a week or a month either side of
    0001-01-01 or 9999-12-31 overflowed."""
    client.force_login(manager)
    sep = "&" if "?" in page else "?"
    response = client.get(f"/bookings/sites/{site.pk}/{page}{sep}day={day}")
    assert response.status_code == 200
    context = response.context
    shown = (
        context["period"].first
        if "period" in context
        else context["days"][0]
        if "days" in context
        else context["day"]
    )
    assert 2000 < shown.year < 2099  # today's, as for no day at all


@pytest.mark.parametrize("part", ["day", "month"])
@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "9" * 30])
def test_a_date_typed_with_an_enormous_day_or_month_is_not_a_real_date(
    client, part, number
):
    """dt.date() raises OverflowError, not ValueError, past a C long: a 500
    on every page with a date (found on a family's member page)."""
    household, [_, member] = family()  # the child has a date of birth
    client.force_login(household.user)
    typed = {"day": "27", "month": "3", "year": "2015", part: number}
    response = client.post(
        f"/activities/household/members/{member.pk}/",
        {
            "first_name": member.first_name,
            **{f"date_of_birth_{key}": value for key, value in typed.items()},
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [
        "Date of birth must be a real date"
    ]


def _preview(manager, site, text: str, filename: str):
    with pytest.raises(ImportProblems) as refused:
        import_preview(actor=manager, site=site, data=text.encode(), filename=filename)
    return [problem["message"] for problem in refused.value.details]


def test_a_spreadsheet_of_a_thousand_bad_lines_stops_at_the_limit(manager, site):
    """170,000 lines fit in 5 MB: each was read and listed as a problem."""
    text = "kind,name,starts_on,ends_on\n" + "party,a,2027-01-01,2027-01-02\n" * 5000
    messages = _preview(manager, site, text, "dates.csv")
    assert messages == ["The file: has more than 1000 dates. Split it into two files."]


def test_a_calendar_of_repeats_stops_at_the_limit_not_after_every_repeat(manager, site):
    """2,000 events repeating 1,000 times each: two million dates worked out
    (76 s on the live server) before the count was checked."""
    event = (
        "BEGIN:VEVENT\r\nSUMMARY:Autumn term\r\nDTSTART;VALUE=DATE:20270104\r\n"
        "RRULE:FREQ=DAILY;COUNT=1000\r\nEND:VEVENT\r\n"
    )
    text = "BEGIN:VCALENDAR\r\n" + event * 2000 + "END:VCALENDAR\r\n"
    started = time.process_time()
    messages = _preview(manager, site, text, "dates.ics")
    assert time.process_time() - started < 5
    assert messages == ["The file: has more than 1000 dates. Split it into two files."]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (  # 70,000 events in 5 MB: icalendar alone took 32 s
            "BEGIN:VCALENDAR\r\n"
            + "BEGIN:VEVENT\r\nSUMMARY:Term\r\nDTSTART;VALUE=DATE:20270104\r\n"
            "END:VEVENT\r\n" * 5000 + "END:VCALENDAR\r\n",
            "has more than 4000 parts (BEGIN: lines)",
        ),
        (  # one line of 100,000 parameters, folded: icalendar took 30 s a million
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY"
            + ";X=1\r\n " * 100_000
            + ":Term\r\nDTSTART;VALUE=DATE:20270104\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "run past 1000 characters",
        ),
    ],
    ids=["components", "parameters"],
)
def test_a_calendar_too_big_to_read_quickly_is_refused_before_reading(
    manager, site, monkeypatch, text, says
):
    def never(*args, **kwargs):
        raise AssertionError("icalendar read the file")

    monkeypatch.setattr(importing.Calendar, "from_ical", never)
    [message] = _preview(manager, site, text, "dates.ics")
    assert message.startswith("The file: ") and says in message


# Stripe's webhook, signed (only Stripe holds the secret): a body Python or
# PostgreSQL cannot take was a 500, which Stripe retries for three days.

SIGNED_BUT_UNREADABLE = {
    "nested 100,000 deep (RecursionError)": b"[" * 100_000 + b"]" * 100_000,
    "a NUL in a string (jsonb refuses it)": json.dumps(
        webhook_event("payment_intent.succeeded", {"id": "pi_1", "note": "a\x00b"})
    ).encode(),
    "a NUL in the event id": json.dumps(
        webhook_event("x.y", {}, event_id="evt_\x00")
    ).encode(),
}


@pytest.mark.parametrize("case", SIGNED_BUT_UNREADABLE)
def test_a_signed_webhook_body_we_cannot_store_is_a_400_storing_nothing(
    client, settings, case
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    body = SIGNED_BUT_UNREADABLE[case]
    response = client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_webhook(body),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_webhook"
    assert not StripeEvent.objects.exists()


def test_a_signed_webhook_with_the_text_backslash_u0000_is_not_taken_for_a_nul(
    client, settings
):
    """A description holding the six characters \\u0000 is ordinary text."""
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    event = webhook_event("x.y", {"id": "obj_1", "description": "path\\u0000x"})
    body = json.dumps(event).encode()
    assert b"\\\\u0000" in body  # JSON escapes the backslash
    response = client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_webhook(body),
    )
    assert response.status_code == 200
    assert StripeEvent.objects.get().payload["data"]["object"]["description"] == (
        "path\\u0000x"
    )


def test_a_charge_whose_refunds_are_not_a_list_is_stored_with_none_applied(
    client, settings
):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    charge = {"id": "ch_1", "payment_intent": "pi_1", "refunds": "x"}
    body = json.dumps(webhook_event("charge.refunded", charge)).encode()
    response = client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_webhook(body),
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "no refunds listed"


def test_a_chunked_api_body_is_refused_not_answered_as_if_empty():
    """gunicorn passes a chunked body on with no Content-Length, and Django
    then reads none: PATCH /households/me/ answered 200 unchanged, so the
    caller thought the new postcode was saved."""
    household, _ = family(postcode="LS11 8ND")
    client = APIClient()
    client.force_authenticate(household.user)
    response = client.generic(
        "PATCH",
        "/api/v1/households/me/",
        json.dumps({"postcode": "LS11 9ZZ"}),
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "length_required"
    assert "Content-Length" in error["message"]
    household.refresh_from_db()
    assert household.postcode == "LS11 8ND"


def test_a_chunked_form_post_is_the_400_page(client, manager, site):
    client.force_login(manager)
    response = client.generic(
        "POST",
        f"/sites/{site.slug}/manage/details/",
        "name=Renamed",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 400
    assert b"We could not read that request" in response.content
    site.refresh_from_db()
    assert site.name != "Renamed"
