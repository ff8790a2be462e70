"""manage.py build_invoices [--month YYYY-MM] [--site SLUG] [--issue]: build
(or bring up to date) the month's draft invoices; last month by default."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hub.models import Site
from payments.invoicing import (
    invoices_build_month,
    invoices_issue_month,
    month_start,
)


class Command(BaseCommand):
    help = "Build the month's draft room-hire invoices (last month by default)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--site", help="Only this site's slug")
        parser.add_argument("--issue", action="store_true", help="Issue the drafts too")

    def handle(self, *args, month=None, site=None, issue=False, **options):
        if month:
            try:
                first = dt.date.fromisoformat(f"{month}-01")
            except ValueError as exc:
                raise CommandError("--month must look like 2026-10.") from exc
        else:
            first = month_start(
                month_start(timezone.now().date()) - dt.timedelta(days=1)
            )
        sites = Site.objects.all()
        if site:
            sites = sites.filter(slug=site)
            if not sites:
                raise CommandError(f"No site has the slug {site!r}.")
        drafts = 0
        for one in sites:
            built = invoices_build_month(actor=None, site=one, month=first)
            if issue:
                built = invoices_issue_month(actor=None, site=one, month=first)
            drafts += len(built)
        verb = "issued" if issue else "drafted"
        self.stdout.write(f"{drafts} invoices {verb} for {first:%B %Y}.")
