"""Drafting the plan knows the kinds: each milestone becomes an action with that
milestone, month and responsible; a chosen option mapped to an intervention area
seeds an action in that area. Never twice, never over an item a person edited."""

import pytest

from sessions.models import GuidanceQuestion
from summaries import services
from summaries.models import ActionItem

from .conftest import save

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestones(delegation_a, member_a, milestones_question):
    return save(
        delegation_a,
        milestones_question,
        member_a,
        {
            "rows": ["aa11", "bb22"],
            "milestone__aa11": "Ligne budgétaire votée",
            "month__aa11": "9",
            "responsible__aa11": "Ministère des Finances",
            "milestone__bb22": "Consensus des partenaires",
        },
    )


@pytest.fixture
def chosen(delegation_a, member_a, choice_question):
    choice_question.feeds = GuidanceQuestion.Feeds.ACTION_PLAN
    choice_question.save()
    return save(
        delegation_a,
        choice_question,
        member_a,
        {"chosen": ["ageing", "waste"], "note__waste": "Les caniveaux débordent"},
    )


def actions():
    return list(
        ActionItem.objects.order_by("pk").values_list(
            "title", "milestone", "start_month", "end_month", "responsible", "source_key"
        )
    )


def test_each_milestone_becomes_an_action_with_its_milestone(milestones, delegation_a, member_a):
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (2, 0)
    assert actions() == [
        (
            "Ligne budgétaire votée",
            "Ligne budgétaire votée",
            1,
            9,
            "Ministère des Finances",
            "milestone:aa11",
        ),
        ("Consensus des partenaires", "Consensus des partenaires", 1, 24, "", "milestone:bb22"),
    ]
    assert {item.source_answer_id for item in ActionItem.objects.all()} == {milestones.pk}


def test_chosen_option_with_an_area_seeds_one_action_in_that_area(chosen, delegation_a, member_a):
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (1, 0)
    action = ActionItem.objects.get()
    # In the answer's language (French): the option's French label.
    assert (action.title, action.description, action.intervention_area.code) == (
        "Gestion des déchets",
        "Les caniveaux débordent",
        "community-led",
    )


def test_prefill_of_kinds_twice_creates_nothing_more(milestones, chosen, delegation_a, member_a):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 0)
    assert ActionItem.objects.count() == 3


def test_prefill_follows_a_changed_milestone_but_never_an_edited_action(
    milestones, delegation_a, member_a, milestones_question
):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    edited = ActionItem.objects.get(source_key="milestone:aa11")
    services.plan_item_update(
        item=edited, data={"title": "Notre titre"}, base_version=edited.version, user=member_a
    )
    save(
        delegation_a,
        milestones_question,
        member_a,
        {"month__aa11": "6", "month__bb22": "12"},
        base_version=1,
    )
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 1)
    assert actions() == [
        (
            "Notre titre",
            "Ligne budgétaire votée",
            1,
            9,
            "Ministère des Finances",
            "milestone:aa11",
        ),
        ("Consensus des partenaires", "Consensus des partenaires", 1, 12, "", "milestone:bb22"),
    ]


def test_removed_drafted_milestone_is_not_drafted_again(milestones, delegation_a, member_a):
    services.plan_prefill(delegation=delegation_a, user=member_a)
    item = ActionItem.objects.get(source_key="milestone:bb22")
    services.plan_item_remove(item=item, base_version=item.version, user=member_a)
    assert services.plan_prefill(delegation=delegation_a, user=member_a) == (0, 0)
    assert ActionItem.objects.live().count() == 1


def test_a_milestone_saved_with_a_line_break_drafts_one_line_fields(
    milestones, delegation_a, member_a
):
    # Rows saved before one-line boxes were cleaned as one line may hold a break.
    answer = milestones
    answer.data["rows"][0].update(milestone="Consensus meeting\nwith partners", responsible="A\nB")
    answer.save()
    services.plan_prefill(delegation=delegation_a, user=member_a)
    first = actions()[0]
    assert first[:2] == ("Consensus meeting with partners", "Consensus meeting with partners")
    assert first[4] == "A B"
