"""factory_boy factories for the core domain. Apps add theirs in their own
module (tests/<app>/factories.py) and import these."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from bookings.scheduling import room_calendar
from hub.models import Closure, Holiday, OpeningHours, Room, Site, StaffRole, Term
from partners.models import ComplianceDocument, Partner, PartnerMembership

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Hillside Primary {n}")
    slug = factory.Sequence(lambda n: f"hillside-{n}")
    address = "1 School Lane\nLeeds"
    postcode = "LS6 2AB"
    timezone = "Europe/London"
    contact_email = "office@hillside.example.org"

    @factory.post_generation
    def opening_hours(self, create, extracted, **kwargs):
        """Open 15:30-21:30 on weekdays and 09:00-17:00 on Saturday unless given."""
        if not create or extracted is False:
            return
        hours = extracted or {
            **{d: (dt.time(15, 30), dt.time(21, 30)) for d in range(5)},
            5: (dt.time(9, 0), dt.time(17, 0)),
        }
        OpeningHours.objects.bulk_create(
            OpeningHours(site=self, weekday=d, opens_at=o, closes_at=c)
            for d, (o, c) in hours.items()
        )


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Hall {n}")
    slug = factory.Sequence(lambda n: f"hall-{n}")
    capacity = 60
    rate_daytime_pence = 2500
    rate_evening_pence = 3000
    rate_weekend_pence = 4000
    setup_buffer_minutes = 15
    cleardown_buffer_minutes = 15

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """The room's calendar comes from the one schedule adapter."""
        room = model_class(*args, **kwargs)
        room_calendar(room)
        room.save()
        return room


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    site = factory.SubFactory(SiteFactory)
    name = "Autumn term"
    starts_on = dt.date(2026, 9, 3)
    ends_on = dt.date(2026, 12, 18)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday

    site = factory.SubFactory(SiteFactory)
    name = "Autumn half term"
    starts_on = dt.date(2026, 10, 26)
    ends_on = dt.date(2026, 10, 30)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    site = factory.SubFactory(SiteFactory)
    reason = "Polling station"
    starts_on = dt.date(2026, 11, 5)
    ends_on = dt.date(2026, 11, 5)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    role = StaffRole.Role.BUSINESS_MANAGER


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Family Action {n}")
    slug = factory.Sequence(lambda n: f"family-action-{n}")
    kind = Partner.Kind.CHARITY
    registration_number = "1123456"
    contact_name = "Sam Patel"
    contact_email = factory.LazyAttribute(lambda p: f"hello@{p.slug}.example.org")
    status = Partner.Status.APPROVED


class PartnerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerMembership

    partner = factory.SubFactory(PartnerFactory)
    user = factory.SubFactory(UserFactory)
    role = PartnerMembership.Role.ADMIN


class ComplianceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplianceDocument

    partner = factory.SubFactory(PartnerFactory)
    kind = ComplianceDocument.Kind.INSURANCE
    file = factory.django.FileField(filename="insurance.pdf", data=b"%PDF-1.4 test")
    cover_amount_pence = 500_000_000
    expires_on = dt.date(2027, 8, 31)
    verified_at = factory.LazyFunction(
        lambda: dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    )
