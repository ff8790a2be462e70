"""Background jobs: family emails. With REDIS_URL set they run on Celery
workers; without it Celery runs them eagerly in the web process (after commit,
as the services queue them with transaction.on_commit)."""

from activities import notifications
from hub.celery import app


@app.task(ignore_result=True)
def send_signup_email(signup_id: int, kind: str) -> None:
    notifications.signup_email(signup_id, kind)


@app.task(ignore_result=True)
def send_date_email(signup_id: int, session_id: int, kind: str) -> None:
    """One date of a whole-series place cancelled or restored by the family."""
    notifications.date_email(signup_id, session_id, kind)


@app.task(ignore_result=True)
def send_cancellation_email(
    signup_ids: list[int], reason: str, session_id: int | None = None
) -> None:
    notifications.cancellation_email(
        signup_ids=signup_ids, reason=reason, session_id=session_id
    )


@app.task(ignore_result=True)
def release_expired_holds() -> int:
    """Beat job (settings.CELERY_BEAT_SCHEDULE): release paid places nobody
    paid for in time and promote the waitlists. The services also do it
    whenever they count places, so nothing depends on this running on time."""
    from activities.services.signups import holds_release_all_expired

    return holds_release_all_expired()


@app.task(ignore_result=True)
def send_payment_notice(signup_id: int, subject: str, body: str) -> None:
    notifications.payment_notice(signup_id, subject=subject, body=body)


@app.task(ignore_result=True)
def check_no_shows(household_id: int, activity_id: int) -> None:
    """After an absent mark: email the household once it has missed two
    sessions of the activity (activities.services.registers.no_show_check)."""
    from activities.services.registers import no_show_check

    no_show_check(household_id=household_id, activity_id=activity_id)


@app.task(ignore_result=True)
def send_no_show_email(notice_id: int) -> None:
    notifications.no_show_email(notice_id)


@app.task(ignore_result=True)
def send_referral_email(referral_id: int) -> None:
    notifications.referral_email(referral_id)


@app.task(ignore_result=True)
def send_claim_invite(household_id: int, link: str, days: int) -> None:
    notifications.claim_invite_email(household_id=household_id, link=link, days=days)
