"""Registers API: read a session's register, mark one person, add a walk-in
from a known household, and count people not registered. Each mark is its own
request, so a phone saves every tap by itself (activities/static/activities/
register.js). The rules are the services' (activities.services.registers):
403 for who may not, 409 outside the opening window or for a cancelled
session, 400 for someone not booked."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from activities import selectors
from activities.models import Attendance, HouseholdMember
from activities.register_selectors import register_get
from activities.serializers import CollectorOutput
from activities.services import registers
from hub.api_base import ApiView, StrictInputSerializer, local_iso

NOTE_FIELDS = ("allergies", "medical_notes", "send_notes")


class RegisterRowOutput(serializers.Serializer):
    member_id = serializers.IntegerField(source="member.pk")
    first_name = serializers.CharField(source="member.first_name")
    last_name = serializers.CharField(source="member.last_name")
    kind = serializers.CharField(source="member.kind")
    age = serializers.IntegerField(allow_null=True)
    household = serializers.CharField(source="member.household.name")
    booked = serializers.BooleanField(help_text="False for a walk-in.")
    status = serializers.CharField(
        help_text="present, absent, late, left_early, or empty if not marked yet."
    )
    arrived_at = serializers.SerializerMethodField()
    left_at = serializers.SerializerMethodField()
    allergies = serializers.SerializerMethodField()
    medical_notes = serializers.SerializerMethodField()
    send_notes = serializers.SerializerMethodField()
    emergency_contact = serializers.SerializerMethodField()
    authorised_collectors = serializers.SerializerMethodField(
        help_text="Who may collect them: null unless you run this session."
    )
    cancelled_for_date = serializers.BooleanField(
        source="cancelled_date",
        help_text="Their family cancelled this date of a whole-series place: "
        "not expected, cannot be marked absent.",
    )
    photo_consent = serializers.SerializerMethodField()

    def _site(self):
        return self.context["session"].activity.booking.room.site

    def get_arrived_at(self, row) -> str | None:
        return local_iso(row.mark.arrived_at, self._site()) if row.mark else None

    def get_left_at(self, row) -> str | None:
        return local_iso(row.mark.left_at, self._site()) if row.mark else None

    def _note(self, row, name) -> str | None:
        """None when the caller may not see notes (not the session's runners)."""
        return getattr(row.member, name) if self.context["show_notes"] else None

    def get_allergies(self, row) -> str | None:
        return self._note(row, "allergies")

    def get_medical_notes(self, row) -> str | None:
        return self._note(row, "medical_notes")

    def get_send_notes(self, row) -> str | None:
        return self._note(row, "send_notes")

    @extend_schema_field(
        serializers.ListField(child=CollectorOutput(), allow_null=True)
    )
    def get_authorised_collectors(self, row) -> list | None:
        if not self.context["show_notes"]:
            return None
        return CollectorOutput(row.member.household.collectors.all(), many=True).data

    def get_emergency_contact(self, row) -> str:
        h = row.member.household
        return " ".join(
            p for p in (h.emergency_contact_name, h.emergency_contact_phone) if p
        )

    def get_photo_consent(self, row) -> str:
        return "Photos allowed" if row.member.household.consent_photos else "No photos"


class RegisterOutput(serializers.Serializer):
    session_id = serializers.IntegerField(source="session.pk")
    activity = serializers.CharField(source="session.activity.title")
    starts_at = serializers.SerializerMethodField()
    state = serializers.ChoiceField(
        choices=["open", "not_open", "locked", "cancelled"],
        help_text="open; not_open (opens an hour before); locked (7 days after, "
        "managers only); cancelled.",
    )
    opens_at = serializers.SerializerMethodField()
    locks_at = serializers.SerializerMethodField()
    can_mark = serializers.BooleanField()
    notes_shown = serializers.BooleanField(source="show_notes")
    walk_in_count = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    def _site(self, register):
        return register.session.activity.booking.room.site

    def get_starts_at(self, register) -> str:
        return local_iso(register.session.starts_at, self._site(register))

    def get_opens_at(self, register) -> str:
        return local_iso(register.opens_at, self._site(register))

    def get_locks_at(self, register) -> str:
        return local_iso(register.locks_at, self._site(register))

    def get_walk_in_count(self, register) -> int:
        return register.walk_in_count.count if register.walk_in_count else 0

    @extend_schema_field(RegisterRowOutput(many=True))
    def get_rows(self, register) -> list:
        return RegisterRowOutput(
            register.rows,
            many=True,
            context={"session": register.session, "show_notes": register.show_notes},
        ).data


def _row_output(session, user, member_id: int):
    """The register row of one member, after a change (as GET shows it)."""
    register = register_get(session=session, user=user)
    row = next(r for r in register.rows if r.member.pk == member_id)
    context = {"session": session, "show_notes": register.show_notes}
    return RegisterRowOutput(row, context=context).data


class RegisterApi(ApiView):
    """A session's register, for the people running it and the school's staff
    (allergies, medical and SEND notes are null for the school's staff)."""

    @extend_schema(responses=RegisterOutput)
    def get(self, request, session_id: int):
        session = selectors.session_get(session_id=session_id, user=request.user)
        return Response(
            RegisterOutput(register_get(session=session, user=request.user)).data
        )


class AttendanceMarkApi(ApiView):
    @extend_schema_serializer(component_name="AttendanceMarkInput")
    class InputSerializer(StrictInputSerializer):
        status = serializers.ChoiceField(choices=Attendance.Status.choices)
        arrived_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            help_text="For late: when they arrived (now if left out).",
        )
        left_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            help_text="For left early: when they left (now if left out).",
        )

    @extend_schema(request=InputSerializer, responses=RegisterRowOutput)
    def put(self, request, session_id: int, member_id: int):
        data = self.input(self.InputSerializer)
        session = selectors.session_get(session_id=session_id, user=request.user)
        member = self.lookup(HouseholdMember.objects.all(), what="person", pk=member_id)
        registers.attendance_set(
            session=session, member=member, marked_by=request.user, **data
        )
        return Response(_row_output(session, request.user, member.pk))


class WalkInCreateApi(ApiView):
    @extend_schema_serializer(component_name="WalkInInput")
    class InputSerializer(StrictInputSerializer):
        household_reference = serializers.CharField(
            max_length=8, help_text="The 8-character reference the family gives."
        )
        member_id = serializers.IntegerField(min_value=1)
        status = serializers.ChoiceField(
            choices=[("present", "Present"), ("late", "Late")], default="present"
        )

    @extend_schema(request=InputSerializer, responses={201: RegisterRowOutput})
    def post(self, request, session_id: int):
        data = self.input(self.InputSerializer)
        session = selectors.session_get(session_id=session_id, user=request.user)
        mark = registers.walk_in_add(session=session, added_by=request.user, **data)
        return Response(
            _row_output(session, request.user, mark.member_id),
            status=status.HTTP_201_CREATED,
        )


class WalkInCountApi(ApiView):
    @extend_schema_serializer(component_name="WalkInCountInput")
    class InputSerializer(StrictInputSerializer):
        count = serializers.IntegerField(min_value=0, max_value=registers.MAX_WALK_INS)
        note = serializers.CharField(
            max_length=300, required=False, allow_blank=True, default=""
        )

    @extend_schema_serializer(component_name="WalkInCountOutput")
    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        note = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def put(self, request, session_id: int):
        data = self.input(self.InputSerializer)
        session = selectors.session_get(session_id=session_id, user=request.user)
        row = registers.walk_in_count_set(
            session=session, recorded_by=request.user, **data
        )
        return Response(self.OutputSerializer(row).data)
