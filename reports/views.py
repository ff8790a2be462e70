"""Report pages and downloads. Thin: the scope (404 unless the reader may see
it), the period from the form, then the one suppressed table
(reports.figures / reports.termly) shown, or written as CSV or XLSX."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify

from hub.views_base import submit
from reports import exports
from reports.figures import DIMENSIONS, impact_table
from reports.forms import ReportForm
from reports.periods import current_school_year, period_from
from reports.presentation import figure_charts
from reports.scopes import scope_get, scopes_for
from reports.termly import DETAILS, termly_return

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def report_list(request):
    if not request.user.has_perm("reports.view_reports"):
        raise Http404("No reports")
    return render(request, "reports/list.html", {"scopes": scopes_for(request.user)})


def _choices(request, scope_key):
    """(scope, form, period, by): the period is None when the form has errors."""
    scope = scope_get(user=request.user, key=scope_key)
    form = ReportForm(request.GET or None)
    if not request.GET:
        return scope, form, current_school_year(), "site"
    done = submit(form, lambda data: period_from(**form.period_fields()))
    by = form.cleaned_data.get("by") or "site"
    return scope, form, done.value if done else None, by


@login_required
def impact(request, scope_key: str):
    scope, form, period, by = _choices(request, scope_key)
    context = {"scope": scope, "form": form, "period": period, "by": by}
    if period is not None:
        table = impact_table(scope=scope, period=period, by=by)
        context |= {
            "table": table,
            "charts": figure_charts(table),
            "by_label": DIMENSIONS[by],
            "query": request.GET.urlencode(),
        }
    return render(request, "reports/impact.html", context)


@login_required
def termly(request, scope_key: str):
    scope, form, period, _ = _choices(request, scope_key)
    context = {"scope": scope, "form": form, "period": period, "details": DETAILS}
    if period is not None:
        context |= {
            "table": termly_return(scope=scope, period=period),
            "query": request.GET.urlencode(),
        }
    return render(request, "reports/termly.html", context)


@login_required
def impact_download(request, scope_key: str, fmt: str):
    scope, form, period, by = _choices(request, scope_key)
    if period is None:
        return _back(request, "reports:impact", scope_key)
    table = impact_table(scope=scope, period=period, by=by)
    title = f"Impact report: {scope.label}, {period.label}, by {DIMENSIONS[by].lower()}"
    return _download(table, fmt, title=title, first=DIMENSIONS[by])


@login_required
def termly_download(request, scope_key: str, fmt: str):
    scope, form, period, _ = _choices(request, scope_key)
    if period is None:
        return _back(request, "reports:termly", scope_key)
    table = termly_return(scope=scope, period=period)
    title = f"Termly return: {scope.label}, {period.label}"
    return _download(table, fmt, title=title, first="Activity", details=DETAILS)


def _download(table, fmt, *, title, first, details=()):
    write = exports.to_csv if fmt == "csv" else exports.to_xlsx
    response = HttpResponse(
        write(table, title=title, first=first, details=details),
        content_type=CONTENT_TYPES[fmt],
    )
    name = slugify(title)[:120] or "report"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _back(request, name, scope_key):
    """Bad choices in a download link: the page, which shows what to fix."""
    return redirect(f"{reverse(name, args=[scope_key])}?{request.GET.urlencode()}")
