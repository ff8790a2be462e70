"""The shared foundations every app uses: the audit log, the page helper for
service errors and the database-error mapper."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, OperationalError, transaction
from django.test import RequestFactory

from hub import audit, db_errors
from hub.errors import Conflict, DomainError, NotFound, PermissionDenied
from hub.forms_base import HubForm
from hub.models import AuditEntry, Room
from hub.views_base import act, submit
from tests.factories import RoomFactory, UserFactory


@pytest.mark.django_db
class TestAuditLog:
    def test_it_records_who_what_why_and_the_change(self, room):
        user = UserFactory(username="sam")
        before = audit.snapshot(room, ["capacity", "name"])
        room.capacity = 40
        with transaction.atomic():
            audit.audit_record(
                actor=user,
                action="room.edited",
                obj=room,
                reason="Tables moved",
                changes=audit.diff(before, audit.snapshot(room, ["capacity", "name"])),
            )
        entry = AuditEntry.objects.get()
        assert (entry.actor, entry.actor_name, entry.action) == (
            user,
            "sam",
            "room.edited",
        )
        assert entry.reason == "Tables moved"
        assert entry.changes == {"capacity": [80, 40]}
        assert entry.site_id == room.site_id
        assert list(audit.audit_history_for(room)) == [entry]

    def test_an_entry_rolls_back_with_the_change(self, room):
        with pytest.raises(DomainError), transaction.atomic():
            audit.audit_record(actor=None, action="room.edited", obj=room)
            raise DomainError("changed my mind")
        assert not AuditEntry.objects.exists()

    def test_the_system_is_recorded_as_no_actor(self, room):
        with transaction.atomic():
            audit.audit_record(actor=None, action="room.edited", obj=room)
        assert AuditEntry.objects.get().actor_name == ""

    def test_erasing_keeps_the_fact_but_not_the_personal_data(self, room):
        with transaction.atomic():
            audit.audit_record(
                actor=None,
                action="room.edited",
                obj=room,
                reason="Asked by Jo Bloggs",
                changes={"name": ["Jo's room", "Hall"]},
            )
        assert audit.audit_erase([room]) == 1
        entry = AuditEntry.objects.get()
        assert entry.action == "room.edited"
        assert "Jo" not in f"{entry.object_repr}{entry.reason}{entry.changes}"

    def test_many_objects_get_one_entry_each(self, site):
        rooms = RoomFactory.create_batch(3, site=site)
        with transaction.atomic():
            audit.audit_record_many(actor=None, action="room.closed", objs=rooms)
        assert AuditEntry.objects.filter(action="room.closed").count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_refuses_to_write_outside_a_transaction(room):
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        audit.audit_record(actor=None, action="room.edited", obj=room)
    assert not AuditEntry.objects.exists()


class _NameForm(HubForm):
    from django import forms

    name = forms.CharField()


@pytest.mark.django_db
class TestPageHelper:
    def _request(self):
        request = RequestFactory().post("/")
        from django.contrib.messages.storage.fallback import FallbackStorage

        request.session = {}
        request._messages = FallbackStorage(request)
        return request

    def test_a_domain_error_lands_on_its_field_and_nothing_is_saved(self, room):
        form = _NameForm({"name": "x"})

        def action(data):
            Room.objects.filter(pk=room.pk).update(name="changed")
            raise DomainError("Choose a longer name.", field="name")

        done = submit(form, action)
        assert not done
        assert form.errors == {"name": ["Choose a longer name."]}
        room.refresh_from_db()
        assert room.name == "Main hall"

    def test_a_constraint_violation_becomes_a_plain_field_error(self, room):
        form = _NameForm({"name": "x"})

        def action(data):
            Room.objects.filter(pk=room.pk).update(capacity=0)

        done = submit(form, action)
        assert not done
        text = str(form.errors)
        assert "constraint" not in text.lower()
        # This form has no capacity field, so the message leads the form.
        assert form.errors == {"__all__": ["Capacity must be at least 1 person."]}
        room.refresh_from_db()
        assert room.capacity == 80

    def test_an_invalid_form_never_calls_the_service(self):
        called = []
        done = submit(_NameForm({}), lambda data: called.append(data))
        assert not done and called == []

    def test_a_button_shows_the_error_and_each_detail(self):
        request = self._request()

        def action():
            raise Conflict(
                "The room is taken.", details=[{"message": "Tue 3 Mar 18:00"}]
            )

        assert not act(request, action, success="Done")
        assert [str(m) for m in get_messages(request)] == [
            "The room is taken. Tue 3 Mar 18:00"
        ]

    @pytest.mark.parametrize("error", [NotFound("gone"), PermissionDenied("no")])
    def test_not_found_and_forbidden_are_left_to_the_error_pages(self, error):
        def action():
            raise error

        with pytest.raises(type(error)):
            act(self._request(), action)


class TestDatabaseErrors:
    @pytest.mark.parametrize(
        "text",
        ["database is locked", "deadlock detected"],
    )
    def test_busy_databases_are_a_retry_not_a_clash(self, text):
        exc = OperationalError(text)
        if "deadlock" in text:
            cause = Exception("deadlock")
            cause.sqlstate = "40P01"
            exc.__cause__ = cause
        error = db_errors.domain_error_for(exc)
        assert isinstance(error, db_errors.Busy)
        assert error.code == "try_again"
        assert error.status_code == 409

    def test_an_unknown_integrity_error_is_a_real_fault(self):
        assert db_errors.domain_error_for(IntegrityError("mystery")) is None

    def test_translated_raises_the_domain_error(self):
        with pytest.raises(DomainError) as caught, db_errors.translated():
            raise IntegrityError("CHECK constraint failed: room_capacity_positive")
        assert caught.value.field == "capacity"
        assert "constraint" not in caught.value.message.lower()


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("room.created", "Room created"),
        ("compliance_document.verified", "Compliance document verified"),
        ("booking.approved_except", "Booking approved except some dates"),
        ("signup.promoted", "Sign-up moved off the waiting list"),
    ],
)
def test_history_tables_read_actions_in_plain_english(action, label):
    assert audit.action_label(action) == label
