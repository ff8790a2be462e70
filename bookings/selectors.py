"""Read-side queries for bookings. Each one runs a fixed number of queries,
whatever the number of bookings or slots (asserted in the tests)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone

from bookings import conflicts
from bookings.compliance import documents_valid_today
from bookings.conflicts import Interval
from bookings.models import Booking, Slot
from bookings.pricing import format_pence
from hub.api_base import object_or_404
from hub.calendar_dates import local_day_bounds
from hub.charts import bar_chart
from hub.errors import NotFound
from hub.models import StaffRole
from hub.rules import site_ids_for
from partners.rules import partner_ids_for
from partners.selectors import partners_insured_days


def bookings_visible(*, actor) -> QuerySet[Booking]:
    """Bookings `actor` may see (bookings.view_booking): their partners' and
    those at sites they staff; every booking for a platform admin."""
    qs = Booking.objects.select_related(
        "room__site", "partner", "requested_by", "decided_by", "event"
    )
    if not actor.is_authenticated:
        return qs.none()
    if actor.is_superuser:
        return qs
    return qs.filter(
        Q(partner_id__in=partner_ids_for(actor))
        | Q(room__site_id__in=site_ids_for(actor))
    )


def booking_get(*, booking_id: int, actor) -> Booking:
    """The booking if `actor` may see it, else NotFound (404): a caller does
    not learn that a booking they may not see exists."""
    return object_or_404(bookings_visible(actor=actor), what="booking", pk=booking_id)


def booking_for_decision(*, booking_id: int, actor) -> Booking:
    """The booking to approve or decline if `actor` may see it (as
    booking_get), read lean: the decision services lock the room and read it
    again in full, so the wide read of booking_get would be paid twice."""
    booking = Booking.objects.select_related("room__site").filter(pk=booking_id).first()
    if booking is None or not (
        (actor.is_authenticated and actor.is_superuser)
        or booking.room.site_id in site_ids_for(actor)  # managers: first
        or booking.partner_id in partner_ids_for(actor)
    ):
        raise NotFound(f"No booking has pk={booking_id}. Check the id.")
    return booking


def booking_detail_slots(*, booking: Booking) -> list[Slot]:
    return list(booking.slots.order_by("starts_at"))


def booking_list(
    *,
    actor,
    partner_id: int | None = None,
    site_id: int | None = None,
    room_id: int | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Booking]:
    """Filtered bookings with `next_start` (next planned approved-or-pending date)."""
    qs = bookings_visible(actor=actor)
    filters = {
        "partner_id": partner_id,
        "room__site_id": site_id,
        "room_id": room_id,
        "status": status,
    }
    qs = qs.filter(**{k: v for k, v in filters.items() if v})
    if date_from:
        qs = qs.filter(slots__starts_at__gte=_midnight(date_from)).distinct()
    if date_to:
        qs = qs.filter(
            slots__starts_at__lt=_midnight(date_to + dt.timedelta(days=1))
        ).distinct()
    return qs.annotate(
        next_start=Min(
            "slots__starts_at",
            filter=Q(
                slots__state=Slot.State.PLANNED, slots__starts_at__gte=timezone.now()
            ),
        )
    ).order_by("-created_at")


# Lists span sites, so their date filters use one zone: the product's home zone.
LIST_ZONE = ZoneInfo("Europe/London")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LIST_ZONE)


@dataclass
class QueueRow:
    booking: Booking
    slots: list[Slot]
    clashes: list[tuple[Slot, Slot]]
    uninsured: list[Slot]
    quote_pence: int
    full_price_pence: int

    @property
    def clash_dates(self) -> list[dt.date]:
        zone = self.booking.room.site.zoneinfo
        return sorted({a.starts_at.astimezone(zone).date() for a, _ in self.clashes})


def pending_for_manager(*, actor) -> QuerySet[Booking]:
    """Pending bookings `actor` may decide (bookings.decide_booking)."""
    qs = Booking.objects.filter(status=Booking.Status.PENDING)
    if not actor.is_superuser:
        qs = qs.filter(
            room__site_id__in=site_ids_for(actor, StaffRole.Role.BUSINESS_MANAGER)
        )
    return qs.select_related("room__site", "partner", "requested_by").order_by(
        "created_at"
    )


def approval_queue(*, actor) -> list[QueueRow]:
    """Pending requests at the user's sites with clashes, insurance and quote.

    Five queries in all: bookings, their planned slots, the approved slots they
    might clash with, the partners' insurance, and their other documents.
    """
    bookings = list(
        pending_for_manager(actor=actor).prefetch_related(
            Prefetch(
                "slots",
                queryset=Slot.objects.filter(state=Slot.State.PLANNED).order_by(
                    "starts_at"
                ),
                to_attr="planned",
            )
        )
    )
    active = _active_slots_near(bookings)
    partner_ids = {b.partner_id for b in bookings}
    insured = partners_insured_days(
        partner_ids=partner_ids,
        days={_local_day(s, b) for b in bookings for s in b.planned},
    )
    documents = documents_valid_today(
        partner_ids=partner_ids, day=timezone.localdate(timezone=LIST_ZONE)
    )
    for booking in bookings:
        booking.documents_today = documents[booking.partner_id]
    return [
        _queue_row(b, active.get(b.room_id, []), insured[b.partner_id])
        for b in bookings
    ]


def _active_slots_near(bookings: list[Booking]) -> dict[int, list[Slot]]:
    all_slots = [s for b in bookings for s in b.planned]
    if not all_slots:
        return {}
    lo = min(s.buffered_start for s in all_slots)
    hi = max(s.buffered_end for s in all_slots)
    rows = Slot.objects.filter(
        room_id__in={b.room_id for b in bookings},
        is_active=True,
        buffered_start__lt=hi,
        buffered_end__gt=lo,
    ).select_related("booking")
    by_room: dict[int, list[Slot]] = defaultdict(list)
    for slot in rows:
        by_room[slot.room_id].append(slot)
    return by_room


def _local_day(slot: Slot, booking: Booking) -> dt.date:
    return slot.starts_at.astimezone(booking.room.site.zoneinfo).date()


def _queue_row(booking: Booking, active: list[Slot], insured: set) -> QueueRow:
    new = [Interval(s.buffered_start, s.buffered_end, s) for s in booking.planned]
    old = [Interval(s.buffered_start, s.buffered_end, s) for s in active]
    pairs = [(a.ref, b.ref) for a, b in conflicts.clashes(new, old)]
    uninsured = [s for s in booking.planned if _local_day(s, booking) not in insured]
    return QueueRow(
        booking=booking,
        slots=booking.planned,
        clashes=pairs,
        uninsured=uninsured,
        quote_pence=sum(s.price_pence for s in booking.planned),
        full_price_pence=sum(s.full_price_pence for s in booking.planned),
    )


def sheet_slots(*, site, day: dt.date) -> list[Slot]:
    """Approved lettings at `site` on local `day`, for the caretaker."""
    start, end = local_day_bounds(day, site)
    return list(
        Slot.objects.filter(
            room__site=site, is_active=True, starts_at__lt=end, ends_at__gt=start
        )
        .select_related("room", "booking__partner")
        .order_by("starts_at", "room__name")
    )


@dataclass
class MonthTotal:
    month: dt.date
    partner_name: str
    lettings: int
    pence: int
    full_pence: int

    @property
    def social_value_pence(self) -> int:
        return self.full_pence - self.pence


def month_totals(*, slots: QuerySet[Slot]) -> list[MonthTotal]:
    """Totals of approved, running slots per local month and partner. One query."""
    rows = slots.filter(is_active=True).values_list(
        "starts_at",
        "price_pence",
        "full_price_pence",
        "booking__partner__name",
        "room__site__timezone",
    )
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for starts_at, pence, full, partner_name, tz_name in rows:
        local = timezone.localtime(starts_at, _zone(tz_name))
        key = (local.date().replace(day=1), partner_name)
        totals[key][0] += 1
        totals[key][1] += pence
        totals[key][2] += full
    return [MonthTotal(m, p, *v) for (m, p), v in sorted(totals.items())]


def month_totals_chart(totals: list[MonthTotal]) -> list:
    """One bar per month: the full value of the lettings (paid + waived)."""
    by_month: dict = defaultdict(int)
    for total in totals:
        by_month[total.month] += total.full_pence
    return bar_chart(
        ((f"{month:%B %Y}", pence) for month, pence in sorted(by_month.items())),
        fmt=format_pence,
    )


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def dashboard_panel_context(*, user, limit: int = 5) -> dict:
    """Context for templates/bookings/_dashboard_panel.html. Two queries."""
    pending = pending_for_manager(actor=user)
    return {"pending_bookings": list(pending[:limit]), "pending_count": pending.count()}
