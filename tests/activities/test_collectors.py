"""Issue 9: authorised collectors are records (name, relationship, phone,
optional password and notes), edited by the family on its household pages
and in the API, audited on the household (the password never written in the
history), in the family's data download, deleted on erasure, and shown on a
register only to the people running that session (need-to-know)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from activities.errors import DomainError, NotFound, PermissionDenied
from activities.models import AuthorisedCollector
from activities.register_selectors import register_get
from activities.selectors import household_export
from activities.services import (
    collector_add,
    collector_remove,
    collector_update,
    household_create,
    household_request_deletion,
)
from activities.services.collectors import MAX_COLLECTORS, collector_get_own
from hub.models import AuditEntry, StaffRole
from tests.activities.factories import family, sign_up
from tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

RITA = {
    "name": "Rita Khan",
    "relationship": "grandmother",
    "phone": "07700 900456",
    "password": "bluebell",
}


def _add(household, **fields):
    return collector_add(
        household=household, added_by=household.user, **(RITA | fields)
    )


# Services ---------------------------------------------------------------------


def test_a_family_adds_changes_and_removes_a_collector():
    household, _ = family()
    rita = _add(household, notes="Collects on Tuesdays")
    assert list(household.collectors.all()) == [rita]
    added = AuditEntry.objects.get(action="household.collector_added")
    assert added.object_id == str(household.pk) or added.object_id == household.pk
    assert added.changes[f"collector #{rita.pk} name"] == [None, "Rita Khan"]
    assert added.changes[f"collector #{rita.pk} password"] == [None, "(hidden)"]
    collector_update(collector=rita, updated_by=household.user, phone="07700 900999")
    changed = AuditEntry.objects.get(action="household.collector_changed")
    assert changed.changes == {
        f"collector #{rita.pk} phone": ["07700 900456", "07700 900999"]
    }
    rita_id = rita.pk
    collector_remove(collector=rita, removed_by=household.user)
    assert not AuthorisedCollector.objects.exists()
    removed = AuditEntry.objects.get(action="household.collector_removed")
    assert removed.changes[f"collector #{rita_id} name"] == ["Rita Khan", None]
    assert "bluebell" not in str(
        list(AuditEntry.objects.values_list("changes", flat=True))
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("name", "Enter the name of the person who may collect your children."),
        ("relationship", "Enter who they are to your children"),
        ("phone", "Enter a phone number for them"),
    ],
)
def test_name_relationship_and_phone_are_needed(field, message):
    household, _ = family()
    with pytest.raises(DomainError, match=message) as error:
        _add(household, **{field: "  "})
    assert error.value.field == field
    assert not AuthorisedCollector.objects.exists()
    assert not AuditEntry.objects.filter(action="household.collector_added").exists()


def test_too_long_and_unknown_fields_are_refused():
    household, _ = family()
    with pytest.raises(DomainError, match="Name must be 200 characters") as error:
        _add(household, name="x" * 201)
    assert error.value.field == "name"
    with pytest.raises(DomainError, match="colour cannot be set here"):
        _add(household, colour="red")
    assert not AuthorisedCollector.objects.exists()


def test_at_most_twenty():
    household, _ = family()
    for n in range(MAX_COLLECTORS):
        _add(household, name=f"Person {n}")
    with pytest.raises(DomainError, match="at most 20"):
        _add(household)
    assert household.collectors.count() == MAX_COLLECTORS


def test_only_the_family_changes_its_collectors():
    household, _ = family()
    rita = _add(household)
    other, _ = family()
    with pytest.raises(PermissionDenied):
        collector_add(household=household, added_by=other.user, **RITA)
    with pytest.raises(PermissionDenied):
        collector_update(collector=rita, updated_by=other.user, name="Someone")
    with pytest.raises(PermissionDenied):
        collector_remove(collector=rita, removed_by=other.user)
    with pytest.raises(NotFound):
        collector_get_own(collector_id=rita.pk, user=other.user)
    rita.refresh_from_db()
    assert rita.name == "Rita Khan" and household.collectors.count() == 1


def test_a_new_household_can_list_collectors_at_once():
    user = UserFactory()
    household = household_create(user=user, name="The Ng family", collectors=[RITA])
    assert household.collectors.get().name == "Rita Khan"
    entry = AuditEntry.objects.get(action="household.created")
    assert any(key.startswith("collector #") for key in entry.changes)


def test_they_are_in_the_data_download_and_gone_after_erasure():
    household, _ = family()
    _add(household)
    exported = household_export(household=household)
    assert exported["collectors"][0]["name"] == "Rita Khan"
    household_request_deletion(household=household, requested_by=household.user)
    assert not AuthorisedCollector.objects.exists()


# The register: the session's runners only -----------------------------------


@pytest.fixture
def booked(activity):
    household, members = family(children=1)
    _add(household, notes="Has a blue car")
    sign_up(activity, household, members)
    session = activity.sessions.order_by("starts_at").first()
    session.activity = activity
    return household, session


def test_runners_see_who_may_collect_on_the_register(
    client, booked, partner_user, time_machine
):
    _, session = booked
    time_machine.move_to(session.starts_at, tick=False)
    client.force_login(partner_user)
    page = client.get(reverse("activities:register", args=[session.pk]))
    body = page.content.decode()
    for text in ("Rita Khan", "(grandmother)", "07700 900456", "bluebell", "blue car"):
        assert text in body
    api = client.get(f"/api/v1/sessions/{session.pk}/register/").json()
    [row] = [r for r in api["rows"] if r["kind"] == "child"]
    assert row["authorised_collectors"][0]["name"] == "Rita Khan"
    assert row["cancelled_for_date"] is False


@pytest.mark.parametrize("role", ["manager", "site_staff"])
def test_school_staff_do_not_see_who_may_collect(
    client, request, booked, site, time_machine, role
):
    _, session = booked
    if role == "site_staff":
        user = StaffRoleFactory(site=site, role=StaffRole.Role.SITE_STAFF).user
    else:
        user = request.getfixturevalue("manager")
    time_machine.move_to(session.starts_at, tick=False)
    assert not register_get(session=session, user=user).show_notes
    client.force_login(user)
    body = client.get(reverse("activities:register", args=[session.pk])).content
    assert b"Rita Khan" not in body and b"bluebell" not in body
    api = client.get(f"/api/v1/sessions/{session.pk}/register/").json()
    assert all(r["authorised_collectors"] is None for r in api["rows"])


def test_the_register_reads_collectors_in_a_fixed_number_of_queries(
    activity, partner_user, time_machine, django_assert_max_num_queries
):
    activity.capacity = 40
    activity.save()
    for n in range(6):
        household, members = family(children=2)
        _add(household, name=f"Collector {n}")
        _add(household, name=f"Second {n}")
        sign_up(activity, household, members)
    session = activity.sessions.order_by("starts_at").first()
    time_machine.move_to(session.starts_at, tick=False)
    with django_assert_max_num_queries(12):
        register = register_get(session=session, user=partner_user)
        names = {
            c.name for row in register.rows for c in row.household.collectors.all()
        }
    assert len(names) == 12


# Pages ----------------------------------------------------------------------------


def test_the_family_manages_collectors_on_its_pages(client):
    household, _ = family()
    client.force_login(household.user)
    page = client.get(reverse("activities:household")).content.decode()
    assert "Who may collect your children" in page
    assert "No one added: only you may collect your children." in page
    response = client.post(reverse("activities:collector-add"), RITA | {"notes": ""})
    assert response.url == reverse("activities:household")
    rita = household.collectors.get()
    page = client.get(reverse("activities:household")).content.decode()
    assert "Rita Khan" in page and "grandmother" in page and "Password set" in page
    assert "bluebell" not in page  # the password is never shown back
    edit = reverse("activities:collector-edit", args=[rita.pk])
    client.post(edit, RITA | {"phone": "07700 900111", "notes": ""})
    rita.refresh_from_db()
    assert rita.phone == "07700 900111"
    remove = reverse("activities:collector-remove", args=[rita.pk])
    ask = client.get(remove).content.decode()
    assert "Remove Rita Khan?" in ask
    assert household.collectors.exists()  # asking changes nothing
    client.post(remove)
    assert not household.collectors.exists()


def test_the_form_says_what_is_missing(client):
    household, _ = family()
    client.force_login(household.user)
    response = client.post(
        reverse("activities:collector-add"),
        {"name": "", "relationship": "", "phone": "", "password": "", "notes": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the name of the person who may collect your children." in body
    assert "Enter who they are to your children" in body
    assert "Enter a phone number for them" in body
    assert not AuthorisedCollector.objects.exists()


def test_another_familys_collector_is_not_found(client):
    household, _ = family()
    rita = _add(household)
    other, _ = family()
    client.force_login(other.user)
    for name in ("activities:collector-edit", "activities:collector-remove"):
        assert client.get(reverse(name, args=[rita.pk])).status_code == 404
        assert client.post(reverse(name, args=[rita.pk]), RITA).status_code == 404
    rita.refresh_from_db()
    assert rita.name == "Rita Khan"


# API ---------------------------------------------------------------------------


def test_the_api_lists_adds_changes_and_removes(client):
    household, _ = family()
    client.force_login(household.user)
    url = "/api/v1/households/me/collectors/"
    created = client.post(url, RITA, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Rita Khan" and body["password"] == "bluebell"
    listed = client.get(url).json()
    assert listed["count"] == 1
    detail = f"{url}{body['id']}/"
    changed = client.patch(
        detail, {"relationship": "gran"}, content_type="application/json"
    )
    assert changed.json()["relationship"] == "gran"
    assert (
        client.get("/api/v1/households/me/").json()["collectors"][0]["id"]
        == (body["id"])
    )
    assert client.delete(detail).status_code == 204
    assert not AuthorisedCollector.objects.exists()


def test_the_api_refuses_a_missing_phone_naming_the_field(client):
    household, _ = family()
    client.force_login(household.user)
    response = client.post(
        "/api/v1/households/me/collectors/",
        {"name": "Rita", "relationship": "aunt"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "phone" in response.json()["error"]["fields"]
    assert not AuthorisedCollector.objects.exists()


def test_the_add_and_change_pages_say_what_they_did_and_audit_it(client):
    household, _ = family()
    client.force_login(household.user)
    add = reverse("activities:collector-add")
    page = client.get(add)
    assert page.status_code == 200
    assert "Add someone who may collect your children" in page.content.decode()
    response = client.post(add, RITA | {"notes": ""})
    assert response.url == reverse("activities:household")
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == ["Rita Khan may now collect your children."]
    rita = household.collectors.get()
    assert AuditEntry.objects.filter(action="household.collector_added").count() == 1
    edit = reverse("activities:collector-edit", args=[rita.pk])
    page = client.get(edit)
    assert page.status_code == 200 and "Change Rita Khan" in page.content.decode()
    response = client.post(edit, RITA | {"name": "Rita Ng", "notes": ""})
    assert response.url == reverse("activities:household")
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == ["Rita Ng's details are saved."]
    changed = AuditEntry.objects.get(action="household.collector_changed")
    assert changed.changes == {f"collector #{rita.pk} name": ["Rita Khan", "Rita Ng"]}


def test_the_change_page_says_what_is_missing_and_saves_nothing(client):
    household, _ = family()
    rita = _add(household)
    client.force_login(household.user)
    edit = reverse("activities:collector-edit", args=[rita.pk])
    response = client.post(edit, RITA | {"phone": "", "notes": ""})
    assert response.status_code == 400
    assert "Enter a phone number for them" in response.content.decode()
    rita.refresh_from_db()
    assert rita.phone == "07700 900456"
    assert not AuditEntry.objects.filter(action="household.collector_changed").exists()


def test_adding_a_collector_without_a_household_asks_for_one_first(client):
    client.force_login(UserFactory())
    response = client.get(reverse("activities:collector-add"))
    assert response.url == reverse("activities:household-create")
