"""Output shapes shared by the activity API endpoints. Times are ISO 8601 in
the site's zone (18:00+01:00 in summer, 18:00+00:00 in winter)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities import selectors
from activities.capacity import waitlist_position
from activities.models import TEXT_MAX_LENGTH
from hub.api_base import local_iso as site_local_iso

# Instants are ISO 8601 strings with the site's offset (hub.api_base.local_iso).
DATETIME = extend_schema_field(OpenApiTypes.DATETIME)
NULLABLE_DATETIME = extend_schema_field(
    {"type": "string", "format": "date-time", "nullable": True}
)


def local_iso(activity, value) -> str | None:
    return site_local_iso(value, activity.booking.room.site)


def text(*, required: bool = False, **kwargs) -> serializers.CharField:
    """A free-text input field with the one limit for long text."""
    if not required:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=TEXT_MAX_LENGTH, **kwargs)


class SessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.SerializerMethodField()
    ends_at = serializers.SerializerMethodField()
    status = serializers.CharField()
    places_left = serializers.SerializerMethodField()

    @DATETIME
    def get_starts_at(self, obj) -> str:
        return local_iso(obj.activity, obj.starts_at)

    @DATETIME
    def get_ends_at(self, obj) -> str:
        return local_iso(obj.activity, obj.ends_at)

    def get_places_left(self, obj) -> int:
        return selectors.places_for(obj.activity, obj).free_general


class ActivityListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    audience = serializers.CharField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    price_pence = serializers.IntegerField()
    is_free = serializers.BooleanField()
    eligibility = serializers.CharField()
    signup_mode = serializers.CharField()
    status = serializers.CharField()
    partner = serializers.CharField(source="partner.name")
    site = serializers.CharField(source="booking.room.site.name")
    area = serializers.CharField(source="booking.room.site.area")
    room = serializers.CharField(source="booking.room.name")
    next_start = serializers.SerializerMethodField()
    places_left = serializers.SerializerMethodField()

    @NULLABLE_DATETIME
    def get_next_start(self, obj) -> str | None:
        return local_iso(obj, obj.next_start)

    def get_places_left(self, obj) -> int:
        return selectors.places_left(obj)


class ActivityDetailOutput(ActivityListOutput):
    description = serializers.CharField()
    capacity = serializers.IntegerField()
    referral_places = serializers.IntegerField()
    max_places_per_household = serializers.IntegerField(allow_null=True)
    signup_opens_at = serializers.SerializerMethodField()
    signup_closes_at = serializers.SerializerMethodField()
    accessibility_info = serializers.CharField()
    what_to_bring = serializers.CharField()
    languages = serializers.CharField()
    address = serializers.CharField(source="booking.room.site.address")
    postcode = serializers.CharField(source="booking.room.site.postcode")
    getting_there = serializers.CharField(source="booking.room.site.getting_there")
    timezone = serializers.CharField(source="booking.room.site.timezone")
    sessions = serializers.SerializerMethodField()

    @NULLABLE_DATETIME
    def get_signup_opens_at(self, obj) -> str | None:
        return local_iso(obj, obj.signup_opens_at)

    @NULLABLE_DATETIME
    def get_signup_closes_at(self, obj) -> str | None:
        return local_iso(obj, obj.signup_closes_at)

    @extend_schema_field(SessionOutput(many=True))
    def get_sessions(self, obj) -> list[dict]:
        sessions = selectors.activity_sessions(activity=obj)
        for s in sessions:
            s.activity = obj
        return SessionOutput(sessions, many=True).data


class MemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    relationship = serializers.CharField()
    allergies = serializers.CharField()
    medical_notes = serializers.CharField()
    send_notes = serializers.CharField()


class CollectorOutput(serializers.Serializer):
    """An adult the family allows to collect its children."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    phone = serializers.CharField()
    password = serializers.CharField(
        help_text="A word they give when they collect (may be empty)."
    )
    notes = serializers.CharField()


class HouseholdOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    reference = serializers.CharField()
    postcode = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    languages = serializers.CharField()
    consent_contact = serializers.BooleanField()
    consent_photos = serializers.BooleanField()
    fsm_claimed = serializers.BooleanField()
    fsm_verified = serializers.BooleanField(source="is_fsm_eligible")
    members = MemberOutput(many=True, source="members.all")
    collectors = CollectorOutput(many=True, source="collectors.all")


class SignUpOutput(serializers.Serializer):
    id = serializers.IntegerField()
    activity_id = serializers.IntegerField()
    activity = serializers.CharField(source="activity.title")
    session_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    places = serializers.IntegerField()
    member_ids = serializers.SerializerMethodField()
    waitlist_position = serializers.SerializerMethodField()
    referred = serializers.SerializerMethodField()
    amount_pence = serializers.IntegerField(help_text="What the place costs (0: free).")
    cancelled_session_ids = serializers.SerializerMethodField(
        help_text="Dates of a whole-series place the family is not coming to."
    )

    def get_member_ids(self, obj) -> list[int]:
        chosen = getattr(obj, "chosen_member_ids", None)  # set by signup_create
        return chosen if chosen is not None else [m.pk for m in obj.members.all()]

    def get_cancelled_session_ids(self, obj) -> list[int]:
        if getattr(obj, "just_created", False):  # set by signup_create
            return []  # no date cancelled yet
        return sorted(c.session_id for c in obj.cancelled_dates.all())

    def get_waitlist_position(self, obj) -> int | None:
        if hasattr(obj, "position"):
            return obj.position
        return waitlist_position(signup=obj)

    def get_referred(self, obj) -> bool:
        return obj.referral_id is not None


class ReferralOutput(serializers.Serializer):
    id = serializers.IntegerField()
    household = serializers.CharField(source="household.name")
    household_reference = serializers.CharField(source="household.reference")
    activity_id = serializers.IntegerField()
    activity = serializers.CharField(source="activity.title")
    status = serializers.CharField()
    note = serializers.CharField()
    sessions_attended = serializers.IntegerField(source="attended", default=0)
