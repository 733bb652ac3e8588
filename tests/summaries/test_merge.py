"""Stale saves are merged three-way instead of choosing one laptop's text."""

import pytest
from django.urls import reverse

from summaries import services
from summaries.merge import merge_text, three_way
from summaries.models import ActionItem, Answer

BASE = "Domestic budget is small.\n\nDonors fund most community health workers."
MINE = "Domestic budget is small but growing.\n\nDonors fund most community health workers."
THEIRS = "Domestic budget is small.\n\nDonors fund most community health workers until 2027."


# --- the merge itself -------------------------------------------------------------


def test_edits_in_different_paragraphs_merge():
    assert merge_text(BASE, MINE, THEIRS) == (
        "Domestic budget is small but growing.\n\n"
        "Donors fund most community health workers until 2027."
    )


def test_edits_of_the_same_sentence_do_not_merge():
    assert merge_text(BASE, BASE.replace("small", "tiny"), BASE.replace("small", "minor")) is None


def test_thai_edits_in_different_places_merge():
    base = "ชุมชนเลือกการจัดการขยะ\nและพื้นที่สาธารณะ"
    mine = "ชุมชนเลือกการจัดการขยะและผู้สูงอายุ\nและพื้นที่สาธารณะ"
    theirs = "ชุมชนเลือกการจัดการขยะ\nและพื้นที่สาธารณะริมคลอง"
    assert merge_text(base, mine, theirs) == ("ชุมชนเลือกการจัดการขยะและผู้สูงอายุ\nและพื้นที่สาธารณะริมคลอง")


def test_three_way_takes_each_side_where_only_it_changed():
    merge = three_way(
        base={"milestone": "Q1", "responsible": "MoH", "partners": ""},
        mine={"milestone": "Q1", "responsible": "District team", "partners": ""},
        theirs={"milestone": "Q2", "responsible": "MoH", "partners": ""},
    )
    assert (merge.values, merge.from_theirs, merge.conflicts) == (
        {"milestone": "Q2", "responsible": "District team", "partners": ""},
        ("milestone",),
        {},
    )


def test_three_way_short_field_changed_on_both_sides_is_a_conflict_of_that_field_only():
    merge = three_way(
        base={"start_month": 1, "responsible": "MoH"},
        mine={"start_month": 3, "responsible": "MoH"},
        theirs={"start_month": 6, "responsible": "District"},
    )
    assert (merge.values, merge.conflicts) == (
        {"start_month": 6, "responsible": "District"},
        {"start_month": {"mine": 3, "theirs": 6}},
    )


def test_three_way_with_an_unknown_base_never_guesses():
    merge = three_way(base={}, mine={"title": "A"}, theirs={"title": "B"})
    assert merge.conflicts == {"title": {"mine": "A", "theirs": "B"}}


# --- through the services ---------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def save_answer(delegation, session, user, text, base_version, number=1):
    return services.answer_save(
        delegation=delegation,
        question=session.questions.get(number=number),
        data=services.AnswerInput(
            text=text, discussed=True, language="en", base_version=base_version
        ),
        user=user,
    )


@pytestmark_db
def test_stale_answer_edited_elsewhere_in_the_text_is_merged_and_saved(
    delegation_a, session, member_a
):
    save_answer(delegation_a, session, member_a, BASE, 0)
    save_answer(delegation_a, session, member_a, THEIRS, 1)  # the other laptop
    answer = save_answer(delegation_a, session, member_a, MINE, 1)
    assert (answer.version, answer.merged_from, Answer.objects.get().text) == (
        3,
        ("text",),
        merge_text(BASE, MINE, THEIRS),
    )


@pytestmark_db
def test_stale_answer_edited_in_the_same_sentence_is_refused_with_both_texts(
    delegation_a, session, member_a
):
    save_answer(delegation_a, session, member_a, BASE, 0)
    save_answer(delegation_a, session, member_a, BASE.replace("small", "minor"), 1)
    with pytest.raises(services.StaleEdit) as refused:
        save_answer(delegation_a, session, member_a, BASE.replace("small", "tiny"), 1)
    assert refused.value.merge.conflicts == {
        "text": {"mine": BASE.replace("small", "tiny"), "theirs": BASE.replace("small", "minor")}
    }
    assert Answer.objects.get().text == BASE.replace("small", "minor")


@pytest.fixture
def action(delegation_a, member_a):
    return services.plan_item_create(
        delegation=delegation_a,
        kind="action",
        data={"title": "Budget line", "milestone": "Draft law", "responsible": "MoH"},
        user=member_a,
    )


def item_url(delegation, item):
    return reverse(
        "summaries:plan_item_save",
        kwargs={
            "workshop": "regional",
            "delegation": delegation.slug,
            "kind": "action",
            "pk": item.pk,
        },
    )


def post_item(client, delegation, item, version, **changes):
    data = {
        "title": "Budget line", "milestone": "Draft law", "responsible": "MoH",
        "start_month": 1, "end_month": 24, "currency": "USD", "version": version, **changes,
    }  # fmt: skip
    return client.post(item_url(delegation, item), data, headers={"accept": "application/json"})


@pytestmark_db
def test_two_laptops_changing_different_fields_of_an_action_keep_both(
    client, delegation_a, member_a, action
):
    client.force_login(member_a)
    first = post_item(client, delegation_a, action, 1, milestone="Law voted")
    second = post_item(client, delegation_a, action, 1, responsible="District team")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["merged_from"] == ["milestone"]
    assert second.json()["values"]["milestone"] == "Law voted"
    action = ActionItem.objects.get()
    assert (action.milestone, action.responsible, action.version) == (
        "Law voted",
        "District team",
        3,
    )


@pytestmark_db
def test_two_laptops_changing_the_same_month_get_both_values_for_that_field(
    client, delegation_a, member_a, action
):
    client.force_login(member_a)
    post_item(client, delegation_a, action, 1, start_month=3, milestone="Law voted")
    refused = post_item(client, delegation_a, action, 1, start_month=6, responsible="District")
    assert refused.status_code == 409
    body = refused.json()
    assert body["conflicts"] == {"start_month": {"mine": 6, "theirs": 3}}
    assert (body["merged"]["milestone"], body["merged"]["responsible"]) == (
        "Law voted",
        "District",
    )
    assert ActionItem.objects.get().responsible == "MoH"  # nothing stored until resolved


@pytestmark_db
def test_stale_details_merge_participants_and_rapporteur(delegation_a, session, member_a):
    summary = services.summary_get_or_create(delegation=delegation_a, session=session)
    services.summary_details_save(
        summary=summary, participants="Awa", rapporteur="", base_version=1, user=member_a
    )
    merged = services.summary_details_save(
        summary=summary, participants="", rapporteur="Moussa", base_version=1, user=member_a
    )
    assert (merged.participants, merged.rapporteur, merged.merged_from) == (
        "Awa",
        "Moussa",
        ("participants",),
    )
