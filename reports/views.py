"""Report pages and downloads. Thin: the scope (404 unless the reader may see
it), the period from the form, then the one suppressed table
(reports.figures / reports.termly) shown, or written as CSV or XLSX."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from hub.views_base import act, submit
from reports import background
from reports.exports import attachment
from reports.figures import DIMENSIONS, impact_table
from reports.forms import ReportForm
from reports.models import ReportExport
from reports.periods import current_school_year, period_from
from reports.presentation import figure_charts
from reports.scopes import scope_get, scopes_for
from reports.termly import DETAILS, termly_return


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
            "large": background.is_large(scope, period),
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
            "large": background.is_large(scope, period),
        }
    return render(request, "reports/termly.html", context)


@login_required
def impact_download(request, scope_key: str, fmt: str):
    return _file(request, scope_key, fmt, ReportExport.Kind.IMPACT, "reports:impact")


@login_required
def termly_download(request, scope_key: str, fmt: str):
    return _file(request, scope_key, fmt, ReportExport.Kind.TERMLY, "reports:termly")


def _file(request, scope_key, fmt, kind, page):
    """A small report's file at once; a large one's (background.is_large) is
    made in the background: GET shows a button, POST queues it and goes to
    its progress page."""
    scope, form, period, by = _choices(request, scope_key)
    if period is None:
        return _back(request, page, scope_key)
    by = by if kind == ReportExport.Kind.IMPACT else None
    if not background.is_large(scope, period):
        name, content = background.report_file(
            kind=kind, fmt=fmt, scope=scope, period=period, by=by
        )
        return attachment(name, content, fmt)
    title = background.report_title(kind, scope, period, by)
    if request.method != "POST":
        return render(
            request,
            "reports/export_start.html",
            {"scope": scope, "title": title, "fmt": fmt, "page": page},
        )
    done = act(
        request,
        lambda: background.export_request(
            user=request.user,
            kind=kind,
            fmt=fmt,
            scope_key=scope.key,
            params={**_period_fields(form, period), "by": by},
        ),
    )
    if not done:
        return _back(request, page, scope_key)
    return redirect("reports:export", export_id=done.value.pk, permanent=False)


def _period_fields(form, period) -> dict:
    """The period as chosen, or this school year when nothing was chosen."""
    if form.is_bound:
        return form.period_fields()
    return {"year": period.starts_on.year}


@login_required
def export_status(request, export_id):
    """The progress page of a file being made (reports/background.py)."""
    export = background.export_for(user=request.user, export_id=export_id)
    page = (
        "reports:termly"
        if export.kind == ReportExport.Kind.TERMLY
        else "reports:impact"
    )
    context = {"export": export, "scope_page": page, "keep_days": background.KEEP_DAYS}
    return render(request, "reports/export.html", context)


@login_required
def export_download(request, export_id):
    export = background.export_for(user=request.user, export_id=export_id)
    if export.status != ReportExport.Status.DONE:
        return redirect("reports:export", export_id=export.pk)
    return attachment(export.filename, background.export_content(export), export.fmt)


def _back(request, name, scope_key):
    """Bad choices in a download link: the page, which shows what to fix."""
    return redirect(f"{reverse(name, args=[scope_key])}?{request.GET.urlencode()}")
