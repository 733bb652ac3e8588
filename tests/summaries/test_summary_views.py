import pytest
from django.test import override_settings
from django.urls import reverse

from sessions.models import Session
from summaries.models import Answer, Summary
from summaries.services import AnswerInput, answer_save, summary_get_or_create

pytestmark = pytest.mark.django_db


def summary_url(name, delegation, session, **extra):
    return reverse(
        f"summaries:{name}",
        kwargs={
            "workshop": session.workshop.slug,
            "delegation": delegation.slug,
            "session": session.code,
            **extra,
        },
    )


def autosave(client, delegation, session, number=1, headers=None, **data):
    payload = {"text": "", "language": "fr", "version": 0, **data}
    url = summary_url("answer_save", delegation, session, number=number)
    return client.post(url, payload, headers=headers or {})


def test_summary_page_shows_questions_in_french(client, member_a, delegation_a, session):
    client.force_login(member_a)
    response = client.get(summary_url("summary", delegation_a, session) + "?lang=fr")
    assert response.status_code == 200
    assert "Question 1 en français ?" in response.text
    assert "Question 1 in English?" in response.text  # the other language, one click away


def test_autosave_stores_answer_and_returns_version(client, member_a, delegation_a, session):
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="Notre réponse", discussed="on")
    assert response.status_code == 200
    assert response.json()["version"] == 1
    answer = Answer.objects.get(question__number=1)
    assert (answer.text, answer.discussed, answer.edited_by) == ("Notre réponse", True, member_a)


def test_autosave_stale_version_is_refused_with_current_text(
    client, member_a, delegation_a, session
):
    client.force_login(member_a)
    autosave(client, delegation_a, session, text="first laptop")
    response = autosave(client, delegation_a, session, text="second laptop", version=0)
    assert response.status_code == 409
    assert response.json()["current"]["values"]["text"] == "first laptop"
    assert Answer.objects.get(question__number=1).text == "first laptop"


def test_autosave_removes_nul_characters(client, member_a, delegation_a, session):
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="a\x00b\r\nc")
    assert response.status_code == 200
    assert Answer.objects.get(question__number=1).text == "ab\nc"


def test_autosave_refuses_oversized_text(client, member_a, delegation_a, session, settings):
    settings.ANSWER_MAX_LENGTH = 100
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="x" * 101)
    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert not Answer.objects.exists()


def test_autosave_refuses_a_text_of_too_many_lines(client, member_a, delegation_a, session):
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="\n".join("x" * 501))
    assert (response.status_code, response.json()["error"], Answer.objects.exists()) == (
        400,
        "The answer has too many lines: 501, the limit is 500. Nothing was cut: your text "
        "is still in the box. Join some lines to save it.",
        False,
    )


def test_autosave_refuses_a_text_of_too_many_paragraphs(client, member_a, delegation_a, session):
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="\n\n".join("x" * 151))
    assert (response.status_code, response.json()["error"], Answer.objects.exists()) == (
        400,
        "The answer has too many paragraphs: 151, the limit is 150. Nothing was cut: your "
        "text is still in the box. Join some paragraphs to save it.",
        False,
    )


def test_autosave_keeps_a_text_at_the_line_limit(client, member_a, delegation_a, session):
    client.force_login(member_a)
    text = "\n".join("x" * 500)
    assert autosave(client, delegation_a, session, text=text).status_code == 200
    assert Answer.objects.get(question__number=1).text == text


def test_oversized_error_is_translated(client, member_a, delegation_a, session, settings):
    settings.ANSWER_MAX_LENGTH = 100
    client.force_login(member_a)
    # alice chose English (tests/conftest.py); she switches to French.
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = autosave(client, delegation_a, session, text="x" * 101)
    assert "trop long" in response.json()["error"]


def test_html_in_answer_is_shown_as_text(client, member_a, delegation_a, session):
    client.force_login(member_a)
    autosave(client, delegation_a, session, text="<script>alert(1)</script>")
    response = client.get(summary_url("summary", delegation_a, session))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_autosave_on_closed_session_is_refused(client, member_a, delegation_a, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="too late")
    assert response.status_code == 403
    assert response.json()["closed"] is True
    assert not Answer.objects.exists()


def test_closed_session_page_is_read_only(client, member_a, delegation_a, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CLOSED)
    client.force_login(member_a)
    response = client.get(summary_url("summary", delegation_a, session))
    assert "This session is closed." in response.text
    assert 'id="submit-summary"' not in response.text


def test_autosave_anonymous_gets_401_json(client, delegation_a, session):
    response = autosave(client, delegation_a, session, text="hello")
    assert response.status_code == 401
    assert "login_url" in response.json()


def test_autosave_requires_csrf_token(member_a, delegation_a, session):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="hello")
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_plain_post_saves_every_answer(client, member_a, delegation_a, session):
    client.force_login(member_a)
    data = {"details-participants": "A, B", "details-rapporteur": "A", "details-version": 1}
    for n in range(1, 6):
        data |= {f"q{n}-text": f"answer {n}", f"q{n}-language": "fr", f"q{n}-version": 0}
    summary_get_or_create(delegation=delegation_a, session=session)
    response = client.post(summary_url("summary", delegation_a, session), data)
    assert response.status_code == 302
    assert list(Answer.objects.order_by("question__number").values_list("text", flat=True)) == [
        f"answer {n}" for n in range(1, 6)
    ]
    assert Summary.objects.get().participants == "A, B"


def test_plain_post_conflict_keeps_posted_text(client, member_a, delegation_a, session):
    client.force_login(member_a)
    answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=1),
        data=AnswerInput(text="other laptop", discussed=True, language="fr", base_version=0),
        user=member_a,
    )
    data = {"details-version": 1, "q1-text": "my text", "q1-language": "fr", "q1-version": 0}
    response = client.post(summary_url("summary", delegation_a, session), data)
    assert response.status_code == 200
    assert "my text" in response.text
    assert "other laptop" in response.text
    assert Answer.objects.get().text == "other laptop"


def test_submit_then_reopen(client, member_a, delegation_a, session):
    client.force_login(member_a)
    client.post(summary_url("submit", delegation_a, session))
    summary = Summary.objects.get()
    assert (summary.status, summary.submitted_by) == ("submitted", member_a)
    client.post(summary_url("reopen", delegation_a, session))
    assert Summary.objects.get().status == "draft"


def test_submitted_summary_refuses_autosave(client, member_a, delegation_a, session):
    client.force_login(member_a)
    client.post(summary_url("submit", delegation_a, session))
    response = autosave(client, delegation_a, session, text="after submit")
    assert response.status_code == 403


def test_history_restore_creates_new_version(client, member_a, delegation_a, session):
    client.force_login(member_a)
    autosave(client, delegation_a, session, text="v1")
    autosave(client, delegation_a, session, text="v2", version=1)
    answer = Answer.objects.get()
    first = answer.history.get(version=1)
    history = client.get(summary_url("answer_history", delegation_a, session, number=1))
    assert "v1" in history.text and "v2" in history.text
    client.post(
        summary_url("answer_restore", delegation_a, session, number=1),
        {"history_id": first.history_id},
    )
    answer.refresh_from_db()
    assert (answer.text, answer.version, answer.history.count()) == ("v1", 3, 3)


def test_timer_start_is_shared_and_kept(client, member_a, delegation_a, session):
    client.force_login(member_a)
    first = client.post(summary_url("timer", delegation_a, session)).json()["started_at"]
    second = client.post(summary_url("timer", delegation_a, session)).json()["started_at"]
    assert first == second
    assert Summary.objects.get().timer_started_at is not None


def test_session_page_query_count_is_constant(
    client, member_a, delegation_a, session, django_assert_max_num_queries
):
    from sessions.models import GuidanceQuestion

    client.force_login(member_a)
    client.get(summary_url("summary", delegation_a, session))
    for n in range(6, 40):
        GuidanceQuestion.objects.create(session=session, number=n, order=n, text_en=f"Q{n}")
        autosave(client, delegation_a, session, number=n, text=f"answer {n}")
    with django_assert_max_num_queries(12):
        response = client.get(summary_url("summary", delegation_a, session))
    assert response.status_code == 200


def test_autosave_same_text_on_old_version_is_accepted(client, member_a, delegation_a, session):
    client.force_login(member_a)
    autosave(client, delegation_a, session, text="same words")
    response = autosave(client, delegation_a, session, text="same words", version=0)
    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_csrf_failure_is_json_for_autosave(member_a, delegation_a, session):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    response = autosave(
        client, delegation_a, session, text="x", headers={"accept": "application/json"}
    )
    assert response.status_code == 403
    assert response.json()["csrf"] is True


def test_organiser_reads_summary_not_started_without_creating_it(
    client, organiser, delegation_a, session
):
    client.force_login(organiser)
    response = client.get(summary_url("summary", delegation_a, session))
    assert response.status_code == 200
    assert "Read-only." in response.text
    assert not Summary.objects.exists()


def test_untouched_question_gets_no_empty_version(client, member_a, delegation_a, session):
    client.force_login(member_a)
    response = autosave(client, delegation_a, session, text="")
    assert response.status_code == 200
    assert response.json()["version"] == 0
    assert not Answer.objects.exists()


def test_no_field_cuts_a_paste_with_maxlength(client, delegation_a, session, member_a):
    """The browser silently truncates text pasted into a field with ``maxlength``: the
    limits are announced with ``data-max-length`` and enforced by the server instead."""
    from summaries import services

    services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget"}, user=member_a
    )
    client.force_login(member_a)
    summary = client.get(
        reverse(
            "summaries:summary",
            kwargs={"workshop": "regional", "delegation": "senegal", "session": session.code},
        )
    )
    plan = client.get(
        reverse("summaries:plan", kwargs={"workshop": "regional", "delegation": "senegal"})
    )
    assert ("maxlength" in summary.text, "maxlength" in plan.text) == (False, False)
    assert 'data-max-length="20000"' in summary.text and 'data-max-length="300"' in plan.text


def test_plain_post_over_the_limit_shows_every_typed_character_again(
    client, member_a, delegation_a, session, settings
):
    settings.ANSWER_MAX_LENGTH = 100
    client.force_login(member_a)
    summary_get_or_create(delegation=delegation_a, session=session)
    long_text = "Mot & <b>mot</b> " * 10  # 170 characters
    data = {
        "details-participants": "Awa",
        "details-version": 1,
        "q1-text": long_text,
        "q1-discussed": "on",
        "q1-language": "fr",
        "q1-version": 0,
    }
    response = client.post(summary_url("summary", delegation_a, session), data)
    assert response.status_code == 200
    form = next(unit.form for unit in response.context["questions"] if unit.question.number == 1)
    assert (form["text"].value(), form["discussed"].value()) == (long_text, True)
    assert "Mot &amp; &lt;b&gt;mot&lt;/b&gt; " * 10 in response.text
    assert not Answer.objects.exists()
    assert Summary.objects.get().participants == "Awa"  # the details were saved


def test_every_unit_answers_with_the_same_json_shape(client, member_a, delegation_a, session):
    from summaries import services

    item = services.plan_item_create(
        delegation=delegation_a, kind="action", data={"title": "Budget"}, user=member_a
    )
    summary = summary_get_or_create(delegation=delegation_a, session=session)
    client.force_login(member_a)
    answer = autosave(client, delegation_a, session, text="Notre réponse", discussed="on")
    details = client.post(
        summary_url("details_save", delegation_a, session),
        {"participants": "Awa", "rapporteur": "Awa", "version": summary.version},
    )
    plan_item = client.post(
        reverse(
            "summaries:plan_item_save",
            kwargs={
                "workshop": "regional",
                "delegation": delegation_a.slug,
                "kind": "action",
                "pk": item.pk,
            },
        ),
        {
            "title": "Budget 2027",
            "start_month": 1,
            "end_month": 24,
            "currency": "USD",
            "version": 1,
        },
        headers={"accept": "application/json"},
    )
    shapes = [set(r.json()) for r in (answer, details, plan_item)]
    assert shapes == [{"version", "values", "saved_at", "saved_by", "merged_from"}] * 3
    assert answer.json()["values"] == {"discussed": True, "text": "Notre réponse", "language": "fr"}
    assert details.json()["values"] == {"participants": "Awa", "rapporteur": "Awa"}
    assert plan_item.json()["values"]["title"] == "Budget 2027"
    assert answer.json()["saved_by"] == member_a.get_username()


def autosave_statements(client, delegation, session, member):
    """The tables (or the statement) of each query of one autosave, in order."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    version = autosave(client, delegation, session, text="first").json()["version"]
    with CaptureQueriesContext(connection) as queries:
        response = autosave(client, delegation, session, text="second", version=version)
    assert response.status_code == 200
    pattern = re.compile(r'^(SELECT .*? FROM|UPDATE|INSERT INTO) "(\w+)"|^(\w+)')
    return [
        (match := pattern.match(query["sql"])).group(2) or match.group(3)
        for query in queries.captured_queries
    ]


AUTOSAVE_WRITE = [
    "delegations_membership",
    "workshop_sessions_guidancequestion",
    "SAVEPOINT",
    "summaries_summary",
    "summaries_answer",
    "summaries_answer",
    "summaries_historicalanswer",
    "RELEASE",
]


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")  # as without Redis
def test_autosave_reads_and_writes_only_what_it_needs(client, member_a, delegation_a, session):
    """The hot path, statement by statement: the session and who is signed in, the
    membership and the question (one query each), the summary and the answer locked,
    the new version and its history record. The savepoint is the test's transaction
    around the service's."""
    assert autosave_statements(client, delegation_a, session, member_a) == [
        "django_session",
        "auth_user",
        *AUTOSAVE_WRITE,
    ]


@override_settings(
    SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)
def test_autosave_with_the_shared_cache_reads_no_session_row(
    client, member_a, delegation_a, session
):
    # With REDIS_URL the session is read from the cache (Redis in production).
    assert autosave_statements(client, delegation_a, session, member_a) == [
        "auth_user",
        *AUTOSAVE_WRITE,
    ]
