"""Schemathesis hooks for the hand-run fuzz against a live server
(tests/fuzz/live_fuzz.sh): the API's `format: time` is a local wall-clock
time with no offset ("15:30:00", the site's zone), as test_api_fuzz.py and
tests/api/openapi.py read it; without this the CLI would apply JSON Schema's
RFC 3339 full-time, which requires an offset a wall-clock time cannot have.

Loaded with SCHEMATHESIS_HOOKS=tests.fuzz.live_hooks.
"""

import re

from schemathesis.specs.openapi.adapter import responses as _responses

# hub.input_limits.TIME_PATTERN (not imported: the CLI has no Django settings;
# tests/fuzz/test_fuzz_findings.py checks the two are the same).
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _is_time(value) -> bool:
    """Formats apply to strings only."""
    return not isinstance(value, str) or re.match(TIME_PATTERN, value) is not None


_supplemental = _responses.supplemental_formats
_responses.supplemental_formats = lambda cls: {
    **(_supplemental(cls) or {}),
    "time": _is_time,
}
