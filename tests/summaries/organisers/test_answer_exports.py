"""Exports of everything written: every answer of a session as CSV and XLSX (with the
answers per question and their chart), the TA requests and actions workbooks with
their summary sheets (per intervention area, with a chart; cost totals by area and
currency), and the exports page that offers them. Files are read back with the csv
module, openpyxl and LibreOffice."""

import csv
import datetime as dt
import io
import shutil
import subprocess
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from summaries.models import Answer, TARequest
from tests.conftest import make_member

from .conftest import write_answers

pytestmark = pytest.mark.django_db

THAI_ANSWER = "ชุมชนเลือกหมวดหมู่สังคมสูงวัย เพราะผู้สูงอายุในชุมชนเพิ่มขึ้นทุกปี\nน้ำสะอาดกำลังขาดแคลน"
VIETNAMESE_ANSWER = "- Tỉnh đã cử đại diện Sở Y tế tham dự các cuộc họp HPG."

ANSWER_HEADERS = [
    "Delegation",
    "Delegation kind",
    "Delegation language",
    "Session",
    "Question number",
    "Question",
    "Discussed",
    "Answer",
    "Answer language",
    "Last edited at (Africa/Dakar)",
    "Last edited by",
    "Link",
]


@pytest.fixture
def answers(session, partner_items, thai_community, vietnamese_province):
    """Senegal answered Q4 (partner_items), the Thai community Q1, the Vietnamese
    province Q2; every other question of V is unanswered."""
    thai = write_answers(
        thai_community, session, make_member("nongbua", thai_community), {1: THAI_ANSWER}, "th"
    )
    vietnamese = write_answers(
        vietnamese_province,
        session,
        make_member("dienbien", vietnamese_province),
        {2: VIETNAMESE_ANSWER},
        "vi",
    )
    return {"th": thai[1], "vi": vietnamese[2], "fr": Answer.objects.get(question__number=4)}


def edited_at(answer):
    local = timezone.localtime(answer.updated_at, zoneinfo.ZoneInfo("Africa/Dakar"))
    return local.replace(tzinfo=None, second=0, microsecond=0)


def answer_url(fmt, session_code="V"):
    return reverse(
        "summaries:answer_export_file",
        kwargs={"workshop": "regional", "session": session_code, "fmt": fmt},
    )


def summary_link(slug):
    return f"http://testserver/w/regional/d/{slug}/s/V/"


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def values(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def thai_rows(answers):
    """The Thai community's five rows, as typed values (XLSX)."""
    answer = answers["th"]
    rows = []
    for number in range(1, 6):
        written = number == 1
        rows.append(
            [
                "ชุมชนบ้านหนองบัว",
                "Community",
                "ภาษาไทย",
                "V",
                number,
                f"Question {number} in English?",
                "Yes" if written else "No",
                THAI_ANSWER if written else None,
                "ภาษาไทย" if written else None,
                edited_at(answer) if written else None,
                "nongbua" if written else None,
                summary_link("nong-bua"),
            ]
        )
    return rows


def test_answers_csv_has_one_row_per_delegation_and_question(client, organiser, answers):
    client.force_login(organiser)
    rows = read_csv(client.get(answer_url("csv")))
    assert [(row[0], row[4]) for row in rows[1:]] == [
        (name, str(number))
        for name in ("Senegal", "Tỉnh Điện Biên", "ชุมชนบ้านหนองบัว")
        for number in range(1, 6)
    ]


def test_answers_csv_headers(client, organiser, answers):
    client.force_login(organiser)
    assert read_csv(client.get(answer_url("csv")))[0] == ANSWER_HEADERS


def test_answers_csv_keeps_thai_and_vietnamese_text(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(answer_url("csv"))
    rows = read_csv(response)
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert rows[7] == [
        "Tỉnh Điện Biên",
        "Province",
        "Tiếng Việt",
        "V",
        "2",
        "Question 2 in English?",
        "Yes",
        "'" + VIETNAMESE_ANSWER,  # would run as a formula in a spreadsheet
        "Tiếng Việt",
        edited_at(answers["vi"]).strftime("%Y-%m-%d %H:%M"),
        "dienbien",
        summary_link("dien-bien"),
    ]
    assert rows[11] == [
        "ชุมชนบ้านหนองบัว",
        "Community",
        "ภาษาไทย",
        "V",
        "1",
        "Question 1 in English?",
        "Yes",
        THAI_ANSWER,
        "ภาษาไทย",
        edited_at(answers["th"]).strftime("%Y-%m-%d %H:%M"),
        "nongbua",
        summary_link("nong-bua"),
    ]


def test_answers_csv_in_french_reads_questions_and_labels_in_french(client, organiser, answers):
    client.force_login(organiser)
    client.cookies["django_language"] = "fr"
    rows = read_csv(client.get(answer_url("csv")))
    assert (rows[0][:8], rows[4][4:8]) == (
        [
            "Délégation",
            "Type de délégation",
            "Langue de la délégation",
            "Session",
            "Numéro de la question",
            "Question",
            "Discutée",
            "Réponse",
        ],
        ["4", "Question 4 en français ?", "Oui", "Ligne budgétaire en 2027"],
    )


def test_answers_xlsx_keeps_typed_values_and_scripts(client, organiser, answers):
    client.force_login(organiser)
    rows = values(workbook(client.get(answer_url("xlsx"))).worksheets[0])
    assert (rows[0], rows[11:16]) == (ANSWER_HEADERS, thai_rows(answers))


def test_answers_xlsx_counts_answers_per_question_with_a_chart(client, organiser, answers):
    client.force_login(organiser)
    book = workbook(client.get(answer_url("xlsx")))
    sheet = book["Answers per question"]
    assert (book.sheetnames, values(sheet), len(sheet._charts)) == (
        ["Answers V", "Answers per question"],
        [
            ["Question", "Discussed by", "Answered by"],
            ["1. Question 1 in English?", 1, 1],
            ["2. Question 2 in English?", 1, 1],
            ["3. Question 3 in English?", 0, 0],
            ["4. Question 4 in English?", 1, 1],
            ["5. Question 5 in English?", 0, 0],
        ],
        1,
    )


def test_answers_of_an_unknown_session_are_404(client, organiser, answers):
    client.force_login(organiser)
    assert client.get(answer_url("csv", "IX")).status_code == 404


def test_answers_export_is_404_for_delegation_members(client, member_a, answers):
    client.force_login(member_a)
    assert client.get(answer_url("csv")).status_code == 404


def test_answers_download_name(client, organiser, answers):
    client.force_login(organiser)
    response = client.get(answer_url("xlsx"))
    assert response["Content-Disposition"] == (
        'attachment; filename="regional-workshop-answers-v.xlsx"; '
        "filename*=UTF-8''Regional%20workshop%20-%20Answers%20V.xlsx"
    )


# --- TA requests and actions workbooks: summaries, charts, cost totals -------------------


@pytest.fixture
def removed_request(partner_items, delegation_a, areas):
    """A removed TA request: the exports and the totals leave it out."""
    return TARequest.objects.create(
        delegation=delegation_a,
        title="Retirée",
        intervention_area=areas["financing"],
        estimated_cost=Decimal("999.00"),
        currency="USD",
        removed_at=dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
    )


COST_HEADERS = [
    "Intervention area",
    "Currency",
    "Actions",
    "Actions: total estimated cost",
    "TA requests",
    "TA requests: total estimated cost",
]
COST_ROWS = [
    ["Sustainable financing", "EUR", 0, 0, 1, 8000.5],
    ["Sustainable financing", "USD", 1, 15000, 0, 0],
]


def export_url(table, fmt):
    return reverse(
        "summaries:export_file", kwargs={"workshop": "regional", "table": table, "fmt": fmt}
    )


def test_ta_requests_xlsx_has_requests_per_area_with_a_chart(client, organiser, removed_request):
    client.force_login(organiser)
    book = workbook(client.get(export_url("ta-requests", "xlsx")))
    sheet = book["TA requests by area"]
    assert (book.sheetnames, values(sheet), len(sheet._charts)) == (
        ["TA requests", "TA requests by area", "Costs by area"],
        [
            ["Intervention area", "TA requests"],
            ["Community engagement", 1],
            ["Sustainable financing", 1],
            ["No intervention area", 1],
        ],
        1,
    )


def test_ta_requests_xlsx_chart_reads_the_summary_sheet(client, organiser, partner_items):
    client.force_login(organiser)
    book = workbook(client.get(export_url("ta-requests", "xlsx")))
    chart = book["TA requests by area"]._charts[0]
    refs = [series.val.numRef.f for series in chart.series]
    assert refs == ["'TA requests by area'!$B$2:$B$4"]


@pytest.mark.parametrize("table", ["ta-requests", "actions"])
def test_workbooks_total_costs_by_area_and_currency(client, organiser, removed_request, table):
    client.force_login(organiser)
    sheet = workbook(client.get(export_url(table, "xlsx")))["Costs by area"]
    assert values(sheet) == [COST_HEADERS, *COST_ROWS]


def test_ta_requests_csv_is_the_rows_alone(client, organiser, removed_request):
    client.force_login(organiser)
    rows = read_csv(client.get(export_url("ta-requests", "csv")))
    assert [row[4] for row in rows[1:]] == [
        "Estimer le coût du paquet communautaire",
        "Sự tham gia của tỉnh",
        "ชุมชนเลือกหมวดหมู่สังคมสูงวัย",
    ]


def test_exports_page_offers_each_sessions_answers(client, organiser, answers):
    client.force_login(organiser)
    page = client.get(reverse("summaries:exports", kwargs={"workshop": "regional"})).content
    page = page.decode()
    assert (
        f'href="{answer_url("xlsx")}"' in page,
        f'href="{answer_url("csv")}"' in page,
        '<td class="text-end">3</td>' in page.split('id="answers-V"')[1].split("</tr>")[0],
    ) == (True, True, True)


def test_exports_page_shows_cost_totals(client, organiser, removed_request):
    client.force_login(organiser)
    page = client.get(reverse("summaries:exports", kwargs={"workshop": "regional"})).content
    table = page.decode().split('id="cost-totals"')[1].split("</table>")[0]
    cells = [cell.split(">", 1)[1].split("<")[0] for cell in table.split("<td")[1:] if ">" in cell]
    assert cells == [
        *("Sustainable financing", "EUR", "0", "0.00", "1", "8,000.50"),
        *("Sustainable financing", "USD", "1", "15,000.00", "0", "0.00"),
    ]


# --- LibreOffice opens the files with numbers as numbers ------------------------------


def soffice():
    path = shutil.which("soffice")
    if path is None:
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed")
    return path


def convert(tmp_path, name, content, target, infilter=None):
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out"
    command = [soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


# Quote text cells, write values (not as shown), every sheet to its own file.
CSV_EXPORT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1"


def test_libreoffice_reads_xlsx_numbers_as_numbers(client, organiser, removed_request, tmp_path):
    client.force_login(organiser)
    content = client.get(export_url("ta-requests", "xlsx")).content
    out = convert(tmp_path, "ta.xlsx", content, CSV_EXPORT)
    costs = (out / "ta-Costs by area.csv").read_text(encoding="utf-8").splitlines()
    requests = list(csv.reader(io.StringIO((out / "ta-TA requests.csv").read_text("utf-8"))))
    # Text is quoted, numbers are not: LibreOffice took them as numbers.
    assert costs == [
        ",".join(f'"{header}"' for header in COST_HEADERS),
        '"Sustainable financing","EUR",0,0,1,8000.5',
        '"Sustainable financing","USD",1,15000,0,0',
    ]
    assert [row[4] for row in requests[1:]] == [
        "Estimer le coût du paquet communautaire",
        "Sự tham gia của tỉnh",
        "ชุมชนเลือกหมวดหมู่สังคมสูงวัย",
    ]


def test_libreoffice_reads_csv_with_bom_keeping_numbers_and_scripts(
    client, organiser, answers, tmp_path
):
    client.force_login(organiser)
    content = client.get(answer_url("csv")).content
    out = convert(tmp_path, "answers.csv", content, "xlsx", infilter="CSV:44,34,76,1")
    sheet = openpyxl.load_workbook(out / "answers.xlsx").active
    header = [cell.value for cell in sheet[1]]
    thai = [cell.value for cell in sheet[12]]
    assert (header[0], thai[0], thai[4], thai[7]) == (
        "Delegation",
        "ชุมชนบ้านหนองบัว",
        1,
        THAI_ANSWER,
    )
