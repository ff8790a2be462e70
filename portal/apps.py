from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Pages and commands that combine the domain apps (see docs/architecture.md)."""

    name = "portal"
    verbose_name = "Portal"
