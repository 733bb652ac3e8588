"""PDF rendering: a :class:`~summaries.pdf.documents.PlanDocument` (the action plan,
the TA requests) or a :class:`~summaries.pdf.summary.SummaryDocument` (a session's
summary) in, a :class:`~common.pdf.RenderedFile` out (file name, content
type, bytes). Every document is made by :func:`render_document`.

Nothing here reads the database or a request. User text reaches WeasyPrint only
through autoescaped templates; the engine (``common.pdf``) supplies the
fonts and the fetcher that may read nothing else.

What delegations type is bounded here: a document with more than
``settings.PDF_MAX_TEXT_LENGTH`` characters of text is replaced by a one-page notice
that says so, and every rendering runs under the engine's time and memory limits
(``settings.PDF_RENDER_SECONDS``, ``settings.PDF_RENDER_MEMORY_MB``).
"""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from common.pdf import (
    PDF_CONTENT_TYPE,
    RenderedFile,
    RenderLimitExceeded,
    css_string,
    html_to_pdf,
    page_counter_content,
    render_limits,
)

from . import labels

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "summaries" / "pdf"
CSS_FILE = TEMPLATE_DIR / "pdf.css"

DOCUMENTS = {
    "action_plan": ("summaries/pdf/action_plan.html", gettext_lazy("Action plan")),
    "ta_requests": ("summaries/pdf/ta_requests.html", gettext_lazy("TA requests")),
    "summary": ("summaries/pdf/summary.html", gettext_lazy("Summary")),
}


@cache
def stylesheet():
    """The plans' stylesheet (layout; the engine adds the fonts)."""
    return CSS_FILE.read_text(encoding="utf-8")


def _page_css(*, document_label, is_draft):
    """Margin boxes whose text is translated: page numbers, document name, draft mark."""
    header = css_string(document_label)
    if is_draft:
        header += " " + css_string(" · " + gettext("DRAFT"))
    pages = page_counter_content(gettext("Page %(page)s of %(pages)s"))
    return (
        f"@page {{ @top-right {{ content: {header}; }} }}\n"
        f"@page {{ @bottom-right {{ content: {pages}; }} }}\n"
    )


def document_filename(doc, kind):
    """``workshop_delegation_kind.pdf`` (a summary: ``workshop_delegation_summary_<session>.pdf``)
    in ASCII (slugs), with ``_<language>`` when the document is not in the delegation's
    own language. The one name of a document, in a download and in the ZIP."""
    parts = [doc.workshop_slug, doc.delegation_slug, kind]
    if kind == "summary":
        parts.append(slugify(doc.session_code))
    if doc.language != doc.delegation_language:
        parts.append(doc.language)
    return "_".join(part.replace("-", "_") for part in parts) + ".pdf"


def _label(doc, kind):
    """The document's name in its margin: "Summary · V" for a session's summary."""
    label = str(DOCUMENTS[kind][1])
    return f"{label} · {doc.session_code}" if kind == "summary" else label


def document_html(doc, kind):
    """``(html, page_css)`` of document ``kind`` (a key of ``DOCUMENTS``), with every
    label in ``doc.language``."""
    template_name, document_label = DOCUMENTS[kind]
    with translation.override(doc.language):
        context = {
            "doc": doc,
            "document_label": str(document_label),
            "action_labels": labels.ACTION,
            "ta_labels": labels.TA_REQUEST,
        }
        html = render_to_string(template_name, context)
        page_css = _page_css(document_label=_label(doc, kind), is_draft=doc.is_draft)
    return html, page_css


_TAG = re.compile(r"<[^>]*>")


class DocumentRenderFailed(Exception):
    """A rendering passed the time or memory limit and was stopped. ``limit`` is
    ``"time"`` or ``"memory"``; :func:`render_failure_message` says it to a person."""

    def __init__(self, limit):
        super().__init__(f"PDF rendering stopped at the {limit} limit.")
        self.limit = limit


def render_failure_message(limit):
    """Why a document could not be made, in the active language."""
    if limit == "memory":
        return gettext(
            "This document needs more memory than a PDF may take and was stopped. "
            "Shorten the longest texts or remove items, then try again."
        )
    return gettext(
        "This document took longer than %(seconds)s seconds to make and was stopped. "
        "Shorten the longest texts or remove items, then try again."
    ) % {"seconds": formats.number_format(settings.PDF_RENDER_SECONDS)}


def text_length(html):
    """Characters of text in ``html`` (markup left out): what a document's cost grows with."""
    return len(_TAG.sub("", html))


def _too_long_html(doc, kind, length):
    _template_name, document_label = DOCUMENTS[kind]
    with translation.override(doc.language):
        label = str(document_label)
        html = render_to_string(
            "summaries/pdf/too_long.html",
            {
                "doc": doc,
                "document_label": label,
                "length": formats.number_format(length, force_grouping=True),
                "limit": formats.number_format(settings.PDF_MAX_TEXT_LENGTH, force_grouping=True),
            },
        )
        return html, _page_css(document_label=_label(doc, kind), is_draft=doc.is_draft)


def render_document(doc, kind):
    """Document ``kind`` of ``doc`` as a :class:`RenderedFile`, labels in ``doc.language``.

    A document longer than ``settings.PDF_MAX_TEXT_LENGTH`` characters comes out as a
    one-page notice saying so (under the same file name). Raises
    :class:`DocumentRenderFailed` if the rendering passes the time or memory limit.
    """
    html, page_css = document_html(doc, kind)
    length = text_length(html)
    if length > settings.PDF_MAX_TEXT_LENGTH:
        html, page_css = _too_long_html(doc, kind, length)
    try:
        content = html_to_pdf(html, stylesheets=(stylesheet(), page_css), limits=render_limits())
    except RenderLimitExceeded as exc:
        raise DocumentRenderFailed(exc.limit) from exc
    return RenderedFile(
        filename=document_filename(doc, kind),
        content_type=PDF_CONTENT_TYPE,
        content=content,
    )


def render_notice(doc, kind, limit):
    """A one-page notice, under the document's own file name and in ``doc.language``,
    that document ``kind`` of ``doc``'s delegation could not be rendered within the
    ``limit`` (``"time"``, ``"memory"``): what a bundle holds in its place, so that one
    delegation never fails the whole workshop's bundle. Rendered within the limits
    too (it is one short page)."""
    with translation.override(doc.language):
        html = render_to_string(
            "summaries/pdf/not_rendered.html",
            {
                "doc": doc,
                "delegation": doc.delegation_name,
                "document_label": _label(doc, kind),
                "reason": render_failure_message(limit),
            },
        )
        page_css = _page_css(document_label=_label(doc, kind), is_draft=doc.is_draft)
    content = html_to_pdf(html, stylesheets=(stylesheet(), page_css), limits=render_limits())
    return RenderedFile(document_filename(doc, kind), PDF_CONTENT_TYPE, content)


def render_action_plan(doc):
    """The delegation's plan of actions."""
    return render_document(doc, "action_plan")


def render_ta_requests(doc):
    """The delegation's TA requests."""
    return render_document(doc, "ta_requests")


def render_summary(doc):
    """A delegation's summary of one session."""
    return render_document(doc, "summary")
