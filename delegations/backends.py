"""The sign-in backends (``AUTHENTICATION_BACKENDS``): by sign-in name and password, and
by an access card's link (django-sesame). They are Django's and django-sesame's own,
except that the signed-in user, read on every request, is read with a prepared query
(``workshop_portal.prepared``): on the autosave path building that query cost more than
the database took to answer it.

Sessions signed in before these classes existed name Django's and django-sesame's
classes; the session store reads those names as these
(``workshop_portal.session_store.RENAMED_BACKENDS``), so nobody is signed out by the
change."""

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from sesame.backends import SesameBackendMixin

from workshop_portal.prepared import PreparedQuery

_user = PreparedQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk)[:1])


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        try:
            user = _user.first(pk=get_user_model()._meta.pk.to_python(user_id))
        except ValidationError:
            return None
        return user if user is not None and self.user_can_authenticate(user) else None


class CardBackend(SesameBackendMixin, ModelBackend):
    """django-sesame's backend (``sesame.backends.ModelBackend``), whose tokens carry
    the user's primary key (``SESAME_PRIMARY_KEY_FIELD`` is not set)."""
