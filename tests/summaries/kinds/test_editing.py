"""Each kind through the one editing core: saved, a stale save merged field by field
(or refused on the one field both changed), every version kept and restorable, bad
input refused with a translated 400, and the plain form post of the page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from summaries import services
from summaries.models import Answer
from summaries.selectors.states import work_states

from .conftest import save

pytestmark = pytest.mark.django_db


def url(name, delegation, session, **extra):
    return reverse(
        f"summaries:{name}",
        kwargs={
            "workshop": session.workshop.slug,
            "delegation": delegation.slug,
            "session": session.code,
            **extra,
        },
    )


def autosave(client, delegation, question, payload):
    return client.post(
        url("answer_save", delegation, question.session, number=question.number),
        {"language": "fr", "discussed": "on", **payload},
    )


# --- choose from a list ------------------------------------------------------------


def test_choice_autosave_stores_options_in_order_with_notes(
    client, member_a, delegation_a, choice_question
):
    client.force_login(member_a)
    response = autosave(
        client,
        delegation_a,
        choice_question,
        {"chosen": ["footpaths", "ageing"], "note__ageing": "Many\x0bold people", "version": 0},
    )
    assert response.status_code == 200
    assert response.json()["values"]["chosen"] == ["ageing", "footpaths"]
    assert Answer.objects.get().data == {
        "chosen": ["ageing", "footpaths"],
        "other": "",
        "notes": {"ageing": "Many old people"},
    }


def test_choice_two_laptops_choosing_different_options_keep_both(
    delegation_a, member_a, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["ageing", "waste"]})
    save(
        delegation_a,
        choice_question,
        member_a,
        {"chosen": ["ageing", "waste"], "note__waste": "Flooding"},
        base_version=1,
    )
    # The second laptop loaded version 1 and ticks a third option only.
    answer = save(
        delegation_a,
        choice_question,
        member_a,
        {"chosen": ["ageing", "waste", "footpaths"]},
        base_version=1,
    )
    assert answer.data == {
        "chosen": ["ageing", "waste", "footpaths"],
        "other": "",
        "notes": {"waste": "Flooding"},
    }
    assert (answer.version, answer.merged_from) == (3, ())


def test_choice_stale_save_ticking_another_option_is_merged(
    delegation_a, member_a, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["ageing"]})
    save(delegation_a, choice_question, member_a, {"chosen": ["ageing", "waste"]}, base_version=1)
    answer = save(
        delegation_a,
        choice_question,
        member_a,
        {"chosen": ["ageing", "footpaths"]},
        base_version=1,
    )
    assert answer.data["chosen"] == ["ageing", "waste", "footpaths"]
    assert answer.merged_from == ("chosen",)


def test_choice_same_note_edited_on_two_laptops_conflicts_on_that_note_only(
    delegation_a, member_a, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["ageing"]})
    save(delegation_a, choice_question, member_a, {"note__ageing": "Theirs"}, base_version=1)
    with pytest.raises(services.StaleEdit) as refused:
        save(
            delegation_a,
            choice_question,
            member_a,
            {"chosen": ["ageing", "waste"], "note__ageing": "Mine"},
            base_version=1,
        )
    assert refused.value.merge.conflicts == {"note__ageing": {"mine": "Mine", "theirs": "Theirs"}}
    assert refused.value.merge.values["chosen"] == ["ageing", "waste"]
    assert Answer.objects.get().data["notes"] == {"ageing": "Theirs"}


def test_choice_unknown_option_is_refused_in_french(
    client, member_a, delegation_a, choice_question
):
    client.force_login(member_a)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = autosave(client, delegation_a, choice_question, {"chosen": "nope", "version": 0})
    assert (response.status_code, response.json()["error"]) == (400, "Option inconnue\u00a0: nope.")
    assert not Answer.objects.exists()


def test_choice_single_choice_question_refuses_two(delegation_a, member_a, choice_question):
    choice_question.multiple = False
    choice_question.save()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        save(delegation_a, choice_question, member_a, {"chosen": ["ageing", "waste"]})
    assert refused.value.message_dict == {"chosen": ["Choose only one option."]}


# --- financing mix -----------------------------------------------------------------


def test_financing_autosave_reads_decimal_commas_and_flags_the_total(
    client, member_a, delegation_a, financing_question
):
    client.force_login(member_a)
    response = autosave(
        client,
        delegation_a,
        financing_question,
        {"today__domestic_budget": "40,5", "today__donors": "50", "version": 0},
    )
    body = response.json()
    assert response.status_code == 200
    assert body["flag"] == "The shares in “Today” add up to 90.5 %, not 100 %."
    assert Answer.objects.get().data == {
        "currency": "",
        "rows": {
            "domestic_budget": {"today": 40.5, "target": None, "note": ""},
            "donors": {"today": 50, "target": None, "note": ""},
        },
    }


def test_financing_two_laptops_on_different_sources_are_merged(
    delegation_a, member_a, financing_question
):
    # The page sends every control of the unit.
    page = {"today__donors": "60", "today__insurance": "", "target__donors": ""}
    save(delegation_a, financing_question, member_a, page)
    save(delegation_a, financing_question, member_a, page | {"today__insurance": "10"}, 1)
    answer = save(delegation_a, financing_question, member_a, page | {"target__donors": "30"}, 1)
    assert answer.data["rows"] == {
        "donors": {"today": 60, "target": 30, "note": ""},
        "insurance": {"today": 10, "target": None, "note": ""},
    }
    assert answer.merged_from == ("today__insurance",)


def test_financing_same_share_changed_twice_conflicts(delegation_a, member_a, financing_question):
    save(delegation_a, financing_question, member_a, {"today__donors": "60"})
    save(delegation_a, financing_question, member_a, {"today__donors": "70"}, base_version=1)
    with pytest.raises(services.StaleEdit) as refused:
        save(delegation_a, financing_question, member_a, {"today__donors": "65"}, base_version=1)
    assert refused.value.merge.conflicts == {"today__donors": {"mine": 65, "theirs": 70}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "«\u00a0abc\u00a0» n'est pas un nombre."),
        ("120", "Une part ne dépasse pas 100\u00a0%."),
        ("-5", "Saisissez un nombre qui n'est pas négatif."),
    ],
)
def test_financing_bad_number_is_refused_in_french(
    client, member_a, delegation_a, financing_question, value, message
):
    client.force_login(member_a)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = autosave(
        client, delegation_a, financing_question, {"today__donors": value, "version": 0}
    )
    assert (response.status_code, response.json()["error"]) == (400, message)


# --- milestones --------------------------------------------------------------------


def test_milestones_rows_added_on_two_laptops_are_both_kept(
    delegation_a, member_a, milestones_question
):
    save(
        delegation_a,
        milestones_question,
        member_a,
        {"rows": ["aa11"], "milestone__aa11": "Budget line", "month__aa11": "9"},
    )
    save(
        delegation_a,
        milestones_question,
        member_a,
        {"rows": ["aa11", "bb22"], "milestone__bb22": "Consensus", "month__bb22": "3"},
        base_version=1,
    )
    answer = save(
        delegation_a,
        milestones_question,
        member_a,
        {"rows": ["aa11", "cc33"], "milestone__cc33": "Decree", "responsible__cc33": "MoH"},
        base_version=1,
    )
    assert answer.data == {
        "rows": [
            {"key": "aa11", "milestone": "Budget line", "month": 9, "responsible": ""},
            {"key": "bb22", "milestone": "Consensus", "month": 3, "responsible": ""},
            {"key": "cc33", "milestone": "Decree", "month": None, "responsible": "MoH"},
        ]
    }


def test_milestones_row_typed_without_the_row_list_is_kept(
    delegation_a, member_a, milestones_question
):
    # Autosave sends the controls typed into, not the hidden list of rows.
    answer = save(delegation_a, milestones_question, member_a, {"milestone__dd44": "Law passed"})
    assert answer.data["rows"] == [
        {"key": "dd44", "milestone": "Law passed", "month": None, "responsible": ""}
    ]


def test_milestones_month_outside_the_plan_is_refused(delegation_a, member_a, milestones_question):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        save(delegation_a, milestones_question, member_a, {"rows": ["aa11"], "month__aa11": "25"})
    assert refused.value.message_dict == {"month__aa11": ["Choose a month from 1 to 24."]}


def test_milestones_emptied_row_is_removed(delegation_a, member_a, milestones_question):
    save(delegation_a, milestones_question, member_a, {"rows": ["aa11"], "milestone__aa11": "X"})
    answer = save(
        delegation_a,
        milestones_question,
        member_a,
        {"rows": ["aa11"], "milestone__aa11": "", "month__aa11": ""},
        base_version=1,
    )
    assert answer.data == {}


# --- history and restore, every kind -----------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "first", "second"),
    [
        ("choice_question", {"chosen": ["waste"], "note__waste": "Smell"}, {"chosen": []}),
        ("financing_question", {"today__donors": "100"}, {"today__donors": "20"}),
        (
            "milestones_question",
            {"rows": ["aa11"], "milestone__aa11": "Decree", "month__aa11": "6"},
            {"rows": ["aa11"], "milestone__aa11": "Law", "month__aa11": "12"},
        ),
    ],
)
def test_restore_brings_back_the_structured_answer_as_a_new_version(
    request, client, member_a, delegation_a, fixture, first, second
):
    question = request.getfixturevalue(fixture)
    answer = save(delegation_a, question, member_a, first)
    original = answer.data
    save(delegation_a, question, member_a, second, base_version=1)
    client.force_login(member_a)
    page = client.get(url("answer_history", delegation_a, question.session, number=question.number))
    assert page.status_code == 200
    client.post(
        url("answer_restore", delegation_a, question.session, number=question.number),
        {"history_id": answer.history.get(version=1).history_id},
    )
    answer.refresh_from_db()
    assert (answer.data, answer.version, answer.history.count()) == (original, 3, 3)


def test_history_page_shows_each_version_as_it_reads(
    client, member_a, delegation_a, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["waste"], "note__waste": "Smell"})
    client.force_login(member_a)
    page = client.get(url("answer_history", delegation_a, choice_question.session, number=1))
    assert "Waste management: Smell" in page.text


# --- the page without JavaScript ---------------------------------------------------


def test_plain_post_saves_every_kind(
    client,
    member_a,
    delegation_a,
    choice_question,
    financing_question,
    milestones_question,
):
    client.force_login(member_a)
    data = {
        "details-version": 0,
        "q1-version": 0,
        "q1-language": "fr",
        "q1-chosen": ["", "ageing", "footpaths"],
        "q1-note__footpaths": "Broken",
        "q2-version": 0,
        "q2-language": "fr",
        "q2-today__donors": "100",
        "q2-target__donors": "",
        "q4-version": 0,
        "q4-language": "fr",
        "q4-rows": ["ee55", "ff66"],
        "q4-milestone__ee55": "Decree",
        "q4-month__ee55": "4",
        "q4-milestone__ff66": "",
        "q4-month__ff66": "",
    }
    for number in (3, 5):  # free-text questions
        data |= {f"q{number}-text": "", f"q{number}-language": "fr", f"q{number}-version": 0}
    response = client.post(url("summary", delegation_a, choice_question.session), data)
    assert response.status_code == 302, response.context["posted"].errors
    data_by_number = dict(Answer.objects.values_list("question__number", "data"))
    assert data_by_number == {
        1: {"chosen": ["ageing", "footpaths"], "other": "", "notes": {"footpaths": "Broken"}},
        2: {"currency": "", "rows": {"donors": {"today": 100, "target": None, "note": ""}}},
        4: {"rows": [{"key": "ee55", "milestone": "Decree", "month": 4, "responsible": ""}]},
    }


def test_plain_post_unticking_every_option_is_saved(
    client, member_a, delegation_a, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["ageing"]})
    client.force_login(member_a)
    data = {"details-version": 0, "q1-version": 1, "q1-language": "fr", "q1-chosen": [""]}
    client.post(url("summary", delegation_a, choice_question.session), data)
    assert Answer.objects.get().data == {}


def test_plain_post_refused_keeps_what_was_typed(
    client, member_a, delegation_a, financing_question
):
    client.force_login(member_a)
    data = {
        "details-version": 0,
        "q2-version": 0,
        "q2-language": "fr",
        "q2-today__donors": "lots",
        "q2-note__donors": "Global Fund mostly",
    }
    response = client.post(url("summary", delegation_a, financing_question.session), data)
    assert response.status_code == 200
    assert 'value="lots"' in response.text
    assert 'value="Global Fund mostly"' in response.text
    assert "“lots” is not a number." in response.text
    assert not Answer.objects.exists()


def test_session_page_shows_each_kind_in_the_page_language(
    client, member_a, delegation_a, choice_question, financing_question, milestones_question
):
    client.force_login(member_a)
    response = client.get(url("summary", delegation_a, choice_question.session) + "?lang=fr")
    assert response.status_code == 200
    for text in ("Société vieillissante", "Pourquoi c’est urgent", "Bailleurs de fonds"):
        assert text in response.text
    assert 'name="q4-month__' in response.text


def test_preview_shows_each_kind_read_only(
    client, facilitator, choice_question, financing_question, milestones_question
):
    client.force_login(facilitator)
    session = choice_question.session
    response = client.get(
        reverse(
            "summaries:session_preview",
            kwargs={"workshop": session.workshop.slug, "session": session.code},
        )
        + "?lang=fr"
    )
    assert response.status_code == 200
    assert "Gestion des déchets" in response.text
    assert re.search(r'<input [^>]*value="waste" [^>]*disabled>', response.text)
    assert 'id="id_q2-today__donors"' in response.text
    assert 'name="q4-month__' in response.text


def test_a_delegation_that_only_ticked_options_is_no_longer_not_started(
    delegation_a, member_a, choice_question
):
    save(delegation_a, choice_question, member_a, {"chosen": ["waste"]}, discussed=False)
    state = work_states(delegations=[delegation_a], sessions=[choice_question.session])[
        (delegation_a.pk, choice_question.session.pk)
    ]
    assert (state.state, state.answered) == ("draft", 1)


def test_plain_post_conflict_keeps_what_was_typed_beside_the_saved_answer(
    client, member_a, delegation_a, financing_question
):
    save(delegation_a, financing_question, member_a, {"today__donors": "70"})
    client.force_login(member_a)
    data = {
        "details-version": 0,
        "q2-version": 0,
        "q2-language": "fr",
        "q2-today__donors": "65",
    }
    response = client.post(url("summary", delegation_a, financing_question.session), data)
    assert response.status_code == 200
    assert 'id="id_q2-today__donors" data-field="today__donors" value="65"' in response.text
    assert 'name="q2-version" value="1"' in response.text
    assert "Donors: Today 70 %" in response.text
    assert Answer.objects.get().data["rows"]["donors"]["today"] == 70


@pytest.mark.parametrize(
    ("fixture", "payload"),
    [
        ("financing_question", {"today__donors": "NaN"}),
        ("financing_question", {"today__donors": "1e999"}),
        ("financing_question", {"today__nowhere": "5"}),
        ("financing_question", {"currency": "EURO"}),
        ("financing_question", {"currency": "€€€"}),
        ("milestones_question", {"month__ZZ": "3"}),
        ("milestones_question", {"rows": "a" * 40}),
        ("milestones_question", {"rows": ",".join(f"r{n}" for n in range(60))}),
        ("milestones_question", {"rows": "aa11", "month__aa11": "-1"}),
        ("choice_question", {"note__nope": "x"}),
        ("choice_question", {"other": "x" * 2001}),
    ],
)
def test_hostile_structured_input_gets_a_400_with_a_message(
    request, client, member_a, delegation_a, fixture, payload
):
    question = request.getfixturevalue(fixture)
    client.force_login(member_a)
    response = autosave(client, delegation_a, question, {**payload, "version": 0})
    assert (response.status_code, bool(response.json()["error"])) == (400, True)
    assert not Answer.objects.exists()


def test_an_option_ticked_many_times_is_chosen_once(
    client, member_a, delegation_a, choice_question
):
    client.force_login(member_a)
    response = autosave(
        client, delegation_a, choice_question, {"chosen": ["waste"] * 500, "version": 0}
    )
    assert (response.status_code, Answer.objects.get().data["chosen"]) == (200, ["waste"])


def test_blank_milestone_rows_keep_their_keys_across_reloads(milestones_question):
    """A row typed into but not saved comes back from the browser's copy after a
    reload: the blank rows of one version are drawn with the same keys every time, and
    a new version offers new ones that no saved row has."""
    from summaries.forms import answer_form_for

    def blank_keys(version, stored=None):
        form = answer_form_for(milestones_question, initial={"version": version}, stored=stored)
        return [row["key"] for row in form.controls() if row["new"]]

    assert blank_keys(4) == blank_keys(4) == ["v4n1", "v4n2", "v4n3"]
    saved = {"rows": [{"key": "v4n1", "milestone": "Budget line", "month": 6, "responsible": ""}]}
    assert blank_keys(5, saved) == ["v5n1", "v5n2", "v5n3"]
    assert blank_keys("abc") == ["v0n1", "v0n2", "v0n3"]
