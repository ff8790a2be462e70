"""Realistic demo data for a partnership of three schools.

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
from django.core.files.base import ContentFile
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
from partners.models import ComplianceDocument, Partner, PartnerMembership

DEMO_PASSWORD = "community-hub-demo"

# A minimal valid one-page PDF, so uploaded demo documents open in a viewer.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

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

PARTNERS = [
    (
        "Family Action Leeds",
        "charity",
        "264713",
        "charity",
        "Whole-family support and parenting courses.",
    ),
    (
        "Holbeck Food Collective",
        "cic",
        "12345678",
        "charity",
        "Cook-and-eat sessions and a community pantry.",
    ),
    (
        "Beeston Youth Football",
        "community_group",
        "",
        "standard",
        "Football for children aged 5 to 14.",
    ),
    (
        "Leeds Citizens Advice",
        "charity",
        "1093741",
        "charity",
        "Money, debt and benefits advice.",
    ),
    (
        "South Leeds Health Visiting",
        "statutory",
        "",
        "member",
        "Health visitors' drop-ins for families with babies.",
    ),
    (
        "Hillside After-School Club",
        "school_club",
        "",
        "member",
        "Wraparound care for Hillside pupils.",
    ),
    ("Rainbow Arts", "cic", "09876543", "standard", "Creative arts for families."),
    (
        "New Start Parents Group",
        "community_group",
        "",
        "standard",
        "Peer support for new parents.",
    ),
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


def _user(username: str, *, first: str, last: str, **extra):
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


def seed_sites(progress: Progress) -> list[Site]:
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
                defaults={"name": f"{name} {y}", "ends_on": end},
            )
        for name, start, end in holidays:
            Holiday.objects.get_or_create(
                trust=trust,
                starts_on=start,
                defaults={"name": f"{name} {y}", "ends_on": end},
            )
    progress("Term dates and holidays for this school year and next")
    return sites


def seed_room(site, name, capacity, features, evening_pence, weekend_pence) -> Room:
    slug = name.lower().replace(" ", "-").replace("'", "")
    room = Room.objects.filter(site=site, slug=slug).first()
    if room is None:
        step_free = any(f.slug == "step-free" for f in features)
        room = room_create(
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


def seed_partners(progress: Progress, manager) -> list[Partner]:
    today = timezone.localdate()
    partners = []
    for index, (name, kind, number, band, description) in enumerate(PARTNERS):
        slug = name.lower().replace(" ", "-").replace("'", "")
        status = (
            Partner.Status.APPLIED
            if index == len(PARTNERS) - 1
            else Partner.Status.APPROVED
        )
        partner, created = Partner.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "registration_number": number,
                "description": description,
                "contact_name": f"{name} office",
                "contact_email": f"hello@{slug}.example.org",
                "contact_phone": "0113 496 0100",
                "status": status,
                "rate_band": band,
                "charity_discount_percent": 30 if band == "charity" else 0,
                "status_decided_by": manager
                if status == Partner.Status.APPROVED
                else None,
                "status_decided_at": timezone.now()
                if status == Partner.Status.APPROVED
                else None,
                "status_reason": "Documents checked."
                if status == Partner.Status.APPROVED
                else "",
            },
        )
        if created:
            seed_documents(partner, index, today, manager)
        partners.append(partner)
    progress(f"{len(partners)} partner organisations with compliance documents")
    return partners


def seed_documents(partner, index, today, manager) -> None:
    # Partner 2's insurance expires within 30 days, partner 3's has expired.
    expiry = {2: today + dt.timedelta(days=12), 3: today - dt.timedelta(days=20)}.get(
        index, today + dt.timedelta(days=200 + index * 10)
    )
    verified = partner.status == Partner.Status.APPROVED
    for kind in ComplianceDocument.Kind.values:
        doc = ComplianceDocument(
            partner=partner,
            kind=kind,
            cover_amount_pence=500_000_000 if kind == "insurance" else None,
            expires_on=expiry if kind in ("insurance", "dbs") else None,
            verified_by=manager if verified else None,
            verified_at=timezone.now() if verified else None,
        )
        doc.file.save(f"{kind}.pdf", ContentFile(DEMO_PDF), save=False)
        doc.save()


FAMILY_NAMES = [
    ("Aisha", "Khan"),
    ("Tom", "Walker"),
    ("Priya", "Sharma"),
    ("Grace", "Okafor"),
    ("Liam", "Murphy"),
    ("Zofia", "Nowak"),
    ("Chloe", "Smith"),
    ("Mohammed", "Ali"),
    ("Ellie", "Robinson"),
    ("Daniel", "Evans"),
]


@transaction.atomic
def seed_people(progress: Progress, sites: list[Site]) -> list[DemoLogin]:
    logins = [DemoLogin("Platform admin", "admin", "creates schools, assigns roles")]
    _user("admin", first="Alex", last="Admin", is_superuser=True, is_staff=True)
    managers = []
    for index, site in enumerate(sites, start=1):
        bm = _user(f"manager{index}", first="Jo", last=f"Bennett{index}")
        StaffRole.objects.get_or_create(
            user=bm, site=site, role=StaffRole.Role.BUSINESS_MANAGER
        )
        caretaker = _user(f"caretaker{index}", first="Pat", last=f"Hughes{index}")
        StaffRole.objects.get_or_create(
            user=caretaker, site=site, role=StaffRole.Role.SITE_STAFF
        )
        managers.append(bm)
        logins.append(DemoLogin("Business manager", bm.username, site.name))
        logins.append(
            DemoLogin("Site staff (caretaker)", caretaker.username, site.name)
        )
    link = _user("linkworker", first="Sam", last="Rahman")
    for site in sites:
        StaffRole.objects.get_or_create(
            user=link, site=site, role=StaffRole.Role.LINK_WORKER
        )
    logins.append(DemoLogin("Link worker", "linkworker", "all three schools"))
    progress("Staff: business managers, caretakers and a link worker")
    partners = seed_partners(progress, managers[0])
    for index, partner in enumerate(partners, start=1):
        user = _user(f"partner{index}", first="Chris", last=f"Lee{index}")
        PartnerMembership.objects.get_or_create(
            partner=partner, user=user, defaults={"role": PartnerMembership.Role.ADMIN}
        )
        if index in (1, len(partners)):
            logins.append(DemoLogin("Partner staff", user.username, partner.name))
    for n in range(1, 51):
        first, last = FAMILY_NAMES[(n - 1) % len(FAMILY_NAMES)]
        _user(f"family{n:02d}", first=first, last=last)
    logins.append(DemoLogin("Family", "family01", "one of 50 demo families"))
    progress("50 family accounts")
    return logins
