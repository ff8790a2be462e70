"""Demo invoices and payments (portal's seed_demo calls this after activities)."""


def seed_demo_payments(*, progress) -> None:
    """Filled in by the payments work: last month's invoices, some paid."""
