"""Authorised collectors become records (issue 9) and a family can cancel one
date of a whole-series sign-up (issue 13).

Each household's free-text `authorised_collectors` is carried into one
AuthorisedCollector: its first line (less a phone number found in it) is the
name, the phone number found is the phone, and the whole text is kept in the
notes so nothing is lost; the family can then tidy it up on its page.
0009 removes the old field.
"""

import re

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A UK phone number: 07700 900456, 0113 496 0000, +44 7700 900456.
PHONE = re.compile(r"(?:\+44\s?|0)\d[\d ]{8,12}\d")


def collector_from_text(text: str) -> dict:
    """The fields of the one record a free-text entry becomes."""
    text = text.strip()
    first = text.splitlines()[0].strip()
    found = PHONE.search(text)
    phone = found.group(0).strip() if found else ""
    name = PHONE.sub("", first).strip(" ,;:-") if phone else first
    return {
        "name": (name or first or "Named in the notes")[:200],
        "phone": phone[:30],
        "notes": f"Written before collectors were listed one by one: {text}"[:2000],
    }


def carry_collectors(apps, schema_editor):
    Household = apps.get_model("activities", "Household")
    AuthorisedCollector = apps.get_model("activities", "AuthorisedCollector")
    households = Household.objects.exclude(authorised_collectors="").only(
        "pk", "authorised_collectors"
    )
    rows = [
        AuthorisedCollector(
            household_id=h.pk, **collector_from_text(h.authorised_collectors)
        )
        for h in households.iterator()
        if h.authorised_collectors.strip()
    ]
    AuthorisedCollector.objects.bulk_create(rows, batch_size=500)


def text_from_collectors(apps, schema_editor):
    """Backwards: each household's records as lines of text again."""
    Household = apps.get_model("activities", "Household")
    AuthorisedCollector = apps.get_model("activities", "AuthorisedCollector")
    lines: dict[int, list[str]] = {}
    for c in AuthorisedCollector.objects.order_by("household_id", "pk"):
        parts = [c.name, f"({c.relationship})" if c.relationship else "", c.phone]
        lines.setdefault(c.household_id, []).append(" ".join(p for p in parts if p))
    for household_id, text in lines.items():
        Household.objects.filter(pk=household_id).update(
            authorised_collectors="\n".join(text)[:2000]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_household_findable_member_school"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthorisedCollector",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("name", models.CharField(max_length=200)),
                (
                    "relationship",
                    models.CharField(
                        blank=True,
                        help_text="For example aunt, grandad, neighbour.",
                        max_length=60,
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=30)),
                (
                    "password",
                    models.CharField(
                        blank=True,
                        help_text="A word they give when they collect, if you want one.",
                        max_length=100,
                    ),
                ),
                (
                    "notes",
                    models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="collectors",
                        to="activities.household",
                    ),
                ),
            ],
            options={"ordering": ["name", "pk"]},
        ),
        migrations.CreateModel(
            name="SignUpDateCancellation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "cancelled_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="date_cancellations",
                        to="activities.session",
                    ),
                ),
                (
                    "signup",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cancelled_dates",
                        to="activities.signup",
                    ),
                ),
            ],
            options={
                "ordering": ["session__starts_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("signup", "session"),
                        name="signup_date_cancelled_once",
                        violation_error_message=(
                            "You have already cancelled this date. Choose another date."
                        ),
                    )
                ],
            },
        ),
        migrations.RunPython(carry_collectors, text_from_collectors, elidable=False),
    ]
