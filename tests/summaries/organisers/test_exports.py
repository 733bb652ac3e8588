"""Exports for partners: CSV and XLSX of every TA request and action, and the page
with counts and charts. Files are read back with the csv module and openpyxl."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from sessions.models import InterventionArea
from summaries.exports import (
    ExportTable,
    attachment_disposition,
    table_csv,
    table_xlsx,
)
from summaries.models import TARequest

from .conftest import THAI_TITLE, VIETNAMESE_TITLE

pytestmark = pytest.mark.django_db

TA_HEADERS = [
    "Delegation",
    "Delegation kind",
    "Delegation language",
    "Intervention area",
    "Title",
    "Need (what and why)",
    "Kind of assistance",
    "Preferred provider",
    "Timeframe (months)",
    "Estimated cost",
    "Currency",
    "Priority",
    "Status",
    "Linked action",
    "Source session",
    "Source question",
    "Link",
]
ACTION_HEADERS = [
    "Delegation",
    "Delegation kind",
    "Delegation language",
    "Intervention area",
    "Title",
    "Description",
    "Milestone",
    "Start month",
    "End month",
    "Responsible",
    "Partners",
    "Resources needed",
    "Estimated cost",
    "Currency",
    "Source session",
    "Source question",
    "Link",
]
SENEGAL_TA = [
    "Senegal",
    "Country",
    "Français",
    "Sustainable financing",
    "Estimer le coût du paquet communautaire",
    "Appui à l'estimation des coûts",
    "Financing advice",
    "OMS",
    "6",
    "8000.50",
    "EUR",
    "High",
    "Final",
    "Inscrire la santé communautaire au budget 2027",
    "V",
    "4",
    "http://testserver/w/regional/d/senegal/",
]
DIEN_BIEN_TA = [
    "Tỉnh Điện Biên",
    "Province",
    "Tiếng Việt",
    "",
    VIETNAMESE_TITLE,
    "'- tập huấn cán bộ",  # a leading "-" would run as a formula in Excel
    "Expertise",
    "",
    "",
    "",
    "USD",
    "Low",
    "Draft",
    "",
    "",
    "",
    "http://testserver/w/regional/d/dien-bien/",
]
NONG_BUA_TA = [
    "ชุมชนบ้านหนองบัว",
    "Community",
    "ภาษาไทย",
    "Community engagement",
    THAI_TITLE,
    "ผู้สูงอายุ",
    "Training",
    "",
    "",
    "",
    "USD",
    "Medium",
    "Draft",
    "",
    "",
    "",
    "http://testserver/w/regional/d/nong-bua/",
]


def export_url(table, fmt, workshop_slug="regional"):
    return reverse(
        "summaries:export_file", kwargs={"workshop": workshop_slug, "table": table, "fmt": fmt}
    )


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_ta_requests_csv_has_one_row_per_request(client, organiser, partner_items):
    client.force_login(organiser)
    rows = read_csv(client.get(export_url("ta-requests", "csv")))
    assert sorted(rows[1:]) == sorted([SENEGAL_TA, DIEN_BIEN_TA, NONG_BUA_TA])


def test_ta_requests_csv_headers(client, organiser, partner_items):
    client.force_login(organiser)
    assert read_csv(client.get(export_url("ta-requests", "csv")))[0] == TA_HEADERS


def test_ta_requests_csv_starts_with_byte_order_mark(client, organiser, partner_items):
    client.force_login(organiser)
    response = client.get(export_url("ta-requests", "csv"))
    assert response.content.startswith(b"\xef\xbb\xbfDelegation,")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_ta_requests_csv_keeps_thai_and_vietnamese_text(client, organiser, partner_items):
    client.force_login(organiser)
    rows = read_csv(client.get(export_url("ta-requests", "csv")))
    assert {row[4] for row in rows[1:]} == {
        "Estimer le coût du paquet communautaire",
        VIETNAMESE_TITLE,
        THAI_TITLE,
    }


def test_ta_requests_csv_download_name(client, organiser, partner_items):
    client.force_login(organiser)
    response = client.get(export_url("ta-requests", "csv"))
    assert response["Content-Disposition"] == (
        'attachment; filename="regional-workshop-ta-requests.csv"; '
        "filename*=UTF-8''Regional%20workshop%20-%20TA%20requests.csv"
    )


def test_actions_csv_has_one_row_per_action(client, organiser, partner_items):
    client.force_login(organiser)
    rows = read_csv(client.get(export_url("actions", "csv")))
    assert rows[0] == ACTION_HEADERS
    assert sorted(rows[1:]) == sorted(
        [
            [
                "Senegal",
                "Country",
                "Français",
                "Sustainable financing",
                "Inscrire la santé communautaire au budget 2027",
                "Préparer une note.\nDeux réunions.",
                "Ligne votée",
                "1",
                "9",
                "Direction de la santé communautaire",
                "UNICEF, OMS",
                "Consultant national",
                "15000.00",
                "USD",
                "V",
                "4",
                "http://testserver/w/regional/d/senegal/",
            ],
            [
                "ชุมชนบ้านหนองบัว",
                "Community",
                "ภาษาไทย",
                "Community engagement",
                THAI_TITLE,
                "",
                "",
                "2",
                "6",
                "",
                "",
                "",
                "",
                "USD",
                "",
                "",
                "http://testserver/w/regional/d/nong-bua/",
            ],
        ]
    )


def test_ta_requests_xlsx_has_one_row_per_request(client, organiser, partner_items):
    client.force_login(organiser)
    _sheet, rows = read_xlsx(client.get(export_url("ta-requests", "xlsx")))
    assert rows[0] == TA_HEADERS
    assert len(rows) == 4
    by_title = {row[4]: row for row in rows[1:]}
    assert by_title["Estimer le coût du paquet communautaire"][8:12] == [6, 8000.5, "EUR", "High"]
    assert by_title[THAI_TITLE][:5] == [
        "ชุมชนบ้านหนองบัว",
        "Community",
        "ภาษาไทย",
        "Community engagement",
        THAI_TITLE,
    ]
    assert by_title[VIETNAMESE_TITLE][5] == "- tập huấn cán bộ"


def test_actions_xlsx_keeps_thai_text(client, organiser, partner_items):
    client.force_login(organiser)
    _sheet, rows = read_xlsx(client.get(export_url("actions", "xlsx")))
    assert sorted(row[4] for row in rows[1:]) == sorted(
        ["Inscrire la santé communautaire au budget 2027", THAI_TITLE]
    )


def test_xlsx_header_is_bold_and_frozen(client, organiser, partner_items):
    client.force_login(organiser)
    sheet, _rows = read_xlsx(client.get(export_url("ta-requests", "xlsx")))
    assert [cell.font.bold for cell in sheet[1]] == [True] * len(TA_HEADERS)
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "TA requests"


def test_xlsx_columns_are_sized_to_content(client, organiser, partner_items):
    client.force_login(organiser)
    sheet, _rows = read_xlsx(client.get(export_url("ta-requests", "xlsx")))
    # "Estimer le coût du paquet communautaire" is 39 characters, plus a margin.
    assert sheet.column_dimensions["E"].width == 41


def test_xlsx_content_type_and_name(client, organiser, partner_items):
    client.force_login(organiser)
    response = client.get(export_url("actions", "xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="regional-workshop-actions.xlsx"; '
    )


def test_export_area_names_follow_interface_language(client, organiser, partner_items):
    client.force_login(organiser)
    client.cookies["django_language"] = "fr"
    rows = read_csv(client.get(export_url("ta-requests", "csv")))
    # "Sustainable financing" has no French name: it falls back to English.
    assert sorted(row[3] for row in rows[1:]) == [
        "",
        "Engagement communautaire",
        "Sustainable financing",
    ]


def test_export_of_workshop_without_items_has_only_headers(client, organiser, workshop):
    client.force_login(organiser)
    assert read_csv(client.get(export_url("ta-requests", "csv"))) == [TA_HEADERS]


def test_export_unknown_table_is_404(client, organiser, workshop):
    client.force_login(organiser)
    assert client.get(export_url("budgets", "csv")).status_code == 404


def test_export_unknown_format_is_404(client, organiser, workshop):
    client.force_login(organiser)
    assert client.get(export_url("actions", "pdf")).status_code == 404


def test_export_page_counts_requests_per_area(client, organiser, partner_items):
    client.force_login(organiser)
    overview = client.get(reverse("summaries:exports", args=["regional"])).context["overview"]
    assert overview.by_area == (
        ("Community engagement", 1, 1),
        ("Sustainable financing", 1, 1),
        ("No intervention area", 1, 0),
    )


def test_export_page_counts_requests_per_kind(client, organiser, partner_items):
    client.force_login(organiser)
    overview = client.get(reverse("summaries:exports", args=["regional"])).context["overview"]
    assert [(str(label), count) for label, count in overview.by_kind] == [
        ("Expertise", 1),
        ("Training", 1),
        ("Tools and systems", 0),
        ("Financing advice", 1),
        ("Other", 0),
    ]


def test_export_page_shows_totals_and_charts(client, organiser, partner_items):
    client.force_login(organiser)
    response = client.get(reverse("summaries:exports", args=["regional"]))
    assert (response.context["overview"].ta_requests, response.context["overview"].actions) == (
        3,
        2,
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart"'
    assert response.text.count(svg) == 2


def test_export_page_escapes_area_names_in_chart(client, organiser, workshop, delegation_a):
    area = InterventionArea.objects.create(code="x", name_en="<script>alert(1)</script>")
    TARequest.objects.create(delegation=delegation_a, title="T", intervention_area=area)
    client.force_login(organiser)
    response = client.get(reverse("summaries:exports", args=["regional"]))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_table_csv_neutralises_formulas():
    table = ExportTable(title="T", headers=("a", "b"), rows=(("=1+1", "@SUM(A1)"),))
    assert table_csv(table).decode("utf-8-sig").splitlines()[1] == "'=1+1,'@SUM(A1)"


def test_table_csv_neutralises_formulas_after_spaces_and_line_breaks():
    table = ExportTable(title="T", headers=("a", "b"), rows=((" =1+1", "\n@SUM(A1)"),))
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ["' =1+1", "'\n@SUM(A1)"]


def test_table_csv_leaves_indented_text_alone():
    table = ExportTable(title="T", headers=("a",), rows=(("  train 40 volunteers",),))
    assert table_csv(table).decode("utf-8-sig").splitlines()[1] == "  train 40 volunteers"


def test_table_xlsx_marks_formula_text_after_a_line_break_as_text():
    table = ExportTable(title="T", headers=("a", "b"), rows=(("\n=1+1", "plain"),))
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table))).active
    assert (sheet["A2"].value, sheet["A2"].quotePrefix, sheet["B2"].quotePrefix) == (
        "\n=1+1",
        True,
        False,
    )


def test_table_xlsx_stores_formula_text_as_text():
    table = ExportTable(title="T", headers=("a",), rows=(('=HYPERLINK("x")',),))
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table))).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ('=HYPERLINK("x")', "s")


def test_table_xlsx_writes_decimals_as_numbers():
    table = ExportTable(title="T", headers=("cost",), rows=((Decimal("1234.50"),),))
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(table))).active
    assert sheet["A2"].value == 1234.5


def test_attachment_disposition_for_thai_name():
    assert attachment_disposition("ชุมชน", "csv") == (
        'attachment; filename="export.csv"; '
        "filename*=UTF-8''%E0%B8%8A%E0%B8%B8%E0%B8%A1%E0%B8%8A%E0%B8%99.csv"
    )


def test_export_download_name_in_french(client, organiser, partner_items):
    client.force_login(organiser)
    client.cookies["django_language"] = "fr"
    response = client.get(export_url("ta-requests", "csv"))
    assert response["Content-Disposition"] == (
        'attachment; filename="atelier-regional-demandes-dassistance-technique.csv"; '
        "filename*=UTF-8''Atelier%20r%C3%A9gional%20-%20Demandes%20d%27assistance%20technique.csv"
    )
