"""Realistic demo data for a partnership of three schools: the hub part (the
trust, schools, rooms, terms, staff and family accounts). `manage.py seed_demo`
(portal) runs it, then partners.demo, bookings.demo and activities.demo.

Everything is created through get_or_create on natural keys, so running it twice
changes nothing. Dates are relative to today so the demo never goes stale.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from hub.models import (
    Holiday,
    OpeningHours,
    Room,
    RoomFeature,
    Site,
    StaffRole,
    Term,
    Trust,
)
from hub.services import room_create

DEMO_PASSWORD = "community-hub-demo"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    note: str


SITES = [
    {
        "slug": "hillside-primary",
        "name": "Hillside Primary School",
        "address": "Hillside Road\nBeeston\nLeeds",
        "postcode": "LS11 8ND",
        "area": "Beeston",
        "getting_there": "Community entrance on Cardinal Road. Buses 4 and 55 stop outside.",
        "rooms": [
            ("Main hall", 120, ["sports", "av", "step-free"], 3000, 4000),
            ("Kitchen classroom", 16, ["kitchen", "step-free"], 2500, 3500),
            ("Library", 30, ["step-free", "hearing-loop"], 1500, 2000),
            ("Classroom 4", 30, [], 1200, 1600),
        ],
    },
    {
        "slug": "riverside-academy",
        "name": "Riverside Academy",
        "address": "Water Lane\nHolbeck\nLeeds",
        "postcode": "LS11 9UE",
        "area": "Holbeck",
        "getting_there": "Reception on Water Lane; car park after 5pm. 10 minutes from Leeds station.",
        "rooms": [
            (
                "Sports hall",
                200,
                ["sports", "step-free", "accessible-toilet"],
                4500,
                6000,
            ),
            ("Drama studio", 60, ["av", "step-free"], 2500, 3500),
            ("Meeting room", 12, ["av", "step-free", "hearing-loop"], 1000, 1500),
            ("Food technology room", 20, ["kitchen"], 2500, 3500),
        ],
    },
    {
        "slug": "st-marys-primary",
        "name": "St Mary's CE Primary",
        "address": "Church Street\nHunslet\nLeeds",
        "postcode": "LS10 2QZ",
        "area": "Hunslet",
        "getting_there": "Use the playground gate on Church Street. Step-free from the gate.",
        "rooms": [
            ("School hall", 100, ["sports", "step-free", "outdoor"], 2500, 3500),
            (
                "Family room",
                20,
                ["kitchen", "step-free", "accessible-toilet"],
                1000,
                1500,
            ),
            ("Year 6 classroom", 30, [], 1000, 1500),
            ("Outdoor classroom", 25, ["outdoor"], 800, 1000),
        ],
    },
]


def school_year_start(today: dt.date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def school_year_dates(year: int) -> tuple[list[tuple], list[tuple]]:
    """(terms, holidays) for the school year starting in September `year`."""
    sept = _first_weekday_on_or_after(
        dt.date(year, 9, 1), 2
    )  # term starts on a Wednesday
    terms = [
        ("Autumn term", sept, dt.date(year, 12, 18)),
        ("Spring term", dt.date(year + 1, 1, 5), dt.date(year + 1, 3, 26)),
        ("Summer term", dt.date(year + 1, 4, 12), dt.date(year + 1, 7, 21)),
    ]
    october = _first_weekday_on_or_after(dt.date(year, 10, 24), 0)
    february = _first_weekday_on_or_after(dt.date(year + 1, 2, 15), 0)
    may = _first_weekday_on_or_after(dt.date(year + 1, 5, 25), 0)
    holidays = [
        ("Autumn half term", october, october + dt.timedelta(days=4)),
        ("Spring half term", february, february + dt.timedelta(days=4)),
        ("Summer half term", may, may + dt.timedelta(days=4)),
    ]
    return terms, holidays


@cache
def _demo_password_hash(hashers: tuple[str, ...]) -> str:
    # Hash once per hasher setting: a fresh PBKDF2 hash per user would make
    # seeding take a minute, and tests may switch hashers between runs.
    return make_password(DEMO_PASSWORD)


def demo_user(username: str, *, first: str, last: str, **extra):
    user, _ = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "password": _demo_password_hash(tuple(settings.PASSWORD_HASHERS)),
            **extra,
        },
    )
    return user


def seed_features() -> dict[str, RoomFeature]:
    names = {
        "kitchen": "Kitchen",
        "sports": "Sports hall floor",
        "av": "Projector and screen",
        "step-free": "Step-free access",
        "accessible-toilet": "Accessible toilet",
        "hearing-loop": "Hearing loop",
        "outdoor": "Outdoor space",
        "parking": "Parking",
    }
    features = {}
    for slug, name in names.items():
        features[slug], _ = RoomFeature.objects.get_or_create(
            slug=slug, defaults={"name": name}
        )
    return features


def seed_admin():
    """The platform admin, who creates the schools and rooms."""
    return demo_user(
        "admin", first="Alex", last="Admin", is_superuser=True, is_staff=True
    )


def seed_sites(progress: Progress) -> list[Site]:
    admin = seed_admin()
    trust, _ = Trust.objects.get_or_create(
        slug="south-leeds-partnership",
        defaults={"name": "South Leeds Learning Partnership"},
    )
    features = seed_features()
    year = school_year_start(timezone.localdate())
    sites = []
    for spec in SITES:
        site, _ = Site.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "trust": trust,
                "name": spec["name"],
                "address": spec["address"],
                "postcode": spec["postcode"],
                "area": spec["area"],
                "getting_there": spec["getting_there"],
                "contact_name": "School office",
                "contact_email": f"office@{spec['slug']}.example.org",
                "contact_phone": "0113 496 0000",
            },
        )
        for weekday in range(5):
            OpeningHours.objects.get_or_create(
                site=site,
                weekday=weekday,
                defaults={"opens_at": dt.time(15, 30), "closes_at": dt.time(21, 30)},
            )
        OpeningHours.objects.get_or_create(
            site=site,
            weekday=5,
            defaults={"opens_at": dt.time(9, 0), "closes_at": dt.time(17, 0)},
        )
        for name, capacity, feature_slugs, evening, weekend in spec["rooms"]:
            seed_room(
                admin,
                site,
                name,
                capacity,
                [features[f] for f in feature_slugs],
                evening,
                weekend,
            )
        progress(f"School: {site.name}")
        sites.append(site)
    for y in (year, year + 1):
        terms, holidays = school_year_dates(y)
        for name, start, end in terms:
            Term.objects.get_or_create(
                trust=trust,
                starts_on=start,
                # Named by the year it falls in, as schools do: the spring
                # term of the 2026-27 school year is "Spring term 2027".
                defaults={"name": f"{name} {start.year}", "ends_on": end},
            )
        for name, start, end in holidays:
            Holiday.objects.get_or_create(
                trust=trust,
                starts_on=start,
                defaults={"name": f"{name} {start.year}", "ends_on": end},
            )
    progress("Term dates and holidays for this school year and next")
    return sites


def seed_room(
    actor, site, name, capacity, features, evening_pence, weekend_pence
) -> Room:
    slug = name.lower().replace(" ", "-").replace("'", "")
    room = Room.objects.filter(site=site, slug=slug).first()
    if room is None:
        step_free = any(f.slug == "step-free" for f in features)
        room = room_create(
            actor=actor,
            site=site,
            name=name,
            slug=slug,
            capacity=capacity,
            features=features,
            rate_daytime_pence=evening_pence * 4 // 5,
            rate_evening_pence=evening_pence,
            rate_weekend_pence=weekend_pence,
            accessibility_notes="Step-free from the car park." if step_free else "",
        )
    return room


# 50 demo carers: every first name meets five surnames, so no two share a name.
FAMILY_FIRST_NAMES = [
    "Aisha", "Tom", "Priya", "Grace", "Liam",
    "Zofia", "Chloe", "Mohammed", "Ellie", "Daniel",
]  # fmt: skip
FAMILY_SURNAMES = [
    "Khan", "Walker", "Sharma", "Okafor", "Murphy",
    "Nowak", "Smith", "Ali", "Robinson", "Evans",
]  # fmt: skip


def family_name(n: int) -> tuple[str, str]:
    """The n-th demo carer's (first, last) name, n from 1."""
    i = n - 1
    return FAMILY_FIRST_NAMES[i % 10], FAMILY_SURNAMES[(i % 10 + i // 10) % 10]


@transaction.atomic
def seed_staff(progress: Progress, sites: list[Site]) -> tuple[list[DemoLogin], list]:
    """The platform admin, each school's business manager and caretaker, and a
    link worker for all schools. Returns the logins and the business managers."""
    logins = [DemoLogin("Platform admin", "admin", "creates schools, assigns roles")]
    seed_admin()
    managers = []
    for index, site in enumerate(sites, start=1):
        (bm_first, bm_last), (ct_first, ct_last) = STAFF_NAMES[index - 1]
        bm = demo_user(f"manager{index}", first=bm_first, last=bm_last)
        StaffRole.objects.get_or_create(
            user=bm, site=site, role=StaffRole.Role.BUSINESS_MANAGER
        )
        caretaker = demo_user(f"caretaker{index}", first=ct_first, last=ct_last)
        StaffRole.objects.get_or_create(
            user=caretaker, site=site, role=StaffRole.Role.SITE_STAFF
        )
        managers.append(bm)
        logins.append(DemoLogin("Business manager", bm.username, site.name))
        logins.append(
            DemoLogin("Site staff (caretaker)", caretaker.username, site.name)
        )
    link = demo_user("linkworker", first="Sam", last="Rahman")
    for site in sites:
        StaffRole.objects.get_or_create(
            user=link, site=site, role=StaffRole.Role.LINK_WORKER
        )
    logins.append(DemoLogin("Link worker", "linkworker", "all three schools"))
    progress("Staff: business managers, caretakers and a link worker")
    return logins, managers


# (business manager, caretaker) of each demo school, in order.
STAFF_NAMES = [
    (("Jo", "Bennett"), ("Pat", "Hughes")),
    (("Amira", "Shah"), ("Dave", "Kowalski")),
    (("Helen", "O'Connor"), ("Tunde", "Adeyemi")),
]


@transaction.atomic
def seed_families(progress: Progress) -> list[DemoLogin]:
    for n in range(1, 51):
        first, last = family_name(n)
        demo_user(f"family{n:02d}", first=first, last=last)
    progress("50 family accounts")
    return [DemoLogin("Family", "family01", "one of 50 demo families")]
