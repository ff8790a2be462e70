"""Read-side queries for activities and households. Each runs a fixed number
of queries however many rows there are (asserted in the tests)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from activities.capacity import HOLDING, Places
from activities.errors import PermissionDenied
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    Activity,
    Attendance,
    Household,
    HouseholdMember,
    Referral,
    Session,
    SignUp,
)
from hub.calendar_dates import local_day_bounds
from hub.models import Site
from partners.rules import partner_ids_for


def _held(ref: str, *, session: bool, referral: bool):
    """Places held in a unit by referred (or other) households, as a subquery."""
    filters = {
        ref: OuterRef("pk"),
        "status__in": HOLDING,
        "referral__isnull": not referral,
    }
    if not session:
        filters["session__isnull"] = True
    rows = (
        SignUp.objects.filter(**filters)
        .values(ref)
        .annotate(total=Sum("places"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def upcoming_sessions() -> QuerySet[Session]:
    return (
        Session.objects.filter(
            status=Session.Status.SCHEDULED, ends_at__gt=timezone.now()
        )
        .annotate(
            general_held=_held("session", session=True, referral=False),
            referral_held=_held("session", session=True, referral=True),
        )
        .order_by("starts_at")
    )


def places_for(activity: Activity, session: Session | None = None) -> Places:
    """Places of an annotated activity (series) or annotated session."""
    row = session if session is not None else activity
    return Places(
        capacity=activity.capacity,
        referral_places=activity.referral_places,
        general_used=row.general_held,
        referral_used=row.referral_held,
    )


def places_left(activity: Activity) -> int:
    """Places a family could still get: series, or the best upcoming session."""
    if activity.is_series:
        return places_for(activity).free_general
    sessions = activity.upcoming
    return max((places_for(activity, s).free_general for s in sessions), default=0)


@dataclass(frozen=True)
class ActivityFilters:
    site: str = ""
    area: str = ""
    category: str = ""
    child_age: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    free_only: bool = False
    this_week: bool = False
    places_left: bool = False


def _base() -> QuerySet[Activity]:
    return (
        Activity.objects.select_related("booking__room__site", "partner")
        .annotate(
            general_held=_held("activity", session=False, referral=False),
            referral_held=_held("activity", session=False, referral=True),
            next_start=Min(
                "sessions__starts_at",
                filter=Q(
                    sessions__status="scheduled",
                    sessions__starts_at__gt=timezone.now(),
                ),
            ),
        )
        .prefetch_related(Prefetch("sessions", upcoming_sessions(), to_attr="upcoming"))
    )


def activity_list_public(
    *, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """Published activities with an upcoming session, soonest first."""
    f = filters or ActivityFilters()
    qs = _base().filter(status=Activity.Status.PUBLISHED)
    qs = qs.filter(
        Exists(upcoming_sessions().filter(activity=OuterRef("pk")).values("pk"))
    )
    qs = _filter_place(qs, f)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.child_age is not None:
        qs = qs.filter(Q(min_age__isnull=True) | Q(min_age__lte=f.child_age))
        qs = qs.filter(Q(max_age__isnull=True) | Q(max_age__gte=f.child_age))
    if f.free_only:
        qs = qs.filter(price_pence=0)
    qs = _filter_dates(qs, *_date_range(f))
    if f.places_left:
        qs = _filter_places_left(qs)
    return qs.order_by("next_start", "title")


def _filter_place(qs, f: ActivityFilters):
    if f.site:
        qs = qs.filter(booking__room__site__slug=f.site)
    if f.area:
        qs = qs.filter(booking__room__site__area__iexact=f.area)
    return qs


def _date_range(f: ActivityFilters) -> tuple[dt.date | None, dt.date | None]:
    if f.this_week:
        today = timezone.localdate()
        return today, today + dt.timedelta(days=6 - today.weekday())
    return f.date_from, f.date_to


def _filter_dates(qs, date_from, date_to):
    if not (date_from or date_to):
        return qs
    sessions = Session.objects.filter(
        activity=OuterRef("pk"), status=Session.Status.SCHEDULED
    )
    # Days are London days: sites of one deployment share a zone in practice.
    site = Site(timezone="Europe/London")
    if date_from:
        sessions = sessions.filter(starts_at__gte=local_day_bounds(date_from, site)[0])
    if date_to:
        sessions = sessions.filter(starts_at__lt=local_day_bounds(date_to, site)[1])
    return qs.filter(Exists(sessions.values("pk")))


def _filter_places_left(qs):
    free_series = Q(signup_mode="series") & Q(
        capacity__gt=F("referral_places") + F("general_held")
    )
    open_session = (
        upcoming_sessions()
        .filter(activity=OuterRef("pk"))
        .filter(
            general_held__lt=F("activity__capacity") - F("activity__referral_places")
        )
    )
    return qs.filter(
        free_series | (Q(signup_mode="session") & Exists(open_session.values("pk")))
    )


def activity_get(*, activity_id: int, user) -> Activity:
    """404 if unknown; 403 for a draft unless you run it (cancelled ones stay
    visible so families can read why)."""
    activity = get_object_or_404(_base(), pk=activity_id)
    if activity.status == Activity.Status.DRAFT and not user.has_perm(
        "activities.change_activity", activity
    ):
        raise PermissionDenied("This activity is not published.")
    return activity


def activity_sessions(*, activity: Activity) -> list[Session]:
    return list(
        activity.sessions.annotate(
            general_held=_held("session", session=True, referral=False),
            referral_held=_held("session", session=True, referral=True),
        ).order_by("starts_at")
    )


def activity_list_for_partner(*, user) -> QuerySet[Activity]:
    return _base().filter(partner_id__in=partner_ids_for(user)).order_by("-created_at")


def activity_signups_for_partner(*, activity: Activity, user) -> list[SignUp]:
    """The households signed up and their members (with notes: only shown to
    the partner running it, which the caller has checked)."""
    if not user.has_perm("activities.view_activity_signups", activity):
        raise PermissionDenied(
            "Only the organisation running it can see who signed up."
        )
    return list(
        activity.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES)
        .select_related("household", "session", "referral")
        .prefetch_related("members")
        .order_by("status", "pk")
    )


def household_for_user(*, user) -> Household | None:
    if not user.is_authenticated:
        return None
    return Household.objects.filter(user=user, erased_at__isnull=True).first()


def household_signups(*, household: Household) -> list[SignUp]:
    signups = list(
        household.signups.select_related("activity__booking__room__site", "session")
        .prefetch_related("members")
        .order_by("-created_at")
    )
    waiting = [s for s in signups if s.status == SignUp.Status.WAITLISTED]
    _attach_positions(waiting)
    return signups


def _attach_positions(signups: list[SignUp]) -> None:
    """Waitlist positions of several sign-ups in one query."""
    if not signups:
        return
    queue = SignUp.objects.filter(
        status=SignUp.Status.WAITLISTED,
        activity_id__in={s.activity_id for s in signups},
    ).order_by("pk")
    ranks, seen = {}, {}
    for pk, activity_id, session_id in queue.values_list(
        "pk", "activity_id", "session_id"
    ):
        unit = (activity_id, session_id)
        seen[unit] = seen.get(unit, 0) + 1
        ranks[pk] = seen[unit]
    for signup in signups:
        signup.position = ranks.get(signup.pk)


def household_export(*, household: Household) -> dict:
    """Everything we hold about a household, for the family to download."""
    members = list(household.members.all())
    signups = household.signups.select_related("activity", "session").prefetch_related(
        "members"
    )
    attendance = Attendance.objects.filter(member__household=household).select_related(
        "session__activity"
    )
    return {
        "household": _fields(
            household,
            [
                "name",
                "reference",
                "postcode",
                "email",
                "phone",
                "languages",
                "consent_contact",
                "consent_photos",
                "fsm_claimed",
                "fsm_verified_at",
                "created_at",
            ],
        ),
        "members": [
            _fields(
                m,
                [
                    "id",
                    "kind",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "relationship",
                    "medical_notes",
                    "send_notes",
                ],
            )
            for m in members
        ],
        "signups": [
            {
                "activity": s.activity.title,
                "session_starts_at": s.session.starts_at.isoformat()
                if s.session
                else None,
                "status": s.status,
                "members": [m.pk for m in s.members.all()],
                "created_at": s.created_at.isoformat(),
            }
            for s in signups
        ],
        "attendance": [
            {
                "activity": a.session.activity.title,
                "member": a.member_id,
                "session_starts_at": a.session.starts_at.isoformat(),
                "present": a.present,
            }
            for a in attendance
        ],
        "referrals": [
            {
                "activity_id": r.activity_id,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in household.referrals.all()
        ],
    }


def _fields(obj, names: list[str]) -> dict:
    out = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def referral_list_for_link_worker(*, user) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(referred_by=user)
        .select_related("household", "activity__booking__room__site")
        .prefetch_related(
            Prefetch("household__signups", SignUp.objects.select_related("session"))
        )
        .annotate(
            attended=Coalesce(
                Subquery(
                    Attendance.objects.filter(
                        member__household=OuterRef("household"),
                        session__activity=OuterRef("activity"),
                        present=True,
                    )
                    .values("session__activity")
                    .annotate(n=Sum(Value(1)))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
    )


def session_register(
    *, session: Session, user
) -> list[tuple[HouseholdMember, bool | None]]:
    """Members expected at a session, with attendance marked so far."""
    if not user.has_perm("activities.take_register", session.activity):
        raise PermissionDenied(
            "Only the organisation running it can take the register."
        )
    from activities.services.referrals import session_register_member_ids

    ids = session_register_member_ids(session=session)
    marks = dict(
        Attendance.objects.filter(session=session).values_list("member_id", "present")
    )
    members = HouseholdMember.objects.filter(pk__in=ids).select_related("household")
    return [(m, marks.get(m.pk)) for m in members.order_by("household__name", "kind")]
