"""Facilitators can't destroy delegation work by accident: deletes in the admin that
would take delegations' answers and summaries with them are refused."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from sessions.admin_protection import delegation_work
from sessions.models import GuidanceQuestion, Session, Workshop
from summaries.models import Answer, Summary
from summaries.services import AnswerInput, answer_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(delegation_a, session, member_a):
    return answer_save(
        delegation=delegation_a,
        question=session.questions.get(number=1),
        data=AnswerInput(text="Notre réponse", discussed=True, language="fr", base_version=0),
        user=member_a,
    )


def inline_post(model_admin, parent, user, delete_pk, model):
    """The data the admin's change page would post for ``parent``'s first inline, with
    the line of ``delete_pk`` (a pk, or a set of them) ticked for deletion; returns the
    bound formset."""
    deleted = delete_pk if isinstance(delete_pk, set) else {delete_pk}
    request = RequestFactory().post("/")
    request.user = user
    [inline] = [i for i in model_admin.get_inline_instances(request, parent) if i.model is model]
    formset_class = inline.get_formset(request, parent)
    unbound = formset_class(instance=parent, prefix="lines")
    data = {
        "lines-TOTAL_FORMS": str(len(unbound.forms)),
        "lines-INITIAL_FORMS": str(len(unbound.forms)),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for form in unbound.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                continue
            data[form.add_prefix(name)] = getattr(value, "pk", value)
        if form.instance.pk in deleted:
            data[form.add_prefix("DELETE")] = "on"
    return formset_class(data, instance=parent, prefix="lines")


def test_delegation_work_counts_what_a_delete_would_take(answered, session):
    assert delegation_work(session.questions.get(number=1)) == {"Answers": 1}
    assert delegation_work(session) == {"Summaries": 1, "Answers": 1}
    assert delegation_work(session.questions.get(number=2)) == {}


def test_question_inline_delete_with_answers_is_refused(answered, session, facilitator):
    question = session.questions.get(number=1)
    formset = inline_post(
        admin.site._registry[Session], session, facilitator, question.pk, GuidanceQuestion
    )
    assert formset.is_valid() is False
    assert "delegations have written 1 × Answers for it" in formset.non_form_errors()[0]
    assert Answer.objects.count() == 1


def test_question_inline_delete_without_answers_goes_ahead(answered, session, facilitator):
    question = session.questions.get(number=2)
    formset = inline_post(
        admin.site._registry[Session], session, facilitator, question.pk, GuidanceQuestion
    )
    assert formset.is_valid() is True
    formset.save()
    assert not GuidanceQuestion.objects.filter(pk=question.pk).exists()


def test_session_inline_delete_with_summaries_is_refused(answered, session, workshop, facilitator):
    formset = inline_post(
        admin.site._registry[Workshop], workshop, facilitator, session.pk, Session
    )
    assert formset.is_valid() is False
    assert (Session.objects.count(), Summary.objects.count()) == (1, 1)


def test_facilitator_delete_page_of_a_session_with_work_is_refused(
    client, answered, session, facilitator
):
    client.force_login(facilitator)
    url = reverse("admin:workshop_sessions_session_delete", args=[session.pk])
    page = client.get(url)
    assert page.context["perms_lacking"]  # Django names the rows the user may not delete
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Session.objects.filter(pk=session.pk).exists()


def test_superuser_sees_exactly_what_would_be_deleted_before_confirming(
    client, answered, session, django_user_model
):
    root = django_user_model.objects.create_superuser("root", password="pass-root")
    client.force_login(root)
    url = reverse("admin:workshop_sessions_session_delete", args=[session.pk])
    page = client.get(url)
    counts = {str(name): count for name, count in dict(page.context["model_count"]).items()}
    assert (counts["summaries"], counts["answers"], counts["guidance questions"]) == (1, 1, 5)
    client.post(url, {"post": "yes"})
    assert (Session.objects.count(), Answer.objects.count()) == (0, 0)


def test_facilitator_delete_page_of_a_question_with_answers_is_refused(
    client, answered, session, facilitator
):
    # Answers are not in the admin, so Django's own permission check does not see them.
    question = session.questions.get(number=1)
    client.force_login(facilitator)
    url = reverse("admin:workshop_sessions_guidancequestion_delete", args=[question.pk])
    page = client.get(url)
    assert [str(name) for name in page.context["perms_lacking"]] == ["Answers (1)"]
    assert "Answers (1)" in page.content.decode()
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Answer.objects.count() == 1


def test_facilitator_bulk_delete_of_questions_with_answers_is_refused(
    client, answered, session, facilitator
):
    client.force_login(facilitator)
    url = reverse("admin:workshop_sessions_guidancequestion_changelist")
    chosen = list(session.questions.filter(number__in=(1, 2)).values_list("pk", flat=True))
    form = {"action": "delete_selected", "_selected_action": chosen}
    page = client.post(url, form)
    assert "Answers (1)" in page.content.decode()
    client.post(url, {**form, "post": "yes"})
    assert (GuidanceQuestion.objects.filter(pk__in=chosen).count(), Answer.objects.count()) == (
        2,
        1,
    )


def test_facilitator_may_delete_a_question_nobody_answered(client, answered, session, facilitator):
    question = session.questions.get(number=2)
    client.force_login(facilitator)
    url = reverse("admin:workshop_sessions_guidancequestion_delete", args=[question.pk])
    assert not client.get(url).context["perms_lacking"]
    client.post(url, {"post": "yes"})
    assert not GuidanceQuestion.objects.filter(pk=question.pk).exists()


def test_facilitator_delete_page_of_a_delegation_names_its_work(
    client, answered, delegation_a, facilitator
):
    client.force_login(facilitator)
    url = reverse("admin:delegations_delegation_delete", args=[delegation_a.pk])
    lacking = {str(name) for name in client.get(url).context["perms_lacking"]}
    assert {"Summaries (1)", "Answers (1)"} <= lacking
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Summary.objects.count() == 1


def test_cached_pdfs_are_no_delegation_work(session, delegation_a):
    from summaries.models import RenderedDocument

    question = session.questions.get(number=2)
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    RenderedDocument.objects.create(
        delegation=delegation_a,
        kind=RenderedDocument.Kind.SUMMARY,
        session=session,
        language="fr",
        fingerprint="x" * 64,
    )
    assert delegation_work(question) == {}
    assert delegation_work(session) == {"Summaries": 1}
    assert summary.pk
