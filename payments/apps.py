from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from bookings.signals import slots_cancelled
        from payments import (
            receivers,
            rules,  # noqa: F401  (registers permissions)
        )

        slots_cancelled.connect(
            receivers.on_slots_cancelled, dispatch_uid="payments.slots_cancelled"
        )
        # Sign-up payments: the refund on cancellation (activities.signals.
        # signup_ended) and the sign-up money rules (H2).
        from payments import signup_payments  # noqa: F401
