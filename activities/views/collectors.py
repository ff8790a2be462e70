"""The family's list of adults who may collect its children: add, change,
remove (asks first). Each change goes through the collectors services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from activities import selectors, services
from activities.forms_family import CollectorForm
from activities.services.collectors import collector_get_own
from hub.views_base import act, submit


@login_required
def collector_add(request):
    household = selectors.household_for_user(user=request.user)
    if household is None:
        return redirect("activities:household-create")
    return _collector_form(
        request,
        collector=None,
        save=lambda data: services.collector_add(
            household=household, added_by=request.user, **data
        ),
        said=lambda saved: f"{saved.name} may now collect your children.",
    )


@login_required
def collector_edit(request, collector_id: int):
    return _collector_form(
        request,
        collector=collector_get_own(collector_id=collector_id, user=request.user),
        # A fresh copy: the form writes the posted values onto its instance
        # while validating, and the service diffs against what was saved.
        save=lambda data: services.collector_update(
            collector=collector_get_own(collector_id=collector_id, user=request.user),
            updated_by=request.user,
            **data,
        ),
        said=lambda saved: f"{saved.name}'s details are saved.",
    )


def _collector_form(request, *, collector, save, said):
    """The add and change page: `save(data)` runs the service, `said(saved)`
    is the message after it; `collector` is None when adding."""
    form = CollectorForm(request.POST or None, instance=collector)
    done = submit(form, save)
    if done:
        messages.success(request, said(done.value))
        return redirect("activities:household")
    return render(
        request,
        "activities/collector_form.html",
        {"form": form, "collector": collector},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def collector_remove(request, collector_id: int):
    """Asks first; the POST removes them."""
    collector = collector_get_own(collector_id=collector_id, user=request.user)
    if request.method == "POST":
        done = act(
            request,
            lambda: services.collector_remove(
                collector=collector, removed_by=request.user
            ),
            success=f"{collector.name} may no longer collect your children.",
        )
        if done:
            return redirect("activities:household")
    return render(request, "activities/collector_remove.html", {"collector": collector})
