"""Signing in: throttling (django-axes), the lockout page and the sign-in view.

- :class:`SignInThrottle` (``AXES_HANDLER``) is django-axes' database handler, which
  counts failures per (account, address) pair (``AXES_LOCKOUT_PARAMETERS``), with one
  more refusal: an address with ``PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT`` failures
  over all accounts within the cool-off (credential stuffing). A venue's laptops
  share one address and account names are predictable, so locking an account, or an
  address, after ten failures would let anyone lock a delegation or the venue out.
- :func:`client_address` (``AXES_CLIENT_IP_CALLABLE``) is the client's address: behind
  the proxy (``DJANGO_BEHIND_PROXY``), the one the proxy appended to
  ``X-Forwarded-For``, never what the client itself wrote there.
- :func:`lockout_response` (``AXES_LOCKOUT_CALLABLE``) answers a refused sign-in
  with the sign-in page, status 429, saying in the user's language why, until when,
  and how to get in now: the access card's QR code (never throttled) or a facilitator.
- :class:`SignInView` signs a second account in over the first on a shared laptop:
  Django's ``redirect_authenticated_user`` would otherwise answer the form's POST
  with a redirect and silently keep the account that was signed in. ``login()``
  then flushes the previous account's session.
"""

import ipaddress
import math
from urllib.parse import urlsplit

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import ngettext

from delegations.views import is_card_link


def client_address(request):
    """The address sign-in throttling counts: ``REMOTE_ADDR``, or behind
    ``PROXY_COUNT`` proxies (``DJANGO_BEHIND_PROXY=1``) the address the outermost one
    saw, which it appended to ``X-Forwarded-For``; entries before it are the client's
    own words. ``REMOTE_ADDR`` when the header is missing or not an address."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < settings.PROXY_COUNT or not hops[-settings.PROXY_COUNT]:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-settings.PROXY_COUNT]))
    except ValueError:
        return remote


class SignInThrottle(AxesDatabaseHandler):
    """django-axes' database handler: the (account, address) pair is locked after
    ``AXES_FAILURE_LIMIT`` failures, an address after
    ``PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT`` over all accounts."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or (
            address_failures(request) >= settings.PORTAL_SIGN_IN_ADDRESS_FAILURE_LIMIT
        )


def address_failures(request):
    """Failed sign-ins from the request's address within the cool-off, all accounts."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_message():
    """Why a sign-in is refused, for how long, and how to get in now."""
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts. Sign-in with a password is blocked here for "
        "%(minutes)d minute. To get in now, scan the QR code on your access card, or ask "
        "a facilitator to unlock your account.",
        "Too many failed sign-in attempts. Sign-in with a password is blocked here for "
        "%(minutes)d minutes. To get in now, scan the QR code on your access card, or ask "
        "a facilitator to unlock your account.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page with :func:`lockout_message`, status 429 (django-axes calls it)."""
    username = (credentials or {}).get("username") or ""
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "lockout_message": lockout_message(),
            "next": request.POST.get("next", "") if request.method == "POST" else "",
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class SignInView(auth_views.LoginView):
    """Django's sign-in view; a signed-in user who opens the page goes home, one who
    submits the form signs in as the account they typed. ``next`` never leads to an
    access card's link: after signing in with a password, a link someone planted
    would offer to sign in as another account."""

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url and is_card_link(urlsplit(url).path) else url

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and request.user.is_authenticated:
            redirect_to = self.get_success_url()
            if redirect_to != request.path:
                return HttpResponseRedirect(redirect_to)
        return super().dispatch(request, *args, **kwargs)
