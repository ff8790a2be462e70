"""The room finder page: a GET form, results with free dates and prices, and a
"Request this room" link that fills in the booking request."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from bookings.finder import room_search
from bookings.forms_finder import FinderForm
from bookings.scheduling import WEEKDAY_NAMES

PER_PAGE = 20


@login_required
def room_finder(request):
    if not request.user.has_perm("bookings.view_availability"):
        raise PermissionDenied
    bound = "start_time" in request.GET
    form = FinderForm(request.GET if bound else None, user=request.user)
    context = {"form": form, "searched": form.is_bound and form.is_valid()}
    if context["searched"]:
        search, partner = form.search(), form.cleaned_data["partner"]
        results = room_search(search=search, partner=partner)
        page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
        context |= {
            "search": search,
            "count": len(results),
            "page": page,
            "rows": [_row(r, search, partner) for r in page.object_list],
            "partner": partner,
            "weekday_labels": [WEEKDAY_NAMES[d] + "s" for d in search.weekdays],
            "page_query": _without_page(request.GET),
        }
    return render(request, "bookings/finder.html", context)


def _row(result, search, partner) -> dict:
    """A result and its "Request this room" links (one per weekday)."""
    url = reverse("bookings:request")
    extra = {"partner": partner.pk} if partner else {}
    return {
        "result": result,
        "requests": [
            (label, f"{url}?{urlencode(params | extra)}")
            for label, params in result.requests(search)
        ],
    }


def _without_page(query) -> str:
    params = query.copy()
    params.pop("page", None)
    return params.urlencode()
