"""seed_demo_activities on top of the core and booking seeds: households for
the 50 demo families, the four kinds of activity, a full one with a waitlist;
running it again changes nothing."""

import pytest
from django.core.management import call_command

from activities.models import Activity, Household, HouseholdMember, Referral, SignUp


def _counts():
    return (
        Household.objects.count(),
        HouseholdMember.objects.count(),
        Activity.objects.count(),
        SignUp.objects.count(),
        Referral.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_activities(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo")
    first = _counts()
    assert first[0] == 50
    assert Activity.objects.filter(status="published").count() == 5  # 1 is paid
    kinds = set(Activity.objects.values_list("eligibility", flat=True))
    assert kinds == {"open", "eligible", "referral"}
    art = Activity.objects.get(title="Family art workshop")
    assert art.signups.filter(status="confirmed").count() >= 1
    assert art.signups.filter(status="waitlisted").exists()
    assert SignUp.objects.filter(
        activity__eligibility="referral", referral__isnull=False
    ).exists()
    assert SignUp.objects.filter(activity__eligibility="eligible").exists()
    call_command("seed_demo")
    assert _counts() == first
