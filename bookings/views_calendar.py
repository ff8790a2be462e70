"""A site's bookings calendar (day, week, month) for its managers and staff."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.forms import DayForm
from bookings.site_calendar import VIEWS, period_for, site_calendar
from hub.models import Site


@login_required
def site_calendar_view(request, site_id: int):
    site = get_object_or_404(Site, pk=site_id)
    if not request.user.has_perm("bookings.view_site_calendar", site):
        raise Http404("No such school calendar.")  # others do not learn it exists
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
    form = DayForm(request.GET)
    day = form.cleaned_data.get("day") if form.is_valid() else None
    period = period_for(view, day or timezone.localdate(timezone=site.zoneinfo))
    context = {
        "site": site,
        "cal": site_calendar(site=site, period=period),
        "period": period,
        "views": VIEWS,
        "today": timezone.localdate(timezone=site.zoneinfo),
    }
    return render(request, "bookings/site_calendar.html", context)
