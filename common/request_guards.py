"""Requests refused at the door, with a 400 that says why, before a view or Django's
own request parsing can fail on them with a 500.

- A body declared in a character set other than UTF-8 (``charset=utf-16``,
  ``latin-1``, an unknown name): every page of the portal sends UTF-8, and Django
  would decode such a form with the declared codec (an unknown one raises while
  the error page itself reads the form, so gunicorn answered instead).
- A NUL character in the path or the query string: PostgreSQL refuses NUL in any
  query parameter (``DataError``), e.g. an admin filter ``?workshop__id__exact=%00``
  or a search ``?q=%00``; SQLite would run the query. Refusing it here makes both
  databases answer the same.

What people type in forms is not refused here: NUL and other control characters
in a form field are removed where the text is cleaned (``common.text``).
"""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

_UTF8 = {"utf-8", "utf8"}


def _declared_charset(content_type):
    for parameter in content_type.split(";")[1:]:
        name, _sep, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def refusal_reason(request):
    """Why ``request`` is refused, or ``None`` when it may go on."""
    charset = _declared_charset(request.META.get("CONTENT_TYPE", ""))
    if charset is not None and charset not in _UTF8:
        return _(
            "This form was sent in a character set other than UTF-8. "
            "Reload the page and send it again."
        )
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return _("The address contains a character that is not allowed (NUL).")
    return None


def bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = refusal_reason(request)
        if reason is not None:
            return bad_request(reason)
        return self.get_response(request)
