"""Small typed readers for settings. Only hub.settings imports this module.

Each reader fails loudly (ImproperlyConfigured) on a value it cannot parse, so a
typo in production configuration stops start-up instead of being ignored.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_MISSING = object()


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return str(default)
    return value


def env_bool(name: str, default: str = "False") -> bool:
    raw = env_str(name, default).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: str) -> int:
    raw = env_str(name, default)
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
