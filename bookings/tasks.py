"""Background jobs: booking emails. With REDIS_URL set they run on Celery
workers; without it Celery runs them eagerly in the web process (after commit,
as the services queue them with transaction.on_commit)."""

from bookings import notifications
from hub.celery import app


@app.task(ignore_result=True)
def send_request_received(booking_id: int) -> None:
    notifications.notify_requested(booking_id=booking_id)


@app.task(ignore_result=True)
def send_decision(
    booking_id: int, kind: str, dates: list[str] | None = None, note: str = ""
) -> None:
    notifications.notify_decision(
        booking_id=booking_id, kind=kind, dates=dates, note=note
    )
