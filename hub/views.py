"""Pages for sites and rooms: the public directory, the business manager's
pages for their own sites, and the platform admin's site and role pages.

Each handler: check permission, let the form parse, call a service, redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from hub.models import Closure, Holiday, Room, Site, StaffRole, Term
from hub.rules import site_ids_for


def home(request):
    return render(request, "hub/home.html")


def _site_for(request, slug: str, perm: str) -> Site:
    site = get_object_or_404(Site.objects.select_related("trust"), slug=slug)
    if not request.user.has_perm(perm, site):
        raise PermissionDenied
    return site


def _save(form, service, **kwargs) -> bool:
    """Run a service; put its ValidationError on the form. True if it worked."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc}
        for field, error in errors.items():
            form.add_error(field if field in form.fields else None, error)
        return False
    return True


# Public pages


def site_list(request):
    sites = selectors.site_list_public()
    managed = site_ids_for(request.user, StaffRole.Role.BUSINESS_MANAGER)
    return render(request, "hub/site_list.html", {"sites": sites, "managed": managed})


def site_detail(request, slug: str):
    site = selectors.site_get_public(slug=slug)
    context = {
        "site": site,
        "rooms": site.rooms.all(),
        "week": selectors.opening_week(site=site),
        "can_manage": request.user.has_perm("hub.change_site", site),
    }
    return render(request, "hub/site_detail.html", context)


def room_detail(request, slug: str, room_slug: str):
    room = selectors.room_get_public(site_slug=slug, room_slug=room_slug)
    context = {
        "room": room,
        "site": room.site,
        "week": selectors.opening_week(site=room.site),
        "can_manage": request.user.has_perm("hub.change_room", room),
    }
    return render(request, "hub/room_detail.html", context)


# Business manager pages


@login_required
def site_manage(request, slug: str):
    site = _site_for(request, slug, "hub.change_site")
    context = {
        "site": site,
        "rooms": site.rooms.prefetch_related("features").order_by("name"),
        "week": selectors.opening_week(site=site),
    }
    return render(request, "hub/site_manage.html", context)


@login_required
def site_edit(request, slug: str):
    site = _site_for(request, slug, "hub.change_site")
    form = SiteForm(request.POST or None, instance=site)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, services.site_update, site=site, **form.cleaned_data)
    ):
        messages.success(request, "School details saved.")
        return redirect("hub:site-manage", slug=site.slug)
    site = Site.objects.get(pk=site.pk)  # the form may have changed the instance
    return render(request, "hub/site_form.html", {"form": form, "site": site})


@login_required
def site_hours(request, slug: str):
    site = _site_for(request, slug, "hub.change_site")
    form = OpeningHoursForm(
        request.POST or None, initial=OpeningHoursForm.initial_for(site)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, services.opening_hours_set, site=site, hours=form.hours())
    ):
        messages.success(request, "Opening hours saved.")
        return redirect("hub:site-manage", slug=site.slug)
    return render(request, "hub/site_hours.html", {"form": form, "site": site})


@login_required
def room_add(request, slug: str):
    site = _site_for(request, slug, "hub.add_room")
    form = RoomForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, services.room_create, site=site, **form.service_kwargs())
    ):
        messages.success(request, f"Room “{form.cleaned_data['name']}” added.")
        return redirect("hub:site-manage", slug=site.slug)
    return render(request, "hub/room_form.html", {"form": form, "site": site})


@login_required
def room_edit(request, slug: str, room_slug: str):
    room = get_object_or_404(
        Room.objects.select_related("site"), site__slug=slug, slug=room_slug
    )
    if not request.user.has_perm("hub.change_room", room):
        raise PermissionDenied
    form = RoomForm(request.POST or None, initial=RoomForm.initial_for(room))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(form, services.room_update, room=room, **form.service_kwargs())
    ):
        messages.success(request, f"Room “{room.name}” saved.")
        return redirect("hub:site-manage", slug=slug)
    context = {"form": form, "site": room.site, "room": room}
    return render(request, "hub/room_form.html", context)


DATE_KINDS = {
    "term": (Term, DatePeriodForm, services.term_create, services.term_delete),
    "holiday": (
        Holiday,
        DatePeriodForm,
        services.holiday_create,
        services.holiday_delete,
    ),
    "closure": (Closure, ClosureForm, services.closure_create, services.closure_delete),
}


def _date_forms(data=None, kind: str = "") -> dict:
    return {
        name: spec[1](data if name == kind else None, prefix=name)
        for name, spec in DATE_KINDS.items()
    }


@login_required
def site_dates(request, slug: str, kind: str = ""):
    """Terms, holidays and closures: list, and one add form for each."""
    site = _site_for(request, slug, "hub.manage_calendar")
    if kind and kind not in DATE_KINDS:
        raise Http404
    forms = _date_forms(request.POST if request.method == "POST" else None, kind)
    if request.method == "POST" and kind and forms[kind].is_valid():
        create = DATE_KINDS[kind][2]
        if _save(forms[kind], create, site=site, **forms[kind].cleaned_data):
            messages.success(request, f"{kind.title()} added.")
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
    site = _site_for(request, slug, "hub.manage_calendar")
    if kind not in DATE_KINDS:
        raise Http404
    model, _, _, delete = DATE_KINDS[kind]
    entry = get_object_or_404(model, pk=pk, site=site)  # never a trust's shared date
    delete(**{kind: entry})
    messages.success(request, f"{entry} removed.")
    return redirect("hub:site-dates", slug=site.slug)


# Platform admin pages


@login_required
def site_create(request):
    if not request.user.has_perm("hub.add_site"):
        raise PermissionDenied
    form = SiteCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        if _save(form, services.site_create, **fields):
            messages.success(
                request, f"{fields['name']} created. Now assign its staff."
            )
            return redirect("hub:site-roles", slug=fields["slug"])
    return render(request, "hub/site_create.html", {"form": form})


@login_required
def site_roles(request, slug: str):
    site = _site_for(request, slug, "hub.assign_roles")
    form = StaffRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        if _save(
            form, services.staff_role_assign, site=site, user=form.user, role=role
        ):
            messages.success(request, f"{form.user.email} now has that role.")
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
    site = _site_for(request, slug, "hub.assign_roles")
    staff_role = get_object_or_404(
        StaffRole.objects.select_related("user"), pk=pk, site=site
    )
    services.staff_role_remove(staff_role=staff_role)
    messages.success(
        request, f"Removed: {staff_role.user.email}, {staff_role.get_role_display()}."
    )
    return redirect("hub:site-roles", slug=site.slug)
