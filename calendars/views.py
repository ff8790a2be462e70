"""Pages: the feed itself (.ics), the person's calendar links, and the import
of a school's term dates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_POST, require_safe

from activities.models import SignUp
from activities.notifications import signup_ics, signup_sessions
from calendars import importing, selectors, services
from calendars.feeds import feed_build
from calendars.forms import ImportConfirmForm, ImportUploadForm
from calendars.models import FeedToken
from hub.selectors import site_get_for
from hub.views_base import act, submit


def _feed(request, token: str):
    """The feed for this address, built once per request (ETag, Last-Modified
    and the body all come from it); 404 if the link is unknown or revoked."""
    if not hasattr(request, "_calendar_feed"):
        found = selectors.feed_token_by_secret(token)
        if found is None:
            raise Http404("No calendar has this address.")
        row, target = found
        request._calendar_feed = feed_build(kind=row.kind, target=target)
    return request._calendar_feed


@require_safe
@gzip_page
@condition(
    etag_func=lambda request, token: _feed(request, token).etag,
    last_modified_func=lambda request, token: _feed(request, token).last_modified,
)
def feed(request, token: str):
    """The subscription feed: GET and HEAD, 304 on a matching ETag or date,
    gzip when the client accepts it."""
    calendar = _feed(request, token)
    response = HttpResponse(
        calendar.render(), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    # Clients may keep it but must ask again (304); no shared cache keeps it.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def feed_list(request):
    """The person's calendar links, with help for Google, Outlook and Apple."""
    services.feed_tokens_ensure(actor=request.user)
    links = selectors.feed_links(
        list(selectors.feed_tokens_for(request.user).select_related("user"))
    )
    return render(request, "calendars/feed_list.html", {"links": links})


def _own_token(request, token_id: int) -> FeedToken:
    return get_object_or_404(selectors.feed_tokens_for(request.user), pk=token_id)


@login_required
@require_POST
def feed_rotate(request, token_id: int):
    token = get_object_or_404(FeedToken.objects.filter(user=request.user), pk=token_id)
    act(
        request,
        lambda: services.feed_token_rotate(actor=request.user, token=token),
        success="You have a new link. The old one has stopped working: add the "
        "new one to your calendar app.",
    )
    return redirect("calendars:feeds")


@login_required
@require_POST
def feed_revoke(request, token_id: int):
    token = _own_token(request, token_id)
    act(
        request,
        lambda: services.feed_token_revoke(actor=request.user, token=token),
        success="That link has stopped working.",
    )
    return redirect("calendars:feeds")


@login_required
def dates_import(request, slug: str):
    """Upload a file of term dates, holidays and closures and see what it would
    change; nothing is saved until the preview is confirmed."""
    site = site_get_for(actor=request.user, slug=slug, perm="calendars.import_dates")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST":
        done = submit(
            form,
            lambda data: importing.import_preview(
                actor=request.user,
                site=site,
                data=data["file"].read(importing.MAX_BYTES + 1),
                filename=data["file"].name,
            ),
        )
        preview = done.value
    context = {"site": site, "form": form, "preview": preview}
    if preview is not None:
        context["confirm_form"] = ImportConfirmForm(initial={"token": preview.token})
    return render(request, "calendars/dates_import.html", context)


@login_required
@require_POST
def dates_import_confirm(request, slug: str):
    site = site_get_for(actor=request.user, slug=slug, perm="calendars.import_dates")
    form = ImportConfirmForm(request.POST)
    done = submit(
        form,
        lambda data: importing.import_confirm(
            actor=request.user, site=site, token=data["token"]
        ),
    )
    if done:
        counts = done.value
        messages.success(
            request,
            f"Dates imported: {counts['created']} added, {counts['changed']} "
            f"changed, {counts['unchanged']} already here.",
        )
        return redirect("hub:site-dates", slug=site.slug)
    for error in form.errors.get("token", []) + form.errors.get("__all__", []):
        messages.error(request, error)
    return redirect("calendars:dates-import", slug=site.slug)


@login_required
@require_safe
def signup_calendar(request, signup_id: int):
    """The "Add to calendar" file of one sign-up: its coming sessions as an .ics file
    (the same file the confirmation email attaches), for the family only."""
    signup = (
        SignUp.objects.select_related(
            "household", "activity__booking__room__site", "activity__partner", "session"
        )
        .filter(pk=signup_id, status=SignUp.Status.CONFIRMED)
        .first()
    )
    if signup is None or not request.user.has_perm(
        "calendars.subscribe_family", signup.household
    ):
        raise Http404("No such sign-up.")
    body = signup_ics(signup, signup_sessions(signup))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signup-{signup.pk}.ics"'
    return response
