"""Writes to workshop content: sessions, questions, workshops.

Functions here are called by the admin, the management commands and the tests;
each one validates its input and says what it guarantees.
"""

from django.db import transaction

from .models import Session


@transaction.atomic
def session_set_status(*, sessions, status):
    """Set ``status`` (a ``Session.Status`` value) on every session of ``sessions``.

    For facilitators opening and closing sessions (admin actions). Sessions that
    already have ``status`` are left alone. Returns the sessions that changed, in
    their ordering. Raises ``ValueError`` for an unknown status and writes nothing.
    """
    if status not in Session.Status.values:
        raise ValueError(f"Unknown session status: {status!r}")
    changed = list(
        Session.objects.filter(pk__in=[session.pk for session in sessions]).exclude(status=status)
    )
    Session.objects.filter(pk__in=[session.pk for session in changed]).update(status=status)
    for session in changed:
        session.status = status
    return changed
