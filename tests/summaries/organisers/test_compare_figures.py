"""The compare page of a structured question: its chart (inline SVG, named, figures
as text) and the table of the same figures; the query count does not grow with the
delegations; the board links to each structured question."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import make_delegations, store_answer
from .test_aggregates import choose, mixes, timelines

pytestmark = pytest.mark.django_db


def compare_url(number, query=""):
    url = reverse(
        "summaries:compare", kwargs={"workshop": "regional", "session": "P", "number": number}
    )
    return url + (f"?{query}" if query else "")


def chart(page):
    return page.split('<figure class="room-chart mb-3">')[1].split("</figure>")[0]


def table(page):
    return page.split('id="room-table"')[1].split("</table>")[0]


def cells(fragment):
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", fragment, re.S)
    ]


@pytest.fixture
def thirty(workshop, room_session):
    delegations = make_delegations(workshop, 30)
    choose(delegations, room_session.questions.get(number=1))
    return delegations


def test_choice_chart_writes_each_count(client, organiser, thirty):
    client.force_login(organiser)
    svg = chart(client.get(compare_url(1)).text)
    values = re.findall(r'fill="#495057">([^<]*)</text>', svg)
    labels = re.findall(r'fill="#212529">([^<]*)</text>', svg)
    assert (labels, values) == (
        ["Ageing society", "Waste management", "Footpaths", "Other"],
        ["15", "10", "0", "6"],
    )


def test_choice_chart_is_a_named_image(client, organiser, thirty):
    client.force_login(organiser)
    svg = chart(client.get(compare_url(1)).text)
    assert re.findall(r'role="img" id="room-chart" aria-labelledby="([^"]+)"', svg) == [
        "room-chart-title room-chart-desc"
    ]
    assert '<desc id="room-chart-desc">22 of 30 delegations answered.</desc>' in svg


def test_choice_table_holds_the_same_counts(client, organiser, thirty):
    client.force_login(organiser)
    rows = cells(table(client.get(compare_url(1, "kind=community")).text))
    assert rows[:3] == ["Option", "Delegations", "Who chose it"]
    assert rows[3:] == [
        *("Ageing society", "5", "D02, D08, D14, D20, D26"),
        *("Waste management", "0", ""),
        *("Footpaths", "0", ""),
        *("Other", "2", "D05: ตลาดนัด 5D20: ตลาดนัด 20"),
    ]


def test_choice_chart_in_thai(client, organiser, thirty):
    client.force_login(organiser)
    client.cookies["django_language"] = "th"
    svg = chart(client.get(compare_url(1)).text)
    assert re.findall(r'fill="#212529">([^<]*)</text>', svg) == [
        "สังคมสูงวัย",
        "การจัดการขยะ",
        "ฟุตบาททางเท้า",
        "อื่น ๆ",
    ]


def test_financing_page_shows_stacked_bars_and_the_figures(
    client, organiser, workshop, room_session
):
    delegations = make_delegations(workshop, 2)
    mixes(delegations[:1], room_session.questions.get(number=2))
    client.force_login(organiser)
    page = client.get(compare_url(2)).text
    assert (
        'class="chart stacked-chart"' in chart(page),
        cells(table(page).split("<tbody>")[1]),
    ) == (
        True,
        [
            *("Average", "Today (1 delegation)", "30\xa0%", "70\xa0%", *["0\xa0%"] * 4, ""),
            *("Target (1 delegation)", "60\xa0%", *["0\xa0%"] * 5, ""),
            *(
                "D00The shares in “Target” add up to 60 %, not 100 %.",
                "Today",
                "30\xa0%",
                "70\xa0%",
                "",
                "",
                "",
                "",
                "100\xa0%",
            ),
            *("Target", "60\xa0%", "", "", "", "", "", "60\xa0%"),
            *("D01No answer yet.", "Today", "", "", "", "", "", "", ""),
            *("Target", "", "", "", "", "", "", ""),
        ],
    )


def test_financing_page_shows_the_100_percent_flag(client, organiser, workshop, room_session):
    (delegation,) = make_delegations(workshop, 1)
    store_answer(
        delegation, room_session.questions.get(number=2), {"rows": {"donors": {"today": 80}}}
    )
    client.force_login(organiser)
    page = client.get(compare_url(2)).text
    assert "The shares in “Today” add up to 80 %, not 100 %." in table(page)


def test_milestones_page_shows_the_merged_timeline(client, organiser, workshop, room_session):
    timelines(make_delegations(workshop, 3), room_session.questions.get(number=3))
    client.force_login(organiser)
    page = client.get(compare_url(3)).text
    assert (
        'class="chart timeline-chart"' in chart(page),
        cells(table(page).split("<tbody>")[1]),
    ) == (
        True,
        [
            *("Month 1", "D00", "Step 0", ""),
            *("Month 2", "D01", "Step 1", ""),
            *("Month 3", "D02", "Step 2", ""),
        ],
    )


def test_free_text_question_has_no_chart(client, organiser, session):
    client.force_login(organiser)
    url = reverse("summaries:compare", kwargs={"workshop": "regional", "session": "V", "number": 1})
    assert 'id="room-figures"' not in client.get(url).text


def page_queries(client, number):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(compare_url(number)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_compare_page_queries_do_not_grow_with_delegations(
    client, organiser, workshop, room_session, number
):
    client.force_login(organiser)
    questions = {q.number: q for q in room_session.questions.all()}
    first = make_delegations(workshop, 3)
    choose(first, questions[1])
    mixes(first, questions[2])
    timelines(first, questions[3])
    few = page_queries(client, number)
    more = [
        type(first[0]).objects.create(workshop=workshop, name=f"E{i:02d}", slug=f"e{i:02d}")
        for i in range(27)
    ]
    choose(more, questions[1])
    mixes(more, questions[2])
    timelines(more, questions[3])
    assert page_queries(client, number) == few


def test_board_links_to_each_structured_question(client, organiser, room_session):
    client.force_login(organiser)
    page = client.get(reverse("summaries:board", kwargs={"workshop": "regional"})).text
    index = page.split('id="question-index"')[1]
    assert [
        (href, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip())
        for href, text in re.findall(
            r'href="(/w/regional/compare/P/\d/)[^"]*">(.*?)</a>', index, re.S
        )
    ] == [
        (compare_url(1), "Question 1 · Choose from a list"),
        (compare_url(2), "Question 2 · Financing mix"),
        (compare_url(3), "Question 3 · Milestones"),
        (compare_url(4), "Question 4 · Financing mix"),
    ]


def test_financing_chart_draws_only_the_columns_entered(client, organiser, workshop, room_session):
    a, b, _c = make_delegations(workshop, 3)
    question = room_session.questions.get(number=2)
    store_answer(a, question, {"rows": {"donors": {"today": 100, "target": 50}}})
    store_answer(b, question, {"rows": {"donors": {"today": 40}, "other": {"today": 60}}})
    client.force_login(organiser)
    svg = chart(client.get(compare_url(2)).text)
    rows = [
        re.findall(r'fill="#495057">([^<]*)</text>', row)
        for row in svg.split('<g class="stacked-row">')[1:]
    ]
    assert rows == [
        ["Today: 2 delegations", "Target: 1 delegation"],
        ["Today: 100 %", "Target: 50 %"],
        ["Today: 100 %"],
    ]


def test_financing_chart_captions_in_french(client, organiser, workshop, room_session):
    (delegation,) = make_delegations(workshop, 1)
    store_answer(
        delegation, room_session.questions.get(number=2), {"rows": {"donors": {"today": 100}}}
    )
    client.force_login(organiser)
    client.cookies["django_language"] = "fr"
    svg = chart(client.get(compare_url(2)).text)
    assert [html.unescape(t) for t in re.findall(r'fill="#495057">([^<]*)</text>', svg)] == [
        "Aujourd'hui\xa0: 1 délégation",
        "Aujourd'hui\xa0: 100 %",
    ]
