"""Emails to families. Called from transaction.on_commit only, so nothing is
sent for a change that was rolled back. Times are in the site's local zone;
confirmations carry an .ics file with one event per session."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from icalendar import Calendar, Event

from activities.capacity import waitlist_position
from activities.models import Session, SignUp
from bookings.pricing import format_pence

PRODID = "-//Community Hub//Activities//EN"
SUBJECTS = {
    "confirmed": "Your place is booked: {title}",
    "waitlisted": "You are on the waitlist: {title}",
    "promoted": "A place came up for you: {title}",
    "promoted_pay": "A place came up: pay to keep it: {title}",
    "expired": "Your place was not paid for in time: {title}",
    "paid": "Paid: your place is booked: {title}",
}


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "community-hub.local"


def _signup(signup_id: int) -> SignUp:
    return (
        SignUp.objects.select_related(
            "household", "activity__booking__room__site", "session", "activity__partner"
        )
        .prefetch_related("members")
        .get(pk=signup_id)
    )


def signup_sessions(signup: SignUp) -> list[Session]:
    """The scheduled, future sessions a sign-up covers."""
    if signup.session_id:
        sessions = [signup.session]
    else:
        sessions = list(signup.activity.sessions.all())
    now = timezone.now()
    off = set(signup.cancelled_dates.values_list("session_id", flat=True))
    return [
        s
        for s in sessions
        if s.status == "scheduled" and s.ends_at > now and s.pk not in off
    ]


def session_lines(signup: SignUp, sessions: list[Session]) -> list[str]:
    zone = signup.activity.booking.room.site.zoneinfo
    lines = []
    for session in sessions:
        start = timezone.localtime(session.starts_at, zone)
        end = timezone.localtime(session.ends_at, zone)
        lines.append(f"  {start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}")
    return lines


def _where(signup: SignUp) -> str:
    room = signup.activity.booking.room
    site = room.site
    return (
        f"{room.name}, {site.name}, {' '.join(site.address.split())}, {site.postcode}"
    )


def signup_ics(signup: SignUp, sessions: list[Session]) -> bytes:
    """An iCalendar file: one VEVENT per session, in the site's zone (TZID)."""
    cal = Calendar.new(prodid=PRODID, name=signup.activity.title)
    zone = signup.activity.booking.room.site.zoneinfo
    for session in sessions:
        cal.add_component(
            Event.new(
                uid=f"activity-session-{session.pk}-household-{signup.household_id}@{_host()}",
                start=timezone.localtime(session.starts_at, zone),
                end=timezone.localtime(session.ends_at, zone),
                stamp=timezone.now(),
                summary=signup.activity.title,
                location=_where(signup),
                description=f"Run by {signup.activity.partner.name}.",
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()


def _body(signup: SignUp, intro: str, sessions: list[Session]) -> str:
    activity = signup.activity
    site = activity.booking.room.site
    people = ", ".join(m.first_name for m in signup.members.all())
    parts = [
        f"Hello {signup.household.name},",
        "",
        intro,
        "",
        f"Activity: {activity.title} ({activity.partner.name})",
        f"Who: {people}",
        f"Where: {_where(signup)}",
    ]
    if site.getting_there:
        parts.append(f"Getting there: {site.getting_there}")
    if activity.what_to_bring:
        parts.append(f"What to bring: {activity.what_to_bring}")
    parts += ["", f"When ({site.timezone} time):", *session_lines(signup, sessions)]
    parts += ["", f"Manage your sign-ups: {settings.SITE_URL}/activities/household/"]
    parts.append(
        "Add to calendar: the attached file adds these dates once. To keep every "
        "session in your phone's calendar, with moved and cancelled dates updated "
        f"for you, get your family's calendar link: {settings.SITE_URL}/calendars/"
    )
    return "\n".join(parts)


def _intro(signup: SignUp, kind: str) -> str:
    if kind == "waitlisted":
        position = waitlist_position(signup=signup)
        return (
            f"This activity is full. You are number {position} on the waitlist. "
            "We will email you if a place comes up."
        )
    if kind == "promoted":
        return (
            "Good news: a place came up and it is yours. If you can no longer come, "
            "please decline it on your family page so the next family can have it."
        )
    if kind in PAID_INTROS:
        return PAID_INTROS[kind](signup)
    return "Your place is booked. The dates are attached as a calendar file."


def signup_email(signup_id: int, kind: str) -> None:
    signup = _signup(signup_id)
    to = signup.household.email
    if not to:
        return
    sessions = signup_sessions(signup)
    message = EmailMessage(
        subject=SUBJECTS[kind].format(title=signup.activity.title),
        body=_body(signup, _intro(signup, kind), sessions),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    if kind in ("confirmed", "promoted", "paid") and sessions:
        message.attach("activity.ics", signup_ics(signup, sessions), "text/calendar")
    message.send()


def cancellation_email(
    *, signup_ids: list[int], reason: str, session_id: int | None = None
) -> None:
    """One email per household; `session_id` set when only one date is off."""
    signups = (
        SignUp.objects.filter(pk__in=signup_ids)
        .select_related("household", "activity__booking__room__site")
        .order_by("pk")
    )
    session = Session.objects.filter(pk=session_id).first() if session_id else None
    messages = []
    for signup in signups:
        if not signup.household.email:
            continue
        messages.append(_cancel_message(signup, reason, session))
    if messages:
        get_connection().send_messages(messages)


def _cancel_message(signup: SignUp, reason: str, session) -> EmailMessage:
    title = signup.activity.title
    if session is not None:
        zone = signup.activity.booking.room.site.zoneinfo
        when = timezone.localtime(session.starts_at, zone)
        what = f"The {title} session on {when:%A %-d %B %Y at %H:%M} is cancelled."
    else:
        what = f"{title} is cancelled. Your sign-up has been cancelled."
    body = "\n".join(
        [
            f"Hello {signup.household.name},",
            "",
            what,
            f"Reason: {reason}",
            "",
            "We are sorry for the change.",
        ]
    )
    return EmailMessage(
        subject=f"Cancelled: {title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signup.household.email],
    )


def date_email(signup_id: int, session_id: int, kind: str) -> None:
    """The family cancelled one date of its whole-series place ("cancelled"),
    or is coming that day after all ("restored"): what changed, and the dates
    it is still coming to."""
    signup = _signup(signup_id)
    if not signup.household.email:
        return
    session = Session.objects.get(pk=session_id)
    zone = signup.activity.booking.room.site.zoneinfo
    when = timezone.localtime(session.starts_at, zone)
    day = f"{when:%A %-d %B %Y} at {when:%H:%M}"
    title = signup.activity.title
    if kind == "cancelled":
        subject = f"Cancelled for one date: {title}"
        intro = (
            f"You told us you are not coming to {title} on {day}. Your place "
            "on the other dates stays yours. If you can come after all, you "
            "can undo this on your family page before the session starts."
        )
    else:
        subject = f"Coming after all: {title}"
        intro = f"You told us you are coming to {title} on {day} after all."
    site = signup.activity.booking.room.site
    body = [
        f"Hello {signup.household.name},",
        "",
        intro,
        "",
        f"Where: {_where(signup)}",
        "",
        f"The dates you are coming to ({site.timezone} time):",
        *(session_lines(signup, signup_sessions(signup)) or ["  None left."]),
        "",
        f"Manage your sign-ups: {settings.SITE_URL}/activities/household/",
    ]
    EmailMessage(
        subject=subject,
        body="\n".join(body),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signup.household.email],
    ).send()


# Paid places (docs/paid-activities.md): the pay link, the hold's end, the receipt.


def _pay_link(signup: SignUp) -> str:
    return f"{settings.SITE_URL}/payments/checkout/{signup.pk}/"


def _hold_end(signup: SignUp) -> str:
    zone = signup.activity.booking.room.site.zoneinfo
    end = timezone.localtime(signup.hold_expires_at, zone)
    return f"{end:%A %-d %B %Y at %H:%M}"


def _promoted_pay_intro(signup: SignUp) -> str:
    return (
        f"Good news: a place came up and we are holding it for you until "
        f"{_hold_end(signup)}. It costs {format_pence(signup.amount_pence)}. "
        f"Pay here to keep it: {_pay_link(signup)}\n"
        "If you do not pay by then, the place goes to the next family. If you "
        "can no longer come, please decline it on your family page."
    )


def _expired_intro(signup: SignUp) -> str:
    return (
        "We held a place for you, but it was not paid for before the hold "
        "ended, so it has gone to the next family. You have not been charged. "
        "You can sign up again if places are left."
    )


def _paid_intro(signup: SignUp) -> str:
    return (
        f"Thank you: we have received {format_pence(signup.amount_pence)} and "
        "your place is booked. This email is your receipt. The dates are "
        "attached as a calendar file."
    )


PAID_INTROS = {
    "promoted_pay": _promoted_pay_intro,
    "expired": _expired_intro,
    "paid": _paid_intro,
}


def payment_notice(signup_id: int, *, subject: str, body: str) -> None:
    """A plain email about money on a sign-up (a refund, a late payment
    refunded), written by payments.signup_payments."""
    signup = _signup(signup_id)
    if not signup.household.email:
        return
    text = "\n".join([f"Hello {signup.household.name},", "", body])
    EmailMessage(
        subject=f"{subject}: {signup.activity.title}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[signup.household.email],
    ).send()


# Registers and referrals (docs/attendance.md).


def no_show_email(notice_id: int) -> None:
    """The one friendly note after a household missed two sessions it had not
    cancelled: no blame, how to cancel so someone else can have the place."""
    from activities.models import NoShowNotice

    notice = NoShowNotice.objects.select_related("household", "activity").get(
        pk=notice_id
    )
    household, title = notice.household, notice.activity.title
    if not household.email or household.erased_at:
        return
    body = "\n".join(
        [
            f"Hello {household.name},",
            "",
            f"We missed you at the last {notice.missed} sessions of {title}.",
            "We hope everything is all right.",
            "",
            "If you cannot come to a session, please cancel your place on your "
            "household page so another family can use it:",
            f"{settings.SITE_URL}/activities/household/",
            "",
            "You are still very welcome to come to the next one.",
        ]
    )
    EmailMessage(
        subject=f"We missed you at {title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[household.email],
    ).send()


def referral_email(referral_id: int) -> None:
    """Tell the family a link worker referred them, and how to take the place."""
    from activities.models import Referral

    referral = Referral.objects.select_related(
        "household", "activity__booking__room__site"
    ).get(pk=referral_id)
    household, activity = referral.household, referral.activity
    if not household.email or household.erased_at:
        return
    body = "\n".join(
        [
            f"Hello {household.name},",
            "",
            f"Your link worker has referred your family to {activity.title} at "
            f"{activity.booking.room.site.name}.",
            "A place is kept for families who are referred. Sign up here:",
            f"{settings.SITE_URL}/activities/{activity.pk}/",
            "",
            "If you did not expect this email, you can ignore it.",
        ]
    )
    EmailMessage(
        subject=f"You have been referred to {activity.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[household.email],
    ).send()


def claim_invite_email(*, household_id: int, link: str, days: int) -> None:
    """The invitation to claim a household a link worker created for the family."""
    from activities.models import Household

    household = Household.objects.get(pk=household_id)
    if not household.email:
        return
    body = "\n".join(
        [
            f"Hello {household.name},",
            "",
            "Your link worker has set up your family's details on Community Hub, "
            "as you agreed.",
            "Use this link to create your account and see them (it works for "
            f"{days} days):",
            link,
            "",
            "If you did not expect this email, you can ignore it.",
        ]
    )
    EmailMessage(
        subject="Your family's details on Community Hub",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[household.email],
    ).send()
