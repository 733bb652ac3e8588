"""Which language and which time zone a request is served in.

Interface language, decided in one place (:func:`interface_language_for`), for every
way of signing in (password form, card link, admin):

1. a delegation member: what they chose last with the switcher (``/i18n/setlang/``),
   kept on their account (:class:`delegations.models.LanguagePreference`) so it
   follows them to their next sign-in on any browser; until they choose, their
   delegation's document language (``Delegation.language``) when the interface is
   translated into it, else their workshop's default language;
2. everyone else (anonymous visitors; facilitators, organisers and superusers, who
   keep their own choice): Django's own order, the language cookie that the
   switcher sets, then ``Accept-Language``.

A member's answer is resolved once per sign-in and kept in the session; the switcher
updates both.

Caching: a signed-in person's responses are ``Cache-Control: private, no-store``
(:class:`PrivatePagesMiddleware`), so on a shared venue laptop the previous member's
pages never come back from the browser's cache after sign-out.

Time zone: every page under ``/w/<workshop>/`` shows dates in that workshop's time
zone (:class:`WorkshopTimeZoneMiddleware`).
"""

import datetime as dt
import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib import auth
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from delegations.models import LanguagePreference, Membership
from delegations.permissions import user_reads_everything
from sessions.models import Workshop

SESSION_KEY = "portal_interface_language"  # [user pk, language code]


def interface_languages():
    return {code for code, _name in settings.LANGUAGES}


def is_staff_user(user):
    """Facilitators, organisers and superusers keep the language they choose
    themselves, whatever delegation they may also belong to."""
    return user.is_staff or user_reads_everything(user)


def interface_language_for(user):
    """The interface language of a delegation member's account, or ``None`` to let
    the request decide (cookie, then ``Accept-Language``): for anonymous users, staff
    and members of no delegation.

    Contract: only a language of ``settings.LANGUAGES`` is returned."""
    if not user.is_authenticated or is_staff_user(user):
        return None
    available = interface_languages()
    chosen = LanguagePreference.objects.filter(user=user).values_list("language", flat=True).first()
    if chosen in available:
        return chosen
    membership = (
        Membership.objects.filter(user=user)
        .select_related("delegation__workshop")
        .order_by("-delegation__workshop__start_date", "pk")
        .first()
    )
    if membership is None:
        return None
    delegation = membership.delegation
    for code in (delegation.language, delegation.workshop.default_language):
        if code in available:
            return code
    return None


def interface_language_remember(*, user, language):
    """Keep ``language`` as the interface language ``user`` chose (the switcher)."""
    if language not in interface_languages():
        return None
    preference, _created = LanguagePreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware``, with a member's account language first.

    It stands where ``LocaleMiddleware`` stands (after ``SessionMiddleware``, before
    the middleware whose refusals are translated), so it reads the signed-in user
    from the session itself. A member's answer is kept in the session next to their
    id, so it is looked up once per sign-in; a sign-in by any means (the form, a card
    link) changes that id, so it is looked up again on the next request. Staff have
    no account answer and cost no query beyond the user (which
    ``AuthenticationMiddleware`` then reuses) and their groups (which the
    permission checks reuse)."""

    def process_request(self, request):
        language = self._account_language(request)
        if language is None:
            super().process_request(request)
            return
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def _account_language(self, request):
        session = getattr(request, "session", None)
        user_key = session.get(auth.SESSION_KEY) if session is not None else None
        if user_key is None:
            return None
        cached = session.get(SESSION_KEY)
        if cached and cached[0] == user_key and cached[1] in interface_languages():
            return cached[1]
        user = auth.get_user(request)
        request._cached_user = user  # what AuthenticationMiddleware's request.user reads
        language = interface_language_for(user)
        if language is not None:
            session[SESSION_KEY] = [user_key, language]
        return language

    def process_response(self, request, response):
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.url_name == "set_language"
            and request.method == "POST"
            and response.status_code in (204, 302)
            and request.user.is_authenticated
            and not is_staff_user(request.user)
        ):
            language = request.POST.get("language", "")
            if interface_language_remember(user=request.user, language=language):
                request.session[SESSION_KEY] = [request.session.get(auth.SESSION_KEY), language]
        return super().process_response(request, response)


class WorkshopZone(dt.tzinfo):
    """The time zone of the workshop ``slug``, read from the database the first time
    a date is converted: a page that shows no date (or sets its own zone, as most
    templates do with ``{% timezone %}``) costs no query."""

    def __init__(self, slug):
        self.slug = slug

    @cached_property
    def zone(self):
        name = Workshop.objects.filter(slug=self.slug).values_list("time_zone", flat=True).first()
        try:
            return zoneinfo.ZoneInfo(name) if name else dt.UTC
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return dt.UTC  # Workshop.clean refuses unknown zones; an old row keeps UTC

    def _in_zone(self, value):
        return value.replace(tzinfo=self.zone) if value is not None else None

    def utcoffset(self, value):
        return self.zone.utcoffset(self._in_zone(value))

    def dst(self, value):
        return self.zone.dst(self._in_zone(value))

    def tzname(self, value):
        return self.zone.tzname(self._in_zone(value))

    def fromutc(self, value):
        return self.zone.fromutc(value.replace(tzinfo=self.zone)).replace(tzinfo=self)

    def __str__(self):
        return str(self.zone)


class WorkshopTimeZoneMiddleware:
    """Dates on the pages of a workshop (every URL with a ``workshop`` slug) are shown
    in that workshop's time zone; elsewhere in ``settings.TIME_ZONE``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("workshop")
        if isinstance(slug, str):
            timezone.activate(WorkshopZone(slug))
        return None


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in person
    (pages, fragments, downloads), whatever the view set; anonymous pages keep their
    headers, and static files never reach this (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
