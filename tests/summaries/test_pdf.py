"""PDF documents: what the selector reads, what the PDFs show, and what the renderer
may never do (read local files, open connections), checked on the real PDF bytes."""

import datetime as dt
import socket
import threading
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from common.pdf import html_to_pdf
from delegations.models import Delegation
from summaries import services
from summaries.models import ActionItem, ActionPlan, Answer, TARequest
from summaries.pdf import (
    UnsafeResourceError,
    plan_document,
    render_action_plan,
    render_ta_requests,
)
from summaries.pdf.documents import plan_documents
from summaries.pdf.summary import summary_document, summary_documents
from tests.conftest import make_member

from .conftest import SENEGAL_ACTIONS, SENEGAL_ANSWERS, THAI_ANSWER, write_answers

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)


# --- helpers -----------------------------------------------------------------------


def words(text):
    """Whitespace-insensitive form: line wraps in the PDF become single spaces."""
    return " ".join(text.split())


def page_texts(pdf):
    return [words(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


def pdf_text(pdf):
    return " ".join(page_texts(pdf))


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


def decoded_bytes(pdf):
    """The PDF file plus every stream in it, decompressed."""
    reader = PdfReader(BytesIO(pdf))
    numbers = {(number, 0) for number in reader.xref_objStm}
    for generation, table in reader.xref.items():
        numbers |= {(number, generation) for number in table}
    chunks = [pdf]
    for number, generation in sorted(numbers):
        obj = reader.get_object(IndirectObject(number, generation, reader))
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
    return b"\n".join(chunks)


def english(delegation, **kwargs):
    """The document in English: tests that read labels must not depend on whether
    the French catalogue is compiled."""
    return plan_document(delegation=delegation, language="en", now=NOW, **kwargs)


class Listener:
    """A TCP server on 127.0.0.1 that records every connection it receives."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while not self.stop.is_set():
            try:
                connection, address = self.server.accept()
            except TimeoutError:
                continue
            self.connections.append(address)
            connection.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=2)
        self.server.close()


@pytest.fixture
def listener():
    listener = Listener()
    yield listener
    listener.close()


def hostile_texts(port):
    return [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/hostname">',
        f"<style>@import url(http://127.0.0.1:{port}/x.css)</style>",
        '<svg><image href="file:///etc/passwd"/></svg>',
        '<p style="background: url(file:///etc/passwd)">styled</p>',
        f'<img src="http://127.0.0.1:{port}/pixel.png">',
    ]


def passwd_line():
    return b"root:x:0:0"


# --- the document data --------------------------------------------------------------


def test_plan_document_defaults_to_the_delegation_language(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert (doc.language, doc.workshop_title.text, doc.workshop_title.is_fallback) == (
        "fr",
        "Atelier régional",
        False,
    )


def test_plan_document_marks_fallback_texts(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert (
        doc.workshop_venue.text,
        doc.workshop_venue.language,
        doc.workshop_venue.is_fallback,
    ) == (
        "Dakar",
        "en",
        True,
    )


def test_plan_document_refuses_a_language_the_workshop_does_not_run_in(senegal_plan):
    with pytest.raises(ValueError, match="'th' is not a language of workshop 'regional'"):
        plan_document(delegation=senegal_plan, language="th")


def test_plan_document_generated_at_in_workshop_time_zone(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert (doc.generated_at.isoformat(), doc.time_zone) == (
        "2026-11-25T15:30:00+00:00",
        "Africa/Dakar",
    )


def test_plan_document_keeps_discussed_or_written_answers_as_written(senegal_plan, session):
    summary = senegal_plan.summaries.get()
    Answer.objects.create(summary=summary, question=session.questions.get(number=3))
    doc = plan_document(delegation=senegal_plan, now=NOW)
    (entry,) = doc.sessions
    assert [(a.question_number, a.text) for a in entry.answers] == list(SENEGAL_ANSWERS.items())
    assert (entry.code, entry.title.text, entry.rapporteur) == (
        "V",
        "Mobiliser les ressources",
        "Awa Diop",
    )


def test_plan_document_questions_in_document_language(senegal_plan):
    doc = plan_document(delegation=senegal_plan, language="en", now=NOW)
    assert [a.question_text.text for a in doc.sessions[0].answers] == [
        f"Question {n} in English?" for n in SENEGAL_ANSWERS
    ]


def test_plan_document_actions_in_plan_order_with_every_field(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    first = doc.actions[0]
    assert [a.title for a in doc.actions] == [
        *(a["title"] for a in SENEGAL_ACTIONS),
        "Ligne budgétaire en 2027",
    ]
    assert (
        first.area.name.text,
        first.milestone,
        first.start_month,
        first.end_month,
        first.responsible,
        first.partners,
        first.resources_needed,
        first.estimated_cost,
        first.currency,
    ) == (
        "Créer un environnement favorable",
        "Ligne budgétaire votée",
        1,
        9,
        "Direction de la santé communautaire",
        "UNICEF, OMS",
        "Consultant national, 20 jours",
        Decimal("15000.00"),
        "USD",
    )
    assert (doc.actions[4].source.session_code, doc.actions[4].source.question_number) == ("V", 4)


def test_plan_document_timeline_bar_spans_the_action_months(senegal_plan):
    second = plan_document(delegation=senegal_plan, now=NOW).actions[1]  # months 4 to 12
    assert (second.timeline_left, second.timeline_width) == (12.5, 37.5)


def test_plan_document_groups_actions_by_area_with_totals_per_currency(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert [
        (group.area.code if group.area else None, [a.number for a in group.actions], group.totals)
        for group in doc.action_groups
    ] == [
        (
            "enabling-environment",
            [1, 3],
            (("USD", Decimal("15000.00")), ("EUR", Decimal("8000.00"))),
        ),
        ("institutional-capacity", [2], (("USD", Decimal("22500.50")),)),
        (None, [4, 5], ()),
    ]


def test_plan_document_ta_requests_with_linked_action(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert [
        (
            ta.number,
            ta.title,
            ta.kind,
            ta.priority,
            ta.timeframe_months,
            ta.action_number,
            ta.action_title,
        )
        for ta in doc.ta_requests
    ] == [
        (1, "Expertise en budgétisation", "expertise", "high", 6, 1, SENEGAL_ACTIONS[0]["title"]),
        (2, SENEGAL_ANSWERS[5], "expertise", "medium", None, None, ""),
    ]


def test_plan_document_ta_sessions_hold_the_answers_the_requests_come_from(senegal_plan):
    doc = plan_document(delegation=senegal_plan, now=NOW)
    assert [[a.question_number for a in s.answers] for s in doc.ta_sessions] == [[5]]


def test_plan_document_is_draft_until_the_plan_is_final(senegal_plan, member_a):
    assert plan_document(delegation=senegal_plan).is_draft is True
    services.plan_set_status(delegation=senegal_plan, status=ActionPlan.Status.FINAL, user=member_a)
    assert plan_document(delegation=senegal_plan).is_draft is False


def test_plan_document_query_count_does_not_grow_with_items(
    senegal_plan, session, member_a, intervention_areas, django_assert_num_queries
):
    delegation = Delegation.objects.get(pk=senegal_plan.pk)  # workshop not loaded yet
    with django_assert_num_queries(5):
        plan_document(delegation=delegation)
    for number in range(10):
        services.plan_item_create(
            delegation=senegal_plan,
            kind="action",
            data={
                "title": f"Extra {number}",
                "intervention_area": intervention_areas["institutional-capacity"],
            },
            user=member_a,
        )
        services.plan_item_create(
            delegation=senegal_plan,
            kind="ta",
            data={"title": f"Extra TA {number}", "action": ActionItem.objects.first()},
            user=member_a,
        )
    write_answers(senegal_plan, session, member_a, {3: "Encore une réponse"}, "fr")
    delegation = Delegation.objects.get(pk=senegal_plan.pk)
    with django_assert_num_queries(5):
        doc = plan_document(delegation=delegation)
    assert (len(doc.actions), len(doc.ta_requests), len(doc.sessions[0].answers)) == (15, 12, 5)


def test_documents_of_many_delegations_are_each_ones_in_the_same_queries(
    senegal_plan, delegation_b, workshop, session, django_assert_num_queries
):
    """What a bundle compares fingerprints with: every delegation's documents read at
    once are exactly the ones read alone, and more delegations take no more queries."""
    member_b = make_member("bob", delegation_b)
    write_answers(delegation_b, session, member_b, {1: "Budget line", 2: "Donors"}, "en")
    third = Delegation.objects.create(workshop=workshop, name="Togo", slug="togo", language="fr")
    delegations = list(Delegation.objects.select_related("workshop").order_by("name"))
    assert [d.slug for d in delegations] == ["ghana", "senegal", "togo"]
    alone = {d.pk: plan_document(delegation=d, now=NOW) for d in delegations}
    summaries = {
        d.pk: summary_document(delegation=d, session=session, now=NOW) for d in delegations
    }
    assert plan_documents(delegations, now=NOW) == alone
    assert summary_documents(delegations, session=session, now=NOW) == summaries
    assert alone[senegal_plan.pk].actions and not alone[third.pk].actions
    assert summaries[delegation_b.pk].answers[0].text == "Budget line"
    with django_assert_num_queries(4):
        plan_documents(delegations[:1])
    with django_assert_num_queries(4):
        plan_documents(delegations)
    with django_assert_num_queries(3):
        summary_documents(delegations, session=session)


# --- what the PDFs show ---------------------------------------------------------------


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


# --- hostile input ---------------------------------------------------------------------


@pytest.fixture
def hostile_plan(senegal_plan, session, member_a, listener):
    texts = hostile_texts(listener.port)
    write_answers(senegal_plan, session, member_a, {3: "\n".join(texts)}, "fr")
    action = services.plan_item_create(
        delegation=senegal_plan,
        kind="action",
        data={
            "title": texts[0],
            "description": "\n".join(texts),
            "milestone": texts[4],
            "responsible": texts[1],
            "partners": texts[3],
            "resources_needed": texts[2],
        },
        user=member_a,
    )
    services.plan_item_create(
        delegation=senegal_plan,
        kind="ta",
        data={
            "title": texts[3],
            "need": "\n".join(texts),
            "preferred_provider": texts[2],
            "action": action,
        },
        user=member_a,
    )
    return texts


@pytest.mark.parametrize("render", [render_action_plan, render_ta_requests])
def test_hostile_text_is_printed_literally(senegal_plan, hostile_plan, render):
    text = pdf_text(render(plan_document(delegation=senegal_plan, now=NOW)).content)
    assert [item for item in hostile_plan if item not in text] == []


@pytest.mark.parametrize("render", [render_action_plan, render_ta_requests])
def test_hostile_text_reads_no_file_and_opens_no_connection(
    senegal_plan, hostile_plan, listener, render
):
    pdf = render(plan_document(delegation=senegal_plan, now=NOW)).content
    reader = PdfReader(BytesIO(pdf))
    everything = decoded_bytes(pdf)
    assert (
        dict(reader.attachments),
        b"/EmbeddedFile" in everything,
        passwd_line() in everything,
        "root:x:0:0" in pdf_text(pdf),
        listener.connections,
    ) == ({}, False, False, False, [])


def test_decoded_bytes_would_find_a_leaked_file():
    """The leak check above looks inside compressed streams: prove it sees an attachment."""
    from weasyprint import HTML, Attachment

    pdf = HTML(string="<p>x</p>").write_pdf(
        attachments=[Attachment(string="root:x:0:0:root:/root:/bin/bash", name="passwd")]
    )
    assert (passwd_line() in pdf, passwd_line() in decoded_bytes(pdf)) == (False, True)


@pytest.mark.parametrize(
    "html",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/hostname">',
        "<style>@import url(file:///etc/passwd);</style>",
        '<svg width="9" height="9"><image href="file:///etc/passwd" width="9" height="9"/></svg>',
        '<p style="background: url(file:///etc/passwd)">styled</p>',
        '<object data="file:///etc/passwd"></object>',
    ],
)
def test_markup_reaching_weasyprint_cannot_read_local_files(html):
    """Defence in depth: even unescaped markup cannot make WeasyPrint read a file."""
    with pytest.raises(UnsafeResourceError, match="Refused to fetch 'file:///etc/"):
        html_to_pdf(html)


@pytest.mark.parametrize(
    "template",
    [
        '<img src="http://127.0.0.1:{port}/x.png">',
        "<style>@import url(http://127.0.0.1:{port}/x.css);</style>",
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
    ],
)
def test_markup_reaching_weasyprint_cannot_open_connections(template, listener):
    port = listener.port
    with pytest.raises(UnsafeResourceError):
        html_to_pdf(template.format(port=port))
    assert listener.connections == []


# --- the fetcher ---------------------------------------------------------------------


@pytest.fixture
def fetcher():
    from common.pdf.fetcher import SafeURLFetcher

    return SafeURLFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://{fonts}/../../../../etc/passwd",
        "file://{fonts}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "file://{fonts}",
        "file://{fonts}/missing.ttf",
        "file://otherhost{fonts}/NotoSans-Regular.ttf",
        "http://127.0.0.1:{port}/",
        "https://127.0.0.1:{port}/",
        "ftp://127.0.0.1:{port}/",
        "//127.0.0.1:{port}/x",
        "NotoSans-Regular.ttf",
    ],
)
def test_fetcher_refuses_anything_but_project_fonts(fetcher, listener, url):
    from weasyprint.urls import FatalURLFetchingError

    fonts = settings.BASE_DIR / "static" / "fonts"
    with pytest.raises(FatalURLFetchingError, match="Refused to fetch"):
        fetcher.fetch(url.format(fonts=fonts, port=listener.port))
    assert listener.connections == []


def test_fetcher_refuses_a_symlink_out_of_its_root(tmp_path):
    from weasyprint.urls import FatalURLFetchingError

    from common.pdf.fetcher import SafeURLFetcher

    (tmp_path / "font.ttf").symlink_to("/etc/passwd")
    with pytest.raises(FatalURLFetchingError):
        SafeURLFetcher(roots=[tmp_path]).fetch(f"file://{tmp_path}/font.ttf")


def test_fetcher_serves_the_project_fonts(fetcher):
    path = settings.BASE_DIR / "static" / "fonts" / "NotoSansThai-Bold.ttf"
    response = fetcher.fetch(path.as_uri())
    assert response.read() == path.read_bytes()


def test_fetcher_serves_data_urls(fetcher):
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"


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
