"""Load realistic demo data: three schools, rooms, partners, staff, families,
bookings and activities. Safe to run again: existing data is kept."""

from importlib import import_module

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub import demo

# Later steps live in their own apps; each is optional so the core seed works
# while an app has no demo data yet.
APP_STEPS = [
    ("bookings.demo", "seed_demo_bookings", "Room bookings"),
    ("activities.demo", "seed_demo_activities", "Activities, households and sign-ups"),
]


class Command(BaseCommand):
    help = "Create demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        console = Console(file=self.stdout, force_terminal=False, soft_wrap=True)
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
            logins = demo.seed_people(progress, sites)
            bar.advance(task, 2)
            for module_name, function_name, label in APP_STEPS:
                function = self._optional(module_name, function_name)
                if function is not None:
                    bar.update(task, description=label)
                    function(progress=progress)
                bar.advance(task)
            bar.update(task, description="Demo data ready")
        self._print_logins(console, logins)

    @staticmethod
    def _optional(module_name: str, function_name: str):
        try:
            return getattr(import_module(module_name), function_name)
        except (ImportError, AttributeError):
            return None

    @staticmethod
    def _print_logins(console: Console, logins) -> None:
        table = Table(title=f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
        for column in ("Role", "Username", "Where"):
            table.add_column(column)
        for login in logins:
            table.add_row(login.role, login.username, login.note)
        console.print(table)
        console.print("Open http://127.0.0.1:8000 and sign in.")
