"""Signing in with a username and password, and nothing else.

Every permission is declared once, in an app's rules.py (django-rules), and
platform admins (superusers) hold them all. Django's ModelBackend would also
grant model permissions assigned to users or groups; we never assign any, yet
each permission the rules deny would cost it two queries to find that out.
This backend keeps ModelBackend's password check and grants nothing.
"""

from django.contrib.auth.backends import ModelBackend

# The path to give django.contrib.auth.login() after creating an account.
PASSWORD_BACKEND = "hub.auth_backends.PasswordBackend"


class PasswordBackend(ModelBackend):
    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()
