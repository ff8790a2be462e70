from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"

    def ready(self) -> None:
        from activities import receivers
        from bookings.signals import slots_cancelled

        slots_cancelled.connect(
            receivers.on_slots_cancelled, dispatch_uid="activities.slots_cancelled"
        )
