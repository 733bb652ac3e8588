"""The sign-in link printed as a QR code on an access card.

The link carries a django-sesame token in its query string. The view answers at once
with a redirect to a clean address (the workshop page, or the sign-in page when the
link is refused) and ``Referrer-Policy: no-referrer``, so the token stays out of the
address bar, the browser history and the ``Referer`` of the next page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sessions.models import Workshop

from .access_sheet import card_language, card_link_expires_at, card_link_scope
from .permissions import own_delegation
from .services import card_eligible

CARD_BACKEND_PATH = "delegations.backends.CardBackend"  # in settings.AUTHENTICATION_BACKENDS


@never_cache
@require_GET
def card_sign_in(request, workshop):
    """Sign in the member whose card link this is, signing out whoever was signed in
    on this browser before; refuse a revoked, expired or foreign link."""
    response = _card_sign_in(request, workshop)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _card_sign_in(request, slug):
    # Imported here: sesame derives its signing key from SECRET_KEY when imported, and
    # management commands (migrate, makemigrations) run without a secret key.
    from sesame import settings as sesame_settings

    from .backends import CardBackend

    workshop = Workshop.objects.filter(slug=slug).first()
    token = request.GET.get(sesame_settings.TOKEN_NAME)
    user = None
    if token and workshop is not None and timezone.now() < card_link_expires_at(workshop):
        # The sesame backend itself, not authenticate(): a refused token then sends no
        # user_login_failed signal, whose credentials would carry the token (Django
        # cleanses only names like "token" or "password") and whose throttling (axes)
        # would lock the venue's shared address out for a stale card. An 80-bit
        # signature needs no throttling.
        user = CardBackend().authenticate(request, sesame=token, scope=card_link_scope(workshop))
    delegation = own_delegation(user, workshop) if user and card_eligible(user) else None
    if delegation is None:
        messages.error(
            request,
            _(
                "This card's sign-in link no longer works: the card was reprinted or the "
                "workshop has ended. Type the sign-in name and password from your card, "
                "or ask a facilitator for a new card."
            ),
        )
        return redirect(settings.LOGIN_URL)
    previous = request.user if request.user.is_authenticated else None
    if previous is not None and previous.pk != user.pk:
        logout(request)  # a shared laptop: nobody keeps the previous account's session
    login(request, user, backend=CARD_BACKEND_PATH)
    language = card_language(delegation)
    if previous is not None and previous.pk != user.pk:
        with translation.override(language):  # the language the landing page will be in
            messages.info(
                request,
                _("%(previous)s was signed out on this browser; you are signed in as %(user)s.")
                % {"previous": previous.get_username(), "user": user.get_username()},
            )
    response = redirect(workshop)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
