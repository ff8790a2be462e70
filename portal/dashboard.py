"""The business manager's dashboard: what needs a decision, and what is on tonight."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from bookings.selectors import dashboard_panel_context
from hub.selectors import site_list_managed
from partners.models import Partner
from partners.selectors import document_warnings


@login_required
def dashboard(request):
    user = request.user
    if not user.has_perm("hub.view_dashboard"):
        raise PermissionDenied
    context = {
        "applications": list(
            Partner.objects.filter(status=Partner.Status.APPLIED).order_by("created_at")
        ),
        "warnings": document_warnings(),
        "sites": list(site_list_managed(actor=user)),
        **dashboard_panel_context(user=user),
    }
    return render(request, "portal/dashboard.html", context)
