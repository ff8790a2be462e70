"""Every page form speaks plainly (GOV.UK patterns, set once in
hub.forms_base): no Django default message, no empty "---------" radio, all
errors at once in a summary linked to the fields."""

import importlib
import inspect
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.template.loader import render_to_string

from hub.forms_base import HubForm, HubModelForm

FORM_MODULES = [
    "activities.forms",
    "activities.forms_linkworker",
    "activities.register_forms",
    "bookings.forms",
    "bookings.forms_finder",
    "calendars.forms",
    "hub.forms",
    "hub.forms_accounts",
    "partners.forms",
    "partners.forms_apply",
    "payments.forms",
    "reports.forms",
]
DEFAULTS = re.compile(
    r"This field is required|Enter a valid|Select a valid choice|Ensure this value"
    r"|Enter a whole number|Enter a number|No file was submitted|-{9}"
)


def _all_forms():
    for module in FORM_MODULES:
        importlib.import_module(module)
    seen, todo = set(), [HubForm, HubModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted(
        (c for c in seen if not c.__module__.startswith("tests")),
        key=lambda c: (c.__module__, c.__name__),
    )


def _kwargs(form_class):
    """Stand-ins for the keyword arguments a form's __init__ needs."""
    from activities.models import HouseholdMember
    from hub.models import Site
    from tests.factories import UserFactory

    members = SimpleNamespace(all=lambda: HouseholdMember.objects.none())
    values = {
        "user": lambda: UserFactory(),
        "sites": lambda: Site.objects.none(),
        "members": lambda: [],
        "household": lambda: SimpleNamespace(members=members),
        "activity": lambda: SimpleNamespace(is_series=True),
        "sessions": lambda: [],
    }
    needed = {}
    for name, param in inspect.signature(form_class.__init__).parameters.items():
        if param.kind is param.KEYWORD_ONLY and param.default is param.empty:
            needed[name] = values[name]()
    return needed


@pytest.mark.django_db
def test_no_form_shows_a_django_default_message_or_an_empty_radio():
    checked = []
    for form_class in _all_forms():
        kwargs = _kwargs(form_class)
        form = form_class(data={}, **kwargs)
        form.is_valid()
        for field in form.errors.values():
            for message in field:
                assert not DEFAULTS.search(str(message)), (form_class, message)
        html = "".join(
            render_to_string("includes/field.html", {"field": bf})
            for bf in form.visible_fields()
        )
        assert not DEFAULTS.search(html), form_class
        for bf in form.visible_fields():
            if (
                getattr(bf.field.widget, "input_type", "") == "radio"
                and bf.field.required
            ):
                assert 'value=""' not in str(bf), (form_class, bf.name)
        # A value no choice has is refused in words naming the field.
        for name, field in form.fields.items():
            if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                bad = form_class(data={name: "99999999"}, **kwargs)
                bad.is_valid()
                for message in bad.errors.get(name, []):
                    assert not DEFAULTS.search(message), (form_class, name, message)
        checked.append(form_class.__name__)
    assert {"BookingRequestForm", "MemberForm", "FinderForm", "SignUpForm"} <= set(
        checked
    )


@pytest.mark.django_db
def test_django_account_forms_speak_plainly_too():
    from hub.forms_accounts import NewPasswordForm, PasswordResetRequestForm, SignInForm
    from tests.factories import UserFactory

    assert SignInForm(data={}).errors == {
        "username": ["Enter the username"],
        "password": ["Enter the password"],
    }
    assert PasswordResetRequestForm(data={"email": "nope"}).errors["email"] == [
        "Enter email in the right format, like name@example.com"
    ]
    errors = NewPasswordForm(UserFactory(), data={}).errors
    for messages in errors.values():
        assert not any(DEFAULTS.search(m) for m in messages), errors


def test_a_required_radio_choice_has_no_empty_option():
    class Kind(HubForm):
        kind = forms.ChoiceField(
            choices=[("", "---------"), ("adult", "Adult"), ("child", "Child")],
            widget=forms.RadioSelect,
            label="Adult or child",
        )

    html = str(Kind()["kind"])
    assert "---------" not in html
    assert 'value=""' not in html


@pytest.mark.django_db
def test_member_form_kind_radios_have_no_empty_option():
    from activities.forms import MemberForm

    html = str(MemberForm()["kind"])
    assert "---------" not in html
    assert 'value=""' not in html


class Everything(HubForm):
    title = forms.CharField(max_length=5, label="Title")
    room = forms.ChoiceField(choices=[("1", "Hall")], label="Room")
    people = forms.IntegerField(min_value=1, max_value=80, label="Number of people")
    email = forms.EmailField(label="Email address")
    first_day = forms.DateField(label="First day")
    start = forms.TimeField(label="Start time")
    features = forms.MultipleChoiceField(
        choices=[("k", "Kitchen")],
        label="Features",
        widget=forms.CheckboxSelectMultiple,
    )
    agree = forms.BooleanField(label="I agree to the terms")
    coming = forms.ChoiceField(
        choices=[("y", "Yes")], label="Is anyone coming?", widget=forms.RadioSelect
    )
    postcode = forms.CharField(
        max_length=10,
        label="Postcode",
        validators=[
            __import__("django.core.validators", fromlist=["x"]).RegexValidator(
                r"^[A-Z]", "Enter a real postcode, like SW1A 1AA"
            )
        ],
    )
    own = forms.CharField(
        label="Reason", error_messages={"required": "Say why you are declining"}
    )


def test_every_message_is_built_from_the_label_and_says_what_to_do():
    form = Everything({})
    form.is_valid()
    assert form.errors == {
        "title": ["Enter the title"],
        "room": ["Choose a room"],
        "people": ["Enter the number of people"],
        "email": ["Enter the email address"],
        "first_day": ["Enter the first day"],
        "start": ["Enter the start time"],
        "features": ["Choose at least one features"],
        "agree": ["Tick the box: i agree to the terms"],
        "coming": ["Choose an answer to \u201cIs anyone coming?\u201d"],
        "postcode": ["Enter the postcode"],
        "own": ["Say why you are declining"],  # a form's own message stays
    }
    form = Everything(
        {
            "title": "Too long",
            "room": "2",
            "people": "0",
            "email": "nope",
            "start": "25:00",
            "features": ["x"],
            "postcode": "x",
        }
    )
    form.is_valid()
    assert form.errors["title"] == ["Title must be 5 characters or fewer"]
    assert form.errors["room"] == ["Choose room from the options shown"]
    assert form.errors["people"] == ["Number of people must be 1 or more"]
    assert form.errors["email"] == [
        "Enter email address in the right format, like name@example.com"
    ]
    assert form.errors["start"] == [
        "Enter start time as a time on the 24-hour clock, like 18:30"
    ]
    assert form.errors["features"] == ["Choose features from the options shown"]
    assert form.errors["postcode"] == ["Enter a real postcode, like SW1A 1AA"]
    assert Everything({"people": "81"}).errors["people"] == [
        "Number of people must be 80 or less"
    ]
    assert Everything({"people": "lots"}).errors["people"] == [
        "Enter number of people as a whole number, like 12"
    ]


def test_the_summary_shows_every_error_at_once_linked_to_each_field():
    form = Everything({"first_day_day": "3"})
    form.is_valid()
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert "data-autofocus" in html and 'role="alert"' in html
    assert html.count("<li>") == len(form.errors)
    assert '<a href="#id_title">Enter the title</a>' in html
    assert (
        '<a href="#id_first_day_0">First day must include a month and year</a>' in html
    )
    assert '<a href="#id_features_0">' in html  # the first checkbox
    assert '<a href="#id_coming_0">' in html  # the first radio
    # A message that does not name its field gets the label first.
    form.add_error("room", "That hall is closed on Tuesdays.")
    html = render_to_string("includes/error_summary.html", {"form": form})
    assert "Room: That hall is closed on Tuesdays." in html
