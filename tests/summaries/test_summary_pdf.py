"""The session summary PDF: a delegation's answers to one session, ready to send (a
Vietnamese province's answers to the secretariat), in the delegation's language or
another workshop language, with the labels of that language's catalogue.

Answers are written and submitted through the services the pages use; the PDF is
rendered by the real engine and read back with pypdf and pdftotext.
"""

import datetime as dt
import subprocess
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, Session
from summaries import services
from summaries.models import RenderedDocument, Summary
from summaries.pdf.render import render_summary
from summaries.pdf.summary import summary_document
from tests.conftest import make_member
from tests.factories import make_workshop

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)
DEADLINE = dt.datetime(2030, 11, 7, 10, 0, tzinfo=dt.UTC)  # 17:00 in Hanoi

# From seed 003: a province's answers to the partnership-group questionnaire.
QUESTIONS = {
    1: (
        "Tỉnh đã tham gia Nhóm Đối tác y tế như thế nào?",
        "How has the province taken part in the Health Partnership Group?",
    ),
    2: (
        "Đề xuất của tỉnh để nâng cao hiệu quả hoạt động của các Nhóm kỹ thuật?",
        "What does the province propose to make the technical working groups more effective?",
    ),
    3: ("Ý kiến khác?", "Other comments?"),
}
ANSWERS = {
    1: "Tỉnh đã cử đại diện Sở Y tế tham dự các cuộc họp HPG.\nChưa có cơ chế phản hồi.",
    2: "Đề nghị gửi tài liệu trước cuộc họp ít nhất 7 ngày.",
}
THAI_ANSWER = "ชุมชนเลือกหมวดหมู่สังคมสูงวัย เพราะผู้สูงอายุในชุมชนเพิ่มขึ้นทุกปี"


@pytest.fixture
def hpg(db):
    workshop = make_workshop(
        title_en="Health Partnership Group (HPG) meeting",
        title_vi="Cuộc họp Nhóm Đối tác y tế (HPG)",
        slug="hpg-consultation",
        start_date=dt.date(2030, 11, 15),
        end_date=dt.date(2030, 11, 15),
        venue_en="Hanoi",
        venue_vi="Hà Nội",
        time_zone="Asia/Ho_Chi_Minh",
        languages="vi,en,fr,th",
        default_language="vi",
    )
    session = Session.objects.create(
        workshop=workshop,
        code="HPG",
        title_en="Questions for the HPG meeting",
        title_vi="Câu hỏi chuẩn bị thông tin cho cuộc họp HPG",
        status=Session.Status.OPEN,
        deadline=DEADLINE,
    )
    for number, (vietnamese, english) in QUESTIONS.items():
        GuidanceQuestion.objects.create(
            session=session, number=number, order=number, text_vi=vietnamese, text_en=english
        )
    province = Delegation.objects.create(
        workshop=workshop, name="Tỉnh Điện Biên", slug="dien-bien", kind="province", language="vi"
    )
    return workshop, session, province


@pytest.fixture
def province_member(hpg):
    return make_member("dienbien", hpg[2])


def write(delegation, session, user, answers, language):
    for number, text in answers.items():
        services.answer_save(
            delegation=delegation,
            question=session.questions.get(number=number),
            data=services.AnswerInput(text=text, discussed=True, language=language, base_version=0),
            user=user,
        )


@pytest.fixture
def submitted(hpg, province_member):
    """Điện Biên answered questions 1 and 2, named its participants, and submitted."""
    _workshop, session, province = hpg
    write(province, session, province_member, ANSWERS, "vi")
    summary = Summary.objects.get(delegation=province, session=session)
    summary = services.summary_details_save(
        summary=summary,
        participants="Nguyễn Văn An, Lò Thị Hoa",
        rapporteur="Lò Thị Hoa",
        base_version=summary.version,
        user=province_member,
    )
    services.summary_submit(summary=summary, user=province_member)
    return province


def words(text):
    return " ".join(text.split())


def squeeze(text):
    """Without whitespace: a Thai label wrapped in a table cell has no space to lose."""
    return "".join(text.split())


def pypdf_text(pdf):
    return words(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def pdftotext(pdf):
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def render(delegation, session, language=None):
    doc = summary_document(delegation=delegation, session=session, language=language, now=NOW)
    return doc, render_summary(doc)


def labels(language):
    """The labels the summary shows, from the catalogue of ``language``."""
    with translation.override(language):
        return [
            gettext("Summary"),
            gettext("Workshop"),
            gettext("Dates"),
            gettext("Venue"),
            gettext("Delegation"),
            gettext("summary deadline").capitalize(),
            gettext("Participants"),
            gettext("Rapporteur"),
            gettext("Status"),
            gettext("Submitted"),
            gettext("No answer yet."),
            gettext("Document language"),
            gettext("Generated"),
            gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": 1},
        ]


def test_summary_document_holds_every_question_with_the_answer(hpg, submitted):
    _workshop, session, province = hpg
    doc = summary_document(delegation=province, session=session, now=NOW)
    assert [(a.number, a.question.text, a.discussed, a.text) for a in doc.answers] == [
        (1, QUESTIONS[1][0], True, ANSWERS[1]),
        (2, QUESTIONS[2][0], True, ANSWERS[2]),
        (3, QUESTIONS[3][0], False, ""),
    ]
    assert (doc.language, doc.submitted, doc.submitted_by, doc.rapporteur) == (
        "vi",
        True,
        "dienbien",
        "Lò Thị Hoa",
    )
    assert doc.deadline.isoformat() == "2030-11-07T17:00:00+07:00"


def test_summary_pdf_in_vietnamese_has_answers_labels_and_deadline(hpg, submitted):
    _workshop, session, province = hpg
    doc, rendered = render(province, session)
    text = pypdf_text(rendered.content)
    with translation.override("vi"):
        deadline = formats.date_format(doc.deadline, "DATETIME_FORMAT")
    expected = [
        "HPG. Câu hỏi chuẩn bị thông tin cho cuộc họp HPG",
        "Tỉnh Điện Biên",
        "Cuộc họp Nhóm Đối tác y tế (HPG)",
        f"{deadline} (Asia/Ho_Chi_Minh)",
        "Nguyễn Văn An, Lò Thị Hoa",
        f"1. {QUESTIONS[1][0]}",
        words(ANSWERS[1]),
        f"2. {QUESTIONS[2][0]}",
        ANSWERS[2],
        f"3. {QUESTIONS[3][0]}",
        *labels("vi"),
    ]
    assert [item for item in expected if item not in text] == []
    assert rendered.filename == "hpg_consultation_dien_bien_summary_hpg.pdf"


def test_submitted_summary_has_no_draft_mark(hpg, submitted):
    _workshop, session, province = hpg
    _doc, rendered = render(province, session)
    with translation.override("vi"):
        assert gettext("DRAFT") not in pypdf_text(rendered.content)


def test_unsubmitted_summary_is_marked_draft(hpg, province_member):
    _workshop, session, province = hpg
    write(province, session, province_member, {1: ANSWERS[1]}, "vi")
    _doc, rendered = render(province, session, "fr")
    text = pypdf_text(rendered.content)
    assert ["BROUILLON", "Brouillon — non définitif", "Pas encore soumis"] == [
        label
        for label in ["BROUILLON", "Brouillon — non définitif", "Pas encore soumis"]
        if label in text
    ]


@pytest.mark.parametrize("language", ["fr", "th"])
def test_summary_pdf_in_another_language_translates_the_labels(hpg, submitted, language):
    _workshop, session, province = hpg
    doc, rendered = render(province, session, language)
    text = squeeze(pdftotext(rendered.content))
    # The questions have no fr or th text: they fall back to Vietnamese, visibly.
    expected = [*labels(language), ANSWERS[2], QUESTIONS[2][0]]
    assert [label for label in expected if squeeze(label) not in text] == []
    assert rendered.filename == f"hpg_consultation_dien_bien_summary_hpg_{language}.pdf"


def test_catalogue_translates_the_summary_labels():
    """Without it the tests above could not tell a translated label from English
    (three words are the same in French)."""
    same = {
        language: [e for label, e in zip(labels(language), labels("en"), strict=True) if label == e]
        for language in ("fr", "vi", "th")
    }
    assert same == {"fr": ["Dates", "Participants", "Rapporteur"], "vi": [], "th": []}


def test_thai_answer_survives_in_the_text_layer(hpg):
    workshop, session, _province = hpg
    community = Delegation.objects.create(
        workshop=workshop, name="ชุมชนบ้านหนองบัว", slug="nong-bua", kind="community", language="th"
    )
    user = make_member("nongbua", community)
    write(community, session, user, {3: THAI_ANSWER}, "th")
    _doc, rendered = render(community, session)
    assert THAI_ANSWER in pypdf_text(rendered.content)
    assert squeeze(THAI_ANSWER) in squeeze(pdftotext(rendered.content))


def test_draft_session_has_no_summary_document(hpg):
    _workshop, session, province = hpg
    session.status = Session.Status.DRAFT
    session.save()
    with pytest.raises(ValueError):
        summary_document(delegation=province, session=session)


# --- the download --------------------------------------------------------------------


def url(workshop, delegation, session):
    return reverse(
        "summaries:summary_pdf",
        kwargs={"workshop": workshop.slug, "delegation": delegation.slug, "session": session.code},
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_member_downloads_the_summary_pdf(client, hpg, submitted, province_member):
    workshop, session, province = hpg
    client.force_login(province_member)
    waiting = client.get(url(workshop, province, session) + "?lang=en")
    # Rendered by a worker, as every PDF: first the page that follows it, then the file.
    assert (waiting.status_code, waiting["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert RenderedDocument.objects.get(session=session).status == "queued"
    run_worker()
    response = client.get(url(workshop, province, session) + "?lang=en")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="hpg_consultation_dien_bien_summary_hpg_en.pdf"'
    )
    assert QUESTIONS[1][1] in pypdf_text(response.content)


@pytest.mark.django_db(transaction=True)
def test_organiser_downloads_the_summary_pdf(client, hpg, submitted, organiser):
    workshop, session, province = hpg
    client.force_login(organiser)
    client.get(url(workshop, province, session))
    run_worker()
    response = client.get(url(workshop, province, session))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    # In the delegation's language by default (Vietnamese), cached under that language.
    assert RenderedDocument.objects.get(session=session).language == "vi"


def test_summary_pdf_of_a_draft_session_is_404_even_for_organisers(client, hpg, organiser):
    workshop, session, province = hpg
    session.status = Session.Status.DRAFT
    session.save()
    client.force_login(organiser)
    assert client.get(url(workshop, province, session)).status_code == 404


def test_summary_pdf_of_another_delegation_is_404(client, hpg, submitted):
    workshop, session, province = hpg
    other = Delegation.objects.create(workshop=workshop, name="Lào Cai", slug="lao-cai")
    client.force_login(make_member("laocai", other))
    assert client.get(url(workshop, province, session)).status_code == 404


def test_summary_pdf_in_a_language_outside_the_workshop_is_404(client, hpg, province_member):
    workshop, session, province = hpg
    client.force_login(province_member)
    assert client.get(url(workshop, province, session) + "?lang=de").status_code == 404


def test_session_and_delegation_pages_link_to_the_summary_pdf(
    client, hpg, submitted, province_member
):
    workshop, session, province = hpg
    client.force_login(province_member)
    link = url(workshop, province, session)
    summary_page = client.get(
        reverse(
            "summaries:summary",
            kwargs={"workshop": workshop.slug, "delegation": province.slug, "session": "HPG"},
        )
        + "?lang=en"
    )
    delegation_page = client.get(province.get_absolute_url())
    assert (
        f'href="{link}"' in summary_page.content.decode(),
        f'href="{link}?lang=en"' in summary_page.content.decode(),
        f'href="{link}"' in delegation_page.content.decode(),
    ) == (True, True, True)
