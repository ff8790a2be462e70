"""Throttling: the one mechanism, DRF's rate throttles, for the API and pages.

Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (hub/settings.py, each
overridable with ``THROTTLE_RATE_<SCOPE>``); request histories live in the
Django cache (Redis when ``REDIS_URL`` is set, so every process shares them).

- Every API view: ``anon`` (by address) for callers who are not signed in,
  ``user`` (by account) for those who are (``DEFAULT_THROTTLE_CLASSES``).
- Stricter scopes on writes: an API view sets ``throttle_scope = "signup"``
  (or ``"referral"``); it applies to POST, PUT, PATCH and DELETE only. A
  signed-in caller is counted by account, so families signing up in a launch
  rush from one school's network do not use up each other's allowance.
- Pages that take a password or make an account (sign-in, password reset, the
  partner application) use the same classes through ``check(request, scope)``
  or the ``@throttled(scope)`` decorator, which answer a plain 429 page with
  ``Retry-After``. Sign-in also has django-axes' lockout per account.

A throttled API call is a 429 with ``Retry-After`` and the one error body,
``details: [{"wait_seconds": N}]`` (hub.api_errors).

`check_all` runs a request's throttles together: their histories are read
with one cache call and written with one (two Redis round trips a request
instead of two per throttle; a sign-up in a launch rush has two throttles).
The counting is DRF's own; only where the histories are read and written
changes.
"""

import math
from functools import wraps

from django.core.cache import cache as default_cache
from django.shortcuts import render
from rest_framework import throttling
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings

SCOPES = (
    "anon",
    "user",
    "login",
    "password_reset",
    "partner_apply",
    "signup",
    "referral",
)


class _RatesFromSettings:
    """Read the rate when the throttle is made, not when DRF is imported, so a
    changed setting (tests, override_settings) takes effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def key_for(self, request, view) -> str | None:
        """The cache key this request counts under; None if it is not counted."""
        if self.rate is None:
            return None
        return self.get_cache_key(request, view)


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Callers not signed in, by address."""


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Signed-in callers, by account (AnonThrottle counts the others)."""

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # AnonThrottle counts them
        return super().get_cache_key(request, view)


class ScopedThrottle(_RatesFromSettings, throttling.ScopedRateThrottle):
    """The view's ``throttle_scope``, on writes only; by account when signed
    in, else by address."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def key_for(self, request, view) -> str | None:
        if request.method in SAFE_METHODS or not getattr(view, self.scope_attr, None):
            return None
        self.scope = getattr(view, self.scope_attr)
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().key_for(request, view)


class PageThrottle(_RatesFromSettings, throttling.SimpleRateThrottle):
    """One named scope for a page (no view class to carry it)."""

    def __init__(self, scope: str):
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class _Histories:
    """The cache as a request's throttles see it: every history read in one
    call when made, every write kept until `save` sends them in one."""

    def __init__(self, keys: list[str]):
        self.read = default_cache.get_many(keys) if keys else {}
        self.written: dict[str, tuple[list, int]] = {}

    def get(self, key, default=None):
        return self.read.get(key, default)

    def set(self, key, value, timeout):
        self.written[key] = (value, timeout)

    def save(self) -> None:
        set_each = getattr(default_cache, "set_each", None)  # hub.cache (Redis)
        if set_each is not None:
            set_each(self.written)
            return
        for key, (value, timeout) in self.written.items():
            default_cache.set(key, value, timeout)


def check_all(throttles, request, view) -> list[float | None]:
    """Count `request` against every throttle at once (module docstring):
    the waits asked for by the throttles that refuse it, empty if none do."""
    ours = [t for t in throttles if isinstance(t, _RatesFromSettings)]
    histories = _Histories([k for t in ours if (k := t.key_for(request, view))])
    waits = []
    for throttle in throttles:
        if throttle in ours:  # any other throttle keeps its own cache calls
            throttle.cache = histories
        if not throttle.allow_request(request, view):
            waits.append(throttle.wait())
    histories.save()
    return waits


def check(request, scope: str):
    """None if `request` may go on; otherwise the 429 page to answer with."""
    throttle = PageThrottle(scope)
    if not check_all([throttle], request, None):
        return None
    wait = max(1, math.ceil(throttle.wait() or throttle.duration))
    minutes = math.ceil(wait / 60)
    response = render(
        request,
        "429.html",
        {"wait": wait, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def throttled(scope: str):
    """Decorator: throttle a page's POSTs in `scope` (GETs only show a form)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in SAFE_METHODS:
                refused = check(request, scope)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
