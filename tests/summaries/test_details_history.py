"""The history of a summary's details (participants, rapporteur): every version with
what changed, and "restore this version" as a new version through the versioned write."""

import pytest
from django.urls import reverse

from delegations import permissions
from summaries import services
from summaries.models import Summary

pytestmark = pytest.mark.django_db


def details_url(name, summary):
    return reverse(
        f"summaries:{name}",
        kwargs={
            "workshop": summary.session.workshop.slug,
            "delegation": summary.delegation.slug,
            "session": summary.session.code,
        },
    )


@pytest.fixture
def summary(delegation_a, session, member_a):
    """Details saved twice: version 2 ("Awa", "Awa") and version 3 ("Awa, Moussa", "Moussa")."""
    summary = services.summary_get_or_create(delegation=delegation_a, session=session)
    for version, (participants, rapporteur) in enumerate(
        [("Awa", "Awa"), ("Awa, Moussa", "Moussa")], start=1
    ):
        summary = services.summary_details_save(
            summary=summary,
            participants=participants,
            rapporteur=rapporteur,
            base_version=version,
            user=member_a,
        )
    return summary


def test_details_history_shows_each_version_with_its_changes(client, member_a, summary):
    services.summary_timer_start(summary=summary)  # a save that makes no new version
    client.force_login(member_a)
    response = client.get(details_url("details_history", summary))
    assert response.status_code == 200
    versions = response.context["versions"]
    assert [v.record.version for v in versions] == [3, 2, 1]
    assert [v.changed for v in versions] == [
        ["participants", "rapporteur"],
        ["participants", "rapporteur"],
        [],
    ]
    assert "<ins>, Moussa</ins>" in response.text


def test_details_restore_makes_a_new_version(client, member_a, summary):
    old = summary.history.get(version=2)
    client.force_login(member_a)
    response = client.post(
        details_url("details_restore", summary), {"history_id": old.history_id, "version": 3}
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert (summary.participants, summary.rapporteur, summary.version) == ("Awa", "Awa", 4)
    assert summary.history.filter(version=4).count() == 1


def test_details_restore_after_a_newer_save_restores_nothing(client, member_a, summary):
    old = summary.history.get(version=2)
    services.summary_details_save(
        summary=summary,
        participants="Awa, Moussa, Fatou",
        rapporteur="Moussa",
        base_version=3,
        user=member_a,
    )
    client.force_login(member_a)
    response = client.post(
        details_url("details_restore", summary),
        {"history_id": old.history_id, "version": 3},
        follow=True,
    )
    assert "nothing was restored" in response.text
    summary.refresh_from_db()
    assert (summary.participants, summary.version) == ("Awa, Moussa, Fatou", 4)


def test_details_restore_of_a_submitted_summary_is_refused(client, member_a, summary):
    old = summary.history.get(version=2)
    services.summary_submit(summary=summary, user=member_a)
    client.force_login(member_a)
    response = client.post(
        details_url("details_restore", summary),
        {"history_id": old.history_id, "version": 3},
        follow=True,
    )
    summary.refresh_from_db()
    assert permissions.can_write_summary(summary).reason in response.text
    assert (summary.participants, summary.version) == ("Awa, Moussa", 3)


def test_details_restore_of_another_summarys_version_is_404(
    client, member_a, summary, delegation_a, workshop
):
    from sessions.models import Session

    other_session = Session.objects.create(
        workshop=workshop, code="IX", title_en="Other", status=Session.Status.OPEN, order=9
    )
    other = services.summary_get_or_create(delegation=delegation_a, session=other_session)
    client.force_login(member_a)
    response = client.post(
        details_url("details_restore", summary),
        {"history_id": other.history.get().history_id, "version": 3},
    )
    assert response.status_code == 404
    assert Summary.objects.get(pk=summary.pk).version == 3


def test_summary_page_links_the_details_history(client, member_a, summary):
    client.force_login(member_a)
    response = client.get(summary.get_absolute_url())
    assert f'href="{details_url("details_history", summary)}"' in response.text
