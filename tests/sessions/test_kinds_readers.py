"""Reading one structured answer for the organisers' counts, mixes and timelines
(``sessions.kinds``: choice_value, financing_value, milestones_by_month), and the
financing sources handed to ``display`` so that many answers cost one query."""

from decimal import Decimal

import pytest

from sessions import kinds
from sessions.models import FinancingSource, GuidanceQuestion


def test_choice_value_reads_codes_other_and_notes():
    value = kinds.choice_value(
        {"chosen": ["ageing", "waste", "ageing"], "other": " markets ", "notes": {"waste": "x"}}
    )
    assert (value.chosen, value.other, value.notes) == (
        ("ageing", "waste"),
        "markets",
        {"waste": "x"},
    )


def test_choice_value_of_nothing_chooses_nothing():
    assert kinds.choice_value({}) == kinds.ChoiceValue(chosen=(), other="", notes={})


def test_financing_value_reads_cells_entered_and_totals():
    value = kinds.financing_value(
        {
            "currency": "XOF",
            "rows": {
                "donors": {"today": 70, "target": 30.5, "note": "Fonds mondial"},
                "domestic_budget": {"today": 30, "target": None, "note": ""},
            },
        }
    )
    assert (
        value.currency,
        value.value("donors", "target"),
        value.value("domestic_budget", "target"),
        value.total("today"),
        value.total("target"),
        value.notes,
    ) == ("XOF", 30.5, None, Decimal(100), Decimal("30.5"), {"donors": "Fonds mondial"})


def test_financing_value_total_of_an_empty_column_is_none():
    assert kinds.financing_value({}).total("today") is None


def test_milestones_by_month_come_by_month_without_month_last():
    rows = kinds.milestones_by_month(
        {
            "rows": [
                {"key": "a", "milestone": "Consensus", "month": None, "responsible": ""},
                {"key": "b", "milestone": "Loi votée", "month": 12, "responsible": "MSAS"},
                {"key": "c", "milestone": "Budget", "month": 3, "responsible": ""},
            ]
        }
    )
    assert rows == (
        kinds.MilestoneRow(3, "Budget", ""),
        kinds.MilestoneRow(12, "Loi votée", "MSAS"),
        kinds.MilestoneRow(None, "Consensus", ""),
    )


@pytest.mark.django_db
def test_display_with_sources_given_reads_no_source(django_assert_num_queries):
    question = GuidanceQuestion(kind=GuidanceQuestion.Kind.FINANCING)
    sources = list(FinancingSource.objects.all())
    data = {"currency": "", "rows": {"donors": {"today": 70, "target": None, "note": ""}}}
    with django_assert_num_queries(0):
        shown = kinds.display(question, data, sources=sources)
    assert shown.rows == (("Donors", "70 %", ""),)
