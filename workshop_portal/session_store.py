"""Django's database sessions, read with a prepared query (``SESSION_ENGINE``).

Every request of a signed-in person reads its session row; on the autosave path
building that query cost more than the database took to answer it. The rows, the
cookie and everything else are Django's own (``django.contrib.sessions.backends.db``),
so switching engines signs nobody out. An expired row is treated as Django treats
it: no session."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedQuery

_session = PreparedQuery(lambda key: Session.objects.filter(session_key=key)[:1])


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key  # None when the cookie's key was malformed
        session = _session.first(key=key) if key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
