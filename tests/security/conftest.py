"""Security fixtures: signed-in clients for a member and an organiser, a plan item."""

import pytest
from django.test import Client

from delegations.services import staff_groups_ensure
from summaries import services as summary_services


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member_a, session):
    return signed_in(member_a)


@pytest.fixture
def organiser_client(organiser, session):
    staff_groups_ensure()
    return signed_in(organiser)


@pytest.fixture
def action_item(member_a, delegation_a):
    return summary_services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "Inscrire la santé communautaire au budget"},
        user=member_a,
    )
