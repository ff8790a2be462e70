"""GET /api/v1/rooms/search/: the room finder (bookings.finder) as a paged
list, best fit first."""

import re

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from bookings.finder import (
    MAX_FEATURES,
    Search,
    check_times,
    room_search,
    search_dates,
)
from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated
from hub.errors import DomainError
from partners.models import Partner
from partners.rules import partner_ids_for

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SLUG_LIST = re.compile(r"^[a-z0-9-]+(,[a-z0-9-]+)*$")


class RoomSearchQuery(StrictInputSerializer):
    weekdays = serializers.RegexField(
        r"^(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))*$",
        max_length=27,
        required=False,
        help_text="Comma-separated, e.g. `tue,thu`; none means every day.",
        error_messages={
            "invalid": "Use mon, tue, wed, thu, fri, sat or sun, "
            "separated by commas, e.g. tue,thu."
        },
    )
    start_time = serializers.TimeField(
        help_text="Local wall-clock time at the school, HH:MM:SS."
    )
    end_time = serializers.TimeField(
        help_text="Local wall-clock time at the school, HH:MM:SS."
    )
    first_day = serializers.DateField(
        required=False, help_text="The date, or the first date. Or give `term`."
    )
    last_day = serializers.DateField(
        required=False, help_text="The last date, inclusive; default `first_day`."
    )
    term = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="A term's id: searches its dates in term time only.",
    )
    people = serializers.IntegerField(
        min_value=1, max_value=10_000, required=False, help_text="Room capacity."
    )
    features = serializers.RegexField(
        SLUG_LIST.pattern,
        max_length=400,
        required=False,
        help_text=f"Comma-separated feature slugs the room must all have "
        f"(at most {MAX_FEATURES}), e.g. `kitchen,step-free`.",
    )
    area = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A site's area, or a postcode district such as LS6.",
    )
    term_time_only = serializers.BooleanField(required=False, default=False)
    partner = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Price for this partner of yours; default your only one.",
    )

    def validate_features(self, value):
        slugs = value.split(",")
        if len(slugs) > MAX_FEATURES:
            raise serializers.ValidationError(f"Give at most {MAX_FEATURES} features.")
        return slugs

    def validate(self, attrs):
        check_times(attrs["start_time"], attrs["end_time"])
        first, last, term_only = search_dates(
            first_day=attrs.get("first_day"),
            last_day=attrs.get("last_day"),
            term_id=attrs.get("term"),
        )
        return {**attrs, "first_day": first, "last_day": last, "term_only": term_only}


class NotFreeOutput(serializers.Serializer):
    date = serializers.DateField(source="day")
    code = serializers.ChoiceField(
        choices=[
            "past",
            "time",
            "closure",
            "holiday",
            "closed_day",
            "outside_hours",
            "clash",
            "insurance",
        ],
        help_text="Why the date is not free.",
    )
    reason = serializers.CharField()


class PriceOutput(serializers.Serializer):
    per_session_pence = serializers.ListField(
        source="per_session",
        child=serializers.IntegerField(),
        help_text="The distinct prices of one session, in pence (weekends and "
        "evenings cost more).",
    )
    total_pence = serializers.IntegerField(
        source="total.pence", help_text="For every free date, in pence."
    )
    full_total_pence = serializers.IntegerField(
        source="total.full_pence", help_text="Before any discount, in pence."
    )


class RoomSearchResultOutput(serializers.Serializer):
    room_id = serializers.IntegerField(source="room.pk")
    room = serializers.CharField(source="room.name")
    site_id = serializers.IntegerField(source="room.site_id")
    site = serializers.CharField(source="room.site.name")
    area = serializers.CharField(source="room.site.area")
    postcode = serializers.CharField(source="room.site.postcode")
    capacity = serializers.IntegerField(source="room.capacity")
    features = serializers.SerializerMethodField()
    dates_requested = serializers.SerializerMethodField()
    free_dates = serializers.SerializerMethodField()
    not_free = NotFreeOutput(many=True)
    price = PriceOutput(source="*")

    def get_features(self, result) -> list[str]:
        return [f.slug for f in result.room.features.all()]

    def get_dates_requested(self, result) -> int:
        return len(result.dates)

    def get_free_dates(self, result) -> list[str]:
        return [d.day.isoformat() for d in result.free]


class RoomSearchApi(ApiView):
    """Bookable rooms at every school for a pattern of days and times, best
    fit first (most free dates, then the smallest room that holds everyone,
    then the cheapest), with the dates that are not free and why, and the
    price for the caller's partner (the full price for others)."""

    omit_error_statuses = (403,)  # any signed-in user may search

    @extend_schema(
        parameters=[RoomSearchQuery],
        responses=paginated(RoomSearchResultOutput),
        operation_id="rooms_search",
    )
    def get(self, request):
        query = self.query(RoomSearchQuery)
        partner = _partner(request.user, query.get("partner"))
        results = room_search(search=_search(query), partner=partner)
        return self.page(results, RoomSearchResultOutput)


def _search(query: dict) -> Search:
    weekdays = query.get("weekdays")
    return Search(
        first_day=query["first_day"],
        last_day=query["last_day"],
        start=query["start_time"],
        end=query["end_time"],
        weekdays=tuple(sorted({WEEKDAYS.index(d) for d in weekdays.split(",")}))
        if weekdays
        else (),
        people=query.get("people") or 1,
        features=tuple(query.get("features") or ()),
        area=query.get("area", ""),
        term_time_only=query["term_time_only"] or query["term_only"],
    )


def _partner(user, partner_id: int | None):
    """The caller's approved partner to price for: the one asked for (400 if
    not theirs), else their only one, else none (full price)."""
    mine = Partner.objects.filter(
        pk__in=partner_ids_for(user), status=Partner.Status.APPROVED
    )
    if partner_id is None:
        partners = list(mine[:2])
        return partners[0] if len(partners) == 1 else None
    partner = mine.filter(pk=partner_id).first()
    if partner is None:
        raise DomainError(
            f"You are not staff of an approved partner with id {partner_id}. "
            "Leave partner out or give one of yours.",
            field="partner",
        )
    return partner
