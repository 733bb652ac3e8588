"""What the action plan and TA request PDFs show, checked on the real PDF bytes: texts,
bookmarks, pages, metadata, draft marks, fonts and labels."""

from io import BytesIO

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from summaries import services
from summaries.models import ActionPlan, TARequest
from summaries.pdf import plan_document, render_action_plan, render_ta_requests

from .conftest import (
    NOW,
    SENEGAL_ACTIONS,
    SENEGAL_ANSWERS,
    THAI_ANSWER,
    page_texts,
    pdf_text,
    words,
)

pytestmark = pytest.mark.django_db


def outline(pdf):
    """The bookmarks as ``[(level, title), ...]`` in document order."""
    result = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                result.append((level, item.title))

    walk(PdfReader(BytesIO(pdf)).outline, 1)
    return result


def font_names(pdf):
    """Base names of the fonts used on any page, subset tags removed."""
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def english(delegation, **kwargs):
    """The document in English: tests that read labels must not depend on whether
    the French catalogue is compiled."""
    return plan_document(delegation=delegation, language="en", now=NOW, **kwargs)


def test_action_plan_pdf_shows_delegation_actions_and_answers(senegal_plan):
    text = pdf_text(render_action_plan(plan_document(delegation=senegal_plan, now=NOW)).content)
    expected = [
        "Senegal",
        *(action["title"] for action in SENEGAL_ACTIONS),
        *(words(answer) for answer in SENEGAL_ANSWERS.values()),
    ]
    assert [item for item in expected if item not in text] == []


def test_action_plan_pdf_shows_area_totals_per_currency(senegal_plan):
    text = pdf_text(render_action_plan(english(senegal_plan)).content)
    assert "Total estimated cost 15,000.00 USD 8,000.00 EUR" in text


def test_action_plan_pdf_amounts_in_the_document_language(senegal_plan):
    text = pdf_text(render_action_plan(plan_document(delegation=senegal_plan, now=NOW)).content)
    assert "22 500,50 USD" in text  # French grouping (a no-break space, read as a space)


def test_action_plan_pdf_shows_action_months(senegal_plan):
    assert "Months 4–12" in pdf_text(render_action_plan(english(senegal_plan)).content)


def test_ta_requests_pdf_shows_every_request_and_its_linked_action(senegal_plan):
    text = pdf_text(render_ta_requests(english(senegal_plan)).content)
    expected = [
        "Senegal",
        "1. Expertise en budgétisation",
        "Chiffrer le paquet communautaire. Préparer l'argumentaire budgétaire.",
        "P4H",
        f"Linked action 1. {SENEGAL_ACTIONS[0]['title']}",
        f"2. {SENEGAL_ANSWERS[5]}",
    ]
    assert [item for item in expected if item not in text] == []


def test_action_plan_pdf_pages_and_bookmarks(senegal_plan):
    pdf = render_action_plan(english(senegal_plan)).content
    assert len(PdfReader(BytesIO(pdf)).pages) == 3
    assert outline(pdf) == [
        (1, "Action plan"),
        (2, "Session summaries"),
        (3, "V. Mobilizing resources"),
        (2, "Actions by intervention area"),
        (3, "Building an enabling environment"),
        (3, "Strengthening institutional capacity"),
        (3, "No intervention area"),
        (2, "Actions in detail"),
        *((3, f"{n}. {action['title']}") for n, action in enumerate(SENEGAL_ACTIONS, start=1)),
        (3, "5. Ligne budgétaire en 2027"),
    ]


def test_ta_requests_pdf_pages_and_bookmarks(senegal_plan):
    pdf = render_ta_requests(english(senegal_plan)).content
    assert len(PdfReader(BytesIO(pdf)).pages) == 2
    assert outline(pdf) == [
        (1, "TA requests"),
        (2, "Overview"),
        (2, "1. Expertise en budgétisation"),
        (2, f"2. {SENEGAL_ANSWERS[5]}"),
        (2, "Session summaries"),
        (3, "V. Mobilizing resources"),
    ]


def test_pdf_page_numbers_in_the_footer(senegal_plan):
    texts = page_texts(render_action_plan(english(senegal_plan)).content)
    assert [f"Page {n} of 3" in text for n, text in enumerate(texts, start=1)] == [True] * 3


def test_pdf_running_header_names_the_delegation_after_the_cover(senegal_plan):
    texts = page_texts(render_action_plan(english(senegal_plan)).content)
    # The margin boxes come last in each page's text: header left, right, footer.
    assert [
        text.endswith(f"Senegal Action plan · DRAFT Regional workshop Page {n} of 3")
        for n, text in enumerate(texts, start=1)
    ] == [False, True, True]
    assert texts[0].endswith("Action plan · DRAFT Regional workshop Page 1 of 3")


def test_pdf_metadata(senegal_plan):
    reader = PdfReader(BytesIO(render_ta_requests(english(senegal_plan)).content))
    assert (
        reader.metadata.title,
        reader.metadata.author,
        reader.metadata.subject,
        str(reader.trailer["/Root"]["/Lang"]),
    ) == ("TA requests — Senegal", "Senegal", "Regional workshop", "en")


def test_pdf_language_is_the_document_language(senegal_plan):
    reader = PdfReader(BytesIO(render_action_plan(plan_document(delegation=senegal_plan)).content))
    assert str(reader.trailer["/Root"]["/Lang"]) == "fr"


@pytest.mark.parametrize("render", [render_action_plan, render_ta_requests])
def test_pdf_draft_mark_on_every_page(senegal_plan, render):
    texts = page_texts(render(english(senegal_plan)).content)
    assert [text.count("DRAFT") for text in texts] == [2] * len(texts)  # watermark + header


@pytest.mark.parametrize("render", [render_action_plan, render_ta_requests])
def test_pdf_no_draft_mark_once_final(senegal_plan, member_a, render):
    services.plan_set_status(delegation=senegal_plan, status=ActionPlan.Status.FINAL, user=member_a)
    text = pdf_text(render(english(senegal_plan)).content)
    assert ("DRAFT" in text, "Status Final" in text) == (False, True)


def test_pdf_uses_only_the_shipped_fonts(senegal_plan):
    pdf = render_action_plan(plan_document(delegation=senegal_plan, now=NOW)).content
    assert font_names(pdf) == {"Noto-Sans", "Noto-Sans-Bold"}


def test_thai_pdf_extracts_the_answer_and_embeds_noto_sans_thai(thai_delegation):
    pdf = render_action_plan(plan_document(delegation=thai_delegation, now=NOW)).content
    assert (THAI_ANSWER in pdf_text(pdf), font_names(pdf)) == (
        True,
        {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Thai", "Noto-Sans-Thai-Bold"},
    )


def test_thai_pdf_language_is_thai(thai_delegation):
    reader = PdfReader(
        BytesIO(render_action_plan(plan_document(delegation=thai_delegation)).content)
    )
    assert str(reader.trailer["/Root"]["/Lang"]) == "th"


def test_action_plan_labels_in_french(senegal_plan):
    with translation.override("fr"):
        label, draft, pages = (
            gettext("Action plan"),
            gettext("DRAFT"),
            gettext("Page %(page)s of %(pages)s"),
        )
    assert label != "Action plan", (
        "No French translation of 'Action plan': compile the French catalogue "
        "(manage.py compilemessages, locale/fr/LC_MESSAGES/django.mo)."
    )
    texts = page_texts(
        render_action_plan(plan_document(delegation=senegal_plan, language="fr")).content
    )
    assert (
        texts[0].startswith(f"{draft} {label} Senegal"),
        texts[0].endswith(pages % {"page": 1, "pages": len(texts)}),
    ) == (True, True)


def test_user_text_keeps_its_line_breaks(senegal_plan):
    pdf = render_action_plan(plan_document(delegation=senegal_plan, now=NOW)).content
    raw = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert "Ligne budgétaire en 2027\nConsensus avec les partenaires" in raw


def test_ta_requests_pdf_shows_kind_and_priority_labels(senegal_plan):
    TARequest.objects.filter(priority="high").update(kind="training")
    text = pdf_text(render_ta_requests(english(senegal_plan)).content)
    assert ("Kind of assistance Training" in text, "Priority High" in text) == (True, True)


def test_cached_pdfs_are_invalid_once_a_catalogue_changes(settings, tmp_path):
    """A PDF cached before a new translation was compiled is rendered again: the
    fingerprint covers the compiled catalogues (and the renderer and engine code)."""
    from summaries.pdf.cache import templates_digest

    catalogue = tmp_path / "th" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_bytes(b"first")
    settings.LOCALE_PATHS = [tmp_path]
    templates_digest.cache_clear()
    try:
        before = templates_digest()
        catalogue.write_bytes(b"second")
        templates_digest.cache_clear()
        assert templates_digest() != before
    finally:
        templates_digest.cache_clear()
