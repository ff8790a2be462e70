"""A world for the report tests: a trust with two schools, a third school
outside it, two partners, four activities (one cancelled session, two sessions
still to come), fourteen households in four postcode districts with some
eligible for free school meals and some children with SEND notes, sign-ups of
both kinds, a register for every session that ran, walk-ins, referrals and
priced lettings. Rows are made directly (the services are tested elsewhere)."""

import datetime as dt
import random

from activities.models import (
    Attendance,
    Referral,
    Session,
    SignUp,
    WalkInCount,
)
from bookings.models import Booking, Slot
from hub.models import StaffRole, Trust
from reports.models import TrustAdministrator
from tests.activities.factories import (
    approved_booking,
    family,
    london,
    make_activity,
)
from tests.factories import (
    ClosureFactory,
    PartnerFactory,
    PartnerMembershipFactory,
    RoomFactory,
    SiteFactory,
    StaffRoleFactory,
    UserFactory,
)

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
POSTCODES = ["LS8 1AA", "LS8 2BB", "LS7 3CC", "LS6 4DD", ""]
STATUSES = ["present", "present", "present", "late", "left_early", "absent"]


class ReportWorld:
    def __init__(self, seed: int = 7):
        rng = random.Random(seed)
        self.trust = Trust.objects.create(name="North Leeds Trust", slug="north-leeds")
        self.site_a = SiteFactory(name="Alder Primary", trust=self.trust)
        self.site_b = SiteFactory(name="Birch Primary", trust=self.trust)
        self.site_c = SiteFactory(name="Cedar Academy")
        rooms = [RoomFactory(site=s) for s in (self.site_a, self.site_b, self.site_c)]
        RoomFactory(site=self.site_a, is_bookable=False)
        ClosureFactory(site=self.site_a, starts_on=dt.date(2026, 10, 6))
        self.p1 = PartnerFactory(name="Family Action")
        self.p2 = PartnerFactory(name="Food Club")
        self._people()
        plan = [
            (self.p1, rooms[0], london(2026, 9, 15, 18), 6, "cooking", "series", 12),
            (self.p2, rooms[0], london(2026, 10, 6, 15), 5, "sport", "session", 8),
            (
                self.p1,
                rooms[1],
                london(2026, 10, 27, 10),
                3,
                "holiday_club",
                "series",
                20,
            ),
            (self.p2, rooms[2], london(2026, 11, 17, 17), 4, "learning", "series", 10),
        ]
        self.activities = [self._activity(*row) for row in plan]
        Session.objects.filter(
            activity=self.activities[2], starts_at__date=dt.date(2026, 11, 10)
        ).update(status=Session.Status.CANCELLED)
        self._prices()
        self._households(rng)
        self._signups_and_registers(rng)
        self._referrals()

    def _people(self):
        self.admin = UserFactory(username="platform", is_superuser=True)
        self.manager_a = StaffRoleFactory(
            site=self.site_a, role=StaffRole.Role.BUSINESS_MANAGER
        ).user
        self.caretaker_a = StaffRoleFactory(
            site=self.site_a, role=StaffRole.Role.SITE_STAFF
        ).user
        self.link_worker = StaffRoleFactory(
            site=self.site_a, role=StaffRole.Role.LINK_WORKER
        ).user
        self.other_link_worker = StaffRoleFactory(
            site=self.site_b, role=StaffRole.Role.LINK_WORKER
        ).user
        self.trust_admin = UserFactory()
        TrustAdministrator.objects.create(user=self.trust_admin, trust=self.trust)
        self.p1_user = PartnerMembershipFactory(partner=self.p1).user
        self.p2_user = PartnerMembershipFactory(partner=self.p2).user
        self.outsider = UserFactory()

    def _activity(self, partner, room, starts, weeks, category, mode, capacity):
        booking = approved_booking(
            room=room, partner=partner, starts=starts, weeks=weeks
        )
        return make_activity(
            booking=booking,
            title=f"{category.replace('_', ' ').title()} with {partner.name}",
            category=category,
            signup_mode=mode,
            capacity=capacity,
        )

    def _prices(self):
        """Priced lettings: some free (member), some discounted, one cancelled
        date and one pending booking that must not count."""
        for index, slot in enumerate(Slot.objects.order_by("pk")):
            full = 6000 + 500 * (index % 3)
            paid = 0 if index % 2 else full // 2
            Slot.objects.filter(pk=slot.pk).update(
                full_price_pence=full, price_pence=paid
            )
        first = Slot.objects.filter(booking__activities=self.activities[0]).first()
        Session.objects.filter(slot=first).update(status=Session.Status.CANCELLED)
        cancelled = Slot.objects.filter(booking__activities=self.activities[1]).last()
        Slot.objects.filter(pk=cancelled.pk).update(is_active=False, state="cancelled")
        approved_booking(
            room=self.activities[0].booking.room,
            partner=self.p2,
            starts=london(2026, 9, 19, 10),
            status=Booking.Status.PENDING,
        )

    def _households(self, rng):
        self.households = []
        for index in range(14):
            household, members = family(
                children=1 + index % 3, carers=1, postcode=POSTCODES[index % 5]
            )
            if index % 3 == 0:
                household.fsm_verified_at = NOW - dt.timedelta(days=90)
                household.save()
            if index % 4 == 1:
                child = next(m for m in members if m.kind == "child")
                child.send_notes = "Needs quiet space."
                child.save()
            self.households.append((household, members))
        # Children of the only household in its district, who walk in once.
        self.walk_in_family = family(children=2, carers=0, postcode="LS17 5EE")

    def _signups_and_registers(self, rng):
        for activity in self.activities:
            sessions = list(activity.sessions.all())
            chosen = rng.sample(self.households, 9)
            for index, (household, members) in enumerate(chosen):
                status = (
                    "confirmed"
                    if index < 7
                    else rng.choice(["cancelled", "waitlisted"])
                )
                if activity.signup_mode == "series":
                    self._signup(activity, None, household, members, status)
                    booked = sessions if status == "confirmed" else []
                else:
                    booked = rng.sample(sessions, 3)
                    for session in booked:
                        self._signup(activity, session, household, members, status)
                    booked = booked if status == "confirmed" else []
                for session in booked:
                    if session.starts_at < NOW and session.status == "scheduled":
                        self._marks(session, members, rng)
        running = [
            s for s in Session.objects.filter(status="scheduled", starts_at__lt=NOW)
        ]
        for index, session in enumerate(running):
            if index % 3 == 0:
                WalkInCount.objects.create(session=session, count=1 + index % 4)
        first = running[0]
        for member in self.walk_in_family[1]:
            Attendance.objects.create(
                session=first, member=member, status="present", walk_in=True
            )

    def _signup(self, activity, session, household, members, status):
        signup = SignUp.objects.create(
            household=household,
            activity=activity,
            session=session,
            places=len(members),
            status=status,
        )
        signup.members.set(members)

    def _marks(self, session, members, rng):
        for member in members:
            if rng.random() < 0.1:
                continue  # not marked
            Attendance.objects.create(
                session=session, member=member, status=rng.choice(STATUSES)
            )

    def _referrals(self):
        """The link worker refers four households (one before the period, one
        withdrawn); the other link worker one."""
        plan = [
            (self.link_worker, 0, 0, dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC), "used"),
            (
                self.link_worker,
                1,
                0,
                dt.datetime(2026, 9, 20, 9, tzinfo=dt.UTC),
                "open",
            ),
            (
                self.link_worker,
                2,
                1,
                dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC),
                "open",
            ),
            (
                self.link_worker,
                3,
                3,
                dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC),
                "withdrawn",
            ),
            (self.link_worker, 4, 2, dt.datetime(2026, 8, 1, 9, tzinfo=dt.UTC), "open"),
            (
                self.other_link_worker,
                5,
                0,
                dt.datetime(2026, 9, 2, 9, tzinfo=dt.UTC),
                "open",
            ),
        ]
        for user, household, activity, created, status in plan:
            referral = Referral.objects.create(
                referred_by=user,
                household=self.households[household][0],
                activity=self.activities[activity],
                status=status,
            )
            Referral.objects.filter(pk=referral.pk).update(created_at=created)


def extra_household_attending(world, count: int):
    """`count` more households, each with one child at every session that ran of
    the first activity (for query-count growth)."""
    activity = world.activities[0]
    sessions = list(activity.sessions.filter(status="scheduled", starts_at__lt=NOW))
    for _ in range(count):
        household, members = family(children=1, carers=0, postcode="LS9 9ZZ")
        SignUp.objects.create(
            household=household, activity=activity, places=1, status="confirmed"
        ).members.set(members)
        Attendance.objects.bulk_create(
            Attendance(session=s, member=members[0], status="present") for s in sessions
        )
