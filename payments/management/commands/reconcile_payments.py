"""manage.py reconcile_payments: ask Stripe about every pending card payment
and apply what it says (repairs missed webhooks)."""

from django.core.management.base import BaseCommand

from payments.reconcile import reconcile_pending


class Command(BaseCommand):
    help = "Ask Stripe about every pending card payment and repair missed webhooks."

    def handle(self, *args, **options):
        outcomes = reconcile_pending()
        if not outcomes:
            self.stdout.write("No pending card payments.")
        for outcome, count in sorted(outcomes.items()):
            self.stdout.write(f"{count:5d}  {outcome}")
