"""The report's figures recomputed in plain Python from every row, without the
report's queries, so a test can compare the two figure by figure."""

import datetime as dt
from collections import defaultdict

from activities.models import (
    ATTENDED_STATUSES,
    Attendance,
    Referral,
    Session,
    SignUp,
    WalkInCount,
)
from bookings.models import Slot
from hub.calendar_dates import bank_holidays_england_and_wales
from hub.models import Closure, OpeningHours, Site

PER_ROW = {
    "site": None,  # every figure
    "partner": {"hours_open"},
    "category": {"hours_open", "hours_let", "free_value"},
    "area": {"hours_open", "hours_let", "free_value", "sessions", "places_offered"},
}


def district(postcode: str) -> str:
    return postcode.split(" ")[0] if " " in postcode else ""


def activity_key(activity, by):
    return {
        "site": str(activity.booking.room.site_id),
        "partner": str(activity.partner_id),
        "category": activity.category,
    }.get(by)


def in_scope(activity, scope) -> bool:
    if (
        scope.site_ids is not None
        and activity.booking.room.site_id not in scope.site_ids
    ):
        return False
    if scope.partner_ids is not None and activity.partner_id not in scope.partner_ids:
        return False
    if scope.referrer_id is not None:
        return any(r.activity_id == activity.pk for r in _referred(scope))
    return True


def _referred(scope):
    return [r for r in Referral.objects.all() if r.referred_by_id == scope.referrer_id]


def pair_in_scope(household_id, activity_id, scope) -> bool:
    if scope.referrer_id is None:
        return True
    return any(
        (r.household_id, r.activity_id) == (household_id, activity_id)
        for r in _referred(scope)
    )


def expected_figures(*, scope, period, by, now):
    """({row key: {figure: value}}, {figure: total}) for the figures that apply."""
    start, end = period.bounds()
    ran_until = min(end, now)
    rows = defaultdict(lambda: defaultdict(int))
    total = defaultdict(int)
    sessions = [
        s
        for s in Session.objects.select_related("activity__booking__room")
        if s.status == "scheduled"
        and start <= s.starts_at < ran_until
        and in_scope(s.activity, scope)
    ]
    ran = {s.pk for s in sessions}
    for s in sessions:
        for name, value in (("sessions", 1), ("places_offered", s.activity.capacity)):
            total[name] += value
            if by != "area":
                rows[activity_key(s.activity, by)][name] += value

    def key_for(activity, household):
        return (
            district(household.postcode) if by == "area" else activity_key(activity, by)
        )

    for signup in SignUp.objects.select_related("activity__booking__room", "household"):
        if signup.status != "confirmed" or not in_scope(signup.activity, scope):
            continue
        if not pair_in_scope(signup.household_id, signup.activity_id, scope):
            continue
        if signup.session_id is None:
            times = sum(1 for s in sessions if s.activity_id == signup.activity_id)
        else:
            times = 1 if signup.session_id in ran else 0
        if times == 0:
            continue
        rows[key_for(signup.activity, signup.household)]["places_taken"] += (
            signup.places * times
        )
        total["places_taken"] += signup.places * times

    marks = [
        m
        for m in Attendance.objects.select_related(
            "session__activity__booking__room", "member__household"
        )
        if m.status in ATTENDED_STATUSES
        and m.session_id in ran
        and pair_in_scope(m.member.household_id, m.session.activity_id, scope)
    ]
    households, children, fsm = defaultdict(set), defaultdict(set), defaultdict(set)
    visits = defaultdict(lambda: defaultdict(set))
    for m in marks:
        household = m.member.household
        for key in (key_for(m.session.activity, household), "__total__"):
            bucket = total if key == "__total__" else rows[key]
            bucket["walk_ins" if m.walk_in else "places_attended"] += 1
            households[key].add(household.pk)
            visits[key][household.pk].add(m.session_id)
            if m.member.kind == "child":
                children[key].add(m.member_id)
            if household.fsm_verified_at is not None:
                fsm[key].add(household.pk)
    for key in list(rows) + ["__total__"]:
        bucket = total if key == "__total__" else rows[key]
        bucket["households"] = len(households[key])
        bucket["children"] = len(children[key])
        bucket["fsm_households"] = len(fsm[key])
        bucket["repeat_households"] = sum(
            1 for v in visits[key].values() if len(v) >= 3
        )

    if scope.referrer_id is None:
        for count in WalkInCount.objects.select_related(
            "session__activity__booking__room"
        ):
            if count.session_id in ran:
                key = "" if by == "area" else activity_key(count.session.activity, by)
                rows[key]["walk_ins"] += count.count
                total["walk_ins"] += count.count

    for referral in Referral.objects.select_related(
        "activity__booking__room", "household"
    ):
        if not (start <= referral.created_at < end) or not in_scope(
            referral.activity, scope
        ):
            continue
        if (
            scope.referrer_id is not None
            and referral.referred_by_id != scope.referrer_id
        ):
            continue
        came = any(
            m.member.household_id == referral.household_id
            and m.session.activity_id == referral.activity_id
            and m.session.status == "scheduled"
            and m.session.starts_at >= referral.created_at
            and m.status in ATTENDED_STATUSES
            for m in Attendance.objects.select_related("member", "session")
        )
        key = key_for(referral.activity, referral.household)
        for bucket in (rows[key], total):
            bucket["referrals"] += 1
            bucket["referrals_attended"] += int(came)

    if scope.covers_rooms:
        _rooms(rows, total, scope, period, by, start, end)
    return rows, total


def _rooms(rows, total, scope, period, by, start, end):
    for slot in Slot.objects.select_related("booking", "room"):
        if not (slot.is_active and slot.booking.status == "approved"):
            continue
        if not (start <= slot.starts_at < end):
            continue
        if scope.site_ids is not None and slot.room.site_id not in scope.site_ids:
            continue
        if (
            scope.partner_ids is not None
            and slot.booking.partner_id not in scope.partner_ids
        ):
            continue
        minutes = (slot.ends_at - slot.starts_at) // dt.timedelta(minutes=1)
        free = slot.full_price_pence - slot.price_pence
        total["hours_let"] += minutes
        total["free_value"] += free
        key = {
            "site": str(slot.room.site_id),
            "partner": str(slot.booking.partner_id),
        }.get(by)
        if key is not None:
            rows[key]["hours_let"] += minutes
            rows[key]["free_value"] += free
    if scope.covers_opening_hours:
        for site in Site.objects.all():
            if scope.site_ids is not None and site.pk not in scope.site_ids:
                continue
            minutes = _site_minutes(site, period)
            total["hours_open"] += minutes
            if by == "site":
                rows[str(site.pk)]["hours_open"] += minutes


def _site_minutes(site, period) -> int:
    hours = {h.weekday: h for h in OpeningHours.objects.filter(site=site)}
    closures = list(Closure.objects.filter(site=site))
    bank = bank_holidays_england_and_wales() if site.closed_on_bank_holidays else {}
    rooms = site.rooms.filter(is_bookable=True).count()
    minutes = 0
    day = period.starts_on
    while day <= period.ends_on:
        shut = day in bank or any(c.starts_on <= day <= c.ends_on for c in closures)
        h = hours.get(day.weekday())
        if h and not shut:
            opens = dt.datetime.combine(day, h.opens_at)
            closes = dt.datetime.combine(day, h.closes_at)
            minutes += (closes - opens) // dt.timedelta(minutes=1)
        day += dt.timedelta(days=1)
    return minutes * rooms


def compare(actual_rows, actual_total, expected_rows, expected_total, *, by, scope):
    """Assert the report's raw rows and total equal the recomputation."""
    per_row_missing = PER_ROW[by] or set()
    actual = {key: values for key, _, values in actual_rows}
    assert set(actual) == {k for k in expected_rows}, (set(actual), set(expected_rows))
    for key, values in actual.items():
        for figure, value in values.items():
            if figure in per_row_missing or not _covered(figure, scope):
                assert value is None, (key, figure, value)
            else:
                assert value == expected_rows[key].get(figure, 0), (key, figure, value)
    for figure, value in actual_total.items():
        if not _covered(figure, scope):
            assert value is None, (figure, value)
        else:
            assert value == expected_total.get(figure, 0), (figure, value)


def _covered(figure, scope) -> bool:
    if figure in ("hours_let", "free_value"):
        return scope.covers_rooms
    if figure == "hours_open":
        return scope.covers_opening_hours
    return True
