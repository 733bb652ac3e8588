"""Structured answers in the documents: the session summary PDF and the action plan
PDF print chosen options with their notes, the financing mix as a table with its
total and the 100 % flag, milestones by month; in every language of the portal.
Rendered by the real engine and read back with pypdf (and pdftotext for Thai)."""

import csv
import io
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from summaries.pdf.documents import plan_document
from summaries.pdf.render import render_document
from summaries.pdf.summary import render_summary, summary_document

from .conftest import save

pytestmark = pytest.mark.django_db


def squeeze(text):
    return "".join(text.split())


def pypdf_text(pdf):
    return squeeze(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def pdftotext(pdf):
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return squeeze(result.stdout.decode())


@pytest.fixture
def answered(
    workshop, delegation_a, member_a, choice_question, financing_question, milestones_question
):
    workshop.languages = "en,fr,vi,th"
    workshop.save()
    save(
        delegation_a,
        choice_question,
        member_a,
        {"chosen": ["ageing", "waste"], "note__waste": "Les caniveaux débordent", "other": "Eau"},
    )
    save(
        delegation_a,
        financing_question,
        member_a,
        {"today__domestic_budget": "30", "today__donors": "60", "target__donors": "40"},
    )
    save(
        delegation_a,
        milestones_question,
        member_a,
        {
            "rows": ["aa11", "bb22"],
            "milestone__aa11": "Ligne budgétaire votée",
            "month__aa11": "9",
            "milestone__bb22": "Consensus des partenaires",
            "month__bb22": "3",
            "responsible__bb22": "Ministère de la Santé",
        },
    )
    return delegation_a


def summary_pdf(delegation, session, language):
    return render_summary(
        summary_document(delegation=delegation, session=session, language=language)
    ).content


def test_summary_pdf_prints_each_kind_in_french(answered, session):
    text = pypdf_text(summary_pdf(answered, session, "fr"))
    for expected in (
        "Sociétévieillissante",
        "Gestiondesdéchets",
        "Pourquoic’esturgent",  # the facilitator's own text
        "Lescaniveauxdébordent",
        "Autre:Eau",
        "Bailleursdefonds",
        "60%",
        "Total",
        "90%",
        "Lespartsdelacolonne«Aujourd'hui»totalisent90%,etnon100%.",
        "ConsensusdespartenairesMinistèredelaSanté",
        "Lignebudgétairevotée",
    ):
        assert expected in text


def test_summary_pdf_lists_milestones_by_month(answered, session):
    text = pypdf_text(summary_pdf(answered, session, "en"))
    assert text.index("3Consensus") < text.index("9Lignebudgétaire")


def test_summary_pdf_has_no_flag_when_shares_add_up(
    answered, session, member_a, financing_question
):
    save(
        answered,
        financing_question,
        member_a,
        {"today__domestic_budget": "40", "target__donors": "100"},
        base_version=1,
    )
    text = pypdf_text(summary_pdf(answered, session, "en"))
    assert ("100%" in text, "addupto" in text) == (True, False)


def test_summary_pdf_in_thai_has_the_thai_labels_in_its_text_layer(answered, session):
    text = pdftotext(summary_pdf(answered, session, "th"))
    assert "สังคมสูงวัย" in text
    assert "การจัดการขยะ" in text
    assert "ประชาชนจ่ายเอง" not in text  # a source nobody filled is not printed
    assert "แหล่งทุนจากผู้ให้ทุน" in text


def test_summary_pdf_in_vietnamese_names_the_sources(answered, session):
    text = pdftotext(summary_pdf(answered, session, "vi"))
    assert "Nhàtàitrợ" in text
    assert "Ngânsáchnhànước" in text


def test_action_plan_pdf_shows_the_milestones_answer_it_draws_on(answered):
    doc = plan_document(delegation=answered, language="en")
    text = pypdf_text(render_document(doc, "action_plan").content)
    assert "ConsensusdespartenairesMinistèredelaSanté" in text


def export_rows(client, session):
    response = client.get(
        reverse(
            "summaries:answer_export_file",
            kwargs={"workshop": session.workshop.slug, "session": session.code, "fmt": "csv"},
        )
    )
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_answer_export_row_reads_each_kind(client, organiser, answered, session):
    client.force_login(organiser)
    rows = {
        row["Question number"]: row["Answer"]
        for row in export_rows(client, session)
        if row["Delegation"] == "Senegal"
    }
    assert rows["1"] == "Ageing society\nWaste management: Les caniveaux débordent\nOther: Eau"
    assert rows["2"] == (
        "Domestic public budget: Today 30 %\n"
        "Donors: Today 60 %, Target 40 %\n"
        "Total: Today 90 %, Target 40 %\n"
        "The shares in “Today” add up to 90 %, not 100 %. "
        "The shares in “Target” add up to 40 %, not 100 %."
    )
    assert rows["4"] == (
        "Month 3: Consensus des partenaires (Ministère de la Santé)\n"
        "Month 9: Ligne budgétaire votée"
    )
