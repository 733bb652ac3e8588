"""Django's database sessions, read with a prepared query (``SESSION_ENGINE``).

Every request of a signed-in person reads its session row; on the autosave path
building that query cost more than the database took to answer it. The rows, the
cookie and everything else are Django's own (``django.contrib.sessions.backends.db``),
so switching engines signs nobody out. An expired row is treated as Django treats
it: no session.

Sessions signed in before the sign-in backends moved to ``delegations.backends`` name
Django's and django-sesame's own classes: they are read as the new names
(``RENAMED_BACKENDS``), so that change signed nobody out."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedQuery

RENAMED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "delegations.backends.ModelBackend",
    "sesame.backends.ModelBackend": "delegations.backends.CardBackend",
}

_session = PreparedQuery(lambda key: Session.objects.filter(session_key=key)[:1])


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key  # None when the cookie's key was malformed
        session = _session.first(key=key) if key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session

    def decode(self, session_data):
        data = super().decode(session_data)
        backend = data.get(BACKEND_SESSION_KEY)
        if backend in RENAMED_BACKENDS:
            data[BACKEND_SESSION_KEY] = RENAMED_BACKENDS[backend]
        return data
