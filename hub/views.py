"""Pages for sites and rooms: the public directory, the business manager's
pages for their own sites, and the platform admin's site and role pages.

Each handler: a selector finds what the person may manage (404/403 otherwise),
the form parses, hub.views_base.submit calls the service (which checks the
permission again and records the change), then redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hub import selectors, services
from hub.forms import (
    ClosureForm,
    DatePeriodForm,
    OpeningHoursForm,
    RoomForm,
    SiteCreateForm,
    SiteForm,
    StaffRoleForm,
)
from hub.models import Site
from hub.rules import require_perm
from hub.views_base import act, submit


def home(request):
    return render(request, "hub/home.html")


def _done(request, message: str) -> None:
    messages.success(request, message)


# Public pages


def site_list(request):
    sites = selectors.site_list_public()
    managed = set(
        selectors.site_list_managed(actor=request.user).values_list("pk", flat=True)
    )
    return render(request, "hub/site_list.html", {"sites": sites, "managed": managed})


def site_detail(request, slug: str):
    site = selectors.site_get_public(slug=slug)
    context = {
        "site": site,
        "rooms": site.rooms.all(),
        "week": selectors.opening_week(site=site),
    }
    return render(request, "hub/site_detail.html", context)


def room_detail(request, slug: str, room_slug: str):
    room = selectors.room_get_public(site_slug=slug, room_slug=room_slug)
    context = {
        "room": room,
        "site": room.site,
        "week": selectors.opening_week(site=room.site),
    }
    return render(request, "hub/room_detail.html", context)


# Business manager pages


@login_required
def site_manage(request, slug: str):
    site = selectors.site_get_for(actor=request.user, slug=slug)
    context = {
        "site": site,
        "rooms": site.rooms.prefetch_related("features").order_by("name"),
        "week": selectors.opening_week(site=site),
        "history": selectors.site_history(site=site),
    }
    return render(request, "hub/site_manage.html", context)


@login_required
def site_edit(request, slug: str):
    site = selectors.site_get_for(actor=request.user, slug=slug)
    # The form works on its own copy, so the service sees the stored values
    # (and records what changed).
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    if request.method == "POST" and submit(
        form, lambda data: services.site_update(actor=request.user, site=site, **data)
    ):
        _done(request, "School details saved.")
        return redirect("hub:site-manage", slug=site.slug)
    site.refresh_from_db()
    return render(request, "hub/site_form.html", {"form": form, "site": site})


@login_required
def site_hours(request, slug: str):
    site = selectors.site_get_for(actor=request.user, slug=slug)
    form = OpeningHoursForm(
        request.POST or None, initial=OpeningHoursForm.initial_for(site)
    )
    if request.method == "POST" and submit(
        form,
        lambda _: services.opening_hours_set(
            actor=request.user, site=site, hours=form.hours()
        ),
    ):
        _done(request, "Opening hours saved.")
        return redirect("hub:site-manage", slug=site.slug)
    return render(request, "hub/site_hours.html", {"form": form, "site": site})


@login_required
def room_add(request, slug: str):
    site = selectors.site_get_for(actor=request.user, slug=slug, perm="hub.add_room")
    form = RoomForm(request.POST or None)
    if request.method == "POST" and submit(
        form,
        lambda _: services.room_create(
            actor=request.user, site=site, **form.service_kwargs()
        ),
    ):
        _done(request, f"Room “{form.cleaned_data['name']}” added.")
        return redirect("hub:site-manage", slug=site.slug)
    return render(request, "hub/room_form.html", {"form": form, "site": site})


@login_required
def room_edit(request, slug: str, room_slug: str):
    room = selectors.room_get_for(
        actor=request.user, site_slug=slug, room_slug=room_slug
    )
    form = RoomForm(request.POST or None, initial=RoomForm.initial_for(room))
    if request.method == "POST" and submit(
        form,
        lambda _: services.room_update(
            actor=request.user, room=room, **form.service_kwargs()
        ),
    ):
        _done(request, f"Room “{room.name}” saved.")
        return redirect("hub:site-manage", slug=slug)
    room.refresh_from_db()
    context = {"form": form, "site": room.site, "room": room}
    return render(request, "hub/room_form.html", context)


DATE_KINDS = {
    "term": (DatePeriodForm, services.term_create, services.term_delete),
    "holiday": (DatePeriodForm, services.holiday_create, services.holiday_delete),
    "closure": (ClosureForm, services.closure_create, services.closure_delete),
}
DATE_LISTS = {
    "term": selectors.site_terms,
    "holiday": selectors.site_holidays,
    "closure": selectors.site_closures,
}


def _date_forms(data=None, kind: str = "") -> dict:
    return {
        name: spec[0](data if name == kind else None, prefix=name)
        for name, spec in DATE_KINDS.items()
    }


@login_required
def site_dates(request, slug: str, kind: str = ""):
    """Terms, holidays and closures: list, and one add form for each."""
    site = selectors.site_get_for(
        actor=request.user, slug=slug, perm="hub.manage_calendar"
    )
    if kind and kind not in DATE_KINDS:
        raise Http404
    forms = _date_forms(request.POST if request.method == "POST" else None, kind)
    if request.method == "POST" and kind:
        create = DATE_KINDS[kind][1]
        if submit(
            forms[kind], lambda data: create(actor=request.user, site=site, **data)
        ):
            _done(request, f"{kind.title()} added.")
            return redirect("hub:site-dates", slug=site.slug)
    context = {
        "site": site,
        "forms": forms,
        "terms": selectors.site_terms(site=site).select_related("trust"),
        "holidays": selectors.site_holidays(site=site).select_related("trust"),
        "closures": selectors.site_closures(site=site),
    }
    return render(request, "hub/site_dates.html", context)


@login_required
@require_POST
def site_date_delete(request, slug: str, kind: str, pk: int):
    site = selectors.site_get_for(
        actor=request.user, slug=slug, perm="hub.manage_calendar"
    )
    if kind not in DATE_KINDS:
        raise Http404
    # Only the site's own dates, never a trust's shared one.
    entry = get_object_or_404(DATE_LISTS[kind](site=site), pk=pk, site=site)
    delete = DATE_KINDS[kind][2]
    act(
        request,
        lambda: delete(actor=request.user, **{kind: entry}),
        success=f"{entry} removed.",
    )
    return redirect("hub:site-dates", slug=site.slug)


# Platform admin pages


@login_required
def site_create(request):
    require_perm(request.user, "hub.add_site")  # who may see the page at all
    form = SiteCreateForm(request.POST or None)
    if request.method == "POST" and submit(
        form, lambda data: services.site_create(actor=request.user, **data)
    ):
        name = form.cleaned_data["name"]
        _done(request, f"{name} created. Now assign its staff.")
        return redirect("hub:site-roles", slug=form.cleaned_data["slug"])
    return render(request, "hub/site_create.html", {"form": form})


@login_required
def site_roles(request, slug: str):
    site = selectors.site_get_for(
        actor=request.user, slug=slug, perm="hub.assign_roles"
    )
    form = StaffRoleForm(request.POST or None)
    if request.method == "POST" and submit(
        form,
        lambda data: services.staff_role_assign(
            actor=request.user, site=site, user=form.user, role=data["role"]
        ),
    ):
        _done(request, f"{form.user.email} now has that role.")
        return redirect("hub:site-roles", slug=site.slug)
    context = {
        "site": site,
        "form": form,
        "roles": selectors.site_staff_roles(site=site),
    }
    return render(request, "hub/site_roles.html", context)


@login_required
@require_POST
def site_role_remove(request, slug: str, pk: int):
    site = selectors.site_get_for(
        actor=request.user, slug=slug, perm="hub.assign_roles"
    )
    staff_role = get_object_or_404(selectors.site_staff_roles(site=site), pk=pk)
    act(
        request,
        lambda: services.staff_role_remove(actor=request.user, staff_role=staff_role),
        success=f"Removed: {staff_role.user.email}, {staff_role.get_role_display()}.",
    )
    return redirect("hub:site-roles", slug=site.slug)
