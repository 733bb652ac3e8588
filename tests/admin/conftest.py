"""Admin fixtures: the staff groups as ``staff_groups_ensure()`` defines them, signed-in
clients for a facilitator and an organiser, work written by a delegation, and a session
with texts in four languages."""

import pytest
from django.test import Client
from django.urls import reverse

from delegations.services import staff_groups_ensure
from sessions.models import GuidanceQuestion
from summaries import services as summary_services
from summaries.models import TARequest

SESSIONS_URL = reverse("admin:workshop_sessions_session_changelist")


@pytest.fixture
def staff_groups(db):
    return staff_groups_ensure()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def facilitator_client(staff_groups, facilitator):
    return signed_in(facilitator)


@pytest.fixture
def organiser_client(staff_groups, organiser):
    return signed_in(organiser)


@pytest.fixture
def answer(member_a, delegation_a, session):
    """Senegal's answer to question 1 of session V."""
    return summary_services.answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=1),
        data=summary_services.AnswerInput(
            text="Le budget dépend des partenaires.", discussed=True, language="fr", base_version=0
        ),
        user=member_a,
    )


@pytest.fixture
def action_item(member_a, delegation_a):
    return summary_services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "Inscrire la santé communautaire au budget"},
        user=member_a,
    )


@pytest.fixture
def ta_request(member_a, delegation_a):
    return summary_services.plan_item_create(
        delegation=delegation_a,
        kind="ta",
        data={"title": "Appui au chiffrage", "priority": TARequest.Priority.HIGH},
        user=member_a,
    )


@pytest.fixture
def source(session):
    """Session V with its title in four languages and question 1 in Vietnamese and Thai."""
    session.title_vi = "Huy động nguồn lực"
    session.title_th = "การระดมทรัพยากร"
    session.instructions_fr = "Notez vos réponses."
    session.save()
    GuidanceQuestion.objects.filter(session=session, number=1).update(
        text_vi="Câu hỏi 1 bằng tiếng Việt?", text_th="คำถามที่ 1 ภาษาไทย?"
    )
    return session
