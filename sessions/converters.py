"""URL converters for the portal's own path parameters.

A session code travels in URLs (``/w/<workshop>/s/<session>/``), so it holds only what
a path segment carries as it is: letters, digits, ``-``, ``_`` and ``.``, starting with
a letter or a digit (so never ``.`` or ``..``), as ``sessions.models.validate_session_code``
enforces on the model. A URL with anything else (NUL, ``/``, bytes that are not
UTF-8, an over-long code) does not match: a 404 before any query runs (PostgreSQL
refuses NUL in a query parameter).
"""

from .models import SESSION_CODE_MAX_LENGTH


class SessionCodeConverter:
    regex = f"[A-Za-z0-9][A-Za-z0-9._-]{{0,{SESSION_CODE_MAX_LENGTH - 1}}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)
