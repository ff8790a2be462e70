"""The one place where database errors become domain errors.

A constraint violation, an exclusion violation (double booking), a deadlock or
serialisation abort on PostgreSQL and a busy SQLite database all become
`hub.errors` exceptions with a message a person can act on, so no database text
ever reaches a page or an API response. The API's exception handler and the
page helper (`hub.views_base`) both go through `translated()` /
`domain_error_for()`.

Every constraint declares its own plain-English `violation_error_message`; the
field it names is the constraint's last field (unique: the one that repeats)
or the first field its condition mentions (check). tests/hub/test_db_errors.py checks every constraint
in the project has both.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache

from django.apps import apps
from django.db import IntegrityError, OperationalError, models

from hub.errors import Conflict, DomainError

# PostgreSQL SQLSTATEs: exclusion violation, deadlock, serialisation failure,
# lock not available (NOWAIT / lock_timeout).
EXCLUSION_VIOLATION = "23P01"
RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}
SQLITE_BUSY = ("database is locked", "database table is locked")

TRY_AGAIN = "Someone else changed this at the same time. Try again."


class Busy(Conflict):
    """The database was busy with a competing change; the same request may
    succeed if sent again. Deliberately a different code from a real clash."""

    code = "try_again"


@contextmanager
def translated():
    """Run a block; database errors we understand leave as domain errors."""
    try:
        yield
    except (IntegrityError, OperationalError) as exc:
        error = domain_error_for(exc)
        if error is None:
            raise
        raise error from exc


def domain_error_for(exc: Exception) -> DomainError | None:
    """The domain error a database error means, or None if it is a real fault."""
    sqlstate = _sqlstate(exc)
    text = str(exc)
    if sqlstate in RETRYABLE_SQLSTATES or any(s in text for s in SQLITE_BUSY):
        return Busy(TRY_AGAIN)
    if not isinstance(exc, IntegrityError):
        return None
    found = _constraint_for(exc, text)
    if found is None:
        return None
    model, constraint = found
    message = constraint.get_violation_error_message()
    if sqlstate == EXCLUSION_VIOLATION or isinstance(constraint, _exclusion_types()):
        return Conflict(message, field=constraint_field(model, constraint))
    return DomainError(message, field=constraint_field(model, constraint))


def constraint_field(model, constraint) -> str | None:
    """The field a person would correct when `constraint` is violated."""
    explicit = getattr(constraint, "violation_error_field", None)
    if explicit:
        return explicit
    # A unique constraint's last field is the one that repeats ((site, slug):
    # the slug is taken at this site).
    fields = list(reversed(getattr(constraint, "fields", ()) or ()))
    if not fields:
        condition = getattr(constraint, "condition", None)
        fields = _q_fields(condition) if condition is not None else []
    names = {f.name for f in model._meta.get_fields()}
    for name in fields:
        base = name.split("__")[0]
        if base in names:
            return base
    return None


def all_constraints() -> list[tuple[type[models.Model], models.BaseConstraint]]:
    """Every constraint on every model of ours (not Django's or libraries')."""
    ours = {"hub", "partners", "bookings", "activities", "payments"}
    return [
        (model, constraint)
        for model in apps.get_models()
        if model._meta.app_label in ours
        for constraint in model._meta.constraints
    ]


@cache
def _constraints_by_name() -> dict[str, tuple]:
    return {c.name: (model, c) for model, c in all_constraints()}


@cache
def _unique_by_columns() -> dict[tuple[str, frozenset], tuple]:
    """SQLite names a unique violation by table and columns, not by name."""
    table = {}
    for model, constraint in all_constraints():
        fields = getattr(constraint, "fields", None)
        if isinstance(constraint, models.UniqueConstraint) and fields:
            columns = frozenset(model._meta.get_field(f).column for f in fields)
            table[(model._meta.db_table, columns)] = (model, constraint)
    return table


def _constraint_for(exc: Exception, text: str):
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if name and name in _constraints_by_name():
        return _constraints_by_name()[name]
    for name, found in _constraints_by_name().items():
        if re.search(rf"\b{re.escape(name)}\b", text):
            return found
    match = re.search(r"UNIQUE constraint failed: (.+)$", text)
    if match:
        pairs = [c.strip().split(".", 1) for c in match.group(1).split(",")]
        if pairs and all(len(p) == 2 for p in pairs):
            key = (pairs[0][0], frozenset(c for _, c in pairs))
            return _unique_by_columns().get(key)
    return None


def _q_fields(q) -> list[str]:
    names = []
    for child in getattr(q, "children", []):
        if isinstance(child, tuple):
            names.append(child[0])
        else:
            names.extend(_q_fields(child))
    return names


def _sqlstate(exc: Exception) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def _exclusion_types() -> tuple:
    try:
        from django.contrib.postgres.constraints import ExclusionConstraint
    except ImportError:  # psycopg missing: SQLite-only install
        return ()
    return (ExclusionConstraint,)
