"""Load realistic demo data: three schools, rooms, partners, staff, families,
bookings and activities. Safe to run again: existing data is kept."""

import logging

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from activities.demo import seed_demo_activities
from bookings.demo import seed_demo_bookings
from hub import demo
from partners.demo import seed_demo_partners
from payments.demo import seed_demo_payments
from reports.demo import seed_demo_reports

# After the hub's schools, staff and families: each app seeds its own data
# through its own services, in dependency order. A step may return logins
# worth printing.
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"

APP_STEPS = [
    (seed_demo_bookings, "Room bookings"),
    (seed_demo_activities, "Activities, households and sign-ups"),
    (seed_demo_payments, "Invoices and payments"),
    (seed_demo_reports, "Report readers (a trust lead)"),
]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        # Emails sent while seeding (confirmations, invoices) and the log lines
        # of the tasks that send them would bury the logins printed at the
        # end: keep the emails in memory and count them instead.
        logging.getLogger("celery").setLevel(logging.WARNING)
        console = Console(file=self.stdout, force_terminal=False, soft_wrap=True)
        outbox = getattr(mail, "outbox", None)  # a test's own outbox, kept
        with override_settings(EMAIL_BACKEND=LOCMEM_EMAIL):
            mail.outbox = []
            logins = self._seed(console)
            sent = len(mail.outbox)
        if outbox is not None:
            mail.outbox = outbox
        console.print(f"{sent} demo emails were written and not sent.")
        self._print_logins(console, logins)

    def _seed(self, console: Console) -> list:
        steps = 3 + len(APP_STEPS)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("Seeding demo data", total=steps)

            def progress(message: str) -> None:
                bar.console.print(f"  {message}")

            sites = demo.seed_sites(progress)
            bar.advance(task)
            logins, managers = demo.seed_staff(progress, sites)
            logins += seed_demo_partners(progress=progress, manager=managers[0])
            bar.advance(task)
            logins += demo.seed_families(progress)
            bar.advance(task)
            for function, label in APP_STEPS:
                bar.update(task, description=label)
                logins += function(progress=progress) or []
                bar.advance(task)
            bar.update(task, description="Demo data ready")
        return logins

    @staticmethod
    def _print_logins(console: Console, logins) -> None:
        table = Table(title=f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
        for column in ("Role", "Username", "Where"):
            table.add_column(column)
        for login in logins:
            table.add_row(login.role, login.username, login.note)
        console.print(table)
        console.print(f"Open {settings.SITE_URL} and sign in.")
