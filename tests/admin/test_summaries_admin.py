"""What delegations wrote, in the admin: staff read it, nobody edits it there."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from delegations.models import Delegation
from sessions.models import Session
from summaries import services as summary_services
from summaries.models import Answer, Summary
from tests.factories import make_workshop


@pytest.fixture
def summary_url(answer):
    return reverse("admin:summaries_summary_change", args=[answer.summary_id])


def test_summary_changelist_lists_summaries(facilitator_client, answer):
    response = facilitator_client.get(reverse("admin:summaries_summary_changelist"))
    assert [str(summary) for summary in response.context["cl"].result_list] == ["Senegal – V"]


def test_summary_changelist_filters_by_workshop(facilitator_client, answer, workshop):
    other = make_workshop(
        title_en="Provincial workshop",
        slug="provincial",
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 2),
    )
    Summary.objects.create(
        session=Session.objects.create(workshop=other, code="I", title_en="One"),
        delegation=Delegation.objects.create(workshop=other, name="Hanoi", slug="hanoi"),
    )
    response = facilitator_client.get(
        reverse("admin:summaries_summary_changelist"), {"session__workshop__id__exact": other.pk}
    )
    assert [str(summary) for summary in response.context["cl"].result_list] == ["Hanoi – I"]


def test_summary_change_page_shows_answers(facilitator_client, summary_url):
    response = facilitator_client.get(summary_url)
    assert (response.status_code, "Le budget dépend des partenaires." in response.text) == (
        200,
        True,
    )


def test_summary_change_page_has_no_save_button(facilitator_client, summary_url):
    html = facilitator_client.get(summary_url).text
    assert ('name="_save"' in html, 'name="_continue"' in html) == (False, False)


def test_summary_change_is_refused(facilitator_client, summary_url, answer):
    response = facilitator_client.post(
        summary_url,
        {"delegation": answer.summary.delegation_id, "status": "submitted", "rapporteur": "X"},
    )
    summary = Summary.objects.get()
    assert (response.status_code, summary.status, summary.rapporteur) == (403, "draft", "")


def test_summary_add_is_refused(facilitator_client):
    response = facilitator_client.get(reverse("admin:summaries_summary_add"))
    assert response.status_code == 403


def test_summary_delete_is_refused_to_facilitator(facilitator_client, answer):
    response = facilitator_client.post(
        reverse("admin:summaries_summary_delete", args=[answer.summary_id]), {"post": "yes"}
    )
    assert (response.status_code, Summary.objects.count()) == (403, 1)


def test_summary_delete_is_allowed_to_superuser(answer):
    root = User.objects.create_superuser("root", password="root-password-1")
    client = Client()
    client.force_login(root)
    client.post(
        reverse("admin:summaries_summary_delete", args=[answer.summary_id]), {"post": "yes"}
    )
    assert Summary.objects.count() == 0


def test_summary_history_revert_is_refused(facilitator_client, answer, member_a):
    summary = summary_services.summary_details_save(
        summary=answer.summary,
        participants="Awa, Moussa",
        rapporteur="Awa",
        base_version=answer.summary.version,
        user=member_a,
    )
    first = summary.history.earliest()
    response = facilitator_client.post(
        reverse("admin:summaries_summary_simple_history", args=[summary.pk, first.history_id])
    )
    summary.refresh_from_db()
    assert (response.status_code, summary.rapporteur) == (403, "Awa")


def test_summary_history_page_loads_for_facilitator(facilitator_client, answer):
    response = facilitator_client.get(
        reverse("admin:summaries_summary_history", args=[answer.summary_id])
    )
    assert response.status_code == 200


def test_answer_texts_are_unchanged_after_refused_posts(facilitator_client, summary_url, answer):
    facilitator_client.post(summary_url, {"answers-0-text": "Overwritten"})
    assert list(Answer.objects.values_list("text", flat=True)) == [
        "Le budget dépend des partenaires."
    ]


def test_action_item_changelist_filters_by_workshop(facilitator_client, action_item, workshop):
    response = facilitator_client.get(
        reverse("admin:summaries_actionitem_changelist"),
        {"delegation__workshop__id__exact": workshop.pk},
    )
    assert [item.title for item in response.context["cl"].result_list] == [
        "Inscrire la santé communautaire au budget"
    ]


def test_action_item_change_is_refused(facilitator_client, action_item):
    response = facilitator_client.post(
        reverse("admin:summaries_actionitem_change", args=[action_item.pk]),
        {"title": "Renamed", "delegation": action_item.delegation_id},
    )
    action_item.refresh_from_db()
    assert (response.status_code, action_item.title) == (
        403,
        "Inscrire la santé communautaire au budget",
    )


def test_ta_request_changelist_filters_by_priority(facilitator_client, ta_request):
    response = facilitator_client.get(
        reverse("admin:summaries_tarequest_changelist"), {"priority__exact": "low"}
    )
    assert response.context["cl"].result_count == 0


def test_ta_request_change_page_is_read_only(facilitator_client, ta_request):
    response = facilitator_client.get(
        reverse("admin:summaries_tarequest_change", args=[ta_request.pk])
    )
    assert (response.status_code, response.context["has_change_permission"]) == (200, False)
