"""Signing in: the lockout page of django-axes and the sign-in view.

- :func:`lockout_response` (``AXES_LOCKOUT_CALLABLE``) answers a refused sign-in
  with the sign-in page, status 429, saying in the user's language why and when they
  may try again, and that a facilitator can unlock the account sooner.
- :class:`SignInView` signs a second account in over the first on a shared laptop:
  Django's ``redirect_authenticated_user`` would otherwise answer the form's POST
  with a redirect and silently keep the account that was signed in. ``login()``
  then flushes the previous account's session.
"""

import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import ngettext


def lockout_message():
    """Why a sign-in is refused and when the user may try again."""
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts. Sign-in is blocked for %(minutes)d minute; "
        "try again after that, or ask a facilitator to unlock your account.",
        "Too many failed sign-in attempts. Sign-in is blocked for %(minutes)d minutes; "
        "try again after that, or ask a facilitator to unlock your account.",
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
    submits the form signs in as the account they typed."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and request.user.is_authenticated:
            redirect_to = self.get_success_url()
            if redirect_to != request.path:
                return HttpResponseRedirect(redirect_to)
        return super().dispatch(request, *args, **kwargs)
