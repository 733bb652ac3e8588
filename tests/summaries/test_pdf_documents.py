"""The plan document's data: what the selector reads, in which language, for one
delegation or many, in how many queries."""

from decimal import Decimal

import pytest

from delegations.models import Delegation
from summaries import services
from summaries.models import ActionItem, ActionPlan, Answer
from summaries.pdf import plan_document
from summaries.pdf.documents import plan_documents
from summaries.pdf.summary import summary_document, summary_documents
from tests.conftest import make_member

from .conftest import NOW, SENEGAL_ACTIONS, SENEGAL_ANSWERS, write_answers

pytestmark = pytest.mark.django_db


def test_plan_document_defaults_to_the_delegation_language(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert (doc.language, doc.workshop_title.text, doc.workshop_title.is_fallback) == (
        "fr",
        "Atelier régional",
        False,
    )


def test_plan_document_marks_fallback_texts(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert (
        doc.workshop_venue.text,
        doc.workshop_venue.language,
        doc.workshop_venue.is_fallback,
    ) == (
        "Dakar",
        "en",
        True,
    )


def test_plan_document_refuses_a_language_the_workshop_does_not_run_in(senegal_plan):
    with pytest.raises(ValueError, match="'th' is not a language of workshop 'regional'"):
        plan_document(delegation=senegal_plan, language="th")


def test_plan_document_generated_at_in_workshop_time_zone(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert (doc.generated_at.isoformat(), doc.time_zone) == (
        "2026-11-25T15:30:00+00:00",
        "Africa/Dakar",
    )


def test_plan_document_keeps_discussed_or_written_answers_as_written(senegal_plan, session):
    summary = senegal_plan.summaries.get()
    Answer.objects.create(summary=summary, question=session.questions.get(number=3))
    doc = plan_document(delegation=senegal_plan, now=NOW)
    (entry,) = doc.sessions
    assert [(a.question_number, a.text) for a in entry.answers] == list(SENEGAL_ANSWERS.items())
    assert (entry.code, entry.title.text, entry.rapporteur) == (
        "V",
        "Mobiliser les ressources",
        "Awa Diop",
    )


def test_plan_document_questions_in_document_language(senegal_plan):
    doc = plan_document(delegation=senegal_plan, language="en", now=NOW)
    assert [a.question_text.text for a in doc.sessions[0].answers] == [
        f"Question {n} in English?" for n in SENEGAL_ANSWERS
    ]


def test_plan_document_actions_in_plan_order_with_every_field(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    first = doc.actions[0]
    assert [a.title for a in doc.actions] == [
        *(a["title"] for a in SENEGAL_ACTIONS),
        "Ligne budgétaire en 2027",
    ]
    assert (
        first.area.name.text,
        first.milestone,
        first.start_month,
        first.end_month,
        first.responsible,
        first.partners,
        first.resources_needed,
        first.estimated_cost,
        first.currency,
    ) == (
        "Créer un environnement favorable",
        "Ligne budgétaire votée",
        1,
        9,
        "Direction de la santé communautaire",
        "UNICEF, OMS",
        "Consultant national, 20 jours",
        Decimal("15000.00"),
        "USD",
    )
    assert (doc.actions[4].source.session_code, doc.actions[4].source.question_number) == ("V", 4)


def test_plan_document_timeline_bar_spans_the_action_months(senegal_plan):
    second = plan_document(delegation=senegal_plan, now=NOW).actions[1]  # months 4 to 12
    assert (second.timeline_left, second.timeline_width) == (12.5, 37.5)


def test_plan_document_groups_actions_by_area_with_totals_per_currency(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert [
        (group.area.code if group.area else None, [a.number for a in group.actions], group.totals)
        for group in doc.action_groups
    ] == [
        (
            "enabling-environment",
            [1, 3],
            (("USD", Decimal("15000.00")), ("EUR", Decimal("8000.00"))),
        ),
        ("institutional-capacity", [2], (("USD", Decimal("22500.50")),)),
        (None, [4, 5], ()),
    ]


def test_plan_document_ta_requests_with_linked_action(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert [
        (
            ta.number,
            ta.title,
            ta.kind,
            ta.priority,
            ta.timeframe_months,
            ta.action_number,
            ta.action_title,
        )
        for ta in doc.ta_requests
    ] == [
        (1, "Expertise en budgétisation", "expertise", "high", 6, 1, SENEGAL_ACTIONS[0]["title"]),
        (2, SENEGAL_ANSWERS[5], "expertise", "medium", None, None, ""),
    ]


def test_plan_document_ta_sessions_hold_the_answers_the_requests_come_from(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert [[a.question_number for a in s.answers] for s in doc.ta_sessions] == [[5]]


def test_plan_document_is_draft_until_the_plan_is_final(senegal_plan, member_a):
    assert plan_document(delegation=senegal_plan).is_draft is True
    services.plan_set_status(delegation=senegal_plan, status=ActionPlan.Status.FINAL, user=member_a)
    assert plan_document(delegation=senegal_plan).is_draft is False


def test_plan_document_query_count_does_not_grow_with_items(
    senegal_plan, session, member_a, intervention_areas, django_assert_num_queries
):
    delegation = Delegation.objects.get(pk=senegal_plan.pk)  # workshop not loaded yet
    with django_assert_num_queries(5):
        plan_document(delegation=delegation)
    for number in range(10):
        services.plan_item_create(
            delegation=senegal_plan,
            kind="action",
            data={
                "title": f"Extra {number}",
                "intervention_area": intervention_areas["institutional-capacity"],
            },
            user=member_a,
        )
        services.plan_item_create(
            delegation=senegal_plan,
            kind="ta",
            data={"title": f"Extra TA {number}", "action": ActionItem.objects.first()},
            user=member_a,
        )
    write_answers(senegal_plan, session, member_a, {3: "Encore une réponse"}, "fr")
    delegation = Delegation.objects.get(pk=senegal_plan.pk)
    with django_assert_num_queries(5):
        doc = plan_document(delegation=delegation)
    assert (len(doc.actions), len(doc.ta_requests), len(doc.sessions[0].answers)) == (15, 12, 5)


def test_documents_of_many_delegations_are_each_ones_in_the_same_queries(
    senegal_plan, delegation_b, workshop, session, django_assert_num_queries
):
    """What a bundle compares fingerprints with: every delegation's documents read at
    once are exactly the ones read alone, and more delegations take no more queries."""
    member_b = make_member("bob", delegation_b)
    write_answers(delegation_b, session, member_b, {1: "Budget line", 2: "Donors"}, "en")
    third = Delegation.objects.create(workshop=workshop, name="Togo", slug="togo", language="fr")
    delegations = list(Delegation.objects.select_related("workshop").order_by("name"))
    assert [d.slug for d in delegations] == ["ghana", "senegal", "togo"]
    alone = {d.pk: plan_document(delegation=d, now=NOW) for d in delegations}
    summaries = {
        d.pk: summary_document(delegation=d, session=session, now=NOW) for d in delegations
    }
    assert plan_documents(delegations, now=NOW) == alone
    assert summary_documents(delegations, session=session, now=NOW) == summaries
    assert alone[senegal_plan.pk].actions and not alone[third.pk].actions
    assert summaries[delegation_b.pk].answers[0].text == "Budget line"
    with django_assert_num_queries(4):
        plan_documents(delegations[:1])
    with django_assert_num_queries(4):
        plan_documents(delegations)
    with django_assert_num_queries(3):
        summary_documents(delegations, session=session)
