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
