"""Who sees what: every summary URL for every kind of user."""

import pytest
from django.urls import reverse

from summaries.models import Answer
from summaries.services import AnswerInput, answer_save

pytestmark = pytest.mark.django_db

GET_URLS = ["summary", "delegation", "answer_history"]
POST_URLS = ["answer_save", "details_save", "submit", "reopen", "timer", "answer_restore"]


@pytest.fixture
def answered(delegation_a, session, member_a):
    return answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=1),
        data=AnswerInput(text="secret plan", discussed=True, language="fr", base_version=0),
        user=member_a,
    )


def url_for(name, delegation, session):
    kwargs = {"workshop": session.workshop.slug, "delegation": delegation.slug}
    if name != "delegation":
        kwargs["session"] = session.code
    if name in ("answer_save", "answer_history", "answer_restore"):
        kwargs["number"] = 1
    return reverse(f"summaries:{name}", kwargs=kwargs)


@pytest.mark.parametrize("name", GET_URLS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("member_a", 200), ("member_b", 404), ("organiser", 200), ("facilitator", 200)],
)
def test_get_summary_urls_by_user(
    client, request, answered, delegation_a, session, name, who, expected
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url_for(name, delegation_a, session)).status_code == expected


@pytest.mark.parametrize("name", GET_URLS)
def test_get_summary_urls_anonymous_redirects_to_login(
    client, answered, delegation_a, session, name
):
    response = client.get(url_for(name, delegation_a, session))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", POST_URLS)
@pytest.mark.parametrize("who", ["member_b", "organiser", "facilitator"])
def test_post_summary_urls_refused_to_non_members(
    client, request, answered, delegation_a, session, name, who
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        url_for(name, delegation_a, session),
        {"text": "overwrite", "language": "en", "version": 1, "history_id": 1},
    )
    assert response.status_code == 404
    assert Answer.objects.get().text == "secret plan"


def test_unknown_delegation_in_url_is_404_for_member(client, member_a, delegation_a, session):
    client.force_login(member_a)
    url = url_for("summary", delegation_a, session).replace("senegal", "nowhere")
    assert client.get(url).status_code == 404


def test_draft_session_hidden_from_members(client, member_a, delegation_a, session):
    session.status = "draft"
    session.save()
    client.force_login(member_a)
    assert client.get(url_for("summary", delegation_a, session)).status_code == 404
