"""Exports of structured answers: each choice, financing and milestones question in
readable columns of its own (numbers as numbers), the workbook's native charts for
the choice and financing questions (the compare page's figures), Thai and Vietnamese
intact in CSV and XLSX, and LibreOffice reading the numbers as numbers."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from summaries.selectors.answer_exports import answer_table

from .conftest import make_delegations, store_answer
from .test_aggregates import choose, mixes, timelines
from .test_answer_exports import CSV_EXPORT, convert

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(room_session, delegation_a, vietnamese_province, thai_community):
    q = {question.number: question for question in room_session.questions.all()}
    store_answer(delegation_a, q[1], {"chosen": ["ageing"], "notes": {"ageing": "Population âgée"}})
    store_answer(
        delegation_a,
        q[2],
        {
            "rows": {
                "domestic_budget": {"today": 30, "target": 60},
                "donors": {"today": 70, "target": 40, "note": "Fonds mondial"},
            }
        },
    )
    store_answer(
        delegation_a,
        q[3],
        {
            "rows": [
                {"key": "a1", "milestone": "Consensus", "month": None, "responsible": ""},
                {"key": "a2", "milestone": "Ligne budgétaire", "month": 3, "responsible": "MSAS"},
            ]
        },
    )
    store_answer(
        delegation_a,
        q[4],
        {
            "currency": "XOF",
            "rows": {"domestic_budget": {"today": 1_000_000}, "donors": {"today": 2_500_000.5}},
        },
    )
    store_answer(
        vietnamese_province, q[1], {"chosen": ["waste", "footpaths"], "other": "Nước sạch"}
    )
    store_answer(
        vietnamese_province,
        q[3],
        {"rows": [{"key": "v1", "milestone": "Đánh giá", "month": 12, "responsible": "Sở Y tế"}]},
    )
    store_answer(
        thai_community,
        q[1],
        {"chosen": ["ageing", "waste"], "notes": {"waste": "ขยะล้นถนน"}},
    )
    store_answer(
        thai_community,
        q[2],
        {"rows": {"domestic_budget": {"today": 50}, "donors": {"today": 40}}},
    )
    return q


def url(fmt):
    return reverse(
        "summaries:answer_export_file", kwargs={"workshop": "regional", "session": "P", "fmt": fmt}
    )


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def by_header(rows, delegation, number, headers):
    """The cells ``headers`` of the row of ``delegation`` × question ``number``."""
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[0] == delegation and str(r[4]) == str(number))
    return [row[header.index(name)] for name in headers]


CHOICE = [
    "Answer",
    "1. Ageing society",
    "1. Ageing society · Why",
    "1. Waste management",
    "1. Waste management · Why",
    "1. Footpaths",
    "1. Footpaths · Why",
    "1. Other",
]
SOURCES = [
    "Domestic public budget",
    "Donors",
    "Private sector",
    "Health insurance",
    "Out-of-pocket payments",
    "Other",
]


def financing_headers(number, column):
    return [f"{number}. {source} · {column}" for source in SOURCES] + [
        f"{number}. Total · {column}"
    ]


def test_choice_question_has_a_column_per_option_with_its_note(client, organiser, room):
    client.force_login(organiser)
    rows = [
        list(row) for row in xlsx(client.get(url("xlsx"))).worksheets[0].iter_rows(values_only=True)
    ]
    assert [
        by_header(rows, name, 1, CHOICE) for name in ("Senegal", "Tỉnh Điện Biên", "ชุมชนบ้านหนองบัว")
    ] == [
        ["Ageing society: Population âgée", 1, "Population âgée", 0, None, 0, None, None],
        ["Waste management\nFootpaths\nOther: Nước sạch", 0, None, 1, None, 1, None, "Nước sạch"],
        ["Ageing society\nWaste management: ขยะล้นถนน", 1, None, 1, "ขยะล้นถนน", 0, None, None],
    ]


def test_choice_columns_are_blank_for_a_delegation_without_answer(
    client, organiser, room, delegation_b
):
    client.force_login(organiser)
    rows = [
        list(row) for row in xlsx(client.get(url("xlsx"))).worksheets[0].iter_rows(values_only=True)
    ]
    assert by_header(rows, "Ghana", 1, CHOICE) == [None] * 8


def test_financing_question_has_today_and_target_per_source_as_numbers(client, organiser, room):
    client.force_login(organiser)
    rows = [
        list(row) for row in xlsx(client.get(url("xlsx"))).worksheets[0].iter_rows(values_only=True)
    ]
    headers = financing_headers(2, "Today") + financing_headers(2, "Target")
    assert [by_header(rows, name, 2, headers) for name in ("Senegal", "ชุมชนบ้านหนองบัว")] == [
        [30, 70, None, None, None, None, 100, 60, 40, None, None, None, None, 100],
        [50, 40, None, None, None, None, 90, *[None] * 7],
    ]


def test_financing_in_amounts_has_its_currency(client, organiser, room):
    client.force_login(organiser)
    rows = [
        list(row) for row in xlsx(client.get(url("xlsx"))).worksheets[0].iter_rows(values_only=True)
    ]
    headers = [
        "4. Currency",
        "4. Domestic public budget · Today",
        "4. Donors · Today",
        "4. Total · Today",
    ]
    assert by_header(rows, "Senegal", 4, headers) == ["XOF", 1_000_000, 2_500_000.5, 3_500_000.5]


def test_milestones_answer_reads_as_in_the_pdfs(client, organiser, room):
    client.force_login(organiser)
    rows = read_csv(client.get(url("csv")))
    assert by_header(rows, "Senegal", 3, ["Answer"]) == [
        "Month 3: Ligne budgétaire (MSAS)\nNo month: Consensus"
    ]
    assert by_header(rows, "Tỉnh Điện Biên", 3, ["Answer"]) == ["Month 12: Đánh giá (Sở Y tế)"]
    # Once: no second column repeats the milestones.
    assert not [header for header in rows[0] if header.startswith("3. ")]


def test_csv_keeps_thai_and_vietnamese_in_the_typed_columns(client, organiser, room):
    client.force_login(organiser)
    client.cookies["django_language"] = "th"
    response = client.get(url("csv"))
    rows = read_csv(response)
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert by_header(
        rows, "ชุมชนบ้านหนองบัว", 1, ["1. สังคมสูงวัย", "1. การจัดการขยะ", "1. การจัดการขยะ · Why"]
    ) == [
        "1",
        "1",
        "ขยะล้นถนน",
    ]
    assert by_header(rows, "Tỉnh Điện Biên", 1, ["1. อื่น ๆ"]) == ["Nước sạch"]


def test_xlsx_keeps_thai_option_labels_in_headers(client, organiser, room):
    client.force_login(organiser)
    client.cookies["django_language"] = "th"
    header = next(xlsx(client.get(url("xlsx"))).worksheets[0].iter_rows(values_only=True))
    assert [name for name in header if name.startswith("1. ")] == [
        "1. สังคมสูงวัย",
        "1. สังคมสูงวัย · Why",
        "1. การจัดการขยะ",
        "1. การจัดการขยะ · Why",
        "1. ฟุตบาททางเท้า",
        "1. ฟุตบาททางเท้า · Why",
        "1. อื่น ๆ",
    ]


def test_workbook_has_a_sheet_and_chart_per_choice_and_financing_question(client, organiser, room):
    client.force_login(organiser)
    book = xlsx(client.get(url("xlsx")))
    assert [(sheet.title, len(sheet._charts)) for sheet in book.worksheets] == [
        ("Answers P", 0),
        ("Answers per question", 1),
        ("Choices P.1", 1),
        ("Financing P.2", 1),
        ("Financing P.4", 1),
    ]


def test_choice_sheet_counts_as_the_compare_page(client, organiser, room):
    client.force_login(organiser)
    sheet = xlsx(client.get(url("xlsx")))["Choices P.1"]
    chart = sheet._charts[0]
    assert ([list(r) for r in sheet.iter_rows(values_only=True)], chart.series[0].val.numRef.f) == (
        [
            ["Option", "Delegations"],
            ["Ageing society", 2],
            ["Waste management", 2],
            ["Footpaths", 1],
            ["Other", 1],
        ],
        "'Choices P.1'!$B$2:$B$5",
    )


def test_financing_sheet_holds_shares_with_a_stacked_chart(client, organiser, room):
    client.force_login(organiser)
    sheet = xlsx(client.get(url("xlsx")))["Financing P.2"]
    chart = sheet._charts[0]
    assert (
        [list(r) for r in sheet.iter_rows(values_only=True)],
        (chart.grouping, chart.overlap, len(chart.series)),
    ) == (
        [
            [
                "Delegation",
                *(f"{source} (%)" for source in SOURCES),
                "Total as entered",
                "Currency",
            ],
            ["Average · Today", 40, 55, 0, 0, 0, 0, None, None],
            ["Average · Target", 60, 40, 0, 0, 0, 0, None, None],
            ["Senegal · Today", 30, 70, 0, 0, 0, 0, 100, None],
            ["Senegal · Target", 60, 40, 0, 0, 0, 0, 100, None],
            ["ชุมชนบ้านหนองบัว · Today", 50, 40, 0, 0, 0, 0, 90, None],
            ["ชุมชนบ้านหนองบัว · Target", 0, 0, 0, 0, 0, 0, None, None],
        ],
        ("stacked", 100, 6),
    )


def test_financing_sheet_in_amounts_compares_shares_of_each_total(client, organiser, room):
    client.force_login(organiser)
    sheet = xlsx(client.get(url("xlsx")))["Financing P.4"]
    assert [list(r)[:3] + list(r)[7:] for r in sheet.iter_rows(values_only=True)][1:] == [
        ["Average · Today", 28.57, 71.43, None, None],
        ["Senegal · Today", 28.57, 71.43, 3500000.5, "XOF"],
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_answer_table_queries_do_not_grow_with_delegations(
    workshop, room_session, django_assert_num_queries, count
):
    delegations = make_delegations(workshop, count)
    questions = {q.number: q for q in room_session.questions.all()}
    choose(delegations, questions[1])
    mixes(delegations, questions[2])
    timelines(delegations, questions[3])
    with django_assert_num_queries(5):
        table = answer_table(workshop=workshop, session=room_session, absolute_url=str)
    assert len(table.rows) == 4 * count


def test_libreoffice_reads_typed_answers_as_numbers_and_scripts(client, organiser, room, tmp_path):
    client.force_login(organiser)
    out = convert(tmp_path, "p.xlsx", client.get(url("xlsx")).content, CSV_EXPORT)
    answers = (out / "p-Answers P.csv").read_text(encoding="utf-8")
    thai_financing = answers.split('"ชุมชนบ้านหนองบัว","Community","ภาษาไทย","P",2,')[1]
    # Text is quoted, numbers are not: LibreOffice took the shares and the total as
    # numbers (today: 50, 40, four blanks, 90; target: blank).
    row = thai_financing.split("http://testserver/")[0]
    assert ",50,40,,,,,90,,,,,,,," in row


def test_libreoffice_reads_the_financing_sheet_as_numbers(client, organiser, room, tmp_path):
    client.force_login(organiser)
    out = convert(tmp_path, "p.xlsx", client.get(url("xlsx")).content, CSV_EXPORT)
    lines = (out / "p-Financing P.2.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1:4] == [
        '"Average · Today",40,55,0,0,0,0,,',
        '"Average · Target",60,40,0,0,0,0,,',
        '"Senegal · Today",30,70,0,0,0,0,100,',
    ]
