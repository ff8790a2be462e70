"""Reports API: the same tables as the pages and downloads (suppressed by
reports.suppression), as JSON. The scope is in the address: a scope the caller
may not see is a 404."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from hub.api_base import ApiView, StrictInputSerializer
from hub.api_schema import paginated
from reports import background
from reports.exports import CONTENT_TYPES, attachment
from reports.figures import DIMENSIONS, impact_table
from reports.models import ReportExport
from reports.periods import period_from
from reports.scopes import scope_get, scopes_for
from reports.termly import termly_return

UNITS = {
    "people": "people",
    "count": "count",
    "rate": "percent",
    "hours": "minutes",
    "money": "pence",
}
SCOPE_PARAM = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="all, referrals, site-<id>, trust-<id> or partner-<id> "
    "(GET /api/v1/reports/ lists yours).",
)


class PeriodInput(StrictInputSerializer):
    term = serializers.IntegerField(
        required=False, min_value=1, help_text="A term's id."
    )
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2099,
        help_text="A school year by the year it starts: 2026 is September 2026 "
        "to August 2027.",
    )
    starts_on = serializers.DateField(required=False, help_text="First day.")
    ends_on = serializers.DateField(
        required=False, help_text="Last day (at most three years after the first)."
    )


class ImpactInput(PeriodInput):
    by = serializers.ChoiceField(choices=list(DIMENSIONS), default="site")


class CellOutput(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True,
        help_text="In the column's unit; null when hidden (fewer than 5) or "
        "not applicable.",
    )
    text = serializers.CharField(help_text='As people read it, e.g. "fewer than 5".')
    hidden = serializers.BooleanField()


class RowOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())
    cells = serializers.DictField(child=CellOutput())


class ColumnOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.SerializerMethodField()

    def get_unit(self, column) -> str:
        return UNITS[column.kind]


class ScopeOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()


class PeriodOutput(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    label = serializers.CharField()


class ReportOutput(serializers.Serializer):
    scope = ScopeOutput()
    period = PeriodOutput()
    by = serializers.CharField(allow_null=True)
    columns = ColumnOutput(many=True)
    rows = RowOutput(many=True)
    total = RowOutput()


def _report(scope, period, table, by=None) -> dict:
    return ReportOutput(
        {
            "scope": scope,
            "period": period,
            "by": by,
            "columns": table.columns,
            "rows": table.rows,
            "total": table.total,
        }
    ).data


class ReportScopeListApi(ApiView):
    omit_error_statuses = (403,)  # every signed-in user gets theirs (maybe none)

    @extend_schema(responses=paginated(ScopeOutput))
    def get(self, request):
        return self.page(scopes_for(request.user), ScopeOutput)


class ImpactReportApi(ApiView):
    omit_error_statuses = (403,)  # a report the caller may not see is a 404

    @extend_schema(parameters=[SCOPE_PARAM, ImpactInput], responses=ReportOutput)
    def get(self, request, scope: str):
        report_scope = scope_get(user=request.user, key=scope)
        data = self.query(ImpactInput)
        by = data.pop("by")
        period = period_from(**data)
        table = impact_table(scope=report_scope, period=period, by=by)
        return Response(_report(report_scope, period, table, by))


class TermlyReturnApi(ApiView):
    omit_error_statuses = (403,)  # a report the caller may not see is a 404

    @extend_schema(parameters=[SCOPE_PARAM, PeriodInput], responses=ReportOutput)
    def get(self, request, scope: str):
        report_scope = scope_get(user=request.user, key=scope)
        period = period_from(**self.query(PeriodInput))
        table = termly_return(scope=report_scope, period=period)
        return Response(_report(report_scope, period, table))


EXPORT_LIMITS = (
    f"Limits: at most {background.MAX_OPEN} files waiting or being made per "
    f"person at once (another is refused with 409, code too_many_exports; one "
    f"not made within {background.STALE_MINUTES} minutes then fails); a "
    f"finished file is kept {background.KEEP_DAYS} days; a period is at most "
    "three years. Only the person who asked may poll or download the file, "
    "and only while they may still read the report's scope (anyone else: 404)."
)


class ExportInput(PeriodInput):
    report = serializers.ChoiceField(
        choices=ReportExport.Kind.values,
        help_text="impact (the impact report) or termly (the termly return).",
    )
    format = serializers.ChoiceField(choices=ReportExport.Format.values)
    by = serializers.ChoiceField(
        choices=list(DIMENSIONS),
        default="site",
        help_text="The impact report's breakdown (ignored for the termly return).",
    )


class ExportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    report = serializers.CharField(source="kind")
    format = serializers.CharField(source="fmt")
    scope = serializers.CharField(source="scope_key")
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=ReportExport.Status.choices,
        help_text="queued, running, done or failed.",
    )
    status_text = serializers.CharField(source="get_status_display")
    percent = serializers.IntegerField(help_text="0 to 100.")
    step = serializers.CharField(help_text="What is being done, in plain English.")
    error = serializers.CharField(help_text="Why it failed; empty otherwise.")
    file_name = serializers.CharField(source="filename")
    download_url = serializers.SerializerMethodField(
        help_text="Once status is done, the file's address (GET, as the person "
        "who asked: with their token or their browser session), else null."
    )
    progress_page = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_download_url(self, export) -> str | None:
        if export.status != ReportExport.Status.DONE:
            return None
        return reverse("reports-api:export-file", args=[export.pk])

    def get_progress_page(self, export) -> str:
        return reverse("reports:export", args=[export.pk])


class ReportExportStartApi(ApiView):
    omit_error_statuses = (403,)  # a report the caller may not see is a 404

    @extend_schema(
        parameters=[SCOPE_PARAM],
        request=ExportInput,
        responses={202: ExportOutput},
        description="Start making a report's CSV or XLSX file in the background; "
        "poll GET /api/v1/reports/exports/{id}/ for its progress. " + EXPORT_LIMITS,
    )
    def post(self, request, scope: str):
        data = self.input(ExportInput)
        kind, fmt = data.pop("report"), data.pop("format")
        export = background.export_request(
            user=request.user, kind=kind, fmt=fmt, scope_key=scope, params=data
        )
        export.refresh_from_db()  # made at once when Celery runs eagerly
        return Response(ExportOutput(export).data, status=202)


EXPORT_ID = OpenApiParameter("export_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class ReportExportApi(ApiView):
    omit_error_statuses = (403,)  # another person's file is a 404

    @extend_schema(
        parameters=[EXPORT_ID],
        responses=ExportOutput,
        description="How far a report file has got. " + EXPORT_LIMITS,
    )
    def get(self, request, export_id):
        export = background.export_for(user=request.user, export_id=export_id)
        return Response(ExportOutput(export).data)


class ReportExportFileApi(ApiView):
    """The finished file itself (CSV or XLSX), whatever the Accept header: a
    client asking for JSON still gets the file, and an error is the JSON
    error body."""

    omit_error_statuses = (403,)  # another person's file is a 404
    extra_error_statuses = (409,)  # not finished yet

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[EXPORT_ID],
        responses={
            (200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiTypes.BINARY
            for fmt in ReportExport.Format.values
        },
        description="Download a finished report file (the download_url of "
        "GET /api/v1/reports/exports/{id}/). A file not finished yet is a 409, "
        "code invalid_state: poll its progress and try again. " + EXPORT_LIMITS,
    )
    def get(self, request, export_id):
        export = background.export_for(user=request.user, export_id=export_id)
        content = background.export_content(export)
        return attachment(export.filename, content, export.fmt)
