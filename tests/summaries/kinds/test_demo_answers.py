"""``load_demo --sample-answers``: plausible answers of every kind for the demo
delegations, written as their rapporteurs would, and never twice."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from sessions import kinds
from summaries.models import Answer

pytestmark = pytest.mark.django_db


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def answer(delegation, session, number):
    return Answer.objects.select_related("question").get(
        summary__delegation__slug=delegation,
        summary__session__code=session,
        question__number=number,
    )


def test_load_demo_alone_writes_no_answer():
    load()
    assert not Answer.objects.exists()


def test_sample_answers_fill_every_kind():
    output = load("--sample-answers")
    financing = answer("ghana", "V", 2)
    choice = answer("lat-phrao", "C1", 1)
    milestones = answer("ghana", "V", 4)
    assert f"{Answer.objects.count()} sample answers written." in output
    assert financing.data["rows"]["donors"]["today"] == 70
    with translation.override("en"):
        flag = kinds.financing_flag(financing.question, financing.data)
    assert flag == ("The shares in “Today” add up to 95 %, not 100 %.")
    assert choice.data["chosen"] and choice.language == "th"
    assert [row["month"] for row in milestones.data["rows"]] == [9, 4, 18]
    assert milestones.edited_by.username == "rapporteur-ghana"


def test_sample_answers_twice_write_nothing_more():
    load("--sample-answers")
    before = list(Answer.objects.order_by("pk").values_list("pk", "version"))
    assert "0 sample answers written." in load("--sample-answers")
    assert list(Answer.objects.order_by("pk").values_list("pk", "version")) == before
