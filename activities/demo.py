"""Demo households, activities and sign-ups, created through the services.

Called by `manage.py seed_demo` after sites, rooms, partners, approved
bookings and the family01..family50 accounts exist. Idempotent: households are
made once per account, an activity once per (booking, title), and a sign-up
that already exists is skipped. Sends no real email.
"""

import contextlib
import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone

from activities.demo_attendance import seed_attendance_history
from activities.errors import DomainError
from activities.models import Activity, Household, Referral
from activities.services import (
    activity_create,
    household_create,
    household_verify_eligibility,
    referral_create,
    signup_create,
)
from bookings.models import Booking
from hub.models import StaffRole

Progress = Callable[[str], None]
CHILD_NAMES = [
    "Sami",
    "Maya",
    "Leo",
    "Amara",
    "Noah",
    "Isla",
    "Yusuf",
    "Ruby",
    "Oscar",
    "Zara",
]
NEXT_OF_KIN = ["Grandma", "Grandad", "Auntie", "Uncle"]
KIN_RELATIONSHIP = {
    "Grandma": "grandmother",
    "Grandad": "grandfather",
    "Auntie": "aunt",
    "Uncle": "uncle",
}
POSTCODES = ["LS11 8ND", "LS11 9UE", "LS10 2QZ", "LS11 6AB", "LS10 1LA"]

ACTIVITIES = [
    (
        "Family cooking club",
        {
            "title": "Cook and eat together",
            "description": "Cook a simple, cheap meal with your children, then sit down and eat it together. All ingredients provided.",
            "category": "cooking",
            "audience": "families",
            "min_age": 4,
            "max_age": 11,
            "capacity": 14,
            "max_places_per_household": 4,
            "referral_places": 2,
            "what_to_bring": "Nothing: aprons and containers to take leftovers home are provided.",
            "accessibility_info": "Step-free access from the car park. Tell us about any allergies when you sign up.",
            "languages": "English, Urdu",
        },
    ),
    (
        "Saturday family football",
        {
            "title": "Holiday club: football and lunch",
            "description": "A morning of football and games, then a hot lunch. For families eligible for free school meals (holiday activities and food programme).",
            "category": "holiday_club",
            "audience": "children",
            "min_age": 5,
            "max_age": 11,
            "capacity": 30,
            "eligibility": "eligible",
            "signup_mode": "session",
            "what_to_bring": "Trainers and a water bottle.",
        },
    ),
    (
        "Homework club",
        {
            "title": "Parenting course: Incredible Years",
            "description": "A friendly weekly group for parents and carers of children aged 3 to 8. A link worker or the school can refer you.",
            "category": "parenting",
            "audience": "carers",
            "capacity": 12,
            "eligibility": "referral",
            "referral_places": 12,
            "languages": "English, Polish",
        },
    ),
    (
        "Homework club",
        {
            "title": "Family art workshop",
            "description": "Paint, print and make together. Normally £3 a family: free this term.",
            "category": "arts",
            "audience": "families",
            "min_age": 3,
            "max_age": 12,
            "capacity": 6,
            "max_places_per_household": 3,
        },
    ),
]


def seed_demo_activities(*, progress: Progress | None = None) -> None:
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        _seed(progress or (lambda message: None))


def _seed(progress: Progress) -> None:
    households = _households()
    progress(f"{len(households)} households with carers and children")
    activities = _activities(progress)
    progress(f"{len(activities)} published activities")
    if not activities:
        return
    _eligibility_and_referrals(households, activities)
    _signups(households, activities)
    progress(
        f"{sum(a.signups.count() for a in activities)} sign-ups, one activity full with a waitlist"
    )
    marks = seed_attendance_history(activities, households)
    progress(f"{marks} attendance marks: the autumn term's registers so far")


def _households() -> list[Household]:
    users = (
        get_user_model()
        .objects.filter(username__regex=r"^family\d\d$")
        .order_by("username")
    )
    existing = set(
        Household.objects.filter(user__in=users).values_list("user_id", flat=True)
    )
    for n, user in enumerate(users, start=1):
        if user.pk not in existing:
            household_create(user=user, members=_members(n, user), **_details(n, user))
    return list(Household.objects.filter(user__in=users).order_by("user__username"))


def _details(n: int, user) -> dict:
    return {
        "name": f"The {user.last_name or 'Demo'} family",
        "postcode": POSTCODES[n % len(POSTCODES)],
        "phone": f"07700 900{n:03d}",
        "languages": "English",
        "consent_contact": True,
        "consent_photos": n % 3 == 0,
        "fsm_claimed": n % 4 == 0,
        "emergency_contact_name": f"{NEXT_OF_KIN[n % len(NEXT_OF_KIN)]} {user.last_name}",
        "emergency_contact_phone": f"07700 901{n:03d}",
        "collectors": []
        if n % 4 == 1
        else [
            {
                "name": f"{NEXT_OF_KIN[(n + 1) % len(NEXT_OF_KIN)]} {user.last_name}",
                "relationship": KIN_RELATIONSHIP[
                    NEXT_OF_KIN[(n + 1) % len(NEXT_OF_KIN)]
                ],
                "phone": f"07700 902{n:03d}",
            }
        ],
    }


def _members(n: int, user) -> list[dict]:
    today = timezone.localdate()
    members = [
        {
            "kind": "carer",
            "first_name": user.first_name or "Carer",
            "last_name": user.last_name,
            "relationship": "parent",
        }
    ]
    for i in range(1 + n % 3):
        age = 3 + (n + 3 * i) % 10
        members.append(
            {
                "kind": "child",
                "first_name": CHILD_NAMES[(n + i) % len(CHILD_NAMES)],
                "last_name": user.last_name,
                "date_of_birth": today.replace(year=today.year - age)
                - dt.timedelta(days=40 + i),
                "relationship": "child",
                "allergies": "Nuts: carries an EpiPen" if (n + i) % 7 == 0 else "",
                "medical_notes": "Asthma: inhaler in bag" if (n + i) % 9 == 0 else "",
                "send_notes": "Autistic: prefers a quiet corner"
                if (n + i) % 11 == 0
                else "",
            }
        )
    return members


def _activities(progress: Progress) -> list[Activity]:
    used, made = set(), []
    for booking_title, fields in ACTIVITIES:
        booking = _booking(booking_title, used)
        if booking is None:
            progress(
                f"  no approved '{booking_title}' booking: skipped '{fields['title']}'"
            )
            continue
        used.add(booking.pk)
        activity = Activity.objects.filter(
            booking=booking, title=fields["title"]
        ).first()
        if activity is None:
            try:
                activity = activity_create(
                    booking=booking, created_by=_member(booking), publish=True, **fields
                )
            except DomainError as exc:
                progress(f"  skipped '{fields['title']}': {exc.message}")
                continue
        made.append(activity)
    return made


def _booking(title: str, used: set[int]) -> Booking | None:
    return (
        Booking.objects.filter(title=title, status=Booking.Status.APPROVED)
        .exclude(pk__in=used)
        .select_related("room", "partner")
        .order_by("pk")
        .first()
    )


def _member(booking: Booking):
    return booking.partner.memberships.select_related("user").first().user


def _link_worker():
    role = (
        StaffRole.objects.filter(role=StaffRole.Role.LINK_WORKER)
        .select_related("user")
        .first()
    )
    return role.user if role else None


def _eligibility_and_referrals(households, activities) -> None:
    worker = _link_worker()
    if worker is None:
        return
    for household in households:
        if household.fsm_claimed and not household.is_fsm_eligible:
            household_verify_eligibility(household=household, verified_by=worker)
    referral_only = [a for a in activities if a.eligibility == "referral"]
    for activity in referral_only:
        for household in households[2:12]:
            if not Referral.objects.filter(
                household=household, activity=activity
            ).exists():
                referral_create(
                    referred_by=worker,
                    household_reference=household.reference,
                    activity=activity,
                    note="Asked for support with routines.",
                )


def _signups(households, activities) -> None:
    by_title = {a.title: a for a in activities}
    plan = [
        ("Cook and eat together", households[0:7], None),
        ("Family art workshop", households[8:16], None),
        ("Parenting course: Incredible Years", households[2:12], "carers"),
        (
            "Holiday club: football and lunch",
            [h for h in households if h.is_fsm_eligible],
            "children",
        ),
    ]
    for title, group, who in plan:
        activity = by_title.get(title)
        if activity is not None:
            for household in group:
                _sign(activity, household, who)


def _sign(activity: Activity, household: Household, who: str | None) -> None:
    members = list(household.members.all())
    if who == "carers":
        members = [m for m in members if m.kind == "carer"]
    elif who == "children":
        members = [m for m in members if m.kind == "child"]
    low, high = activity.min_age or 0, activity.max_age or 99
    day = timezone.localdate() + dt.timedelta(days=7)
    members = [m for m in members if m.kind == "carer" or low <= m.age_on(day) <= high]
    limit = activity.max_places_per_household or len(members)
    session = (
        None if activity.is_series else activity.sessions.order_by("starts_at").first()
    )
    # Already signed up (a second run), or nobody in the age range: skip.
    with contextlib.suppress(DomainError):
        signup_create(
            household=household,
            activity=activity,
            members=members[:limit],
            session=session,
            created_by=household.user,
        )
