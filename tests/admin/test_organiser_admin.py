"""Organisers look at everything in the admin and change nothing."""

import pytest
from django.urls import reverse

from delegations.models import Delegation
from sessions.models import Session, Workshop


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:workshop_sessions_workshop_changelist",
        "admin:workshop_sessions_session_changelist",
        "admin:workshop_sessions_interventionarea_changelist",
        "admin:delegations_delegation_changelist",
        "admin:summaries_summary_changelist",
        "admin:summaries_actionitem_changelist",
        "admin:summaries_tarequest_changelist",
        "admin:summaries_actionplan_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_changelist_loads_for_organiser(organiser_client, url_name, session, delegation_a):
    assert organiser_client.get(reverse(url_name)).status_code == 200


def test_session_change_page_is_read_only_for_organiser(organiser_client, session):
    response = organiser_client.get(
        reverse("admin:workshop_sessions_session_change", args=[session.pk])
    )
    assert (response.status_code, response.context["has_change_permission"]) == (200, False)


def test_workshop_add_is_refused_to_organiser(organiser_client, workshop):
    response = organiser_client.post(
        reverse("admin:workshop_sessions_workshop_add"),
        {
            "title_en": "Another workshop",
            "slug": "another",
            "start_date": "2026-12-01",
            "end_date": "2026-12-02",
            "time_zone": "UTC",
            "languages": "en",
            "default_language": "en",
        },
    )
    assert (response.status_code, Workshop.objects.count()) == (403, 1)


def test_session_change_is_refused_to_organiser(organiser_client, session):
    response = organiser_client.post(
        reverse("admin:workshop_sessions_session_change", args=[session.pk]),
        {"workshop": session.workshop_id, "code": "V", "title_en": "Renamed", "status": "closed"},
    )
    session.refresh_from_db()
    assert (response.status_code, session.title_en, session.status) == (
        403,
        "Mobilizing resources",
        Session.Status.OPEN,
    )


def test_delegation_change_is_refused_to_organiser(organiser_client, delegation_a):
    response = organiser_client.post(
        reverse("admin:delegations_delegation_change", args=[delegation_a.pk]),
        {"workshop": delegation_a.workshop_id, "name": "Renamed", "slug": "senegal"},
    )
    assert (response.status_code, Delegation.objects.get().name) == (403, "Senegal")


@pytest.mark.parametrize("action", ["open_sessions", "close_sessions", "draft_sessions"])
def test_session_actions_are_refused_to_organiser(organiser_client, session, action):
    response = organiser_client.post(
        reverse("admin:workshop_sessions_session_changelist"),
        {"action": action, "_selected_action": [session.pk]},
    )
    session.refresh_from_db()
    assert (response.status_code, session.status) == (403, Session.Status.OPEN)


def test_session_actions_are_not_offered_to_organiser(organiser_client, session):
    response = organiser_client.get(reverse("admin:workshop_sessions_session_changelist"))
    assert response.context["action_form"] is None
