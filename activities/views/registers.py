"""The register pages: a session's register on a phone (each tap saved by
activities/static/activities/register.js through the registers API; without
JavaScript the whole form is saved at once), walk-ins, and the count of people
not registered. Personal data: every response is no-store (hub.middleware)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.models import Attendance
from activities.register_forms import WalkInAddForm, WalkInCountForm, WalkInFindForm
from activities.register_selectors import register_get
from activities.services.registers import household_for_walk_in
from hub.views_base import act, submit

STATUS_CHOICES = Attendance.Status.choices


@login_required
def session_register(request, session_id: int):
    session = selectors.session_get(session_id=session_id, user=request.user)
    register = register_get(session=session, user=request.user)
    if request.method == "POST":
        marks = _posted_marks(request, register)
        done = act(
            request,
            lambda: services.register_save(
                session=session, marks=marks, marked_by=request.user
            ),
        )
        if done:
            messages.success(request, f"Register saved: {done.value} changed.")
            return redirect("activities:register", session.pk)
    return _render(request, register, count_form=_count_form(register))


def _posted_marks(request, register) -> dict[int, str]:
    return {
        row.member.pk: request.POST.get(f"status-{row.member.pk}", "")
        for row in register.rows
        if not row.cancelled_date  # not expected: nothing to mark
    }


def _count_form(register, data=None) -> WalkInCountForm:
    current = register.walk_in_count
    initial = {"count": current.count, "note": current.note} if current else {}
    return WalkInCountForm(data, initial=initial, prefix="walk-ins")


def _render(request, register, **extra):
    context = {
        "register": register,
        "session": register.session,
        "activity": register.session.activity,
        "zone": register.session.activity.booking.room.site.zoneinfo,
        "statuses": STATUS_CHOICES,
        **extra,
    }
    return render(request, "activities/session_register.html", context)


@login_required
@require_POST
def walk_in_count(request, session_id: int):
    session = selectors.session_get(session_id=session_id, user=request.user)
    register = register_get(session=session, user=request.user)
    form = _count_form(register, request.POST)
    if submit(
        form,
        lambda data: services.walk_in_count_set(
            session=session, recorded_by=request.user, **data
        ),
    ):
        messages.success(request, "Walk-ins saved.")
        return redirect("activities:register", session.pk)
    return _render(request, register, count_form=form)


@login_required
def walk_in_add(request, session_id: int):
    """Step 1 (GET with a reference): find the household; step 2 (POST): add
    the person who came."""
    session = selectors.session_get(session_id=session_id, user=request.user)
    find = WalkInFindForm(request.GET or request.POST or None)
    household = None
    done = submit(
        find,
        lambda data: household_for_walk_in(
            session=session, reference=data["household_reference"], actor=request.user
        ),
    )
    if done:
        household = done.value
    form = WalkInAddForm(
        request.POST if request.method == "POST" else None,
        household=household,
        initial={"household_reference": household.reference if household else ""},
    )
    if (
        request.method == "POST"
        and household
        and submit(
            form,
            lambda data: services.walk_in_add(
                session=session, added_by=request.user, **data
            ),
        )
    ):
        messages.success(request, "Walk-in added to the register.")
        return redirect("activities:register", session.pk)
    context = {
        "session": session,
        "activity": session.activity,
        "zone": session.activity.booking.room.site.zoneinfo,
        "find": find,
        "form": form,
        "household": household,
    }
    return render(request, "activities/register_walk_in.html", context)
