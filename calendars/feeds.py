"""What each subscription feed contains, and its SEQUENCE, ETag and stamps.

Each feed is one VEVENT per slot or session (expanded, not RRULE: slots are the
truth, see docs/calendars.md), with a UID that never changes:

- room: busy times only ("Booked"), for anyone signed in;
- site: every letting (title, partner, room), for its managers and staff;
- caretaker: every letting from set-up to clear-down (the buffered times);
- partner: its bookings' dates and its activities' sessions;
- family: the sessions the household has a confirmed place on (a date it said
  it is not coming to is cancelled in its calendar).

Dates that ran or were cancelled within the last 92 days stay in the feed;
cancelled dates are STATUS:CANCELLED. Each feed costs a fixed number of
queries, whatever its length.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from activities.models import (
    Activity,
    Household,
    Session,
    SignUp,
    SignUpDateCancellation,
)
from bookings.feeds import FeedEvent, ical_calendar
from bookings.models import Booking, Slot
from calendars.models import FeedState, FeedToken
from hub.models import Room, Site
from partners.models import Partner

Kind = FeedToken.Kind
PRODID = "-//Community Hub//Calendar feeds//EN"
REFRESH = dt.timedelta(hours=1)
KEEP_PAST = dt.timedelta(days=92)
FORGET_AFTER = 2 * 366 * 86400  # seconds: an event gone this long is forgotten
SHOWN_SLOTS = Q(is_active=True) | Q(state=Slot.State.CANCELLED)

# kind: (model of the target, permission to read it)
TARGETS = {
    Kind.ROOM: (Room, "calendars.subscribe_room"),
    Kind.SITE: (Site, "calendars.subscribe_site"),
    Kind.CARETAKER: (Site, "calendars.subscribe_caretaker"),
    Kind.PARTNER: (Partner, "calendars.subscribe_partner"),
    Kind.FAMILY: (Household, "calendars.subscribe_family"),
}


@dataclass
class Feed:
    name: str
    zone: ZoneInfo
    events: list[FeedEvent]
    etag: str = ""
    last_modified: dt.datetime | None = None

    def render(self) -> bytes:
        return ical_calendar(
            name=self.name,
            zone=self.zone,
            events=self.events,
            prodid=PRODID,
            refresh=REFRESH,
            stamp=self.last_modified,
        )


def host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "community-hub.local"


def target_of(kind: str, target_id: int):
    """The room, site, partner or household a feed is about, or None."""
    model, _ = TARGETS[kind]
    queryset = model.objects.all()
    if model is Room:
        queryset = queryset.select_related("site")
    return queryset.filter(pk=target_id).first()


def feed_name(kind: str, target) -> str:
    names = {
        Kind.ROOM: lambda: f"{target.name}, {target.site.name} (busy times)",
        Kind.SITE: lambda: f"{target.name} lettings",
        Kind.CARETAKER: lambda: f"{target.name} lettings with set-up and clear-down",
        Kind.PARTNER: lambda: f"{target.name} bookings and sessions",
        Kind.FAMILY: lambda: f"{target.name} activities",
    }
    return names[kind]()


def feed_build(*, kind: str, target) -> Feed:
    """The feed's events with their SEQUENCE, its ETag and Last-Modified."""
    since = timezone.now() - KEEP_PAST
    events = BUILDERS[kind](target, since, f"{kind}-{target.pk}")
    zone = _zone(kind, target)
    feed = Feed(name=feed_name(kind, target), zone=zone, events=events)
    _sequence(feed, feed_key=f"{kind}:{target.pk}")
    return feed


def _zone(kind: str, target) -> ZoneInfo:
    if kind == Kind.ROOM:
        return target.site.zoneinfo
    if isinstance(target, Site):
        return target.zoneinfo
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


# Slots


SLOT_FIELDS = (
    "pk",
    "starts_at",
    "ends_at",
    "buffered_start",
    "buffered_end",
    "state",
    "note",
    "booking__title",
    "booking__setup_notes",
    "booking__partner__name",
    "room__name",
    "room__site__name",
)


def _slots(scope: Q, since: dt.datetime, *, buffers: bool = False) -> list[dict]:
    """The slots to show, as dicts (2,000 model instances cost more than the
    rest of the feed); the buffered times only when the feed needs them."""
    fields = SLOT_FIELDS if buffers else [f for f in SLOT_FIELDS if "buffered" not in f]
    return list(
        Slot.objects.filter(scope, SHOWN_SLOTS, ends_at__gte=since)
        .exclude(booking__status=Booking.Status.DECLINED)
        .order_by("starts_at", "pk")
        .values(*fields)
    )


def _slot_event(slot: dict, prefix: str, **fields) -> FeedEvent:
    cancelled = slot["state"] == Slot.State.CANCELLED
    base = {
        "uid": f"{prefix}-slot-{slot['pk']}@{host()}",
        "start": slot["starts_at"],
        "end": slot["ends_at"],
        "summary": slot["booking__title"],
        "location": f"{slot['room__name']}, {slot['room__site__name']}",
        "cancelled": cancelled,
    }
    event = base | fields
    if cancelled:
        event["summary"] = f"Cancelled: {event['summary']}"
        note = slot["note"] and f"Cancelled: {slot['note']}"
        event["description"] = "\n".join(filter(None, [note, event.get("description")]))
    return FeedEvent(**event)


def room_events(room: Room, since, prefix) -> list[FeedEvent]:
    """Busy times only: no title, no partner (anyone signed in may see them)."""
    return [
        _slot_event(s, prefix, summary="Booked", location=room.name)
        for s in _slots(Q(room=room), since)
    ]


def site_events(site: Site, since, prefix) -> list[FeedEvent]:
    return [
        _slot_event(
            s,
            prefix,
            summary=f"{s['booking__title']} ({s['booking__partner__name']})",
            description=f"Booked by {s['booking__partner__name']}.",
        )
        for s in _slots(Q(room__site=site), since)
    ]


def caretaker_events(site: Site, since, prefix) -> list[FeedEvent]:
    """From set-up to clear-down, with the letting's own times and set-up notes."""
    zone = site.zoneinfo

    def hm(value):
        return f"{value.astimezone(zone):%H:%M}"

    return [
        _slot_event(
            s,
            prefix,
            start=s["buffered_start"],
            end=s["buffered_end"],
            summary=f"{s['room__name']}: {s['booking__title']}",
            description="\n".join(
                filter(
                    None,
                    [
                        f"Set up from {hm(s['buffered_start'])}. Letting "
                        f"{hm(s['starts_at'])} to {hm(s['ends_at'])}. Clear down "
                        f"by {hm(s['buffered_end'])}.",
                        f"Booked by {s['booking__partner__name']}.",
                        s["booking__setup_notes"],
                    ],
                )
            ),
        )
        for s in _slots(Q(room__site=site), since, buffers=True)
    ]


# Sessions

SESSION_FIELDS = (
    "pk",
    "starts_at",
    "ends_at",
    "status",
    "cancel_reason",
    "activity_id",
    "activity__title",
    "activity__partner__name",
    "slot__room__name",
    "slot__room__site__name",
)


def _sessions(scope: Q, since) -> list[dict]:
    return list(
        Session.objects.filter(scope, ends_at__gte=since)
        .exclude(activity__status=Activity.Status.DRAFT)
        .order_by("starts_at", "pk")
        .values(*SESSION_FIELDS)
    )


def _session_event(session: dict, prefix: str, **fields) -> FeedEvent:
    cancelled = session["status"] == Session.Status.CANCELLED
    summary = fields.pop("summary", session["activity__title"])
    description = fields.pop(
        "description", f"Run by {session['activity__partner__name']}."
    )
    if cancelled:
        summary = f"Cancelled: {summary}"
        reason = session["cancel_reason"]
        description = f"Cancelled{': ' + reason if reason else ''}.\n{description}"
    return FeedEvent(
        uid=f"{prefix}-session-{session['pk']}@{host()}",
        start=session["starts_at"],
        end=session["ends_at"],
        summary=summary,
        description=description,
        location=f"{session['slot__room__name']}, {session['slot__room__site__name']}",
        cancelled=cancelled,
        **fields,
    )


def partner_events(partner: Partner, since, prefix) -> list[FeedEvent]:
    """The partner's room bookings and, beside them, its activities' sessions."""
    bookings = [
        _slot_event(s, prefix, summary=f"Room booked: {s['booking__title']}")
        for s in _slots(Q(booking__partner=partner), since)
    ]
    sessions = [
        _session_event(s, prefix)
        for s in _sessions(Q(activity__partner=partner), since)
    ]
    return sorted(bookings + sessions, key=lambda e: (e.start, e.uid))


def family_events(household: Household, since, prefix) -> list[FeedEvent]:
    """Sessions the household has a confirmed place on, naming who goes."""
    signups = list(
        SignUp.objects.filter(
            household=household, status=SignUp.Status.CONFIRMED
        ).values("pk", "activity_id", "session_id")
    )
    who: dict[int, list[str]] = {}
    through = SignUp.members.through.objects.filter(
        signup_id__in=[s["pk"] for s in signups]
    ).values_list("signup_id", "householdmember__first_name")
    for signup_id, name in through:
        who.setdefault(signup_id, []).append(name)
    by_session = {s["session_id"]: s["pk"] for s in signups if s["session_id"]}
    by_activity = {s["activity_id"]: s["pk"] for s in signups if not s["session_id"]}
    # Dates the family said it is not coming to (a whole-series place kept):
    # cancelled in their calendar, like a date the organiser called off.
    not_coming = set(
        SignUpDateCancellation.objects.filter(
            signup_id__in=[s["pk"] for s in signups]
        ).values_list("signup_id", "session_id")
    )
    scope = Q(pk__in=list(by_session)) | Q(activity_id__in=list(by_activity))
    events = []
    for session in _sessions(scope, since):
        signup = by_session.get(session["pk"]) or by_activity[session["activity_id"]]
        names = ", ".join(sorted(who.get(signup, [])))
        title = session["activity__title"]
        event = (
            _session_event(session, prefix, summary=f"{title} ({names})")
            if names
            else _session_event(session, prefix)
        )
        if (signup, session["pk"]) in not_coming and not event.cancelled:
            event = replace(
                event,
                cancelled=True,
                summary=f"Not coming: {event.summary}",
                description=f"You told us you are not coming this time.\n{event.description}",
            )
        events.append(event)
    return events


BUILDERS = {
    Kind.ROOM: room_events,
    Kind.SITE: site_events,
    Kind.CARETAKER: caretaker_events,
    Kind.PARTNER: partner_events,
    Kind.FAMILY: family_events,
}


# SEQUENCE, stamps and ETag


def _fingerprint(event: FeedEvent) -> str:
    text = "\x1f".join(
        [
            event.start.isoformat(),
            event.end.isoformat(),
            event.summary,
            event.location,
            event.description,
            "C" if event.cancelled else "",
        ]
    )
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _sequence(feed: Feed, *, feed_key: str) -> None:
    """Give each event its SEQUENCE and stamp from the feed's stored state,
    raising SEQUENCE (and the stamp) for every event whose content changed;
    store the state if anything changed (one read, at most one write).

    State per UID: [fingerprint, sequence, changed (epoch seconds), served
    last time (1/0)]. UIDs that leave the feed are kept, so one that comes
    back carries on from its last SEQUENCE."""
    now = timezone.now()
    epoch = int(now.timestamp())
    state = FeedState.objects.filter(feed_key=feed_key).first()
    old = state.events if state else {}
    forget = epoch - FORGET_AFTER  # events long gone from the feed
    new = {uid: [*e[:3], 0] for uid, e in old.items() if e[3] or e[2] > forget}
    changed = state is None
    stamps: dict[int, dt.datetime] = {}
    digest = hashlib.blake2b(digest_size=16)
    for event in feed.events:
        fp = _fingerprint(event)
        entry = old.get(event.uid)
        if entry is None or entry[0] != fp:
            entry = [fp, 0 if entry is None else entry[1] + 1, epoch, 0]
        if not entry[3]:
            changed = True  # new, changed, or back in the feed
        new[event.uid] = [*entry[:3], 1]
        event.sequence = entry[1]
        if entry[2] not in stamps:
            stamps[entry[2]] = dt.datetime.fromtimestamp(entry[2], tz=dt.UTC)
        event.stamp = stamps[entry[2]]
        digest.update(f"{event.uid}|{fp}|{entry[1]}\n".encode())
    if any(e[3] and not new[uid][3] for uid, e in old.items() if uid in new):
        changed = True  # an event left the feed
    changed_at = now if changed else state.changed_at
    if changed:
        FeedState.objects.update_or_create(
            feed_key=feed_key, defaults={"events": new, "changed_at": changed_at}
        )
    feed.last_modified = changed_at.replace(microsecond=0)
    digest.update(f"{feed.name}|{feed.zone.key}|{feed.last_modified.year}".encode())
    feed.etag = f'"{digest.hexdigest()}"'
