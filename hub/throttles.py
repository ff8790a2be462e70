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
"""

import math
from functools import wraps

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


def check(request, scope: str):
    """None if `request` may go on; otherwise the 429 page to answer with."""
    throttle = PageThrottle(scope)
    if throttle.allow_request(request, None):
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
