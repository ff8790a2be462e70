"""Settings for the test suite (pyproject: DJANGO_SETTINGS_MODULE).

The tests run with the development defaults, so they need no environment: DEBUG
on while the settings are read (the fixed development key, no HTTPS redirect or
secure-only cookies, plain static files), unless DJANGO_DEBUG is set. pytest-django
then runs each test with settings.DEBUG = False, as in production. Production
settings are tested by running manage.py in a subprocess with hub.settings
(tests/hub/test_settings.py).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from hub.settings import *  # noqa: E402, F403

# No throttling unless a test asks for it (tests/hub/test_throttling.py and the
# contract test's 429 cases set low rates): a rate of None lets every request
# through without touching the cache, so tests are neither slowed nor flaky.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # noqa: F405
    ),
}
