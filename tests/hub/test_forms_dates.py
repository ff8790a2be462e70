"""The day/month/year date input (hub.widgets.DatePartsInput), which HubForm
gives every date a person types: parsing, each GOV.UK error, the bounds in
hub.input_limits, and each product form that uses it."""

import datetime as dt

import pytest
from django import forms
from django.template.loader import render_to_string

from hub.forms_base import HubForm
from hub.input_limits import DATE_YEARS
from hub.widgets import DatePartsInput, NativeDateInput


class OneDate(HubForm):
    first_day = forms.DateField(label="First day")


class Birthday(HubForm):
    date_of_birth = forms.DateField(label="Date of birth", required=False)


class Picker(HubForm):
    day = forms.DateField(label="Date", widget=NativeDateInput(), required=False)


def parts(day="", month="", year="", name="first_day"):
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def errors(data, form_class=OneDate):
    form = form_class(data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (("27", "3", "2027"), dt.date(2027, 3, 27)),
        ((" 7 ", "01", "2027"), dt.date(2027, 1, 7)),
        (("7", "Jan", "2027"), dt.date(2027, 1, 7)),
        (("7", "january", "2027"), dt.date(2027, 1, 7)),
        (("29", "2", "2028"), dt.date(2028, 2, 29)),  # a leap day
        (("1", "1", str(DATE_YEARS[0])), dt.date(DATE_YEARS[0], 1, 1)),
        (("31", "12", str(DATE_YEARS[1])), dt.date(DATE_YEARS[1], 12, 31)),
    ],
)
def test_three_boxes_make_a_date(typed, expected):
    form = OneDate(parts(*typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_day"] == expected


def test_one_iso_value_from_a_link_still_works():
    form = OneDate({"first_day": "2027-03-27"})
    assert form.is_valid()
    assert form.cleaned_data["first_day"] == dt.date(2027, 3, 27)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the first day"),
        (("", "3", "2027"), "First day must include a day"),
        (("27", "", "2027"), "First day must include a month"),
        (("27", "3", ""), "First day must include a year"),
        (("", "", "2027"), "First day must include a day and month"),
        (("27", "", ""), "First day must include a month and year"),
        (("29", "2", "2027"), "First day must be a real date"),  # not a leap year
        (("31", "4", "2027"), "First day must be a real date"),
        (("32", "1", "2027"), "First day must be a real date"),
        (("1", "13", "2027"), "First day must be a real date"),
        (("0", "1", "2027"), "First day must be a real date"),
        (("x", "1", "2027"), "First day must be a real date"),
        (
            ("1", "1", "27"),
            "The year in first day must have 4 numbers, for example 2027",
        ),
        (("31", "12", "1899"), "First day must be between 1900 and 2099"),
        (("1", "1", "2100"), "First day must be between 1900 and 2099"),
    ],
)
def test_each_error_names_the_field_and_the_part(typed, message):
    assert errors(parts(*typed))["first_day"] == [message]


def test_an_iso_value_out_of_bounds_or_impossible_is_refused_in_words():
    assert errors({"first_day": "2100-01-01"})["first_day"] == [
        "First day must be between 1900 and 2099"
    ]
    assert errors({"first_day": "2027-02-30"})["first_day"] == [
        "First day must be a real date"
    ]


def test_a_date_of_birth_must_be_in_the_past(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)
    data = parts("1", "12", "2026", name="date_of_birth")
    assert errors(data, Birthday)["date_of_birth"] == [
        "Date of birth must be in the past"
    ]
    data = parts("", "12", "2016", name="date_of_birth")
    assert errors(data, Birthday)["date_of_birth"] == [
        "Date of birth must include a day"
    ]
    form = Birthday(parts("29", "11", "2026", name="date_of_birth"))
    assert form.is_valid()


def test_an_optional_date_left_empty_is_none():
    form = Birthday(parts(name="date_of_birth"))
    assert form.is_valid()
    assert form.cleaned_data["date_of_birth"] is None


def _field_html(form, name):
    return render_to_string("includes/field.html", {"field": form[name]})


def test_renders_a_fieldset_legend_hint_and_three_labelled_numeric_boxes():
    html = _field_html(OneDate(), "first_day")
    assert '<fieldset class="fieldset" aria-describedby="id_first_day_helptext' in html
    assert '<legend class="fieldset__legend">First day</legend>' in html
    assert "For example, 27 3 2027" in html
    for index, (part, label) in enumerate(
        [("day", "Day"), ("month", "Month"), ("year", "Year")]
    ):
        assert (
            f'<label class="date-input__label" for="id_first_day_{index}">{label}</label>'
            in html
        )
        assert f'name="first_day_{part}"' in html
    assert html.count('inputmode="numeric"') == 3
    assert "autocomplete" not in html
    assert 'type="date"' not in html


def test_a_date_of_birth_gets_bday_autocomplete_and_a_past_example():
    html = _field_html(Birthday(), "date_of_birth")
    for part in ("day", "month", "year"):
        assert f'autocomplete="bday-{part}"' in html
    assert "For example, 27 3 2017" in html
    assert "Date of birth (optional)" in html


def test_an_error_is_shown_in_the_fieldset_and_described():
    form = OneDate(parts("27", "", "2027"))
    form.is_valid()
    html = _field_html(form, "first_day")
    assert "form-group--error" in html
    assert 'aria-describedby="id_first_day_helptext id_first_day-error"' in html
    assert '<p class="error-message" id="id_first_day-error">' in html
    assert "First day must include a month" in html
    assert 'value="27"' in html and 'value="2027"' in html  # what was typed stays
    assert html.count('aria-invalid="true"') == 3


def test_the_error_summary_links_to_the_day_box():
    form = OneDate(parts("27", "", "2027"))
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert '<a href="#id_first_day_0">First day must include a month</a>' in html


def test_the_calendar_go_to_date_keeps_the_browser_picker():
    form = Picker({"day": "2027-03-27"})
    assert form.is_valid()
    assert 'type="date"' in str(form["day"])
    assert not isinstance(form.fields["day"].widget, DatePartsInput)


# Each product form with a date a person types ------------------------------


def _forms():
    from activities.forms import FilterForm, MemberForm
    from bookings.forms import BookingRequestForm, CancelForm, MoveForm
    from bookings.forms_finder import FinderForm
    from hub.forms import ClosureForm, DatePeriodForm
    from partners.forms import DocumentUploadForm
    from payments.forms import RecordPaymentForm
    from reports.forms import ReportForm

    return [
        (BookingRequestForm, {"user": "partner"}, ["first_day", "until"]),
        (FinderForm, {"user": "partner"}, ["first_day", "last_day"]),
        (CancelForm, {}, ["from_date"]),
        (MoveForm, {}, ["day"]),
        (DatePeriodForm, {}, ["starts_on", "ends_on"]),
        (ClosureForm, {}, ["starts_on", "ends_on"]),
        (DocumentUploadForm, {}, ["expires_on"]),
        (RecordPaymentForm, {}, ["received_on"]),
        (ReportForm, {}, ["starts_on", "ends_on"]),
        (FilterForm, {}, ["date_from", "date_to"]),
        (MemberForm, {}, ["date_of_birth"]),
    ]


def _make(form_class, kwargs, data=None):
    from tests.factories import UserFactory

    kwargs = {k: UserFactory() if v == "partner" else v for k, v in kwargs.items()}
    return form_class(data, **kwargs) if data is not None else form_class(**kwargs)


@pytest.mark.django_db
def test_every_date_a_person_types_is_the_day_month_year_input():
    for form_class, kwargs, names in _forms():
        form = _make(form_class, kwargs)
        for name in names:
            html = _field_html(form, name)
            assert f'name="{name}_day"' in html, (form_class, name)
            assert 'type="date"' not in html, (form_class, name)
            assert html.count('inputmode="numeric"') == 3
            assert "For example, 27 3 20" in html


@pytest.mark.django_db
def test_every_date_field_names_itself_in_an_impossible_date_error():
    for form_class, kwargs, names in _forms():
        for name in names:
            form = _make(form_class, kwargs, parts("31", "2", "2027", name=name))
            form.is_valid()
            label = str(form.fields[name].label)
            expected = f"{label[:1].upper()}{label[1:]} must be a real date"
            assert form.errors.get(name) == [expected], (form_class, name)
            assert "Enter a valid date" not in str(form.errors)


@pytest.mark.django_db
def test_member_form_date_of_birth_is_a_birthday():
    from activities.forms import MemberForm

    html = _field_html(MemberForm(), "date_of_birth")
    assert 'autocomplete="bday-year"' in html
    assert "Needed for children. For example, 27 3 2017" in html
