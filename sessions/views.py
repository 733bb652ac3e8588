"""The signed-in landing pages: the list of a user's workshops and one workshop."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from delegations.selectors import (
    delegations_visible_to,
    own_delegation,
    user_reads_everything,
    workshop_for,
    workshops_for,
)
from summaries.selectors import delegation_progress, sessions_visible_to


@login_required
def home(request):
    workshops = list(workshops_for(request.user))
    if len(workshops) == 1:
        return redirect(workshops[0])
    return render(request, "sessions/home.html", {"workshops": workshops})


@login_required
def workshop_detail(request, workshop):
    workshop = workshop_for(request.user, workshop)
    sessions = list(sessions_visible_to(request.user, workshop))
    delegation = own_delegation(request.user, workshop)
    return render(
        request,
        "sessions/workshop.html",
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
