"""Stale saves are merged three-way instead of choosing one laptop's text."""

import pytest
from django.urls import reverse

from summaries import services
from summaries.merge import conflict_highlights, merge_text, three_way
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


# --- nothing invented: two edits in one sentence are a conflict ---------------------

KENYA_BASE = (
    "Community health workers are paid through county budgets since 2023.\n"
    "Supervision is done by the sub-county teams."
)
KENYA_A = KENYA_BASE.replace("county budgets since", "county budgets and donor grants since")
KENYA_B = KENYA_BASE.replace("paid through county budgets", "paid by the national treasury")


def test_two_edits_in_one_sentence_are_not_merged_into_a_sentence_nobody_wrote():
    # Character by character the edits do not overlap: the old merge wrote "paid by the
    # national treasury and donor grants since 2023", which neither laptop said.
    assert merge_text(KENYA_BASE, KENYA_B, KENYA_A) is None


def test_two_edits_in_one_french_sentence_are_not_merged():
    base = "Renforcer la coordination avec les collectivités territoriales."
    mine = "Renforcer la coordination avec les maires."
    theirs = "Renforcer la coordination avec les collectivités territoriales et les ONG."
    assert merge_text(base, mine, theirs, language="fr") is None


def test_edits_in_different_sentences_of_one_paragraph_merge():
    base = "Budgets are small. Donors fund most workers. Supervision is weak."
    mine = "Budgets are small but growing. Donors fund most workers. Supervision is weak."
    theirs = "Budgets are small. Donors fund most workers. Supervision is weak in the north."
    assert merge_text(base, mine, theirs) == (
        "Budgets are small but growing. Donors fund most workers. Supervision is weak in the north."
    )


def test_a_sentence_added_after_one_the_other_laptop_edited_merges():
    base = "Budgets are small."
    mine = "Budgets are small but growing."
    theirs = "Budgets are small. Donors fund most workers."
    assert (
        merge_text(base, mine, theirs) == "Budgets are small but growing. Donors fund most workers."
    )


def test_thai_edits_in_one_line_are_a_conflict():
    # Thai has no full stops: a line is one sentence, so two edits in it never merge.
    base = "ชุมชนเลือกการจัดการขยะและพื้นที่สาธารณะ"
    mine = "ชุมชนเลือกการจัดการขยะอย่างยั่งยืนและพื้นที่สาธารณะ"
    theirs = "ชุมชนเลือกการจัดการขยะและพื้นที่สาธารณะริมคลอง"
    assert merge_text(base, mine, theirs, language="th") is None


def test_the_conflict_marks_the_sentence_both_laptops_changed_in_each_text():
    merge = three_way(
        base={"text": KENYA_BASE}, mine={"text": KENYA_B}, theirs={"text": KENYA_A},
        long_fields=("text",),
    )  # fmt: skip
    assert merge.conflicts == {"text": {"mine": KENYA_B, "theirs": KENYA_A}}
    assert conflict_highlights(merge) == {
        "text": {
            "mine": [
                ("Community health workers are paid by the national treasury since 2023.", True),
                ("\nSupervision is done by the sub-county teams.", False),
            ],
            "theirs": [
                (
                    "Community health workers are paid through county budgets and donor grants "
                    "since 2023.",
                    True,
                ),
                ("\nSupervision is done by the sub-county teams.", False),
            ],
        }
    }


@pytestmark_db
def test_same_sentence_stale_answer_is_refused_with_both_sentences_marked(
    client, delegation_a, session, member_a
):
    save_answer(delegation_a, session, member_a, KENYA_BASE, 0)
    save_answer(delegation_a, session, member_a, KENYA_A, 1)  # laptop A
    client.force_login(member_a)
    refused = client.post(
        reverse(
            "summaries:answer_save",
            kwargs={"workshop": "regional", "delegation": delegation_a.slug, "session": "V",
                    "number": 1},
        ),
        {"text": KENYA_B, "discussed": "on", "language": "en", "version": 1},
        headers={"accept": "application/json"},
    )  # fmt: skip
    assert refused.status_code == 409
    marked = {
        side: [piece for piece, is_marked in parts if is_marked]
        for side, parts in refused.json()["sentences"]["text"].items()
    }
    assert marked == {
        "mine": ["Community health workers are paid by the national treasury since 2023."],
        "theirs": [
            "Community health workers are paid through county budgets and donor grants since 2023."
        ],
    }
    assert Answer.objects.get().text == KENYA_A


@pytestmark_db
def test_same_sentence_plan_description_is_a_conflict(client, delegation_a, member_a, action):
    client.force_login(member_a)
    base = "Renforcer la coordination avec les collectivités territoriales."
    post_item(client, delegation_a, action, 1, description=base)
    post_item(client, delegation_a, action, 2, description=base[:-1] + " et les ONG.")
    refused = post_item(
        client, delegation_a, action, 2, description="Renforcer la coordination avec les maires."
    )
    assert refused.status_code == 409
    assert set(refused.json()["conflicts"]) == {"description"}
    assert ActionItem.objects.get().description == base[:-1] + " et les ONG."


@pytestmark_db
def test_an_automatic_merge_is_named_in_the_history(client, delegation_a, session, member_a):
    save_answer(delegation_a, session, member_a, BASE, 0)
    save_answer(delegation_a, session, member_a, THEIRS, 1)
    save_answer(delegation_a, session, member_a, MINE, 1)  # merged: version 3
    client.force_login(member_a)
    page = client.get(
        reverse(
            "summaries:answer_history",
            kwargs={"workshop": "regional", "delegation": delegation_a.slug, "session": "V",
                    "number": 1},
        )
    )  # fmt: skip
    content = page.content.decode()
    assert "Merged automatically: saved from a laptop that had version 1. Version 2" in content
    # What this laptop typed is the version's difference from version 2.
    assert "<ins> but growing</ins>" in content
