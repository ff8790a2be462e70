"""Read-side queries for activities and households. Each runs a fixed number
of queries however many rows there are (asserted in the tests)."""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractIsoWeekDay, Replace
from django.utils import timezone

from activities.capacity import Places, holding_q
from activities.errors import DomainError, NotFound
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    ATTENDED_STATUSES,
    Activity,
    Attendance,
    Household,
    HouseholdMember,
    Referral,
    Session,
    SignUp,
)
from activities.rules import PUBLIC_STATUSES
from hub.calendar_dates import local_day_bounds
from hub.models import AuditEntry, Site
from hub.rules import is_any_link_worker, require_perm
from partners.rules import partner_ids_for


def _held(ref: str, *, session: bool, referral: bool):
    """Places held in a unit by referred (or other) households, as a subquery."""
    filters = {ref: OuterRef("pk"), "referral__isnull": not referral}
    if not session:
        filters["session__isnull"] = True
    rows = (
        SignUp.objects.filter(holding_q(), **filters)
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


def places_left_for_referred(*, activity_id: int) -> int:
    """Places a referred family could get now (referral places count too):
    the series, or the best upcoming session."""
    activity = _base().get(pk=activity_id)
    if activity.is_series:
        return places_for(activity).free_total
    return max(
        (places_for(activity, s).free_total for s in activity.upcoming), default=0
    )


FINDABLE_RESULTS = 20


def household_search_findable(*, user, text: str) -> list[Household]:
    """Households that agreed to be findable (Household.findable) whose name,
    postcode or a child's school contains `text`: for link workers only, at
    most FINDABLE_RESULTS, in two queries. Others are never returned."""
    require_perm(
        user, "activities.refer_household", message="Only link workers can search."
    )
    text = text.strip()
    if len(text) < 2:
        return []
    squashed = text.replace(" ", "")
    match = (
        Q(name__icontains=text)
        | Q(postcode_squashed__icontains=squashed)
        | Q(
            Exists(
                HouseholdMember.objects.filter(
                    household=OuterRef("pk"),
                    kind=HouseholdMember.Kind.CHILD,
                    school__icontains=text,
                )
            )
        )
    )
    children = HouseholdMember.objects.filter(kind=HouseholdMember.Kind.CHILD).exclude(
        school=""
    )
    return list(
        Household.objects.filter(findable=True, erased_at__isnull=True)
        .annotate(postcode_squashed=Replace("postcode", Value(" "), Value("")))
        .filter(match)
        .prefetch_related(Prefetch("members", children, to_attr="schoolchildren"))
        .order_by("name", "pk")[:FINDABLE_RESULTS]
    )


@dataclass(frozen=True)
class ActivityFilters:
    q: str = ""
    weekday: int | None = None  # ISO: 1 Monday to 7 Sunday, site-local
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
    if f.q:
        qs = _filter_text(qs, f.q)
    qs = _next_matching(qs, f)
    if f.places_left:
        qs = _filter_places_left(qs)
    return qs.order_by("next_match", "title")


def _filter_text(qs, text: str):
    """Every word in the title, the description or the partner's name."""
    for word in text.split()[:10]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(partner__name__icontains=word)
        )
    return qs


def _next_matching(qs, f: ActivityFilters):
    """Annotate `next_match`, the next scheduled session inside the chosen
    dates and day of the week (what the list shows as "Next:"), and keep only
    activities that have one."""
    date_from, date_to = _date_range(f)
    sessions = Session.objects.filter(
        activity=OuterRef("pk"),
        status=Session.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
    )
    # Days are London days: sites of one deployment share a zone in practice.
    site = Site(timezone="Europe/London")
    if date_from:
        sessions = sessions.filter(starts_at__gte=local_day_bounds(date_from, site)[0])
    if date_to:
        sessions = sessions.filter(starts_at__lt=local_day_bounds(date_to, site)[1])
    if f.weekday:
        day = ExtractIsoWeekDay("starts_at", tzinfo=site.zoneinfo)
        sessions = sessions.annotate(day=day).filter(day=f.weekday)
    first = sessions.order_by("starts_at").values("starts_at")[:1]
    return qs.annotate(next_match=Subquery(first)).filter(next_match__isnull=False)


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
    """An activity the user may see (activities.view_activity), annotated for
    the pages and the API; NotFound (404) otherwise, drafts included."""
    activity = _base().filter(_activity_visible(user), pk=activity_id).first()
    if activity is None:
        raise NotFound(f"No activity has id {activity_id}. Check the id.")
    return activity


def activity_for_signup(
    *, activity_id: int, user, household: Household | None = None
) -> Activity:
    """The activity to sign up to, with what the sign-up needs and nothing the
    pages show: the lean read on the launch-day path, one query.
    The same visibility as activity_get.

    Annotated for services.signup_create, so it asks nothing more before the
    unit's lock: the site's time zone (`site_timezone`); when the scheduled
    sessions start (`unit_last_start`, `unit_first_upcoming`, `unit_left`:
    sessions still to come); and, given the household, its open referral to
    this activity (`open_referral_id`; a household has at most one)."""
    # Hand-written subqueries: the ORM's Subquery costs more to compile than
    # the round trips it saves (tests/activities/test_signup_reads.py holds
    # them to the ORM's answers on both databases).
    scheduled = (
        "FROM activities_session s WHERE s.activity_id = activities_activity.id "
        "AND s.status = %s"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    upcoming = [Session.Status.SCHEDULED, now]
    activities = Activity.objects.annotate(
        site_timezone=F("booking__room__site__timezone"),
        unit_last_start=RawSQL(
            f"SELECT MAX(s.starts_at) {scheduled}",
            [Session.Status.SCHEDULED],
            output_field=DateTimeField(),
        ),
        unit_first_upcoming=RawSQL(
            f"SELECT MIN(s.starts_at) {scheduled} AND s.starts_at > %s",
            upcoming,
            output_field=DateTimeField(),
        ),
        unit_left=RawSQL(
            f"SELECT COUNT(*) {scheduled} AND s.starts_at > %s",
            upcoming,
            output_field=IntegerField(),
        ),
    )
    if household is not None:
        activities = activities.annotate(
            open_referral_id=RawSQL(
                "SELECT r.id FROM activities_referral r "
                "WHERE r.activity_id = activities_activity.id "
                "AND r.household_id = %s AND r.status = %s "
                "ORDER BY r.created_at DESC LIMIT 1",
                [household.pk, Referral.Status.OPEN],
                output_field=IntegerField(),
            )
        )
    # One row by key: no ORDER BY (first() would sort by title for nothing).
    activity = next(iter(activities.filter(pk=activity_id).order_by()[:1]), None)
    if activity is None or not (
        activity.status in PUBLIC_STATUSES
        or _is_admin(user)
        or activity.partner_id in partner_ids_for(user)
    ):
        raise NotFound(f"No activity has id {activity_id}. Check the id.")
    if household is not None:
        activity.referral_household_id = household.pk
    return activity


# What each actor may see, as querysets. The same rules as activities.rules
# (tests/activities/test_permission_matrix.py holds them together).


def _is_admin(actor) -> bool:
    """Django gives an active superuser every permission (User.has_perm), so
    the selectors show a platform admin everything too."""
    return actor.is_active and actor.is_superuser if actor.is_authenticated else False


def _activity_visible(actor, prefix: str = "") -> Q:
    if _is_admin(actor):
        return Q()
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES}) | Q(
        **{f"{prefix}partner_id__in": partner_ids_for(actor)}
    )


def _any(*conditions) -> Q | None:
    found = [c for c in conditions if c is not None]
    if not found:
        return None
    q = found[0]
    for c in found[1:]:
        q |= c
    return q


def _visible(qs, condition: Q | None):
    return qs.none() if condition is None else qs.filter(condition)


def _owner(actor, prefix: str = "") -> Q | None:
    if not actor.is_authenticated:
        return None
    return Q(**{f"{prefix}user": actor, f"{prefix}erased_at__isnull": True})


def _referred(actor, household_ref: str) -> Q | None:
    if not is_any_link_worker(actor):
        return None
    referrals = Referral.objects.filter(household=OuterRef(household_ref))
    return Q(Exists(referrals.filter(referred_by=actor)))


def activity_list_visible(*, actor) -> QuerySet[Activity]:
    """activities.view_activity: published and cancelled activities, and the
    actor's organisation's drafts (every one for a platform admin)."""
    return Activity.objects.filter(_activity_visible(actor))


def session_list_visible(*, actor) -> QuerySet[Session]:
    """activities.view_session: the sessions of the activities the actor sees."""
    return Session.objects.filter(_activity_visible(actor, "activity__"))


def household_list_visible(*, actor) -> QuerySet[Household]:
    """activities.view_household: the family's own, households signed up to
    the actor's organisation's activities, and households the actor referred."""
    if _is_admin(actor):
        return Household.objects.all()
    partners = partner_ids_for(actor)
    signed_up = SignUp.objects.filter(
        household=OuterRef("pk"),
        activity__partner_id__in=partners,
        status__in=ACTIVE_SIGNUP_STATUSES,
    )
    return _visible(
        Household.objects.all(),
        _any(
            _owner(actor),
            Q(Exists(signed_up)) if partners else None,
            _referred(actor, "pk"),
            Q(created_on_behalf_by=actor, erased_at__isnull=True)
            if is_any_link_worker(actor)
            else None,
        ),
    )


def signup_list_visible(*, actor) -> QuerySet[SignUp]:
    """activities.view_signup: the family's own, those to activities the actor
    runs (all for a platform admin), and those of households the actor referred."""
    if _is_admin(actor):
        return SignUp.objects.all()
    partners = partner_ids_for(actor)
    return _visible(
        SignUp.objects.all(),
        _any(
            _owner(actor, "household__"),
            Q(activity__partner_id__in=partners) if partners else None,
            _referred(actor, "household"),
        ),
    )


def referral_list_visible(*, actor) -> QuerySet[Referral]:
    """activities.view_referral: the referrals the actor made, and those of
    the actor's own household."""
    if _is_admin(actor):
        return Referral.objects.all()
    if not actor.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(Q(referred_by=actor) | _owner(actor, "household__"))


def _history(*objects_by_model) -> QuerySet[AuditEntry]:
    """Audit entries about several objects, newest first, in one query."""
    from django.contrib.contenttypes.models import ContentType

    q = Q(pk__in=[])
    for model, ids in objects_by_model:
        ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
        q |= Q(content_type=ct, object_id__in=list(ids))
    return AuditEntry.objects.filter(q).select_related("actor")[:100]


def activity_history(*, activity: Activity) -> list[AuditEntry]:
    """The activity's history and its sessions', for its management page."""
    sessions = activity.sessions.values_list("pk", flat=True)
    return list(_history((Activity, [activity.pk]), (Session, sessions)))


def household_history(*, household: Household) -> list[AuditEntry]:
    """The household's history (members included) and its sign-ups', for the
    family's page."""
    signups = household.signups.values_list("pk", flat=True)
    return list(_history((Household, [household.pk]), (SignUp, signups)))


@contextmanager
def as_field_error(field: str):
    """For an id sent in a request body: an unknown or unseen object is a 400
    naming the field, not a 404 of the address."""
    try:
        yield
    except NotFound as exc:
        raise DomainError(exc.message, field=field) from None


def activity_sessions(*, activity: Activity) -> list[Session]:
    return list(
        activity.sessions.annotate(
            general_held=_held("session", session=True, referral=False),
            referral_held=_held("session", session=True, referral=True),
        ).order_by("starts_at")
    )


def activity_list_for_partner(*, user) -> QuerySet[Activity]:
    """The activities the user's organisations run (for 'Our activities')."""
    return _base().filter(partner_id__in=partner_ids_for(user)).order_by("-created_at")


def activity_signups_for_partner(*, activity: Activity, user) -> list[SignUp]:
    """Who is coming, with their members (with notes) and households: for the
    organisation running it only (PermissionDenied otherwise)."""
    require_perm(
        user,
        "activities.view_activity_signups",
        activity,
        message="Only the organisation running it can see who signed up.",
    )
    return list(
        activity.signups.filter(status__in=ACTIVE_SIGNUP_STATUSES)
        .select_related("household", "session", "referral")
        .prefetch_related("members", "cancelled_dates")
        .order_by("status", "pk")
    )


def household_for_user(*, user) -> Household | None:
    if not user.is_authenticated:
        return None
    return Household.objects.filter(user=user, erased_at__isnull=True).first()


def has_open_referral(*, activity: Activity, household: Household | None) -> bool:
    if household is None:
        return False
    return Referral.objects.filter(
        activity=activity, household=household, status=Referral.Status.OPEN
    ).exists()


def household_signups(*, household: Household) -> list[SignUp]:
    signups = list(
        household.signups.select_related("activity__booking__room__site", "session")
        .prefetch_related("members", "cancelled_dates__session")
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
    from activities.services.collectors import COLLECTOR_FIELDS
    from activities.services.households import HOUSEHOLD_FIELDS, MEMBER_FIELDS

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
                "reference",
                *HOUSEHOLD_FIELDS,
                "fsm_verified_at",
                "consent_given_by",
                "consent_method",
                "consent_recorded_at",
                "created_at",
            ],
        ),
        "members": [_fields(m, ["id", *MEMBER_FIELDS]) for m in members],
        "collectors": [
            _fields(c, ["id", *COLLECTOR_FIELDS]) for c in household.collectors.all()
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
                "status": a.status,
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


def _came(household, activity) -> QuerySet[Attendance]:
    """Marks of anyone in the household who came to the activity, grouped by
    activity (for one-row subqueries): sessions attended, the last one."""
    return (
        Attendance.objects.filter(
            member__household=household,
            session__activity=activity,
            status__in=ATTENDED_STATUSES,
        )
        .order_by()
        .values("session__activity")
    )


def referral_list_for_link_worker(*, user) -> QuerySet[Referral]:
    """The referrals the user made, with the family's sign-ups and attendance:
    for link workers only (PermissionDenied otherwise)."""
    require_perm(
        user, "activities.refer_household", message="Only link workers have referrals."
    )
    return (
        referral_list_visible(actor=user)
        .filter(referred_by=user)
        .select_related("household", "activity__booking__room__site")
        .prefetch_related(
            Prefetch("household__signups", SignUp.objects.select_related("session"))
        )
        .annotate(
            attended=Coalesce(
                Subquery(
                    _came(OuterRef("household"), OuterRef("activity"))
                    .annotate(n=Count("session", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            last_attended=Subquery(
                _came(OuterRef("household"), OuterRef("activity"))
                .annotate(last=Max("session__starts_at"))
                .values("last"),
            ),
        )
    )


def activity_get_for_change(*, activity_id: int, user) -> Activity:
    """An activity the user may see and change (its edit and manage pages):
    NotFound if unseen, PermissionDenied if seen but not theirs."""
    activity = activity_get(activity_id=activity_id, user=user)
    require_perm(
        user,
        "activities.change_activity",
        activity,
        message="Only the organisation running it can change this activity.",
    )
    return activity


def session_get(*, session_id: int, user) -> Session:
    """A session of an activity the user may see, else NotFound."""
    session = (
        session_list_visible(actor=user)
        .select_related("activity__booking__room__site")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise NotFound(f"No session has id {session_id}. Check the id.")
    return session


def booking_for_publishing(*, booking_id: int, user):
    """A booking to publish an activity on: NotFound if the user may not see
    it, PermissionDenied if they see it but may not publish on it (e.g. the
    school's staff)."""
    from bookings.models import Booking

    booking = (
        Booking.objects.select_related("room__site", "partner")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not user.has_perm("bookings.view_booking", booking):
        raise NotFound(f"No booking has id {booking_id}. Check the id.")
    require_perm(
        user,
        "activities.publish_on_booking",
        booking,
        message="You can only publish activities on your own organisation's bookings.",
    )
    return booking


def household_by_reference(*, reference: str) -> Household:
    """The (not erased) household with that reference, else NotFound naming
    the field. Only callers allowed to verify or refer use it."""
    household = Household.objects.filter(
        reference=reference.strip().upper(), erased_at__isnull=True
    ).first()
    if household is None:
        # A value typed into a form, not an address: a 400 on the field.
        raise DomainError(
            "No household has that reference. Check it with the family: it is on "
            "their 'Your family' page.",
            field="household_reference",
        )
    return household


def member_get_own(*, member_id: int, user) -> HouseholdMember:
    """A member of the user's own household, else NotFound."""
    member = (
        HouseholdMember.objects.select_related("household")
        .filter(pk=member_id, household__user=user, household__erased_at__isnull=True)
        .first()
        if user.is_authenticated
        else None
    )
    if member is None:
        raise NotFound(f"No member of your household has id {member_id}.")
    return member


def signup_get(*, signup_id: int, user) -> SignUp:
    """A sign-up the user may see, else NotFound."""
    signup = (
        signup_list_visible(actor=user)
        .select_related("household", "activity", "session")
        .filter(pk=signup_id)
        .first()
    )
    if signup is None:
        raise NotFound(f"No sign-up has id {signup_id}. Check the id.")
    return signup


def signup_get_own(*, signup_id: int, user) -> SignUp:
    """One of the user's own household's sign-ups, with what its confirmation
    page shows (place, members, sessions); NotFound for anyone else's."""
    household = household_for_user(user=user)
    signup = (
        SignUp.objects.filter(household=household, pk=signup_id)
        .select_related("household", "activity__booking__room__site", "session")
        .prefetch_related("members")
        .first()
        if household
        else None
    )
    if signup is None:
        raise NotFound(f"No sign-up has id {signup_id}. Check the id.")
    signup.dates = (
        [signup.session]
        if signup.session_id
        else list(
            signup.activity.sessions.filter(
                status=Session.Status.SCHEDULED, ends_at__gt=timezone.now()
            ).order_by("starts_at")
        )
    )
    _attach_positions([signup] if signup.status == SignUp.Status.WAITLISTED else [])
    if not hasattr(signup, "position"):
        signup.position = None
    return signup


def referral_rows_for_link_worker(*, user) -> list[Referral]:
    """The link worker's referrals, each with the family's sign-ups to that
    activity as `own_signups` (for the referrals page)."""
    referrals = list(referral_list_for_link_worker(user=user))
    for referral in referrals:
        referral.own_signups = [
            s
            for s in referral.household.signups.all()
            if s.activity_id == referral.activity_id
        ]
    return referrals


def activity_rows_for_partner(*, user) -> list[Activity]:
    """'Our activities': the user's organisations' activities with places
    left; for partner staff only (PermissionDenied otherwise)."""
    require_perm(user, "activities.view_own_activities")
    activities = list(activity_list_for_partner(user=user))
    for activity in activities:
        activity.places_left = places_left(activity)
    return activities


def bookings_for_publishing(*, user):
    """The approved bookings the user's organisations may publish on."""
    from bookings.models import Booking

    return Booking.objects.filter(
        partner_id__in=partner_ids_for(user, approved_only=True),
        status=Booking.Status.APPROVED,
    ).select_related("room__site")


def members_of(*, household: Household, ids: list[int]) -> list[HouseholdMember]:
    """The household's members with these ids; a 400 naming `member_ids` if
    any is not one of them."""
    members = list(household.members.filter(pk__in=ids))
    if len(members) != len(set(ids)):
        raise DomainError(
            "Choose only people in your own household.", field="member_ids"
        )
    return members


def household_members_for(
    *, user, ids: list[int]
) -> tuple[Household, list[HouseholdMember]] | None:
    """The user's household and its members with these ids, in one query;
    None when that is not exactly what the user has (no household, or an id
    that is not one of theirs: household_for_user and members_of then say
    which). The launch-day path (activities.api_family)."""
    members = list(
        HouseholdMember.objects.select_related("household").filter(
            household__user=user, household__erased_at__isnull=True, pk__in=ids
        )
    )
    if not members or len(members) != len(set(ids)):
        return None
    return members[0].household, members


def session_of(*, activity: Activity, session_id: int | None) -> Session | None:
    """The activity's session with that id (None for none); a 400 naming
    `session_id` if it is not one of the activity's."""
    if session_id is None:
        return None
    session = activity.sessions.filter(pk=session_id).first()
    if session is None:
        raise DomainError(
            "That session is not part of this activity.", field="session_id"
        )
    return session


def households_created_by(*, user) -> list[Household]:
    """Households a link worker set up for families, newest first (their page)."""
    if not is_any_link_worker(user):
        return []
    return list(
        Household.objects.filter(
            created_on_behalf_by=user, erased_at__isnull=True
        ).order_by("-created_at")
    )


def household_visible(*, household_id: int, user) -> Household:
    """A household the user may see (activities.view_household), else NotFound."""
    household = household_list_visible(actor=user).filter(pk=household_id).first()
    if household is None:
        raise NotFound(f"No household has id {household_id}. Check the id.")
    return household
