"""The whole room for one structured question: counts per option across delegations
(filtered by kind and language), financing mixes side by side with their averages,
one merged timeline of milestones. Exact figures over generated delegations, and a
number of queries that does not grow with them."""

import pytest
from django.utils import translation

from delegations.models import Delegation
from summaries.selectors.aggregates import OTHER
from summaries.selectors.compare import question_comparison
from summaries.selectors.filters import DelegationFilters

from .conftest import make_delegations, store_answer

pytestmark = pytest.mark.django_db


def compare(workshop, number, **filters):
    return question_comparison(
        workshop=workshop, session_code="P", number=number, filters=DelegationFilters(**filters)
    )


def choose(delegations, question):
    """Delegation i chooses "ageing" when i is even, "waste" when i is a multiple of 3,
    and writes its own option when i is a multiple of 5 (with a note on "ageing")."""
    for index, delegation in enumerate(delegations):
        chosen = [code for code, step in (("ageing", 2), ("waste", 3)) if index % step == 0]
        other = f"ตลาดนัด {index}" if index % 5 == 0 else ""
        if chosen or other:
            notes = {"note__ageing": f"why {index}"} if "ageing" in chosen else {}
            store_answer(
                delegation, question, {"chosen": chosen, "other": other, **notes_data(notes)}
            )


def notes_data(notes):
    return {"notes": {name.split("__", 1)[1]: text for name, text in notes.items()}}


@pytest.fixture
def thirty(workshop, room_session):
    delegations = make_delegations(workshop, 30)
    choose(delegations, room_session.questions.get(number=1))
    return delegations


def counts_of(figures):
    return [(row.code, row.count) for row in figures.options]


def test_choice_counts_every_option_and_other_exactly(workshop, thirty):
    comparison = compare(workshop, 1)
    assert (
        counts_of(comparison.figures),
        comparison.figures.answered,
        comparison.figures.delegations,
    ) == (
        [("ageing", 15), ("waste", 10), ("footpaths", 0), (OTHER, 6)],
        22,
        30,
    )


def test_choice_counts_name_the_delegations_and_their_own_options(workshop, thirty):
    other = compare(workshop, 1).figures.options[-1]
    assert other.texts == tuple((f"D{i:02d}", f"ตลาดนัด {i}") for i in range(0, 30, 5))


def test_choice_counts_follow_the_kind_filter(workshop, thirty):
    # Communities are D02, D05, D08 … D29: even 2, 8, 14, 20, 26; none a multiple of 3;
    # 5 and 20 multiples of 5.
    figures = compare(workshop, 1, kind=Delegation.Kind.COMMUNITY).figures
    assert (counts_of(figures), figures.answered, figures.delegations) == (
        [("ageing", 5), ("waste", 0), ("footpaths", 0), (OTHER, 2)],
        6,
        10,
    )


def test_choice_counts_follow_the_language_filter(workshop, thirty):
    # Vietnamese-speaking are D01, D04 … D28: even 4, 10, 16, 22, 28; none a multiple
    # of 3; 10 and 25 multiples of 5.
    figures = compare(workshop, 1, language="vi").figures
    assert counts_of(figures) == [("ageing", 5), ("waste", 0), ("footpaths", 0), (OTHER, 2)]


def test_choice_labels_are_in_the_active_language(workshop, thirty):
    with translation.override("th"):
        labels = [row.label for row in compare(workshop, 1).figures.options]
    assert labels == ["สังคมสูงวัย", "การจัดการขยะ", "ฟุตบาททางเท้า", "อื่น ๆ"]


def test_compared_choice_answer_reads_as_lines(workshop, thirty):
    entry = compare(workshop, 1).entries[0]
    assert entry.text == "Ageing society: why 0\nWaste management\nOther: ตลาดนัด 0"


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(("number", "queries"), [(1, 5), (2, 6), (3, 5)])
def test_comparison_queries_do_not_grow_with_delegations(
    workshop, room_session, django_assert_num_queries, count, number, queries
):
    delegations = make_delegations(workshop, count)
    choose(delegations, room_session.questions.get(number=1))
    mixes(delegations, room_session.questions.get(number=2))
    timelines(delegations, room_session.questions.get(number=3))
    with django_assert_num_queries(queries):
        comparison = compare(workshop, number)
    assert len(comparison.entries) == count


# --- financing mixes ------------------------------------------------------------------


def mixes(delegations, question):
    for delegation in delegations:
        store_answer(
            delegation,
            question,
            {"rows": {"domestic_budget": {"today": 30, "target": 60}, "donors": {"today": 70}}},
        )


@pytest.fixture
def four(workshop, room_session):
    """A (30/70 today, 60/40 target), B (10/80/10 today), C (50/40 today: 90 %), D none."""
    a, b, c, d = make_delegations(workshop, 4)
    question = room_session.questions.get(number=2)
    store_answer(
        a,
        question,
        {
            "rows": {
                "domestic_budget": {"today": 30, "target": 60, "note": ""},
                "donors": {"today": 70, "target": 40, "note": "Fonds mondial"},
            }
        },
    )
    store_answer(
        b,
        question,
        {
            "rows": {
                "domestic_budget": {"today": 10},
                "donors": {"today": 80},
                "out_of_pocket": {"today": 10},
            }
        },
    )
    store_answer(c, question, {"rows": {"domestic_budget": {"today": 50}, "donors": {"today": 40}}})
    amounts = room_session.questions.get(number=4)
    store_answer(
        a,
        amounts,
        {
            "currency": "XOF",
            "rows": {"domestic_budget": {"today": 1_000_000}, "donors": {"today": 3_000_000}},
        },
    )
    store_answer(
        b,
        amounts,
        {"currency": "USD", "rows": {"domestic_budget": {"today": 500}, "donors": {"today": 500}}},
    )
    return a, b, c, d


def test_financing_mix_has_one_line_per_delegation(workshop, four):
    mix = compare(workshop, 2).figures
    assert [
        (line.delegation.name, [(c.column, c.values, c.total) for c in line.columns])
        for line in mix.lines
    ] == [
        (
            "D00",
            [
                ("today", (30, 70, None, None, None, None), 100),
                ("target", (60, 40) + (None,) * 4, 100),
            ],
        ),
        ("D01", [("today", (10, 80, None, None, 10, None), 100), ("target", (None,) * 6, None)]),
        ("D02", [("today", (50, 40, None, None, None, None), 90), ("target", (None,) * 6, None)]),
        ("D03", [("today", (None,) * 6, None), ("target", (None,) * 6, None)]),
    ]


def test_financing_mix_lists_every_source_in_order(workshop, four):
    assert [code for code, _name in compare(workshop, 2).figures.sources] == [
        "domestic_budget",
        "donors",
        "private_sector",
        "insurance",
        "out_of_pocket",
        "other",
    ]


def test_financing_mix_flags_a_mix_that_is_not_100_percent(workshop, four):
    assert [line.flag for line in compare(workshop, 2).figures.lines] == [
        None,
        None,
        "The shares in “Today” add up to 90 %, not 100 %.",
        None,
    ]


def test_financing_mix_averages_over_delegations_that_entered_the_column(workshop, four):
    averages = compare(workshop, 2).figures.averages
    rounded = [(column, [round(v, 2) for v in values], n) for column, values, n in averages]
    assert rounded == [
        ("today", [30.0, 63.33, 0.0, 0.0, 3.33, 0.0], 3),
        ("target", [60.0, 40.0, 0.0, 0.0, 0.0, 0.0], 1),
    ]


def test_financing_mix_in_amounts_compares_shares_of_each_total(workshop, four):
    mix = compare(workshop, 4).figures
    assert (
        [(line.currency, line.columns[0].shares[:2]) for line in mix.lines[:2]],
        mix.averages[0][1][:2],
    ) == ([("XOF", (25.0, 75.0)), ("USD", (50.0, 50.0))], (37.5, 62.5))


def test_financing_mix_counts_delegations_that_entered_it(workshop, four):
    assert compare(workshop, 2).figures.entered == 3


# --- milestones -----------------------------------------------------------------------


def timelines(delegations, question):
    for index, delegation in enumerate(delegations):
        store_answer(
            delegation,
            question,
            {"rows": [{"key": f"k{index}", "milestone": f"Step {index}", "month": index % 24 + 1}]},
        )


@pytest.fixture
def milestones(workshop, room_session, thai_community, vietnamese_province, delegation_a):
    question = room_session.questions.get(number=3)
    store_answer(
        delegation_a,
        question,
        {
            "rows": [
                {"key": "a1", "milestone": "Consensus", "month": None, "responsible": ""},
                {"key": "a2", "milestone": "Ligne budgétaire", "month": 3, "responsible": "MSAS"},
            ]
        },
    )
    store_answer(
        vietnamese_province,
        question,
        {
            "rows": [
                {"key": "v1", "milestone": "Đánh giá", "month": 12, "responsible": ""},
                {"key": "v2", "milestone": "Quyết định", "month": 3, "responsible": "Sở Y tế"},
            ]
        },
    )


def test_merged_timeline_puts_every_milestone_under_its_month(workshop, milestones):
    timeline = compare(workshop, 3).figures
    assert [
        (month, [(e.delegation.name, e.milestone, e.responsible, e.language) for e in entries])
        for month, entries in timeline.months
    ] == [
        (
            3,
            [
                ("Senegal", "Ligne budgétaire", "MSAS", "fr"),
                ("Tỉnh Điện Biên", "Quyết định", "Sở Y tế", "vi"),
            ],
        ),
        (12, [("Tỉnh Điện Biên", "Đánh giá", "", "vi")]),
        (None, [("Senegal", "Consensus", "", "fr")]),
    ]


def test_merged_timeline_counts_delegations_and_milestones(workshop, milestones):
    timeline = compare(workshop, 3).figures
    assert (timeline.delegations, timeline.milestones) == (2, 4)


def test_merged_timeline_over_thirty_delegations(workshop, room_session):
    delegations = make_delegations(workshop, 30)
    timelines(delegations, room_session.questions.get(number=3))
    timeline = compare(workshop, 3, kind=Delegation.Kind.COUNTRY).figures
    # Countries are D00, D03 … D27: months 1, 4, 7 … 22, then D24 and D27 at 1 and 4.
    assert [(month, len(entries)) for month, entries in timeline.months] == [
        (1, 2),
        (4, 2),
        (7, 1),
        (10, 1),
        (13, 1),
        (16, 1),
        (19, 1),
        (22, 1),
    ]


def test_free_text_question_has_no_figures(workshop, session, room_session):
    comparison = question_comparison(workshop=workshop, session_code="V", number=1)
    assert comparison.figures is None
