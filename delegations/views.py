"""The sign-in link printed as a QR code on an access card.

Opening the link signs nobody in: a link is a bearer credential that anyone holding a
card can send to another browser (a chat message, a link on a page), and signing in
on a GET would put that browser, unasked, in the sender's account (login CSRF). The
link opens a page that names the workshop, the delegation and the account, and says
who is signed in on this browser now; its one button signs in by a POST that Django's
CSRF check protects, so a page elsewhere cannot press it. The page answers with
``Referrer-Policy: origin`` and ``Cache-Control: no-store``, and its script takes
the token out of the address bar (it stays in the form), so the token leaves no trace
in another site's ``Referer``, the cache or the history.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sessions.i18n import localized
from sessions.models import Workshop

from .access_sheet import card_language, card_link_expires_at, card_link_scope
from .permissions import own_delegation
from .services import card_eligible

CARD_BACKEND_PATH = "sesame.backends.ModelBackend"  # in settings.AUTHENTICATION_BACKENDS


@never_cache
@require_http_methods(["GET", "POST"])
def card_sign_in(request, workshop):
    """GET: the confirmation page of a card's link (nothing changes); POST from that
    page: sign its member in, signing out whoever was signed in on this browser."""
    response = _card_sign_in(request, workshop)
    # Requests from the page name only the origin, never the token. Not "no-referrer":
    # the button's POST would then carry "Origin: null", which the CSRF check refuses.
    response["Referrer-Policy"] = "origin"
    return response


def _card(request, slug):
    """``(workshop, user, delegation, token)`` of the card link in the request, or
    ``None`` when it is revoked, expired, foreign or garbage."""
    # Imported here: sesame derives its signing key from SECRET_KEY when imported, and
    # management commands (migrate, makemigrations) run without a secret key.
    from sesame import settings as sesame_settings
    from sesame.backends import ModelBackend as CardBackend

    data = request.POST if request.method == "POST" else request.GET
    token = data.get(sesame_settings.TOKEN_NAME)
    workshop = Workshop.objects.filter(slug=slug).first()
    if not token or workshop is None or timezone.now() >= card_link_expires_at(workshop):
        return None
    # The sesame backend itself, not authenticate(): a refused token then sends no
    # user_login_failed signal, whose credentials would carry the token (Django
    # cleanses only names like "token" or "password") and whose throttling (axes)
    # would lock the venue's shared address out for a stale card. An 80-bit
    # signature needs no throttling, and a card keeps working while password sign-in
    # is locked.
    user = CardBackend().authenticate(request, sesame=token, scope=card_link_scope(workshop))
    delegation = own_delegation(user, workshop) if user and card_eligible(user) else None
    if delegation is None:
        return None
    return workshop, user, delegation, token


def _card_sign_in(request, slug):
    card = _card(request, slug)
    if card is None:
        messages.error(
            request,
            _(
                "This card's sign-in link no longer works: the card was reprinted or the "
                "workshop has ended. Type the sign-in name and password from your card, "
                "or ask a facilitator for a new card."
            ),
        )
        return redirect(settings.LOGIN_URL)
    workshop, user, delegation, token = card
    previous = request.user if request.user.is_authenticated else None
    language = card_language(delegation)
    if request.method == "GET":
        if previous is not None and previous.pk == user.pk:
            return redirect(workshop)  # already signed in with this card
        with translation.override(language):
            return render(
                request,
                "delegations/card_sign_in.html",
                {
                    "workshop_title": localized(workshop, "title", language),
                    "delegation": delegation,
                    "account": user.get_username(),
                    "previous": previous.get_username() if previous else "",
                    "token": token,
                    "language": language,
                },
            )
    if previous is not None and previous.pk != user.pk:
        logout(request)  # a shared laptop: nobody keeps the previous account's session
    login(request, user, backend=CARD_BACKEND_PATH)
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


def is_card_link(path):
    """Whether ``path`` (a URL path) is a card's sign-in address: the sign-in page never
    sends anyone there after signing in (``next=``)."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).view_name == "delegations:card_sign_in"
    except Resolver404:
        return False
