"""Factories for activities: approved bookings with slots built directly (not
through the booking services), activities with sessions, households, and a
household's own sign-up (through the service)."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from activities.models import Activity, Household, HouseholdMember, Session
from activities.services import signup_create
from bookings.models import Booking, Slot
from bookings.scheduling import Frequency, Recurrence, schedule_sync
from tests.factories import PartnerFactory, RoomFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def london(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def approved_booking(
    *,
    room=None,
    partner=None,
    starts=None,
    weeks=4,
    hours=2,
    status=Booking.Status.APPROVED,
    title="Family cooking",
):
    """A booking with `weeks` weekly slots from `starts` (site-local wall time
    kept across clock changes)."""
    room = room or RoomFactory()
    partner = partner or PartnerFactory()
    starts = starts or london(2026, 10, 13, 18, 0)
    user = UserFactory()
    booking = Booking.objects.create(
        partner=partner,
        room=room,
        title=title,
        expected_attendees=20,
        status=status,
        requested_by=user,
    )
    for week in range(weeks):
        local = (starts.replace(tzinfo=None) + dt.timedelta(weeks=week)).replace(
            tzinfo=LONDON
        )
        start = local.astimezone(dt.UTC)
        end = start + dt.timedelta(hours=hours)
        Slot.objects.create(
            booking=booking,
            room=room,
            original_start=start,
            starts_at=start,
            ends_at=end,
            buffered_start=start - dt.timedelta(minutes=15),
            buffered_end=end + dt.timedelta(minutes=15),
            is_active=status == Booking.Status.APPROVED,
        )
    weekly = Recurrence(Frequency.WEEKLY, weekday=starts.weekday(), count=weeks)
    schedule_sync(booking=booking, recurrence=weekly)  # the scheduler follows
    return booking


def make_activity(*, booking=None, status=Activity.Status.PUBLISHED, **fields):
    """An activity on an approved booking with one session per slot."""
    booking = booking or approved_booking()
    defaults = {
        "title": "Cook and eat",
        "description": "Cook a meal together and eat it.",
        "category": Activity.Category.COOKING,
        "capacity": 10,
        "created_by": booking.requested_by,
    }
    activity = Activity.objects.create(
        partner=booking.partner, booking=booking, status=status, **(defaults | fields)
    )
    Session.objects.bulk_create(
        Session(activity=activity, slot=s, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in booking.slots.filter(is_active=True)
    )
    return activity


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Family {n}")
    postcode = "LS11 8ND"
    email = factory.LazyAttribute(
        lambda h: f"{h.user.username}@example.org" if h.user else ""
    )


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    kind = HouseholdMember.Kind.CHILD
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Khan"
    date_of_birth = dt.date(2018, 5, 1)
    relationship = "son"


def family(*, children=1, carers=1, **household_fields):
    """A household with `carers` adults and `children` aged about 8 in 2026."""
    household = HouseholdFactory(**household_fields)
    members = [
        MemberFactory(
            household=household,
            kind=HouseholdMember.Kind.CARER,
            date_of_birth=None,
            first_name=f"Carer{i}",
            relationship="mother",
        )
        for i in range(carers)
    ]
    members += [MemberFactory(household=household) for _ in range(children)]
    return household, members


def sign_up(activity, household, members, session=None):
    """`household` signs `members` up to `activity` (or to one `session` of it)
    as its own user does; the service's result (`.signup`, `.position`,
    `.message`)."""
    return signup_create(
        household=household,
        activity=activity,
        members=members,
        session=session,
        created_by=household.user,
    )
