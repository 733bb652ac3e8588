"""The hub pages: the list of a user's workshops, one workshop with its sessions and
delegations, and the CSRF views the autosave script relies on."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import csrf as csrf_views
from django.views.decorators.http import require_GET

from delegations.permissions import (
    delegations_visible_to,
    own_delegation,
    sessions_visible_to,
    user_reads_everything,
    workshop_for,
    workshops_for,
)
from summaries.selectors import delegation_progress


@login_required
def home(request):
    workshops = list(workshops_for(request.user))
    if len(workshops) == 1:
        return redirect(workshops[0])
    return render(request, "portal/home.html", {"workshops": workshops})


@login_required
def workshop_detail(request, workshop):
    workshop = workshop_for(request.user, workshop)
    sessions = list(sessions_visible_to(request.user, workshop))
    delegation = own_delegation(request.user, workshop)
    return render(
        request,
        "portal/workshop.html",
        {
            "workshop": workshop,
            "delegation": delegation,
            "sessions": sessions,
            "cells": delegation_progress(delegation=delegation, sessions=sessions)
            if delegation
            else None,
            "reads_everything": user_reads_everything(request.user),
            "delegations": delegations_visible_to(request.user, workshop)
            if delegation is None
            else [],
        },
    )


def csrf_failure(request, reason=""):
    """CSRF refusals: JSON for the autosave script (which then fetches a fresh token
    and retries), Django's page for everything else."""
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "error": _("Your session changed; retrying with a fresh security token."),
                "csrf": True,
            },
            status=403,
        )
    return csrf_views.csrf_failure(request, reason=reason)


@require_GET
def csrf_token(request):
    """A fresh CSRF token, for pages that stayed open across a sign-out and sign-in."""
    return JsonResponse({"token": get_token(request)})


@require_GET
def service_worker(request):
    """The service worker at the site's root, so that its scope holds every page
    (``static/portal/sw.js``; it keeps only delegations' session and plan pages)."""
    body = (Path(settings.BASE_DIR) / "static" / "portal" / "sw.js").read_text(encoding="utf-8")
    return HttpResponse(
        body,
        content_type="text/javascript; charset=utf-8",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )
