"""The database enforces one summary per delegation and session, one answer per
question, and unique natural keys; migrations match the models."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from delegations.models import Delegation, Membership
from sessions.models import GuidanceQuestion, Session
from summaries.models import Answer, Summary

pytestmark = pytest.mark.django_db


def refused(model, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)
    return True


def test_one_summary_per_delegation_and_session(delegation_a, session):
    Summary.objects.create(delegation=delegation_a, session=session)
    assert refused(Summary, delegation=delegation_a, session=session)


def test_one_answer_per_summary_and_question(delegation_a, session):
    summary = Summary.objects.create(delegation=delegation_a, session=session)
    question = session.questions.first()
    Answer.objects.create(summary=summary, question=question, text="a")
    assert refused(Answer, summary=summary, question=question, text="b")


def test_session_code_unique_in_workshop(session):
    assert refused(Session, workshop=session.workshop, code="V", title="Again")


def test_question_number_unique_in_session(session):
    assert refused(GuidanceQuestion, session=session, number=1, text="Again")


def test_delegation_slug_unique_in_workshop(delegation_a):
    assert refused(Delegation, workshop=delegation_a.workshop, name="Again", slug="senegal")


def test_membership_unique(member_a, delegation_a):
    assert refused(Membership, user=member_a, delegation=delegation_a)


def test_migrations_match_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_delegation_language_must_be_a_workshop_language(workshop):
    from django.core.exceptions import ValidationError

    delegation = Delegation(workshop=workshop, name="Thai group", slug="thai", language="th")
    with pytest.raises(ValidationError) as error:
        delegation.full_clean()
    assert error.value.message_dict["language"] == [
        "Choose one of the workshop's languages: en, fr."
    ]
