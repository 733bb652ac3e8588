"""sessions.kinds, the one owner of the structured answers' shapes: flattening and
back, checking and cleaning, the set merge of ticked options and rows."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sessions import kinds
from summaries.merge import merge_set

pytestmark = pytest.mark.django_db


def test_choice_data_round_trips_through_its_flattened_fields(choice_question):
    data = {"chosen": ["ageing", "waste"], "other": "Eau", "notes": {"waste": "Crues"}}
    fields = kinds.to_fields(choice_question, data)
    assert fields == {
        "chosen": ["ageing", "waste"],
        "other": "Eau",
        "note__ageing": "",
        "note__waste": "Crues",
        "note__footpaths": "",
    }
    assert kinds.from_fields(choice_question, fields) == data


def test_normalise_cleans_every_text_and_orders_the_options(choice_question):
    data = {
        "chosen": ["footpaths", "ageing"],
        "other": "a\x00b",
        "notes": {"ageing": "x\r\ny\x0bz"},
    }
    # A note is typed in a one-line box: a line break pasted into it becomes a space.
    assert kinds.normalise(choice_question, data) == {
        "chosen": ["ageing", "footpaths"],
        "other": "ab",
        "notes": {"ageing": "x y z"},
    }


def test_normalise_refuses_a_share_over_100(financing_question):
    data = {"currency": "", "rows": {"donors": {"today": 140, "target": None, "note": ""}}}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        kinds.normalise(financing_question, data)
    assert refused.value.message_dict == {"today__donors": ["A share is at most 100 %."]}


def test_financing_flag_is_none_when_amounts_are_asked(financing_question):
    financing_question.financing_unit = "amount"
    data = {"currency": "XOF", "rows": {"donors": {"today": 5, "target": None, "note": ""}}}
    assert kinds.financing_flag(financing_question, data) is None


def test_a_stored_note_of_a_removed_option_is_kept_by_a_save(choice_question):
    stored = {"chosen": [], "other": "", "notes": {"gone": "typed before"}}
    fields = kinds.parse_fields(choice_question, {"chosen": ["waste"]}, current=stored)
    assert kinds.from_fields(choice_question, fields)["notes"] == {"gone": "typed before"}


def test_merge_set_keeps_both_sides_additions_and_removals():
    assert merge_set(base=["a", "b"], mine=["a", "c"], theirs=["a", "b", "d"]) == ["a", "d", "c"]
